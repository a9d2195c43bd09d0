#!/bin/sh
# Builds a Debian root file system from Debian's packages with mmdebstrap (tools/deps.sh
# service) and caches it as a tar under build/debian/; prints the tar's path. The tar is named
# after a hash of what went into it (suite, architecture, packages, this script), so a change
# makes a new one; one younger than a week is reused, else built again (security updates).
# With no archive at hand (offline), the newest cached one of the same hash is used.
# Root is needed (mmdebstrap's root mode: device nodes and owners as in a real system).
#
# Usage: tools/debian-rootfs.sh [-s SUITE] [-a ARCH] [-p PACKAGE,...]
#   -s SUITE    bookworm (default), bullseye, trixie
#   -a ARCH     x86_64 (amd64, the default), aarch64 (arm64), armhf, i386
#   -p LIST     packages over Debian's essential set (default: systemd,systemd-sysv,rsyslog:
#               systemd as PID 1 and the syslog daemon Debian ships)
# Documentation, manual pages and translations are left out (dpkg path-exclude).
# Environment: MINISNOOP_CACHE (default build/debian), MINISNOOP_MIRROR (default
# http://deb.debian.org/debian), MINISNOOP_SECURITY_MIRROR (http://deb.debian.org/debian-security).
set -eu
die() { echo "tools/debian-rootfs.sh: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
suite=bookworm arch=x86_64 pkgs=systemd,systemd-sysv,rsyslog
while getopts s:a:p:h opt; do
	case "$opt" in
	s) suite=$OPTARG ;;
	a) arch=$OPTARG ;;
	p) pkgs=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 0 ] || usage
case "$arch" in
x86_64 | amd64) debarch=amd64 ;;
aarch64 | arm64) debarch=arm64 ;;
armhf | arm) debarch=armhf ;;
i386 | i686) debarch=i386 ;;
*) echo "tools/debian-rootfs.sh: unknown architecture '$arch' (x86_64, aarch64, armhf, i386)" >&2; exit 2 ;;
esac
case "$suite" in bullseye | bookworm | trixie) ;; *) echo "tools/debian-rootfs.sh: unknown suite '$suite' (bullseye, bookworm, trixie)" >&2; exit 2 ;; esac
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: tools/deps.sh service (or apt-get install mmdebstrap)"
[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap's root mode)"
cache=${MINISNOOP_CACHE:-build/debian}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
mirror=${MINISNOOP_MIRROR:-http://deb.debian.org/debian}
secmirror=${MINISNOOP_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
key=$( (echo "$suite $debarch $pkgs" && cat "$0") | sha256sum | cut -c1-12)
out=$cache/rootfs-$suite-$debarch-$key.tar
if [ -f "$out" ] && [ -n "$(find "$out" -mtime -7 2>/dev/null)" ]; then
	echo "$out"
	exit 0
fi
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
sec="$secmirror $suite-security main"
if mmdebstrap --quiet --mode=root --variant=essential --architectures="$debarch" \
	--include="$pkgs" \
	--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
	--format=tar "$suite" "$tmp" "deb $mirror $suite main" "deb $mirror $suite-updates main" \
	"deb $sec" >"$cache/rootfs-$suite-$debarch.log" 2>&1; then
	mv "$tmp" "$out"
	echo "tools/debian-rootfs.sh: built $out ($(du -h "$out" | cut -f1))" >&2
	echo "$out"
	exit 0
fi
echo "tools/debian-rootfs.sh: mmdebstrap failed (log: $cache/rootfs-$suite-$debarch.log):" >&2
grep -E '^E:' "$cache/rootfs-$suite-$debarch.log" | head -n 3 | cut -c1-200 | sed 's/^/    /' >&2
[ -f "$out" ] || die "no cached root file system either"
echo "tools/debian-rootfs.sh: using the cached $out" >&2
echo "$out"
