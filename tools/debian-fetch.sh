#!/bin/sh
# Fetches a Debian kernel or busybox-static for an architecture from Debian's archive, caches
# it under build/debian/ and prints the path of the cached file. Nothing is installed and the
# system's apt sources and dpkg are left alone: each suite and architecture gets a private apt
# configuration (its own sources.list, package lists and status under CACHE/apt/SUITE-ARCH),
# used with apt-get download and dpkg-deb. No root needed. A cached copy is reused; with no
# archive at hand (offline) the newest cached copy is used.
#
# Usage: tools/debian-fetch.sh [-s SUITE] [-p PACKAGE] kernel|busybox ARCH
#   ARCH        x86_64 (or amd64), aarch64 (arm64), armhf (arm), riscv64, i386 (i686)
#   -s SUITE    bullseye (kernel 5.10), bookworm (6.1), trixie (6.12); the kernel series or the
#               Debian version (5.10, 11, ...) name the same suites. Default: $MINISNOOP_SUITE,
#               else bookworm (trixie for riscv64, which Debian has since trixie only).
#               Debian trixie has no i386 kernel.
#   -p PACKAGE  kernel: this package of SUITE instead of the newest of the suite's series,
#               e.g. linux-image-6.1.0-57-amd64-unsigned ($MINISNOOP_KERNEL_PKG)
# kernel prints DIR/vmlinuz (the kernel image; for riscv64 Debian's uncompressed Image), with
# the kernel's config next to it as DIR/config. busybox prints DIR/busybox (busybox-static of
# SUITE: /bin/busybox up to bookworm, /usr/bin/busybox from trixie on).
# Environment:
#   MINISNOOP_CACHE            cache directory (default build/debian)
#   MINISNOOP_MIRROR           Debian mirror (default http://deb.debian.org/debian)
#   MINISNOOP_SECURITY_MIRROR  its security archive (default http://deb.debian.org/debian-security)
# The package lists are refreshed when older than a day, or when a download fails.
set -eu
die() { echo "tools/debian-fetch.sh: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
suite=${MINISNOOP_SUITE:-} pkg=${MINISNOOP_KERNEL_PKG:-}
while getopts s:p:h opt; do
	case "$opt" in
	s) suite=$OPTARG ;;
	p) pkg=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 2 ] || usage
what=$1
# debarch, the kernel flavour (the package name's tail: the signed kernels' -unsigned twin
# where Debian signs them)
case "$2" in
x86_64 | amd64) debarch=amd64 flavour=amd64-unsigned ;;
aarch64 | arm64) debarch=arm64 flavour=arm64-unsigned ;;
armhf | arm) debarch=armhf flavour=armmp ;;
riscv64) debarch=riscv64 flavour=riscv64 ;;
i386 | i686) debarch=i386 flavour=686-unsigned ;;
*) echo "tools/debian-fetch.sh: unknown architecture '$2' (x86_64, aarch64, armhf, riscv64, i386)" >&2; exit 2 ;;
esac
if [ -z "$suite" ]; then
	if [ $debarch = riscv64 ]; then suite=trixie; else suite=bookworm; fi
fi
case "$suite" in
bullseye | 5.10 | 11) suite=bullseye series=5.10 ;;
bookworm | 6.1 | 12) suite=bookworm series=6.1 ;;
trixie | 6.12 | 13) suite=trixie series=6.12 ;;
*) echo "tools/debian-fetch.sh: unknown suite '$suite' (bullseye or 5.10, bookworm or 6.1, trixie or 6.12)" >&2; exit 2 ;;
esac
case "$what" in kernel | busybox) ;; *) usage ;; esac
if [ $debarch = riscv64 ] && [ $suite != trixie ]; then
	die "Debian $suite has no riscv64 packages (riscv64 is a release architecture from trixie on): -s trixie"
fi
if [ $debarch = i386 ] && [ $suite = trixie ] && [ "$what" = kernel ]; then
	die "Debian trixie has no i386 kernel (bullseye and bookworm have): -s bullseye or -s bookworm"
fi
for t in apt-get apt-cache dpkg-deb; do
	command -v $t >/dev/null || die "$t is missing: a Debian host is needed"
