#!/bin/sh
# Builds an initramfs (cpio newc + gzip) holding Debian's busybox-static, a static
# minisnoop and an init script, for x86_64 or aarch64.
#
# Usage: tools/initramfs.sh [-a ARCH] [-b MINISNOOP] [-i INIT] [-r RC] [-o OUT]
#   -a ARCH        x86_64 (default) or aarch64
#   -b MINISNOOP   the static binary (default build/minisnoop, build-arm64/minisnoop for aarch64)
#   -i INIT        the /init script (default tools/initramfs-init.sh)
#   -r RC          a script installed as /etc/minisnoop-rc, which that /init runs instead of
#                  an interactive shell (the boot test's guest script)
#   -o OUT         the image (default build/initramfs/ARCH.cpio.gz)
# busybox-static comes from Debian's archive for ARCH (tools/debian-fetch.sh, cached).
# Boot it, e.g.:
#   qemu-system-x86_64 -accel tcg -cpu max -m 512 -nographic -no-reboot \
#     -kernel VMLINUZ -initrd build/initramfs/x86_64.cpio.gz -append "console=ttyS0 panic=-1"
set -eu
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
die() { echo "tools/initramfs.sh: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
arch=x86_64 bin="" init="$here/initramfs-init.sh" rc="" out=""
while getopts a:b:i:r:o:h opt; do
	case "$opt" in
	a) arch=$OPTARG ;;
	b) bin=$OPTARG ;;
	i) init=$OPTARG ;;
	r) rc=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 0 ] || usage
case "$arch" in
x86_64) machine=3e; : "${bin:=build/minisnoop}" ;;
aarch64) machine=b7; : "${bin:=build-arm64/minisnoop}" ;;
*) echo "tools/initramfs.sh: unknown architecture '$arch' (x86_64, aarch64)" >&2; exit 2 ;;
esac
: "${out:=build/initramfs/$arch.cpio.gz}"
for t in cpio gzip; do
	command -v $t >/dev/null || die "$t is missing: apt-get install $t (or tools/deps.sh initramfs)"
done
[ -f "$bin" ] || die "$bin: no such file: build it first (make, or make CROSS_COMPILE=aarch64-linux-gnu- B=build-arm64)"
[ -f "$init" ] || die "$init: no such file"
[ -z "$rc" ] || [ -f "$rc" ] || die "$rc: no such file"

# The binary must be an ELF for ARCH (e_machine, little-endian, at offset 18) and static:
# the image has no dynamic loader and no libc.
magic=$(od -An -tx1 -N4 "$bin" | tr -d ' \n')
[ "$magic" = 7f454c46 ] || die "$bin: not an ELF file"
m=$(od -An -tx1 -j18 -N1 "$bin" | tr -d ' \n')
[ "$m" = "$machine" ] || die "$bin: not an $arch binary (ELF machine 0x$m)"
if command -v readelf >/dev/null && readelf -lW "$bin" 2>/dev/null | grep -q 'program interpreter'; then
	die "$bin: dynamically linked: a static binary is needed (musl-gcc or -static)"
fi

busybox=$("$here/debian-fetch.sh" busybox "$arch")

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/bin "$stage"/sbin "$stage"/usr/bin "$stage"/usr/sbin "$stage"/etc \
	"$stage"/proc "$stage"/sys "$stage"/dev "$stage"/tmp "$stage"/root
cp "$busybox" "$stage/bin/busybox"
cp "$bin" "$stage/bin/minisnoop"
cp "$init" "$stage/init"
chmod 0755 "$stage/bin/busybox" "$stage/bin/minisnoop" "$stage/init"
chmod 1777 "$stage/tmp"
if [ -n "$rc" ]; then cp "$rc" "$stage/etc/minisnoop-rc"; fi
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
