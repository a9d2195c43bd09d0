#!/bin/sh
# Installs the Debian packages minisnoop's build and tests need, only those missing.
# Usage: tools/deps.sh [build|test|bench|initramfs|initramfs-arm64|cross-arm64|cross-i686|fuzz]...
# (default: build)
set -eu
want="gcc make libc6-dev linux-libc-dev"
for what in "${@:-build}"; do
	case "$what" in
	build) want="$want musl-tools" ;;
	test) want="$want musl-tools libcmocka-dev bpftool python3 util-linux" ;;
	bench) want="$want musl-tools" ;;
	initramfs) want="$want musl-tools busybox-static qemu-system-x86 cpio gzip python3 coreutils" ;;
	initramfs-arm64) want="$want qemu-system-arm" ;;
	cross-arm64) want="$want gcc-aarch64-linux-gnu linux-libc-dev-arm64-cross musl-dev:arm64" ;;
	# The boot test's static 32-bit program (i686-linux-gnu-gcc -static); libc6-dev-i386-cross
	# is only a Recommends of the compiler. Not gcc-multilib: it conflicts with the cross gccs.
	cross-i686) want="$want gcc-i686-linux-gnu libc6-dev-i386-cross" ;;
	# make fuzz: clang, and libFuzzer with its sanitizer runtimes (libclang-rt-dev, only a
	# Recommends of clang's headers package).
	fuzz) want="$want clang libclang-rt-dev" ;;
	*) echo "tools/deps.sh: unknown set '$what' (build, test, bench, initramfs, initramfs-arm64, cross-arm64, cross-i686, fuzz)" >&2; exit 2 ;;
	esac
done
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "minisnoop: missing Debian packages:$missing: run as root (sudo) to install them" >&2
	exit 1
fi
echo "minisnoop: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Packages of another architecture (musl-dev:arm64 for musl cross builds) need it known.
for p in $missing; do
	case "$p" in *:*)
		arch=${p#*:}
		if ! dpkg --print-foreign-architectures | grep -qx "$arch" &&
			[ "$arch" != "$(dpkg --print-architecture)" ]; then
			dpkg --add-architecture "$arch"
			apt-get update -q >/dev/null
		fi
		;;
	esac
done
# An old or empty package list cannot find new packages: refresh once if needed.
# shellcheck disable=SC2086 # a list of names
apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086 # a list of names
	apt-get install -y -q --no-install-recommends $missing >/dev/null
}
