#!/usr/bin/env bash
# The initramfs boot test: boots Debian kernels under qemu (TCG) with an initramfs of
# busybox-static and minisnoop only, runs tests/initramfs/guest.sh there (check, verify,
# tracing known execs) and compares what minisnoop captured with what was run
# (tests/initramfs/check.py). x86_64 images also hold tests/initramfs/exec32.c, built static
# for i686 (i686-linux-gnu-gcc), and tests/initramfs/int80.c, built static and not PIE: their
# execs go through the kernel's 32-bit entry; and the tiny build (make tiny: its code packed,
# unpacked at start), whose `check` must pass too.
# Installs what it needs (tools/deps.sh); kernels and busybox come from Debian's archive
# through a private apt configuration (tools/debian-fetch.sh) and are cached in build/debian/;
# images and console logs go to build/initramfs/.
#
# Usage: tools/boot-test.sh [OPTIONS] [CASE...]
#   CASE           ARCH[-SERIES][-nobtf]: ARCH x86_64, aarch64, armhf, riscv64, i386; SERIES
#                  5.10 (Debian bullseye), 6.1 (bookworm, the default), 6.12 (trixie; riscv64's
#                  default and only one); -nobtf boots with MINISNOOP_NO_BTF=1, so ppid comes
#                  from fork tracking. A kernel built without BTF (armhf's) is booted in that
#                  mode anyway, and its -nobtf case is the same boot (run once).
#                  Default (CI): x86_64-5.10 x86_64-5.10-nobtf x86_64-6.12 x86_64-6.12-nobtf
#                  aarch64-6.1 armhf-6.1
#   --all          every suite of every ARCH that Debian has a kernel for, with and without
#                  BTF: x86_64, aarch64 and armhf 5.10 6.1 6.12; i386 5.10 6.1; riscv64 6.12
#   --bin-ARCH F   the static minisnoop for ARCH (default: build/minisnoop for x86_64,
#                  build-arm64, build-armhf, build-riscv64, build-i386/minisnoop for the others,
#                  each (re)built with make CROSS_COMPILE=... first; a given one is used as is)
#   --no-build     do not run make
#   --timeout S    kill a boot after S seconds (default 300 for x86_64 and aarch64; 600 for
#                  armhf, i386 and riscv64, slower under TCG: verify --log-level 2 alone took
#                  70-180 s of their boots, two boots at a time on a 2-CPU host)
#   --smp N        guest CPUs (default 2)
#   -j N           boots at a time (default 2 when the host has 2 CPUs or more, else 1)
#   --guest F      the guest script (default tests/initramfs/guest.sh)
# Prints one line per case, then `N passed, N failed`; exits 1 when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

ARCHES=(x86_64 aarch64 armhf riscv64 i386)
# per ARCH: the build directory, the cross-compiler prefix, the Debian suites with a kernel
declare -A BDIR=([x86_64]=build [aarch64]=build-arm64 [armhf]=build-armhf [riscv64]=build-riscv64 [i386]=build-i386)
declare -A CROSS=([x86_64]="" [aarch64]=aarch64-linux-gnu- [armhf]=arm-linux-gnueabihf- [riscv64]=riscv64-linux-gnu- [i386]=i686-linux-gnu-)
declare -A SERIES=([x86_64]="5.10 6.1 6.12" [aarch64]="5.10 6.1 6.12" [armhf]="5.10 6.1 6.12" [riscv64]="6.12" [i386]="5.10 6.1")
declare -A SUITE=([5.10]=bullseye [6.1]=bookworm [6.12]=trixie)
declare -A BIN=()
build=1 timeout="" smp=2 jobs="" guest=tests/initramfs/guest.sh cases=() all=0
while [ $# -gt 0 ]; do
	case "$1" in
	--all) all=1 ;;
	--bin-*)
		a=${1#--bin-}
		[ -n "${BDIR[$a]-}" ] || { echo "tools/boot-test.sh: unknown architecture in '$1'" >&2; usage; }
		BIN[$a]=$2
		shift
		;;
	--no-build) build=0 ;;
	--timeout) timeout=$2; shift ;;
	--smp) smp=$2; shift ;;
	-j) jobs=$2; shift ;;
	-j[0-9]*) jobs=${1#-j} ;;
	--guest) guest=$2; shift ;;
	-h | --help) usage ;;
	-*) echo "tools/boot-test.sh: unknown option '$1'" >&2; usage ;;
	*) cases+=("$1") ;;
	esac
	shift
