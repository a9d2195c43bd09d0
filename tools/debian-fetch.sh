#!/bin/sh
# Fetches a Debian kernel or busybox-static for an architecture from Debian's archive
# (apt-get download + dpkg-deb, nothing is installed), caches it under build/debian/ and
# prints the path of the cached file. A cached copy is reused; with no archive at hand
# (offline) the newest cached copy is used.
#
# Usage: tools/debian-fetch.sh kernel|busybox x86_64|aarch64
#   MINISNOOP_CACHE       cache directory (default build/debian)
#   MINISNOOP_KERNEL      kernel series to pick the newest ABI of (default 6.1)
#   MINISNOOP_KERNEL_PKG  an exact package instead, e.g. linux-image-6.1.0-56-amd64-unsigned
# Needs root only to add a foreign dpkg architecture (arm64 on an amd64 host) the first time.
set -eu
die() { echo "tools/debian-fetch.sh: $*" >&2; exit 1; }
[ $# = 2 ] || { echo "usage: tools/debian-fetch.sh kernel|busybox x86_64|aarch64" >&2; exit 2; }
what=$1
case "$2" in
x86_64 | amd64) debarch=amd64 ;;
aarch64 | arm64) debarch=arm64 ;;
*) echo "tools/debian-fetch.sh: unknown architecture '$2' (x86_64, aarch64)" >&2; exit 2 ;;
esac
cache=${MINISNOOP_CACHE:-build/debian}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
export DEBIAN_FRONTEND=noninteractive

# apt-get sees arm64 packages only once dpkg knows the architecture.
ensure_arch() {
	[ "$debarch" = "$(dpkg --print-architecture)" ] && return 0
	dpkg --print-foreign-architectures | grep -qx "$debarch" && return 0
	[ "$(id -u)" = 0 ] || die "dpkg does not know architecture $debarch: run as root once (dpkg --add-architecture $debarch && apt-get update)"
	echo "tools/debian-fetch.sh: adding dpkg architecture $debarch" >&2
	dpkg --add-architecture "$debarch"
	apt-get update -q >/dev/null
}

# candidate VERSION of PKG in the package lists, empty when unknown
candidate() {
	apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)' || true
}

# fetch PKG: downloads it into a temporary directory under the cache, prints the .deb path
download() {
	tmp=$(mktemp -d "$cache/.dl.XXXXXX")
	if ! (cd "$tmp" && apt-get download -q "$1" >/dev/null 2>"$tmp/err"); then
		# An old package list may name a version the mirror no longer has.
		if [ "$(id -u)" = 0 ]; then
			apt-get update -q >/dev/null 2>&1 || true
			(cd "$tmp" && apt-get download -q "$1" >/dev/null 2>"$tmp/err") ||
				{ cat "$tmp/err" >&2; rm -rf "$tmp"; die "apt-get download $1 failed"; }
		else
			cat "$tmp/err" >&2; rm -rf "$tmp"; die "apt-get download $1 failed"
		fi
	fi
	ls "$tmp"/*.deb
}

# Offline or not in the package lists: prints the newest cached DIR/FILE for glob and exits.
use_cached() {
	# shellcheck disable=SC2086,SC2012 # $1 is a glob; names are ours, without spaces
	cached=$(ls -d "$cache"/$1 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$cached" ] || [ ! -f "$cached/$2" ]; then
		die "no $3 in the package lists (apt-get update?) and none cached in $cache"
	fi
	echo "$cached/$2"
	exit 0
}

case "$what" in
kernel)
	ensure_arch
	pkg=${MINISNOOP_KERNEL_PKG:-}
	if [ -z "$pkg" ]; then
		series=${MINISNOOP_KERNEL:-6.1}
		re="^linux-image-$(echo "$series" | sed 's/\./\\./g')\.[0-9]+-[0-9]+-$debarch-unsigned\$"
		pkg=$(apt-cache pkgnames "linux-image-$series." 2>/dev/null | grep -E "$re" | sort -V | tail -n 1 || true)
		# A fresh machine's package lists may be empty or old: refresh them once.
		if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
			apt-get update -q >/dev/null 2>&1 || true
			pkg=$(apt-cache pkgnames "linux-image-$series." 2>/dev/null | grep -E "$re" | sort -V | tail -n 1 || true)
		fi
	fi
	ver=${pkg:+$(candidate "$pkg")}
	if [ -z "$pkg" ] || [ -z "$ver" ]; then
		want=${MINISNOOP_KERNEL_PKG:-linux-image-${MINISNOOP_KERNEL:-6.1}.*-$debarch-unsigned}
		use_cached "${want}_*" vmlinuz "$want"
	fi
	dir="$cache/${pkg}_${ver#*:}"
	if [ ! -f "$dir/vmlinuz" ]; then
		echo "tools/debian-fetch.sh: fetching $pkg $ver" >&2
		deb=$(download "$pkg")
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		# Only /boot is wanted: the modules would be ~400 MB unpacked.
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.tmp" --wildcards './boot/*'
		mv "$dir.tmp"/boot/vmlinuz-* "$dir.tmp/vmlinuz"
		mv "$dir.tmp"/boot/config-* "$dir.tmp/config"
		rm -rf "$dir.tmp/boot" "$(dirname "$deb")"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir/vmlinuz"
	;;
busybox)
	ensure_arch
	pkg=busybox-static:$debarch
	ver=$(candidate "$pkg")
	if [ -z "$ver" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -q >/dev/null 2>&1 || true
		ver=$(candidate "$pkg")
	fi
	[ -n "$ver" ] || use_cached "busybox-static_*_$debarch" busybox "$pkg"
	dir="$cache/busybox-static_${ver#*:}_$debarch"
	if [ ! -f "$dir/busybox" ]; then
		echo "tools/debian-fetch.sh: fetching $pkg $ver" >&2
		deb=$(download "$pkg")
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.tmp" ./bin/busybox
		mv "$dir.tmp/bin/busybox" "$dir.tmp/busybox"
		rm -rf "$dir.tmp/bin" "$(dirname "$deb")"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir/busybox"
	;;
*) echo "tools/debian-fetch.sh: fetch what? (kernel, busybox)" >&2; exit 2 ;;
esac
