#!/bin/sh
# Installs the Debian packages minisnoop's build and tests need, only those missing.
# Usage: tools/deps.sh SET... (default: build)
#   build, test, bench, fuzz       what those make targets need
#   bench-peers                    make bench BENCH_PEERS=1: the peers it compares with
#   image                          make image: buildah (offline, vfs storage); python3-yaml
#                                  for the DaemonSet's check
#   initramfs                      the boot test on x86_64 and i386 guests (qemu-system-x86)
#   initramfs-arm64                aarch64 and armhf guests (qemu-system-arm; also initramfs-armhf)
#   initramfs-riscv64              riscv64 guests (qemu-system-misc, with OpenSBI in qemu-system-data)
#   service                        make test-service: the initramfs set, and mmdebstrap for the
#                                  Debian root file system with systemd
#   install-check                  systemd (its systemd-analyze verifies the unit: make install-check)
#   cross-arm64, cross-armhf, cross-riscv64, cross-i686
#                                  make CROSS_COMPILE=aarch64-linux-gnu- | arm-linux-gnueabihf- |
#                                  riscv64-linux-gnu- | i686-linux-gnu-: the cross gcc, the
#                                  target's kernel UAPI headers and musl (glibc for riscv64:
#                                  Debian 12 has no riscv64 packages, so no musl-dev:riscv64)
set -eu
want="gcc make libc6-dev linux-libc-dev"
for what in "${@:-build}"; do
	case "$what" in
	build) want="$want musl-tools binutils" ;;
	test) want="$want musl-tools libcmocka-dev bpftool python3 util-linux rsyslog" ;;
	bench) want="$want musl-tools" ;;
	# BENCH_PEERS=1: the peers (libbpf-tools' execsnoop and exitsnoop, bpftrace's execsnoop.bt,
	# auditd: on a systemd host its package enables and starts auditd.service)
	bench-peers) want="$want libbpf-tools bpftrace auditd coreutils" ;;
	initramfs) want="$want musl-tools qemu-system-x86 cpio gzip python3 coreutils" ;;
	initramfs-arm64 | initramfs-armhf) want="$want qemu-system-arm" ;;
	initramfs-riscv64) want="$want qemu-system-misc" ;;
	service) want="$want musl-tools qemu-system-x86 cpio gzip python3 coreutils mmdebstrap debian-archive-keyring tar" ;;
	install-check) want="$want systemd" ;;
	cross-arm64) want="$want gcc-aarch64-linux-gnu linux-libc-dev-arm64-cross musl-dev:arm64" ;;
	cross-armhf) want="$want gcc-arm-linux-gnueabihf linux-libc-dev-armhf-cross musl-dev:armhf" ;;
	# libc6-dev-riscv64-cross is only a Recommends of the compiler.
	cross-riscv64) want="$want gcc-riscv64-linux-gnu libc6-dev-riscv64-cross linux-libc-dev-riscv64-cross" ;;
	# i386 minisnoop (musl) and the boot test's static 32-bit program (i686-linux-gnu-gcc -static,
	# glibc: libc6-dev-i386-cross is only a Recommends of the compiler). Not gcc-multilib: it
	# conflicts with the cross gccs.
	cross-i686) want="$want gcc-i686-linux-gnu libc6-dev-i386-cross linux-libc-dev-i386-cross musl-dev:i386" ;;
	# make fuzz: clang, and libFuzzer with its sanitizer runtimes (libclang-rt-dev, only a
	# Recommends of clang's headers package).
	fuzz) want="$want clang libclang-rt-dev" ;;
	image) want="$want buildah python3 python3-yaml" ;;
	*) echo "tools/deps.sh: unknown set '$what' (build, test, bench, bench-peers, fuzz, image, initramfs, service, install-check, initramfs-arm64, initramfs-armhf, initramfs-riscv64, cross-arm64, cross-armhf, cross-riscv64, cross-i686)" >&2; exit 2 ;;
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
# apt-get update; a list that failed to download (a mirror in the middle of a sync) is said,
# not fatal: the install below fails by itself if a package is really not found.
update() {
	log=$(mktemp)
	apt-get update -q >"$log" 2>&1 || {
		grep -E '^(E|W):' "$log" | head -n 3 >&2
		echo "minisnoop: apt-get update reported errors; going on with the lists it got" >&2
	}
	rm -f "$log"
}
# Packages of another architecture (musl-dev:arm64 for musl cross builds) need it known:
# every new one added, then one update for all (make cross adds three).
added=""
for p in $missing; do
	case "$p" in *:*)
		arch=${p#*:}
		if ! dpkg --print-foreign-architectures | grep -qx "$arch" &&
			[ "$arch" != "$(dpkg --print-architecture)" ]; then
			dpkg --add-architecture "$arch"
			added=1
		fi
		;;
	esac
done
[ -z "$added" ] || update
# An old or empty package list cannot find new packages: refresh once if needed.
# shellcheck disable=SC2086 # a list of names
apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
	update
	# shellcheck disable=SC2086 # a list of names
	apt-get install -y -q --no-install-recommends $missing >/dev/null
}