done
if [ $all = 1 ]; then
	for a in "${ARCHES[@]}"; do
		for s in ${SERIES[$a]}; do cases+=("$a-$s" "$a-$s-nobtf"); done
	done
fi
[ ${#cases[@]} -gt 0 ] || cases=(x86_64-5.10 x86_64-5.10-nobtf x86_64-6.12 x86_64-6.12-nobtf aarch64-6.1 armhf-6.1)
if [ -z "$jobs" ]; then
	if [ "$(nproc)" -ge 2 ]; then jobs=2; else jobs=1; fi
fi

# Each case as ARCH SERIES MODE; the default series: 6.1, riscv64 6.12.
declare -A C_ARCH C_SER C_NOBTF
names=()
for c in "${cases[@]}"; do
	rest=$c nobtf=0
	if [[ $rest == *-nobtf ]]; then nobtf=1 rest=${rest%-nobtf}; fi
	a=${rest%%-*} s=""
	[ "$a" = "$rest" ] || s=${rest#*-}
	if [ -z "${BDIR[$a]-}" ]; then
		echo "tools/boot-test.sh: unknown case '$c' (architecture: ${ARCHES[*]})" >&2
		usage
	fi
	[ -n "$s" ] || if [ "$a" = riscv64 ]; then s=6.12; else s=6.1; fi
	if [[ " ${SERIES[$a]} " != *" $s "* ]]; then
		echo "tools/boot-test.sh: no Debian kernel $s for $a (there are: ${SERIES[$a]})" >&2
		exit 2
	fi
	n="$a-$s"
	[ $nobtf = 0 ] || n="$n-nobtf"
	[ -z "${C_ARCH[$n]-}" ] || continue
	C_ARCH[$n]=$a C_SER[$n]=$s C_NOBTF[$n]=$nobtf
	names+=("$n")
done
out=build/initramfs
mkdir -p "$out"
t0=$(date +%s.%N)

arches=() kernels=()
for n in "${names[@]}"; do
	a=${C_ARCH[$n]} k="${C_ARCH[$n]}-${C_SER[$n]}"
	[[ " ${arches[*]-} " == *" $a "* ]] || arches+=("$a")
	[[ " ${kernels[*]-} " == *" $k "* ]] || kernels+=("$k")
done

# --- packages ------------------------------------------------------------------------------
sets="initramfs"
for a in "${arches[@]}"; do
	case "$a" in
	x86_64) sets="$sets cross-i686" ;;
	aarch64) sets="$sets initramfs-arm64" ;;
	armhf) sets="$sets initramfs-armhf" ;;
	riscv64) sets="$sets initramfs-riscv64" ;;
	esac
	if [ "$a" != x86_64 ] && [ $build = 1 ] && [ -z "${BIN[$a]-}" ]; then
		case "$a" in i386) sets="$sets cross-i686" ;; *) sets="$sets cross-${BDIR[$a]#build-}" ;; esac
	fi
done
# shellcheck disable=SC2086 # a list of set names
bash tools/deps.sh $sets || exit 1

