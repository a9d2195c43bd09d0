#!/usr/bin/env bash
# make test-service: the service files of tools/service/ proven in booted systems, under qemu
# (TCG), x86_64, Debian 12's kernel (6.1):
#   systemd  Debian 12 (bookworm) with systemd as PID 1, its root file system built from
#            Debian's packages (tools/debian-rootfs.sh: systemd, systemd-sysv, rsyslog over
#            the essential set; cached in build/debian/), booted as an initramfs; `make install
#            DESTDIR=... PREFIX=/usr` into it and minisnoop.service enabled as shipped. The guest
#            (service-boot/systemd-guest.sh) checks the installed unit, its capabilities, the
#            shipped drop-in, the restart gap, -w --rotate under a storm, systemd-analyze
#            security, init's mount namespace as the reference (-o root null), the sinks:
#            --journal through the shipped journal.conf, --syslog into Debian's rsyslog, --kmsg.
#   busybox  the busybox initramfs (tools/initramfs.sh) whose /init starts minisnoop first with
#            the shipped busybox init script (S01minisnoop), then execs; the guest
#            (service-boot/busybox-guest.sh) reads them from dmesg (-j --kmsg), every one of
#            them, then --kmsg under the kernel's rate limit.
# The console goes to build/service-boot/CASE.log; tools/service-boot/check.py checks it on
# the host and prints the figures (restart gap, exposure before and after).
#
# Usage: tools/boot-service.sh [--no-build] [--timeout S] [-j N] [CASE...]
#   CASE             systemd, busybox (default: both)
#   --no-build       use build/minisnoop as it is
#   --timeout S      kill a boot after S seconds (default 600)
#   -j N             boots at a time (default 2 with 2 CPUs or more)
# Prints one line per case and its figures, then `N passed, N failed`; exits 1 on a failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
build=1 timeout=600 jobs="" cases=()
while [ $# -gt 0 ]; do
	case "$1" in
	--no-build) build=0 ;;
	--timeout) timeout=$2; shift ;;
	-j) jobs=$2; shift ;;
	-h | --help) usage ;;
	systemd | busybox) cases+=("$1") ;;
	*) echo "tools/boot-service.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
