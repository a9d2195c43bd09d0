#!/bin/sh
# shellcheck shell=dash disable=SC3045 # busybox ash: read -t
# A stress guest for tools/boot-test.sh --guest (x86_64 images: exec32, int80): the boot
# test's trace step over and over, to find a hang that a boot shows once in many. Each
# round starts `minisnoop -j --compat` while this shell (PID 1) polls its stderr for
# "tracing", runs the 32-bit, failed 32-bit and int $0x80 execs and three others, stops it,
# and goes on at once. The boot's result says FAILED (check.py finds no trace): read its log
# (build/initramfs/CASE.log) for the `@@ms round N` lines and any soft lockup, reported with
# both CPUs' stacks (the console at log level 8, the watchdog at 5 s).
#   tools/boot-test.sh --no-build --guest tests/initramfs/trace-loop.sh x86_64-5.10
# With several TCG threads, a run of 60 rounds stopped in soft lockups at the syscall
# tracepoints' jump labels (tools/README.md, start6); boot-test.sh now runs x86 on one.
say() { echo "@@ms $*"; }
echo 1 >/proc/sys/kernel/softlockup_all_cpu_backtrace
echo 5 >/proc/sys/kernel/watchdog_thresh
echo 8 >/proc/sys/kernel/printk
mkfifo /tmp/nap.fifo
nap() { read -r -t "$1" _ <>/tmp/nap.fifo; }
say trace-loop "$(uname -r)"
i=0
while [ $i -lt 60 ]; do
	: >/tmp/t.err
	minisnoop -j --compat >/tmp/t.out 2>/tmp/t.err &
	ms=$!
	j=0
	while [ $j -lt 300 ] && ! grep -q "minisnoop: tracing" /tmp/t.err; do
		nap 0.05
		j=$((j + 1))
	done
	/bin/busybox sleep 0.2 &
	/bin/exec32 /tmp/e.pid >/dev/null 2>&1
	/bin/exec32 /tmp/e.pid 65534 /nonexistent/exec32 >/dev/null 2>&1
	/bin/int80 /tmp/i.pid 65534 /nonexistent/int80 >/dev/null 2>&1
	/bin/busybox echo hello >/dev/null
	/bin/true 1 2 3
	/bin/sh -c '/bin/busybox echo grand >/dev/null & wait'
	kill $ms
	wait $ms
	say "round $i waited=$j lines=$(wc -l </tmp/t.out) $(tail -n 1 /tmp/t.err)"
	i=$((i + 1))
done
say trace-loop-done
