#!/usr/bin/env bash
# The initramfs boot test: boots Debian's 6.1 kernel under qemu (TCG) with an initramfs of
# busybox-static and minisnoop only, runs tests/initramfs/guest.sh there (check, verify,
# tracing known execs) and compares what minisnoop captured with what was run
# (tests/initramfs/check.py). The x86_64 image also holds tests/initramfs/exec32.c, built
# static for i686 (i686-linux-gnu-gcc): its execs go through the kernel's 32-bit entry.
# Installs what it needs from Debian's archive; kernels and busybox are cached in
# build/debian/, images and console logs go to build/initramfs/.
#
# Usage: tools/boot-test.sh [OPTIONS] [CASE...]
#   CASE             x86_64, x86_64-nobtf, aarch64, aarch64-nobtf
#                    (default: x86_64 x86_64-nobtf aarch64); -nobtf boots with
#                    MINISNOOP_NO_BTF=1, so ppid comes from fork tracking
#   --bin-x86_64 F   the x86_64 static minisnoop (default build/minisnoop)
#   --bin-aarch64 F  the aarch64 one (default build-arm64/minisnoop)
#                    A default binary is (re)built with make first; a given one is used as is.
#   --no-build       do not run make
#   --timeout S      kill a boot after S seconds (default 120)
#   --smp N          guest CPUs (default 2)
#   -j N             boots at a time (default 1)
#   --guest F        the guest script (default tests/initramfs/guest.sh)
# Prints one line per case, then `N passed, N failed`; exits 1 when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

declare -A BIN=([x86_64]="" [aarch64]="")
build=1 timeout=120 smp=2 jobs=1 guest=tests/initramfs/guest.sh cases=()
while [ $# -gt 0 ]; do
	case "$1" in
	--bin-x86_64) BIN[x86_64]=$2; shift ;;
	--bin-aarch64) BIN[aarch64]=$2; shift ;;
	--no-build) build=0 ;;
	--timeout) timeout=$2; shift ;;
	--smp) smp=$2; shift ;;
	-j) jobs=$2; shift ;;
	--guest) guest=$2; shift ;;
	-h | --help) usage ;;
	x86_64 | x86_64-nobtf | aarch64 | aarch64-nobtf) cases+=("$1") ;;
	*) echo "tools/boot-test.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
[ ${#cases[@]} -gt 0 ] || cases=(x86_64 x86_64-nobtf aarch64)
out=build/initramfs
mkdir -p "$out"
t0=$(date +%s.%N)

arches=()
for c in "${cases[@]}"; do
	a=${c%-nobtf}
	[[ " ${arches[*]-} " == *" $a "* ]] || arches+=("$a")
done

# --- packages ------------------------------------------------------------------------------
sets="initramfs"
for a in "${arches[@]}"; do
	case "$a" in
	x86_64) sets="$sets cross-i686" ;;
	aarch64)
		sets="$sets initramfs-arm64"
		[ $build = 0 ] || [ -n "${BIN[aarch64]}" ] || sets="$sets cross-arm64"
		;;
	esac
done
# shellcheck disable=SC2086 # a list of set names
bash tools/deps.sh $sets || exit 1

# --- binaries, kernels, images: a failure here fails that architecture's cases --------------
declare -A ERR KERNEL IMAGE
for a in "${arches[@]}"; do
	ERR[$a]=""
	bin=${BIN[$a]}
	if [ -z "$bin" ]; then
		if [ "$a" = x86_64 ]; then bin="build/minisnoop"; else bin="build-arm64/minisnoop"; fi
		if [ $build = 1 ]; then
			if [ "$a" = x86_64 ]; then mk=(make -s all); else mk=(make -s CROSS_COMPILE=aarch64-linux-gnu- B=build-arm64 all); fi
			if ! "${mk[@]}" >"$out/build-$a.log" 2>&1; then
				ERR[$a]="'${mk[*]}' failed: $(grep -m1 -E 'error|Error' "$out/build-$a.log" || tail -n 1 "$out/build-$a.log")"
				continue
			fi
		fi
	fi
	if ! KERNEL[$a]=$(tools/debian-fetch.sh kernel "$a" 2>"$out/fetch-$a.log"); then
		ERR[$a]="no kernel: $(tail -n 1 "$out/fetch-$a.log")"
		continue
	fi
	more=()
	if [ "$a" = x86_64 ]; then
		# A 32-bit program for the 64-bit kernel's IA32 emulation (Debian's kernels have it).
		if ! i686-linux-gnu-gcc -static -Os -s -Wall -Wextra -Werror -o "$out/exec32" \
			tests/initramfs/exec32.c >"$out/build-exec32.log" 2>&1; then
			ERR[$a]="i686-linux-gnu-gcc tests/initramfs/exec32.c failed: $(grep -m1 -E 'error' "$out/build-exec32.log" || tail -n 1 "$out/build-exec32.log")"
			continue
		fi
		more=(-e "$out/exec32")
	fi
	if ! IMAGE[$a]=$(tools/initramfs.sh -a "$a" -b "$bin" -r "$guest" "${more[@]}" -o "$out/$a.cpio.gz" 2>"$out/image-$a.log"); then
		ERR[$a]="no initramfs: $(tail -n 1 "$out/image-$a.log")"
		continue
	fi
done

# --- boots ----------------------------------------------------------------------------------
# run_case CASE: boots, checks; leaves CASE.log (console), CASE.result (lines) and CASE.rc
run_case() {
	local c=$1 a=${1%-nobtf} mode=btf extra="" log="$out/$1.log" res="$out/$1.result"
	local qemu s e rc boot label
	[ "$c" = "$a" ] || { mode=no-btf; extra=" MINISNOOP_NO_BTF=1"; }
	label="initramfs $a${extra:+ no-btf}"
	rm -f "$log" "$res" "$out/$c.rc"
	if [ -n "${ERR[$a]}" ]; then
		echo "$label: FAILED (${ERR[$a]})" >"$res"
		echo 1 >"$out/$c.rc"
		return
	fi
	case "$a" in
	x86_64) qemu=(qemu-system-x86_64 -accel tcg -cpu max -append "console=ttyS0 panic=-1 quiet$extra") ;;
	aarch64) qemu=(qemu-system-aarch64 -M virt -accel tcg -cpu cortex-a57 -append "console=ttyAMA0 panic=-1 quiet$extra") ;;
	esac
	qemu+=(-m 512 -smp "$smp" -nographic -no-reboot -nic none -kernel "${KERNEL[$a]}" -initrd "${IMAGE[$a]}")
	s=$(date +%s.%N)
	timeout -k 5 "$timeout" "${qemu[@]}" </dev/null >"$log" 2>&1
	rc=$?
	e=$(date +%s.%N)
	boot=$(awk "BEGIN { printf \"%.2f\", $e - $s }")
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		printf '%s: FAILED (boot killed after %s s: hung)\n' "$label" "$timeout" >"$res"
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
	echo $rc >"$out/$c.rc"
}

report() { cat "$out/$1.result"; }

running=0
for c in "${cases[@]}"; do
	if [ "$jobs" -le 1 ]; then
		run_case "$c"
		report "$c"
	else
		run_case "$c" &
		running=$((running + 1))
		if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
	fi
done
wait
passed=0 failed=0
for c in "${cases[@]}"; do
	[ "$jobs" -le 1 ] || report "$c"
	if [ "$(cat "$out/$c.rc" 2>/dev/null)" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
awk "BEGIN { printf \"initramfs: %d boots in %.1f s\\n\", ${#cases[@]}, $(date +%s.%N) - $t0 }"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