# --- binaries, kernels, images: a failure here fails the cases that need it ------------------
declare -A ERR KERNEL IMAGE BTF
for a in "${arches[@]}"; do
	ERR[$a]=""
	bin=${BIN[$a]-}
	if [ -z "$bin" ]; then
		bin="${BDIR[$a]}/minisnoop"
		if [ $build = 1 ]; then
			mk=(make -s B="${BDIR[$a]}")
			[ -z "${CROSS[$a]}" ] || mk+=(CROSS_COMPILE="${CROSS[$a]}")
			mk+=(all)
			[ "$a" != x86_64 ] || mk+=(tiny)
			if ! "${mk[@]}" >"$out/build-$a.log" 2>&1; then
				ERR[$a]="'${mk[*]}' failed: $(grep -m1 -E 'error|Error' "$out/build-$a.log" || tail -n 1 "$out/build-$a.log")"
				continue
			fi
		fi
	fi
	BIN[$a]=$bin
	if [ "$a" = x86_64 ]; then
		# A 32-bit program for the 64-bit kernel's IA32 emulation (Debian's kernels have it).
		if ! i686-linux-gnu-gcc -static -Os -s -Wall -Wextra -Werror -o "$out/exec32" \
			tests/initramfs/exec32.c >"$out/build-exec32.log" 2>&1; then
			ERR[$a]="i686-linux-gnu-gcc tests/initramfs/exec32.c failed: $(grep -m1 -E 'error' "$out/build-exec32.log" || tail -n 1 "$out/build-exec32.log")"
		fi
		# A 64-bit program whose `int $0x80` passes 32-bit pointers: its data below 4 GiB.
		if ! gcc -static -no-pie -Os -s -Wall -Wextra -Werror -o "$out/int80" \
			tests/initramfs/int80.c >"$out/build-int80.log" 2>&1; then
			ERR[$a]="gcc tests/initramfs/int80.c failed: $(grep -m1 -E 'error' "$out/build-int80.log" || tail -n 1 "$out/build-int80.log")"
		fi
	fi