done
cache=${MINISNOOP_CACHE:-build/debian}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
mirror=${MINISNOOP_MIRROR:-http://deb.debian.org/debian}
secmirror=${MINISNOOP_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

# Every temporary file lives under $work, in the cache (so that a rename moves it into place),
# and goes on any exit: a failed or interrupted fetch leaves nothing behind.
work=""
trap 'if [ -n "$work" ]; then rm -rf "$work"; fi' EXIT
trap 'exit 130' INT TERM HUP
work=$(mktemp -d "$cache/.fetch.XXXXXX")

# --- the private apt configuration -----------------------------------------------------------
aptdir=$cache/apt/$suite-$debarch
mkdir -p "$aptdir/sources.list.d" "$aptdir/preferences.d" "$aptdir/state/lists/partial" \
	"$aptdir/cache/archives/partial"
[ -f "$aptdir/status" ] || : >"$aptdir/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
opts=""
[ ! -f $keyring ] || opts=" signed-by=$keyring"
cat >"$work/sources.list" <<EOF
deb [arch=$debarch$opts] $mirror $suite main
deb [arch=$debarch$opts] $mirror $suite-updates main
deb [arch=$debarch$opts] $secmirror $suite-security main
EOF
cmp -s "$work/sources.list" "$aptdir/sources.list" || mv "$work/sources.list" "$aptdir/sources.list"

# papt apt-get|apt-cache ARGS...: apt with only this suite and architecture, nothing of the system's
papt() {
	_cmd=$1
	shift
	"$_cmd" -q -o Dir::Etc::sourcelist="$aptdir/sources.list" \
		-o Dir::Etc::sourceparts="$aptdir/sources.list.d" \
		-o Dir::Etc::preferences="$aptdir/preferences" \
		-o Dir::Etc::preferencesparts="$aptdir/preferences.d" \
		-o Dir::State="$aptdir/state" -o Dir::State::status="$aptdir/status" \
		-o Dir::Cache="$aptdir/cache" -o APT::Architecture="$debarch" \
		-o APT::Architectures::="$debarch" -o Acquire::Languages=none "$@"
}

# apt names a list after its URI: deb.debian.org_debian_dists_bookworm_main_binary-armhf_Packages.lz4
listname=$(echo "$mirror" | sed -e 's|^[a-z+]*://||' -e 's|/*$||' -e 's|/|_|g')_dists_${suite}_main_binary-${debarch}_Packages
have_lists() { ls "$aptdir/state/lists/$listname"* >/dev/null 2>&1; }

# Refreshes the package lists. A list that fails (a mirror in the middle of a sync, say, for
# SUITE-security) is reported and the others are used; returns 1 when there are no lists.
refresh() {
	_rc=0
	papt apt-get update >"$work/update.log" 2>&1 || _rc=$?
	# apt-get update exits 0 when a repository cannot be reached at all (a warning).
	if ! have_lists; then
		echo "tools/debian-fetch.sh: apt-get update for $suite ($debarch) got no package list:" >&2
		grep -E '^(E|W|Err):' "$work/update.log" | head -n 3 | cut -c1-200 | sed 's/^/    /' >&2
		return 1
	fi
	touch "$aptdir/updated"
	if [ $_rc != 0 ] || grep -qE '^(E:|W: Failed)' "$work/update.log"; then
		echo "tools/debian-fetch.sh: warning: some package lists of $suite ($debarch) failed, going on with the others:" >&2
		grep -E '^(E|W):' "$work/update.log" | grep -v 'Some index files' | head -n 3 | cut -c1-200 | sed 's/^/    /' >&2
	fi
}

if ! have_lists || [ -z "$(find "$aptdir/updated" -mmin -1440 2>/dev/null)" ]; then
	refresh || true
fi

# versions PKG: its versions in the package lists, newest first, one a line
versions() {
	papt apt-cache madison "$1" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); if (!seen[$2]++) print $2 }'
}

# Not in the package lists (offline?): prints the newest cached DIR/FILE whose directory name
# matches the extended regular expression RE, and exits. use_cached RE FILE WHAT
use_cached() {
	cached=$(find "$cache" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | grep -E "$1" | sort -V | tail -n 1 || true)
	if [ -z "$cached" ] || [ ! -f "$cache/$cached/$2" ]; then
		die "no $3 in the package lists of $suite ($debarch) and none cached in $cache (offline? apt-get update failed?)"
	fi
	echo "$cache/$cached/$2"
	exit 0
}

re_escape() { echo "$1" | sed 's/[.+]/\\&/g'; }