[ ${#cases[@]} -gt 0 ] || cases=(systemd busybox)
if [ -z "$jobs" ]; then if [ "$(nproc)" -ge 2 ]; then jobs=2; else jobs=1; fi; fi
[ "$(id -u)" = 0 ] || { echo "tools/boot-service.sh: needs root (the root file system's owners and device nodes)" >&2; exit 1; }
out=build/service-boot
mkdir -p "$out"
t0=$(date +%s.%N)
bash tools/deps.sh service || exit 1
if [ $build = 1 ] && ! make -s all >"$out/build.log" 2>&1; then
	echo "tools/boot-service.sh: make failed: $(grep -m1 -E 'error|Error' "$out/build.log")" >&2
	exit 1
fi
kernel=$(tools/debian-fetch.sh -s bookworm kernel x86_64 2>"$out/fetch.log") ||
	{ echo "tools/boot-service.sh: no kernel: $(tail -n 1 "$out/fetch.log")" >&2; exit 1; }

# --- images: a failure fails its case ------------------------------------------------------
declare -A IMAGE ERR APPEND MEM
# systemd: the rootfs tar unpacked, make install into it, the unit enabled as shipped
image_systemd() {
	local tar root=$out/systemd-root
	tar=$(tools/debian-rootfs.sh -s bookworm -a x86_64 2>"$out/rootfs.log") ||
		{ ERR[systemd]="no root file system: $(tail -n 1 "$out/rootfs.log")"; return; }
	rm -rf "$root" && mkdir -p "$root"
	tar -x -C "$root" -f "$tar" || { ERR[systemd]="tar -x $tar failed"; return; }
	make -s install DESTDIR="$PWD/$root" PREFIX=/usr >"$out/install.log" 2>&1 ||
		{ ERR[systemd]="make install failed: $(tail -n 1 "$out/install.log")"; return; }
	# what `systemctl enable minisnoop` does, from [Install]: WantedBy=sysinit.target
	local want
	want=$(sed -n 's/^WantedBy=//p' "$root/usr/lib/systemd/system/minisnoop.service")
	mkdir -p "$root/etc/systemd/system/$want.wants" "$root/etc/systemd/system/multi-user.target.wants"
	ln -sf /usr/lib/systemd/system/minisnoop.service "$root/etc/systemd/system/$want.wants/minisnoop.service"
	install -m 0755 tools/service-boot/systemd-guest.sh "$root/usr/local/sbin/minisnoop-boottest"
	install -m 0644 tools/service-boot/minisnoop-boottest.service tools/service-boot/minisnoop-plain.service \
		"$root/etc/systemd/system/"
	ln -sf ../minisnoop-boottest.service "$root/etc/systemd/system/multi-user.target.wants/"
	# the console is the test's: no login prompt on it
	ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
	ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
	echo minisnoop-test >"$root/etc/hostname"
	# uncompressed: the kernel unpacks it faster than it would gunzip it under TCG
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out/systemd.cpio" ||
		{ ERR[systemd]="cpio failed"; return; }
	rm -rf "$root"
	IMAGE[systemd]=$out/systemd.cpio
	APPEND[systemd]="console=ttyS0 quiet loglevel=3 rdinit=/sbin/init panic=-1 systemd.show_status=0"
	MEM[systemd]=1536
}
# busybox: tools/initramfs.sh with the installed busybox script as /etc/init.d/S01minisnoop
image_busybox() {
	local d=$out/busybox-install
	rm -rf "$d"
	make -s install DESTDIR="$PWD/$d" PREFIX=/usr >"$out/install-busybox.log" 2>&1 ||
		{ ERR[busybox]="make install failed: $(tail -n 1 "$out/install-busybox.log")"; return; }
	IMAGE[busybox]=$(tools/initramfs.sh -a x86_64 -s bookworm -b "$d/usr/bin/minisnoop" \
		-r tools/service-boot/busybox-guest.sh \
		-f "$d/usr/share/minisnoop/busybox/S01minisnoop:/etc/init.d/S01minisnoop" \
		-o "$out/busybox.cpio.gz" 2>"$out/image-busybox.log") ||
		{ ERR[busybox]="no initramfs: $(tail -n 1 "$out/image-busybox.log")"; return; }
	rm -rf "$d"
	# printk.devkmsg=on would lock the setting: the guest writes it to the sysctl instead,
	# first thing (the same for minisnoop), and checks the default, ratelimit, at the end
	APPEND[busybox]="console=ttyS0 quiet panic=-1"
	MEM[busybox]=512
}
for c in "${cases[@]}"; do
	ERR[$c]=""
	s=$(date +%s.%N)
	"image_$c"
	awk "BEGIN { printf \"service-boot: $c image in %.1f s\\n\", $(date +%s.%N) - $s }" >"$out/$c.imagetime"
done

# --- boots ----------------------------------------------------------------------------------
run_case() {
	local c=$1 log=$out/$1.log res=$out/$1.result rc st
	rm -f "$log" "$res" "$out/$c.rc"
	if [ -n "${ERR[$c]}" ]; then
		echo "service $c: FAILED (${ERR[$c]})" >"$res"
		echo 1 >"$out/$c.rc"
		return
	fi
	st=$(date +%s.%N)
	# one TCG thread for both vCPUs: with one each, a vCPU could loop on a jump label the
	# kernel had patched (text_poke_bp's int3) in a block translated before (tools/README.md)
	timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg,thread=single -cpu max -m "${MEM[$c]}" -smp 2 -nographic \
		-no-reboot -nic none -kernel "$kernel" -initrd "${IMAGE[$c]}" -append "${APPEND[$c]}" \
		</dev/null >"$log" 2>&1
	rc=$?
	local boot
	boot=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $st }")
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "service $c: FAILED (boot killed after $timeout s: hung)" >"$res"
		rc=1
	elif [ $rc != 0 ]; then
		echo "service $c: FAILED (qemu exited $rc)" >"$res"
		rc=1
	else
		python3 tools/service-boot/check.py "$log" --case "$c" --boot "$boot" >"$res" 2>&1
		rc=$?
	fi
	cat "$out/$c.imagetime" >>"$res"
	if [ $rc != 0 ]; then
		echo "    console ($log), last lines:" >>"$res"
		tr -d '\r' <"$log" | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | grep -v -e '^@@sd gt ' |
			tail -n 30 | cut -c1-300 | sed 's/^/    | /' >>"$res"
	fi
	echo $rc >"$out/$c.rc"
}
running=0
for c in "${cases[@]}"; do
	run_case "$c" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
passed=0 failed=0
for c in "${cases[@]}"; do
	cat "$out/$c.result"
	if [ "$(cat "$out/$c.rc" 2>/dev/null)" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
awk "BEGIN { printf \"service-boot: %d boots in %.1f s\\n\", ${#cases[@]}, $(date +%s.%N) - $t0 }"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
