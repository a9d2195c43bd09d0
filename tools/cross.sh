#!/bin/sh
# Builds the static binary for each ISA the README claims (cross builds, nothing is run),
# checks it is a static executable for the right machine, strips it and prints its size:
#   <isa>: N bytes stripped (libc, dir/minisnoop)
# Usage: tools/cross.sh [ISA...]   (default: x86_64 aarch64 armhf i386 riscv64; make cross)
# Installs what the builds need with tools/deps.sh (root). Every ISA is built even after one
# fails, so that one run shows all failures; the exit status is 1 if any failed.
set -u
cd "$(dirname "$0")/.." || exit 1
isas=${*:-x86_64 aarch64 armhf i386 riscv64}

# isa -> CROSS_COMPILE, tools/deps.sh set, build directory (the names boot-test.sh uses),
# ELF class and readelf's machine name
spec() {
	case "$1" in
	x86_64)
		# native on CI's x86_64 host; elsewhere a cross gcc tools/deps.sh does not install
		if [ "$(uname -m)" = x86_64 ]; then pre=""; else pre=x86_64-linux-gnu-; fi
		set_=build dir=build-x86_64 class=ELF64 machine="Advanced Micro Devices X86-64" ;;
	aarch64) pre=aarch64-linux-gnu- set_=cross-arm64 dir=build-arm64 class=ELF64 machine=AArch64 ;;
	armhf) pre=arm-linux-gnueabihf- set_=cross-armhf dir=build-armhf class=ELF32 machine=ARM ;;
	i386) pre=i686-linux-gnu- set_=cross-i686 dir=build-i386 class=ELF32 machine="Intel 80386" ;;
	riscv64) pre=riscv64-linux-gnu- set_=cross-riscv64 dir=build-riscv64 class=ELF64 machine=RISC-V ;;
	*)
		echo "tools/cross.sh: unknown ISA '$1' (x86_64, aarch64, armhf, i386, riscv64)" >&2
		exit 2
		;;
	esac
}

sets=""
for isa in $isas; do
	spec "$isa"
	sets="$sets $set_"
done
# shellcheck disable=SC2086 # a list of set names
tools/deps.sh $sets || exit 1

jobs=$(nproc 2>/dev/null || echo 2)
failed=""
for isa in $isas; do
	spec "$isa"
	mkdir -p "$dir"
	bin=$dir/minisnoop
	# The compiler's lines go to a log: the run shows one line per ISA, or the log's tail.
	if ! make --no-print-directory -j"$jobs" CROSS_COMPILE="$pre" B="$dir" "$bin" \
		>"$dir/cross.log" 2>&1; then
		tail -n 20 "$dir/cross.log" >&2
		echo "minisnoop: $isa: build failed (log: $dir/cross.log)" >&2
		failed="$failed $isa"
		continue
	fi
	# Static (no interpreter, no dynamic section) and for the machine asked for.
	hdr=$("${pre}readelf" -hl "$bin" 2>&1)
	got=$(echo "$hdr" | sed -n 's/^ *Machine: *//p')
	if ! echo "$hdr" | grep -q "Class: *$class\$" || [ "$got" != "$machine" ] ||
		echo "$hdr" | grep -qE '^ *(INTERP|DYNAMIC) '; then
		echo "minisnoop: $isa: $bin is not a static $class $machine executable ($got)" >&2
		failed="$failed $isa"
		continue
	fi
	"${pre}strip" -o "$bin.stripped" "$bin" || { failed="$failed $isa"; continue; }
	# Which libc the Makefile chose (Debian's musl wrapper when installed): the link map's libc.a.
	libc=glibc
	grep -m1 'libc\.a' "$dir/minisnoop.map" 2>/dev/null | grep -q musl && libc=musl
	echo "$isa: $(stat -c %s "$bin.stripped") bytes stripped ($libc, $bin)"
done
[ -z "$failed" ] || { echo "minisnoop: cross builds failed:$failed" >&2; exit 1; }
