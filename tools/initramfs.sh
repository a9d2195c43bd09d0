#!/bin/sh
# Builds an initramfs (cpio newc + gzip) holding Debian's busybox-static, a static
# minisnoop and an init script, for x86_64, aarch64, armhf, riscv64 or i386.
#
# Usage: tools/initramfs.sh [-a ARCH] [-s SUITE] [-b MINISNOOP] [-i INIT] [-r RC] [-e PROG]...
#                           [-f FILE:PATH]... [-o OUT]
#   -a ARCH        x86_64 (default), aarch64, armhf, riscv64 or i386
#   -s SUITE       the Debian suite busybox-static comes from (bullseye, bookworm, trixie; default
#                  tools/debian-fetch.sh's: bookworm, trixie for riscv64)
#   -b MINISNOOP   the static binary (default build/minisnoop for x86_64, else build-ARCH/minisnoop:
#                  build-arm64, build-armhf, build-riscv64, build-i386)
#   -i INIT        the /init script (default tools/initramfs-init.sh)
#   -r RC          a script installed as /etc/minisnoop-rc, which that /init runs instead of
#                  an interactive shell (the boot test's guest script)
#   -e PROG        one more static program, installed as /bin/$(basename PROG); repeatable
#                  (the boot test's 32-bit exec32 on x86_64). An ELF for ARCH or for its
#                  32-bit sibling (i386 on x86_64, armhf on aarch64)
#   -f FILE:PATH   one more file, installed as PATH with FILE's mode (the service boot's init
#                  script); repeatable
#   -o OUT         the image (default build/initramfs/ARCH.cpio.gz)
# busybox-static comes from Debian's archive for ARCH (tools/debian-fetch.sh, cached).
# Boot it, e.g. (tools/boot-test.sh has the qemu command line of each ARCH):
#   qemu-system-x86_64 -accel tcg,thread=single -cpu max -m 512 -nographic -no-reboot \
#     -kernel VMLINUZ -initrd build/initramfs/x86_64.cpio.gz -append "console=ttyS0 panic=-1"
set -eu
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
die() { echo "tools/initramfs.sh: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
arch=x86_64 suite="" bin="" init="$here/initramfs-init.sh" rc="" out="" extra="" files=""
nl='
'
while getopts a:s:b:i:r:e:f:o:h opt; do
	case "$opt" in
	a) arch=$OPTARG ;;
	s) suite=$OPTARG ;;
	b) bin=$OPTARG ;;
	i) init=$OPTARG ;;
	r) rc=$OPTARG ;;
	e) extra="$extra$OPTARG$nl" ;;
	f) files="$files$OPTARG$nl" ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 0 ] || usage
# ELF class (1: 32-bit, 2: 64-bit) and e_machine of ARCH's binaries, and of its 32-bit sibling's
case "$arch" in
x86_64) elf=2:3e compat=1:03 dir=build ;;
aarch64) elf=2:b7 compat=1:28 dir=build-arm64 ;;
armhf) elf=1:28 compat="" dir=build-armhf ;;
riscv64) elf=2:f3 compat="" dir=build-riscv64 ;;
i386) elf=1:03 compat="" dir=build-i386 ;;
*) echo "tools/initramfs.sh: unknown architecture '$arch' (x86_64, aarch64, armhf, riscv64, i386)" >&2; exit 2 ;;
esac
: "${bin:=$dir/minisnoop}"
: "${out:=build/initramfs/$arch.cpio.gz}"
for t in cpio gzip; do
	command -v $t >/dev/null || die "$t is missing: apt-get install $t (or tools/deps.sh initramfs)"
done
[ -f "$bin" ] || die "$bin: no such file: build it first (make, or e.g. make CROSS_COMPILE=aarch64-linux-gnu- B=build-arm64)"
[ -f "$init" ] || die "$init: no such file"
[ -z "$rc" ] || [ -f "$rc" ] || die "$rc: no such file"

# A binary must be a little-endian ELF for ARCH (class at offset 4, e_machine at 18) and
# static: the image has no dynamic loader and no libc. check_elf FILE CLASS:MACHINE...
check_elf() {
	f=$1
	shift
	magic=$(od -An -tx1 -N4 "$f" | tr -d ' \n')
	[ "$magic" = 7f454c46 ] || die "$f: not an ELF file"
	c=$(od -An -tx1 -j4 -N1 "$f" | tr -d ' \n0')
	m=$(od -An -tx1 -j18 -N1 "$f" | tr -d ' \n')
	case " $* " in *" $c:$m "*) ;; *) die "$f: not an $arch binary (ELF class $c, machine 0x$m)" ;; esac
	if command -v readelf >/dev/null && readelf -lW "$f" 2>/dev/null | grep -q 'program interpreter'; then
		die "$f: dynamically linked: a static binary is needed (musl-gcc or -static)"
	fi
}
check_elf "$bin" "$elf"
printf '%s' "$extra" | while IFS= read -r f; do
	[ -f "$f" ] || die "$f: no such file"
	# shellcheck disable=SC2086 # compat may be empty
	check_elf "$f" "$elf" $compat
done

busybox=$("$here/debian-fetch.sh" ${suite:+-s "$suite"} busybox "$arch")

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/bin "$stage"/sbin "$stage"/usr/bin "$stage"/usr/sbin "$stage"/etc \
	"$stage"/proc "$stage"/sys "$stage"/dev "$stage"/tmp "$stage"/root
cp "$busybox" "$stage/bin/busybox"
cp "$bin" "$stage/bin/minisnoop"
cp "$init" "$stage/init"
printf '%s' "$extra" | while IFS= read -r f; do
	cp "$f" "$stage/bin/${f##*/}"
	chmod 0755 "$stage/bin/${f##*/}"
done
chmod 0755 "$stage/bin/busybox" "$stage/bin/minisnoop" "$stage/init"
chmod 1777 "$stage/tmp"
if [ -n "$rc" ]; then cp "$rc" "$stage/etc/minisnoop-rc"; fi
printf '%s' "$files" | while IFS= read -r f; do
	case "$f" in *:/*) ;; *) die "-f $f: FILE:PATH with an absolute PATH" ;; esac
	[ -f "${f%%:*}" ] || die "${f%%:*}: no such file"
	mkdir -p "$stage$(dirname "${f#*:}")"
	cp -p "${f%%:*}" "$stage${f#*:}"
done
# The kernel opens /dev/console for init before anything is mounted; without the node
# init starts with no output until it mounts devtmpfs. mknod needs root.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
# Same bytes for the same inputs: fixed times and owners, sorted names, no gzip timestamp.
find "$stage" -exec touch -h -d @0 {} +
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