# unpack_kernel DEB PKG: $work/x/vmlinuz and $work/x/config from a linux-image package
unpack_kernel() {
	rm -rf "$work/x" && mkdir -p "$work/x"
	# Only /boot is wanted: the modules would be ~400 MB unpacked.
	dpkg-deb --fsys-tarfile "$1" | tar -x -C "$work/x" --wildcards './boot/*'
	# vmlinuz-VERSION; riscv64: vmlinux-VERSION (an uncompressed Image)
	img=$(find "$work/x/boot" -maxdepth 1 -type f \( -name 'vmlinuz-*' -o -name 'vmlinux-*' \) | head -n 1)
	[ -n "$img" ] || die "$2: no /boot/vmlinuz-* or /boot/vmlinux-* in the package"
	mv "$img" "$work/x/vmlinuz"
	cfg=$(find "$work/x/boot" -maxdepth 1 -type f -name 'config-*' | head -n 1)
	[ -n "$cfg" ] || die "$2: no /boot/config-* in the package"
	mv "$cfg" "$work/x/config"
	rm -rf "$work/x/boot"
}

# unpack_busybox DEB PKG: $work/x/busybox from busybox-static: /bin/busybox up to bookworm,
# /usr/bin/busybox from trixie on
unpack_busybox() {
	rm -rf "$work/x" "$work/pkg" && mkdir -p "$work/x" "$work/pkg"
	dpkg-deb -x "$1" "$work/pkg"
	for f in usr/bin/busybox bin/busybox; do
		if [ -f "$work/pkg/$f" ] && [ ! -L "$work/pkg/$f" ]; then
			mv "$work/pkg/$f" "$work/x/busybox"
			break
		fi
	done
	rm -rf "$work/pkg"
	[ -f "$work/x/busybox" ] || die "$2: neither /bin/busybox nor /usr/bin/busybox in the package"
}

# fetch FILE PKG...: the first of PKG... (each at its versions, newest first) that is
# cached or can be downloaded: prints CACHE/PKG_VERSION[_ARCH]/FILE and exits; returns when
# none of them can. A mirror may list a version its pool does not have (yet, or any more):
# the next one is tried.
fetch() {
	_file=$1
	shift
	for _pkg; do
		for _ver in $(versions "$_pkg"); do
			_dir="$cache/${_pkg}_${_ver#*:}"
			[ "$what" != busybox ] || _dir="${_dir}_$debarch"
			if [ -f "$_dir/$_file" ]; then
				echo "$_dir/$_file"
				exit 0
			fi
			rm -rf "$work/deb" && mkdir -p "$work/deb"
			if (cd "$work/deb" && papt apt-get download "$_pkg=$_ver" >"$work/dl.log" 2>&1); then
				echo "tools/debian-fetch.sh: fetched $_pkg $_ver ($suite, $debarch)" >&2
				if [ "$what" = kernel ]; then
					unpack_kernel "$work/deb/"*.deb "$_pkg"
				else
					unpack_busybox "$work/deb/"*.deb "$_pkg"
				fi
				# A rename: nobody sees half a copy.
				rm -rf "$_dir"
				mv "$work/x" "$_dir"
				echo "$_dir/$_file"
				exit 0
			fi
			echo "tools/debian-fetch.sh: $_pkg $_ver ($suite, $debarch): $(grep -E '^E:' "$work/dl.log" | head -n 1 | cut -c1-200)" >&2
		done
	done
}

# candidates: the packages to try, one a line, newest first
if [ "$what" = busybox ]; then
	given=busybox-static
	cached_re="^busybox-static_.*_$debarch\$" file=busybox
elif [ -n "$pkg" ]; then
	given=$pkg
	cached_re="^$(re_escape "$pkg")_" file=vmlinuz
else
	given=""
	# The suite's own series, not a backport: 6.1.0-57 or 6.12.43+deb13 (not 6.1.0-0.deb11.x
	# in bullseye-security, nor 6.12.x+deb12 in bookworm-security), and the flavour itself
	# (not -rt- or -cloud-); newest ABI first.
	re="^linux-image-$(re_escape "$series")\\.[0-9]+(-[0-9]+|\\+deb[0-9]+)-$(re_escape "$flavour")"
	cached_re="${re}_" file=vmlinuz pkg="linux-image-$series.*-$flavour"
fi
candidates() {
	if [ -n "$given" ]; then
		echo "$given"
	else
		papt apt-cache pkgnames linux-image- 2>/dev/null | grep -E "$re\$" | sort -rV || true
	fi
}
# shellcheck disable=SC2046 # a list of package names
fetch "$file" $(candidates)
# Nothing in the lists could be had: refresh them once and try again, else use a cached copy.
if refresh; then
	# shellcheck disable=SC2046 # a list of package names
	fetch "$file" $(candidates)
fi
use_cached "$cached_re" "$file" "${given:-$pkg}"
