#!/bin/sh
# shellcheck shell=dash disable=SC3045,SC2016,SC2154 # busybox ash: read -t; eval-assigned names
# The boot test's guest side: /etc/minisnoop-rc in the initramfs (tools/initramfs-init.sh
# runs it with proc, sysfs and devtmpfs mounted, nothing else). Runs minisnoop check and
# verify, traces a fixed set of execs with `minisnoop -j --count N`, and prints on the
# console, between `@@ms` markers, what minisnoop captured and the truth: pids from $! and
# $$, the exec's expected return value and every argument, hex-encoded. The host
# (tests/initramfs/check.py) compares the two. Nothing here knows what minisnoop printed.
#
# While the tracer runs, this shell execs nothing but the test commands (only builtins and
# forks), so that the N events are exactly the N expected ones.

say() { echo "@@ms $*"; }
stamp() { read -r up _ </proc/uptime; say "at $1 $up"; }
hex() { printf '%s' "$1" | hexdump -v -e '1/1 "%02x"'; }

stamp userspace
say kernel "$(uname -r)" "$(uname -m)" cpus="$(nproc)"
if [ -n "${MINISNOOP_NO_BTF:-}" ]; then say mode no-btf; else say mode btf; fi
# tracefs_state WHEN: says whether tracefs is mounted; `tracefs_state WHEN unmount` also
# unmounts it, so that the next minisnoop command has to mount it again itself.
tracefs_state() {
	if grep -qE ' (tracefs|debugfs) ' /proc/mounts; then
		say "tracefs-$1 mounted"
		if [ "${2:-}" = unmount ]; then
			umount /sys/kernel/tracing /sys/kernel/debug/tracing /sys/kernel/debug 2>/dev/null
			! grep -qE ' (tracefs|debugfs) ' /proc/mounts || say "bad-test cannot unmount tracefs"
		fi
	else
		say "tracefs-$1 absent"
	fi
}
tracefs_state before

# --- check --------------------------------------------------------------------------
minisnoop check >/tmp/check.out 2>&1
rc=$?
while IFS= read -r l; do say "check| $l"; done </tmp/check.out
say check-rc $rc
tracefs_state after-check unmount
stamp check

# --- verify: the full level-2 log is kept here, only its size and statistics are printed
minisnoop verify --log-level 2 >/tmp/verify.out 2>&1
rc=$?
say verify-rc $rc
say verify-size "$(wc -l </tmp/verify.out)" "$(wc -c </tmp/verify.out)"
grep 'processed [0-9]* insns' /tmp/verify.out | while IFS= read -r l; do say "verify-stat| $l"; done
[ $rc = 0 ] || tail -n 30 /tmp/verify.out | while IFS= read -r l; do say "verify-tail| $l"; done
tracefs_state after-verify unmount
stamp verify

# --- the commands, and their truth ------------------------------------------------------
NCASES=0
CASES=""
# record NAME PID PPID RET TRUNC ARGV...: keeps the truth in shell variables (no exec)
record() {
	_n=$1
	eval "T_${_n}_pid=\$2 T_${_n}_ppid=\$3 T_${_n}_ret=\$4 T_${_n}_trunc=\$5"
	shift 5
	eval "T_${_n}_argc=$#"
	_i=0
	for _a; do
		eval "T_${_n}_$_i=\$_a"
		_i=$((_i + 1))
	done
	CASES="$CASES $_n"
	NCASES=$((NCASES + 1))
}
# run NAME RET TRUNC ARGV...: runs ARGV as a child of this shell and records it
run() {
	_name=$1 _ret=$2 _tr=$3
	shift 3
	"$@" >/dev/null 2>&1 &
	_pid=$!
	wait $_pid
	record "$_name" $_pid $$ "$_ret" "$_tr" "$@"
}
nap() { read -r -t "$1" _ <>/tmp/nap.fifo; }

mkfifo /tmp/nap.fifo /tmp/go.fifo
printf 'not executable\n' >/tmp/noexec
chmod 644 /tmp/noexec
long=""
i=0
while [ $i -lt 300 ]; do long="${long}0123456789"; i=$((i + 1)); done # 3000 bytes
tab=$(printf '\t')
nl=$(printf 'new\nline.') # $() strips trailing newlines, not this one
nl=${nl%.}
ff=$(printf '\377') # not UTF-8: JSON must carry it as \udcff
# Forked before the tracer starts, execs after: its parent is older than minisnoop.
(
	read -r _ </tmp/go.fifo
	exec /bin/busybox sleep 2
) &
early=$!

EXPECT=10
minisnoop -j --count $EXPECT >/tmp/trace.json 2>/tmp/trace.err &
ms=$!
# Wait for "minisnoop: tracing" with builtins only (no exec may happen once it attached).
i=0
attached=""
while [ $i -lt 1200 ]; do
	while IFS= read -r l; do
		case "$l" in *"minisnoop: tracing"*) attached=1 ;; esac
	done </tmp/trace.err
	[ -n "$attached" ] && break
	kill -0 $ms 2>/dev/null || break
	nap 0.1
	i=$((i + 1))
done
stamp attached
if [ -z "$attached" ]; then
	say trace-not-attached
	kill $ms 2>/dev/null
fi
# A stuck tracer is stopped (SIGTERM) so that what it got is still printed.
(
	nap 30
	kill $ms 2>/dev/null
) &
watchdog=$!

if [ -n "$attached" ]; then
	record early $early $$ 0 0 /bin/busybox sleep 2
	echo go >/tmp/go.fifo
	run spaces 0 0 /bin/busybox echo "hello world" " lead" "tab${tab}x" 'q"uote' 'back\slash' "ünïcödé ✓" "$ff" "$nl" '$HOME *'
	run empty 0 0 /bin/busybox echo "" a "" "" b ""
	run symlink 0 0 /bin/true 1 2 3
	run missing -2 0 /nonexistent/prog "some arg"
	run noexec -13 0 /tmp/noexec x
	run long 0 0 /bin/busybox echo "$long"
	# 25 argv entries: the default --max-args 20 keeps argv[0..19] and says truncated.
	run many 0 1 /bin/true a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20 a21 a22 a23 a24
	# A child of a child: sh forks and execs busybox; ppid must be that sh.
	script='/bin/busybox echo grand "child arg" >/dev/null & echo $! >/tmp/grandchild.pid; wait'
	/bin/sh -c "$script" &
	sh_pid=$!
	wait $sh_pid
	record sh $sh_pid $$ 0 0 /bin/sh -c "$script"
	read -r gc </tmp/grandchild.pid
	record grandchild "$gc" $sh_pid 0 0 /bin/busybox echo grand "child arg"
	# Not waited for: it only has to outlive the tracer's output of its event.
fi
[ $NCASES = $EXPECT ] || say "bad-test expected $EXPECT cases, ran $NCASES"

wait $ms
rc=$?
kill $watchdog 2>/dev/null
stamp traced
say trace-rc $rc
tracefs_state after-trace

# --- report -------------------------------------------------------------------------------
for n in $CASES; do
	eval "say truth $n pid=\$T_${n}_pid ppid=\$T_${n}_ppid ret=\$T_${n}_ret truncated=\$T_${n}_trunc argc=\$T_${n}_argc"
	eval "argc=\$T_${n}_argc"
	i=0
	while [ "$i" -lt "$argc" ]; do
		eval "a=\$T_${n}_$i"
		say arg "$n" "$i" "$(hex "$a")"
		i=$((i + 1))
	done
done
while IFS= read -r l; do say "stderr| $l"; done </tmp/trace.err
say json-begin
cat /tmp/trace.json
say json-end
say "done"