done
for k in "${kernels[@]}"; do
	a=${k%%-*} s=${k#*-}
	ERR[$k]=${ERR[$a]}
	[ -z "${ERR[$k]}" ] || continue
	suite=${SUITE[$s]}
	if ! KERNEL[$k]=$(tools/debian-fetch.sh -s "$suite" kernel "$a" 2>"$out/fetch-$k.log"); then
		ERR[$k]="no kernel: $(tail -n 1 "$out/fetch-$k.log")"
		continue
	fi
	# A kernel without BTF: minisnoop uses fork tracking for ppid there, as with MINISNOOP_NO_BTF.
	if grep -q '^CONFIG_DEBUG_INFO_BTF=y' "$(dirname "${KERNEL[$k]}")/config" 2>/dev/null; then BTF[$k]=1; else BTF[$k]=0; fi
	more=()
	[ "$a" != x86_64 ] || more=(-e "$out/exec32" -e "$out/int80")
	tiny=$(dirname "${BIN[$a]}")/minisnoop-tiny
	[ "$a" != x86_64 ] || [ ! -x "$tiny" ] || more+=(-e "$tiny")
	if ! IMAGE[$k]=$(tools/initramfs.sh -a "$a" -s "$suite" -b "${BIN[$a]}" -r "$guest" "${more[@]}" \
		-o "$out/$k.cpio.gz" 2>"$out/image-$k.log"); then
		ERR[$k]="no initramfs: $(tail -n 1 "$out/image-$k.log")"
		continue
	fi
done

# A -nobtf case on a kernel without BTF is the plain case's boot: run it once.
run=() skipped=()
for n in "${names[@]}"; do
	k="${C_ARCH[$n]}-${C_SER[$n]}"
	if [ "${C_NOBTF[$n]}" = 1 ] && [ "${BTF[$k]-1}" = 0 ] && [[ " ${names[*]} " == *" $k "* ]]; then
		skipped+=("$n")
	else
		run+=("$n")
	fi
done

# --- boots ----------------------------------------------------------------------------------
# run_case CASE: boots, checks; leaves CASE.log (console), CASE.result (lines) and CASE.rc
run_case() {
	local n=$1 a=${C_ARCH[$1]} s=${C_SER[$1]} k="${C_ARCH[$1]}-${C_SER[$1]}"
	local mode=btf extra="" log="$out/$1.log" res="$out/$1.result" label="initramfs $a $s"
	local qemu st e rc boot limit=$timeout
	if [ "${C_NOBTF[$n]}" = 1 ]; then
		mode=no-btf extra=" MINISNOOP_NO_BTF=1" label="$label no-btf"
	elif [ "${BTF[$k]-1}" = 0 ]; then
		mode=no-btf label="$label (kernel without BTF)"
	fi
	rm -f "$log" "$res" "$out/$n.rc"
	if [ -n "${ERR[$k]}" ]; then
		echo "$label: FAILED (${ERR[$k]})" >"$res"
		echo 1 >"$out/$n.rc"
		return
	fi
	[ -n "$limit" ] || case "$a" in x86_64 | aarch64) limit=300 ;; *) limit=600 ;; esac
	# x86 guests on one TCG thread: x86 kernels patch code that other CPUs may be running
	# (static keys, static calls, kprobes: text_poke_bp, through an int3), and qemu's
	# multi-threaded TCG can keep a stale translation of that int3 when another vCPU runs
	# there meanwhile; the kernel, finding no int3 in memory, sends that vCPU back to it
	# forever (soft lockups at the syscall tracepoints' sites, x86_64 5.10: tools/README.md).
	# arm64 patches one instruction at a time: a stale translation runs the old or the new
	# one, both valid. One thread runs both vCPUs in turn: boots take about as long here.
	case "$a" in
	x86_64) qemu=(qemu-system-x86_64 -accel tcg,thread=single -cpu max -append "console=ttyS0 panic=-1 quiet$extra") ;;
	i386) qemu=(qemu-system-i386 -accel tcg,thread=single -cpu max -append "console=ttyS0 panic=-1 quiet$extra") ;;
	aarch64) qemu=(qemu-system-aarch64 -M virt -accel tcg -cpu cortex-a57 -append "console=ttyAMA0 panic=-1 quiet$extra") ;;
	# Debian's armmp kernel on qemu's virt board (which passes its own device tree)
	armhf) qemu=(qemu-system-arm -M virt -accel tcg -cpu cortex-a15 -append "console=ttyAMA0 panic=-1 quiet$extra") ;;
	# OpenSBI (qemu's default -bios) starts the kernel in S-mode
	riscv64) qemu=(qemu-system-riscv64 -M virt -accel tcg -append "console=ttyS0 panic=-1 quiet$extra") ;;
	esac
	qemu+=(-m 512 -smp "$smp" -nographic -no-reboot -nic none -kernel "${KERNEL[$k]}" -initrd "${IMAGE[$k]}")
	st=$(date +%s.%N)
	timeout -k 5 "$limit" "${qemu[@]}" </dev/null >"$log" 2>&1
	rc=$?
	e=$(date +%s.%N)
	boot=$(awk "BEGIN { printf \"%.2f\", $e - $st }")
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		printf '%s: FAILED (boot killed after %s s: hung)\n' "$label" "$limit" >"$res"
		rc=1
	elif [ $rc != 0 ]; then
		printf '%s: FAILED (%s exited %s)\n' "$label" "${qemu[0]}" "$rc" >"$res"
		rc=1
	else
		python3 tests/initramfs/check.py "$log" --label "$label" --mode $mode --boot "$boot" >"$res" 2>&1
		rc=$?
	fi
	if [ $rc != 0 ]; then
		echo "    console ($log), last lines:" >>"$res"
		tr -d '\r' <"$log" | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | grep -v '^@@ms arg ' |
			tail -n 25 | cut -c1-300 | sed 's/^/    | /' >>"$res"
	fi
	echo $rc >"$out/$n.rc"
}

report() { cat "$out/$1.result"; }

running=0
for n in "${run[@]}"; do
	if [ "$jobs" -le 1 ]; then
		run_case "$n"
		report "$n"
	else
		run_case "$n" &
		running=$((running + 1))
		if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
	fi
done
wait
passed=0 failed=0
for n in "${run[@]}"; do
	[ "$jobs" -le 1 ] || report "$n"
	if [ "$(cat "$out/$n.rc" 2>/dev/null)" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
for n in "${skipped[@]}"; do
	echo "initramfs ${C_ARCH[$n]} ${C_SER[$n]} no-btf: the same boot as ${C_ARCH[$n]}-${C_SER[$n]} (the kernel has no BTF)"
done
awk "BEGIN { printf \"initramfs: %d boots in %.1f s (%d at a time)\\n\", ${#run[@]}, $(date +%s.%N) - $t0, $jobs }"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
