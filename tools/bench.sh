#!/usr/bin/env bash
# Exec-storm benchmark for minisnoop (run by `make bench`, as root).
#
# Four minisnoop variants: "minisnoop" (`minisnoop -j`), "minisnoop-all"
# (`minisnoop -j -o all -e`: every context field, environment included), "minisnoop-anc"
# (`minisnoop -j --exit -o +ancestors`: exits, fork records and the process table, issue
# 17's cost) and "minisnoop-life" (`minisnoop -j -o all,ancestors -e --exit`: everything,
# issue 21's lifecycle figure).
# In one run, alternating rounds so that machine noise hits every variant alike:
#   - exec rate of build/storm with no tracer, and with each tracer attached and
#     writing to a file; the ratio with/without (median of the per-round ratios);
#   - events of the storm that the tracer captured (minisnoop: JSON lines whose
#     filename is the true-static path and whose argument is the round's marker)
#     against N, and the lost count from its summary line;
#   - CPU per traced exec, which machine noise hardly moves: each of the tracer's
#     BPF programs' run time (kernel.bpf_stats_enabled=1 during the rounds, read
#     with build/progstats before and after each storm) and the tracer process's
#     user+system CPU time over the storm, per exec it traced (medians over rounds), and
#     as a fraction of libbpf-tools' execsnoop's in the same round;
#     the tracer's programs are those loaded after it started (and that it holds);
#   - the reader's wake-ups per second during the storm: the growth of the tracer's
#     voluntary context switches (/proc/PID/task/*/status) over the storm's time;
#   - system-wide CPU added per exec: the busy time of all CPUs (/proc/stat: user, nice,
#     system, irq, softirq, in clock ticks) over each storm, less that of the same round's
#     untraced storm, per exec; it counts what is paid inside the exec'ing processes too;
#   - peak RSS (/usr/bin/time -v, else VmHWM just before stopping), and what of it the
#     perf rings are (their mappings' Rss in /proc/PID/smaps after the storm).
# Then, again alternating, a few start/stop tries per tracer (build/startstop, from
# tools/startstop.c): the tracer's stdout and stderr on pipes, the clock
# started by the child just before it execs the tracer, a marker exec'd every
# BENCH_MARK_US:
#   - first event line: until the marker's line arrives on the pipe;
#   - attached: until the tracer says so (minisnoop's "tracing" on stderr; the
#     peers' header line, printed once their probes are attached);
#   - exit after SIGTERM: one more marker is run to its end, then SIGTERM, timed
#     until the tracer has exited; that marker's line must have been written;
#   - detached: until what the tracer left behind has exited too (minisnoop leaves
#     its programs' detaches, which wait for RCU grace periods, to a child).
# Last, the stripped size of the binary against the Makefile's SIZE_BUDGET.
# With BENCH_PEERS=1, libbpf-tools' execsnoop and exitsnoop, bpftrace's execsnoop.bt and
# auditd with an execve,execveat rule, when installed (this script installs nothing:
# `make bench BENCH_PEERS=1` runs tools/deps.sh bench-peers), take part in the same rounds
# (exitsnoop and auditd print no arguments, so not in the start/stop tries); one that is
# missing or does not start is left out, and the report says so. auditd: the daemon is
# started if it is not running (and stopped at the end), audit is enabled and the rule
# `-a always,exit -F arch=b64 -S execve,execveat` added only for its storms, with Debian's
# rules' backlog settings (-b 8192 --backlog_wait_time 60000); the rule, the enabled flag
# and the backlog settings are put back as found (the kernel keeps syscall audit contexts
# for tasks created after audit was first enabled, until reboot: every round pays alike,
# since audit is enabled once before round 1).
# Every measurement is a line of build/bench/samples.tsv (tracer, round, metric, value);
# build/benchreport prints the tables from that file alone (its header says what each
# metric is): one of every figure for every tracer, one of the goals (issue 21) with
# met or NOT met.
#
# Environment: BENCH_N (8000 execs per storm), BENCH_WORKERS (2), BENCH_ROUNDS (9),
# BENCH_LATENCY_TRIES (5 start/stop tries per tracer), BENCH_MARK_US (1000 µs
# between markers), BENCH_PEERS (0), BENCH_MINISNOOP_ARGS (extra options for both
# variants, e.g. "--pages 256"), B (build directory, default build), HOSTCC (gcc,
# for build/startstop), SIZE_BUDGET (the Makefile's), BENCH_BASELINE (another minisnoop
# binary, e.g. main's: it runs as minisnoop-base (-j), minisnoop-base-all (-j -o all -e),
# minisnoop-base-anc (-j --exit -o +ancestors) and minisnoop-base-life (-j -o all,ancestors
# -e --exit) in the same rounds, for before/after
# figures of one run).
#
# Exits 1 only when the benchmark itself cannot run (not root, a tool missing, a
# minisnoop variant does not start, a tracer dies); a missed goal is reported, not an error.
set -u

say() { printf '%s\n' "$*"; }
die() {
	printf 'minisnoop bench: %s\n' "$*" >&2
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	say "minisnoop bench: needs root (it loads BPF programs and attaches to tracepoints): run 'sudo make bench'" >&2
	exit 1
fi
[ "${BASH_VERSINFO[0]}" -ge 5 ] || die "needs bash 5 or newer (for \$EPOCHREALTIME)"

cd "$(dirname "$0")/.." || die "cannot cd to the source tree"
ROOT=$(pwd -P)
B=${B:-build}
MS=$ROOT/$B/minisnoop
STORM=$ROOT/$B/storm
TRUE=$ROOT/$B/true-static
PROGSTATS=$ROOT/$B/progstats
STARTSTOP=$ROOT/$B/startstop
REPORT=$ROOT/$B/benchreport
for f in "$MS" "$STORM" "$TRUE" "$PROGSTATS" "$STARTSTOP" "$REPORT"; do
	[ -x "$f" ] || die "$f is missing: run 'make all tools' (or 'make bench')"
done

N=${BENCH_N:-8000}
K=${BENCH_WORKERS:-2}
ROUNDS=${BENCH_ROUNDS:-9}
TRIES=${BENCH_LATENCY_TRIES:-5}
MARK_US=${BENCH_MARK_US:-1000}
PEERS=${BENCH_PEERS:-0}
read -r -a MS_EXTRA <<<"${BENCH_MINISNOOP_ARGS:-}"
SIZE_BUDGET=${SIZE_BUDGET:-$(sed -n 's/^SIZE_BUDGET ?= *\([0-9]*\).*/\1/p' Makefile)}
for v in N K ROUNDS TRIES MARK_US SIZE_BUDGET; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v='${!v}' is not a positive number"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/minisnoop-bench.XXXXXX") || die "mktemp failed"
SAMPLES=$ROOT/$B/bench/samples.tsv
mkdir -p "$ROOT/$B/bench" || die "cannot create $ROOT/$B/bench"
printf '# minisnoop bench samples: TRACER ROUND METRIC VALUE (tools/benchreport.c)\n' >"$SAMPLES" ||
	die "cannot write $SAMPLES"
TPID= # the background process we started (maybe /usr/bin/time)
SPID= # the tracer itself, which gets SIGINT
STATS_SYSCTL=/proc/sys/kernel/bpf_stats_enabled
STATS_WAS= # its value before we set it, to restore
# shellcheck disable=SC2317 # called by the trap
restore_stats() {
	[ -n "$STATS_WAS" ] && echo "$STATS_WAS" >"$STATS_SYSCTL"
	STATS_WAS=
}
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	restore_stats
	audit_restore
	if [ -n "$TPID" ] && [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
		kill -INT "$SPID" 2>/dev/null
		sleep 0.5
		kill -KILL "$SPID" 2>/dev/null
	fi
	[ -n "$TPID" ] && wait "$TPID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

TIME_V=
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
	TIME_V=/usr/bin/time
fi

# ---- helpers -----------------------------------------------------------------

# sample TRACER ROUND METRIC VALUE: one measurement into the samples file.
sample() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4//$'\t'/ }" >>"$SAMPLES"; }
is_ms() { [[ $1 == minisnoop* ]]; } # NAME: one of minisnoop's variants?

# The pid that has to get SIGINT: the child of /usr/bin/time when wrapped (PID
# itself when it has none, e.g. it already exited).
child_of() {
	local c='' i
	for ((i = 0; i < 200; i++)); do
		if [ -r "/proc/$1/task/$1/children" ]; then
			read -r c _ <"/proc/$1/task/$1/children"
		elif command -v pgrep >/dev/null; then
			c=$(pgrep -P "$1" | head -n1)
		fi
		[ -n "$c" ] && break
		kill -0 "$1" 2>/dev/null || break
		sleep 0.01
	done
	echo "${c:-$1}"
}

# How each tracer is started (into TCMD). Peers' stdout is made line-buffered so
# that the readiness probe and the first-event marker can be seen while they run.
tracer_cmd() { # NAME
	case $1 in
	minisnoop) TCMD=("$MS" -j "${MS_EXTRA[@]}") ;;
	minisnoop-all) TCMD=("$MS" -j -o all -e "${MS_EXTRA[@]}") ;;
	minisnoop-anc) TCMD=("$MS" -j --exit -o +ancestors "${MS_EXTRA[@]}") ;;
	minisnoop-life) TCMD=("$MS" -j -o "all,ancestors" -e --exit "${MS_EXTRA[@]}") ;;
	minisnoop-base) TCMD=("$BASELINE" -j "${MS_EXTRA[@]}") ;;
	minisnoop-base-all) TCMD=("$BASELINE" -j -o all -e "${MS_EXTRA[@]}") ;;
	minisnoop-base-anc) TCMD=("$BASELINE" -j --exit -o +ancestors "${MS_EXTRA[@]}") ;;
	minisnoop-base-life) TCMD=("$BASELINE" -j -o "all,ancestors" -e --exit "${MS_EXTRA[@]}") ;;
	execsnoop) TCMD=(stdbuf -oL "$EXECSNOOP") ;;
	exitsnoop) TCMD=(stdbuf -oL "$EXITSNOOP") ;;
	bpftrace) TCMD=(bpftrace -B none "$BT_SCRIPT") ;;
	esac
}

# start_tracer NAME OUT ERR [wrap]: starts the tracer in the background and
# returns once it is attached. minisnoop: its stderr says "tracing". Peers: a
# probe program is exec'd every 10 ms until the tracer has written it.
start_tracer() {
	local name=$1 out=$2 err=$3 wrap=${4:-} i
	if [ "$name" = auditd ]; then
		audit_on
		return
	fi
	tracer_cmd "$name"
	if [ -n "$wrap" ] && [ -n "$TIME_V" ]; then
		"$TIME_V" -v "${TCMD[@]}" >"$out" 2>"$err" &
		TPID=$!
		SPID=$(child_of "$TPID")
	else
		"${TCMD[@]}" >"$out" 2>"$err" &
		TPID=$!
		SPID=$TPID
	fi
	for ((i = 0; i < 3000; i++)); do
		kill -0 "$TPID" 2>/dev/null || {
			wait "$TPID"
			TPID='' SPID=''
			die "$name exited before tracing: $(errtail "$err")"
		}
		if is_ms "$name"; then
			grep -q 'tracing' "$err" && return 0
		elif [ "$name" = exitsnoop ]; then # no arguments: its comm
			"$TRUE" "msbench-ready-$$"
			grep -q '^true-static ' "$out" && return 0
		else
			"$TRUE" "msbench-ready-$$"
			grep -qF "msbench-ready-$$" "$out" && return 0
		fi
		sleep 0.01
	done
	kill -KILL "$SPID" 2>/dev/null
	wait "$TPID" 2>/dev/null
	TPID='' SPID=''
	die "$name did not start tracing within 30 s: $(errtail "$err")"
}

# wait_detached: until none of the programs in $TMP/held is loaded any more (a
# tracer may leave the detaches to a child that outlives it, its programs still
# running meanwhile), so that the next variant's storm does not pay for them.
wait_detached() {
	local id i loaded ids=()
	mapfile -t ids <"$TMP/held"
	for ((i = 0; i < 1000; i++)); do
		loaded=
		for id in "${ids[@]}"; do
			"$PROGSTATS" "$id" >/dev/null 2>&1 && loaded=1 && break
		done
		[ -z "$loaded" ] && return 0
		sleep 0.01
	done
	say "note: programs of the last tracer still loaded 10 s after it exited"
}

# stop_tracer NAME: SIGINT, wait for it to exit.
stop_tracer() {
	local i
	if [ "$1" = auditd ]; then
		audit_off
		return
	fi
	kill -INT "$SPID" 2>/dev/null
	for ((i = 0; i < 3000; i++)); do
		kill -0 "$TPID" 2>/dev/null || break
		sleep 0.01
	done
	if kill -0 "$TPID" 2>/dev/null; then
		kill -KILL "$SPID" 2>/dev/null
		wait "$TPID" 2>/dev/null
		TPID='' SPID=''
		die "$1 did not stop within 30 s of SIGINT"
	fi
	wait "$TPID" 2>/dev/null
	TPID='' SPID=''
}

# ---- auditd (BENCH_PEERS=1) ---------------------------------------------------

AUDIT_RULE=("always,exit" -F arch=b64 -S "execve,execveat" -k msbench)
AUDIT_STARTED=   # we started the daemon: stopped at the end
AUDIT_WAS=       # "enabled backlog_limit backlog_wait_time" as found
AUDIT_RULE_ON=   # the rule is in: removed by audit_off or the cleanup
AUDIT_LOG=/var/log/audit/audit.log
audit_status() { auditctl -s 2>/dev/null | awk -v k="$1" '$1 == k { print $2; exit }'; }
# audit_setup: the daemon running, its state saved, Debian's backlog settings (audit.rules).
audit_setup() {
	local p i
	AUDIT_WAS="$(audit_status enabled) $(audit_status backlog_limit) $(audit_status backlog_wait_time)"
	[[ $AUDIT_WAS =~ ^[0-9]+\ [0-9]+\ [0-9]+$ ]] || { echo "auditctl -s says no status"; return 1; }
	p=$(audit_status pid)
	if [ -z "$p" ] || [ "$p" = 0 ]; then
		/usr/sbin/auditd >/dev/null 2>&1 || { echo "/usr/sbin/auditd did not start"; return 1; }
		AUDIT_STARTED=1
		for ((i = 0; i < 500; i++)); do
			p=$(audit_status pid)
			[ -n "$p" ] && [ "$p" != 0 ] && break
			sleep 0.01
		done
	fi
	if [ -z "$p" ] || [ "$p" = 0 ]; then
		echo "auditd did not register with the kernel"
		return 1
	fi
	AUDIT_PID=$p
	local f
	f=$(sed -n 's/^ *log_file *= *//p' /etc/audit/auditd.conf 2>/dev/null)
	[ -n "$f" ] && AUDIT_LOG=$f
	auditctl -b 8192 --backlog_wait_time 60000 >/dev/null || { echo "auditctl -b failed"; return 1; }
	# Once enabled, the kernel gives every new task an audit context until reboot: done
	# here, before round 1, so that every round's storms pay it alike.
	auditctl -e 1 >/dev/null && auditctl -e 0 >/dev/null
}
# shellcheck disable=SC2317 # also called by the cleanup
audit_restore() {
	local e b w i
	[ -n "$AUDIT_RULE_ON" ] && auditctl -d "${AUDIT_RULE[@]}" >/dev/null 2>&1
	AUDIT_RULE_ON=
	if [ -n "$AUDIT_WAS" ]; then
		read -r e b w <<<"$AUDIT_WAS"
		auditctl -b "$b" --backlog_wait_time "$w" >/dev/null 2>&1
		auditctl -e "$e" >/dev/null 2>&1
		AUDIT_WAS=
	fi
	if [ -n "$AUDIT_STARTED" ] && [ -n "${AUDIT_PID:-}" ]; then
		kill -TERM "$AUDIT_PID" 2>/dev/null
		for ((i = 0; i < 500; i++)); do
			kill -0 "$AUDIT_PID" 2>/dev/null || break
			sleep 0.01
		done
		# auditd's exit may leave audit enabled: as found
		[ -n "${e:-}" ] && auditctl -e "$e" >/dev/null 2>&1
		AUDIT_STARTED=
	fi
}
audit_on() {
	AUDIT_LOST0=$(audit_status lost)
	if ! auditctl -e 1 >/dev/null || ! auditctl -a "${AUDIT_RULE[@]}" >/dev/null; then
		die "auditctl could not enable audit and add the rule"
	fi
	AUDIT_RULE_ON=1 SPID=$AUDIT_PID TPID=
}
audit_off() {
	auditctl -d "${AUDIT_RULE[@]}" >/dev/null || die "auditctl could not remove the rule"
	AUDIT_RULE_ON=
	auditctl -e 0 >/dev/null
	SPID=
}

# storm MARKER -> rate on stdout. -p goes first so that storm's own exec line
# never shows "TRUE MARKER" (what the peers' counts look for).
storm() {
	local line
	line=$("$STORM" -p "$TRUE" -n "$N" -w "$K" "$1") || die "storm failed: $line"
	[[ $line =~ rate=([0-9.]+) ]] || die "cannot read the storm's output: $line"
	echo "${BASH_REMATCH[1]}"
}

# How many of the storm's events are in OUT.
captured() { # NAME OUT MARKER
	if is_ms "$1"; then
		grep -F "\"filename\":\"$TRUE\"" "$2" | grep -cF "\"args\":[\"$TRUE\",\"$3\"]"
	elif [ "$1" = exitsnoop ]; then # its comm, less the ready probes (PRE)
		echo $(($(grep -c '^true-static ' "$2") - PRE))
	elif [ "$1" = auditd ]; then # the EXECVE records (the marker is new each round)
		cat "$AUDIT_LOG.1" "$AUDIT_LOG" 2>/dev/null | grep -cF "a0=\"$TRUE\" a1=\"$3\""
	else
		# Arguments joined with spaces; storm's own exec line has "-n" after the path.
		grep -cF -- "$TRUE $3" "$2"
	fi
}

# Lost events of a run: minisnoop's summary; peers' "Lost N events" lines.
lost_of() { # NAME OUT ERR
	if [ "$1" = auditd ]; then
		echo $(($(audit_status lost) - AUDIT_LOST0))
	elif is_ms "$1"; then
		local s
		s=$(grep -E '^minisnoop: [0-9]+ events, [0-9]+ lost' "$3" | tail -n1)
		[ -n "$s" ] || die "minisnoop printed no summary: $(errtail "$3")"
		[[ $s =~ ([0-9]+)\ lost ]] && echo "${BASH_REMATCH[1]}"
	else
		cat "$2" "$3" | grep -oiE 'lost [0-9]+ events' | awk '{ s += $2 } END { print s + 0 }'
	fi
}

# The first lines a tracer wrote on stderr, without /usr/bin/time's report.
errtail() { grep -v -e $'^\t' -e '^Command ' "$1" | head -n2 | tr '\n' ' '; }

vmhwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# Rss (KiB) of PID's perf ring mappings ([perf_event] in smaps).
ring_kb() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { on = /perf_event/ } on && /^Rss:/ { s += $2 }
		END { print s + 0 }' "/proc/$1/smaps" 2>/dev/null || echo 0
}

# Busy clock ticks of all CPUs so far (/proc/stat's cpu line: user nice system irq softirq).
busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }

# Voluntary context switches of all of PID's threads: each is a sleep (poll,
# nanosleep, a blocking read) that a wake-up ended.
vcsw() {
	cat "/proc/$1/task/"*/status 2>/dev/null |
		awk '/^voluntary_ctxt_switches:/ { s += $2 } END { print s + 0 }'
}

# What a tracer writes once it is attached: minisnoop on stderr, the peers' header
# (libbpf-tools prints it after attaching; bpftrace's BEGIN runs once every probe
# is attached, while its "Attaching N probes..." comes before).
ready_text() {
	case $1 in
	minisnoop*) echo "minisnoop: tracing" ;;
	execsnoop) echo "PCOMM" ;;
	bpftrace) echo "TIME(ms)" ;;
	esac
}

# snapshot [-p PID] >FILE: the programs' run counts and times (and PID's CPU time).
snapshot() {
	"$PROGSTATS" "$@" 2>"$TMP/progstats.err" || die "progstats: $(head -n1 "$TMP/progstats.err")"
}

# Ids of the BPF programs PID holds descriptors of (one a line).
held_progs() { awk '$1 == "prog_id:" { print $2 }' "/proc/$1/fdinfo/"* 2>/dev/null; }

# The CPU samples of one storm of TRACER in ROUND, from the snapshots PROGS0 (before
# the tracer started), S1 and S2 (before and after the storm, with the tracer's pid
# line). The tracer's programs are those in S1 and not in PROGS0; if it holds program
# descriptors (HELD), only those, since other processes may load programs too.
# execs: the run count of minisnoop's program "exec" (sched_process_exec) between S1 and
# S2, else the largest run count of its programs (N if none ran), so
# that other processes' execs during the storm (which it traces too) do not count as
# the storm's; prog_runs:NAME and prog_ns:NAME: each program's run count and run time
# between them, in load order (a name loaded twice gets #2: the kernel keeps only 15
# characters); reader_ns: the tracer process's CPU time between them.
cpu_samples() { # TRACER ROUND HELD PROGS0 S1 S2
	awk -v n="$N" -v v="$1" -v r="$2" '
		FILENAME == ARGV[1] { held[$1] = 1; nheld++; next }
		FILENAME == ARGV[2] { before[$1] = 1; next }
		FILENAME == ARGV[3] {
			if ($1 == "pid") cpu0 = $3
			else if (!($1 in before) && (!nheld || ($1 in held))) {
				ids[++k] = $1; name[$1] = $2; c0[$1] = $3; t0[$1] = $4
			}
			next
		}
		$1 == "pid" { cpu1 = $3; next }
		{ c1[$1] = $3; t1[$1] = $4 }
		END {
			d = 0
			for (i = 1; i <= k; i++) {
				id = ids[i]
				# Gone before S2: no figures rather than negative ones.
				if (!(id in c1)) { c1[id] = c0[id]; t1[id] = t0[id] }
				if (c1[id] - c0[id] > d) d = c1[id] - c0[id]
				if (name[id] == "exec") ex = c1[id] - c0[id]
			}
			# Its fork and exit programs also run for other processes and threads.
			if (ex > 0) d = ex
			if (d == 0) d = n
			printf "%s\t%s\texecs\t%.0f\n", v, r, d
			for (i = 1; i <= k; i++) {
				id = ids[i]
				nm = name[id]
				if (++seen[nm] > 1) nm = nm "#" seen[nm]
				printf "%s\t%s\tprog_runs:%s\t%.0f\n", v, r, nm, c1[id] - c0[id]
				printf "%s\t%s\tprog_ns:%s\t%.0f\n", v, r, nm, t1[id] - t0[id]
			}
			printf "%s\t%s\treader_ns\t%.0f\n", v, r, cpu1 - cpu0
		}' "${@:3}" >>"$SAMPLES"
}

# ---- which tracers take part -------------------------------------------------

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
sample run 0 n "$N"
sample run 0 workers "$K"
sample run 0 rounds "$ROUNDS"
sample run 0 tries "$TRIES"
sample run 0 mark_us "$MARK_US"
sample run 0 kernel "$(uname -r)"
sample run 0 cpus "$(nproc)"
sample run 0 cpus_online "$(getconf _NPROCESSORS_ONLN)"
sample run 0 page_size "$(getconf PAGESIZE)"
sample run 0 minisnoop_args "${MS_EXTRA[*]}"
sample run 0 load_start "$(loadavg)"
sample run 0 rss_method "$([ -n "$TIME_V" ] && echo time || echo vmhwm)"
sample run 0 size_budget "$SIZE_BUDGET"
sample run 0 clk_tck "$(getconf CLK_TCK)"

TRACERS=(minisnoop minisnoop-all minisnoop-anc minisnoop-life)
# A peer that is missing or cannot start is left out, and the report says why.
note() { say "$1" && sample run 0 note "$1"; }
BASELINE=${BENCH_BASELINE:-}
if [ -n "$BASELINE" ]; then
	[ -x "$BASELINE" ] || die "BENCH_BASELINE=$BASELINE is not an executable"
	TRACERS+=(minisnoop-base minisnoop-base-all minisnoop-base-anc minisnoop-base-life)
	note "baseline: minisnoop-base, minisnoop-base-all, minisnoop-base-anc and minisnoop-base-life are $BASELINE"
fi
peer() { # NAME WHAT: takes part if a first start and stop work
	local why
	why=$( (start_tracer "$1" "$TMP/try.out" "$TMP/try.err" && stop_tracer "$1") 2>&1 >/dev/null) &&
		TRACERS+=("$1") && return 0
	read -r why <<<"${why#minisnoop bench: }"
	note "$2 ($1): cannot run, left out: $why"
}
if [ "$PEERS" = 1 ]; then
	EXECSNOOP=$(dpkg -L libbpf-tools 2>/dev/null | grep -m1 '/execsnoop$')
	if [ -n "$EXECSNOOP" ] && [ -x "$EXECSNOOP" ] && command -v stdbuf >/dev/null; then
		peer execsnoop "libbpf-tools' execsnoop"
	else
		note "libbpf-tools' execsnoop (execsnoop): not installed, left out"
	fi
	EXITSNOOP=$(dpkg -L libbpf-tools 2>/dev/null | grep -m1 '/exitsnoop$')
	if [ -n "$EXITSNOOP" ] && [ -x "$EXITSNOOP" ] && command -v stdbuf >/dev/null; then
		peer exitsnoop "libbpf-tools' exitsnoop"
	else
		note "libbpf-tools' exitsnoop (exitsnoop): not installed, left out"
	fi
	BT_SCRIPT=$(dpkg -L bpftrace 2>/dev/null | grep -m1 '/execsnoop\.bt$')
	if [ -n "$BT_SCRIPT" ] && command -v bpftrace >/dev/null; then
		peer bpftrace "bpftrace's execsnoop.bt"
	else
		note "bpftrace's execsnoop.bt (bpftrace): not installed, left out"
	fi
	if [ -x /usr/sbin/auditd ] && command -v auditctl >/dev/null; then
		if audit_setup >"$TMP/audit.why"; then
			peer auditd "auditd with -a ${AUDIT_RULE[*]}"
		else
			audit_restore
			note "auditd with an execve,execveat rule (auditd): cannot run, left out: $(head -n1 "$TMP/audit.why")"
		fi
	else
		note "auditd with an execve,execveat rule (auditd): not installed, left out"
	fi
fi
sample run 0 tracers "${TRACERS[*]}"

say "minisnoop bench: N=$N execs per storm over K=$K workers, $ROUNDS rounds," \
	"kernel $(uname -r), $(nproc) CPUs${MS_EXTRA[*]:+, minisnoop ${MS_EXTRA[*]}}," \
	"load average $(loadavg)"
say "tracers: ${TRACERS[*]} (each writing to a file); samples in $SAMPLES"
VARIANTS=(none "${TRACERS[@]}")

# ---- storm rounds ------------------------------------------------------------

# BPF run times are only counted while this is 1; it costs two clock reads per
# program run, so it stays on only for the rounds (and cleanup restores it).
[ -w "$STATS_SYSCTL" ] || die "$STATS_SYSCTL is not writable: cannot measure BPF run time"
STATS_WAS=$(cat "$STATS_SYSCTL") || die "cannot read $STATS_SYSCTL"
echo 1 >"$STATS_SYSCTL" || die "cannot enable $STATS_SYSCTL"

for ((r = 1; r <= ROUNDS; r++)); do
	# Odd rounds rotate the order, even rounds reverse the previous one (ABBA
	# for two variants), so that no variant always runs first or last.
	n=${#VARIANTS[@]}
	if ((r % 2)); then
		order=()
		for ((j = 0; j < n; j++)); do order+=("${VARIANTS[(j + (r - 1) / 2) % n]}"); done
	else
		prev=("${order[@]}") order=()
		for ((j = n - 1; j >= 0; j--)); do order+=("${prev[j]}"); done
	fi
	line="round $r:"
	for v in "${order[@]}"; do
		mark="msbench-$$-r$r-$v"
		if [ "$v" = none ]; then
			b0=$(busy_ticks)
			rate=$(storm "$mark") || exit 1
			sample none "$r" busy_ticks $(($(busy_ticks) - b0))
			sample none "$r" rate "$rate"
			line+=" none ${rate}/s;"
			continue
		fi
		out=$TMP/$v.out err=$TMP/$v.err
		: >"$out"
		: >"$err"
		snapshot >"$TMP/progs0"
		start_tracer "$v" "$out" "$err" wrap
		snapshot -p "$SPID" >"$TMP/s1"
		held_progs "$SPID" >"$TMP/held"
		PRE=0
		[ "$v" = exitsnoop ] && PRE=$(grep -c '^true-static ' "$out")
		w0=$(vcsw "$SPID") e0=$EPOCHREALTIME b0=$(busy_ticks)
		rate=$(storm "$mark") || exit 1
		b1=$(busy_ticks) w1=$(vcsw "$SPID") e1=$EPOCHREALTIME
		# Let the reader drain what the storm left in its buffers, so that its
		# CPU time for them falls inside the window.
		sleep 0.25
		snapshot -p "$SPID" >"$TMP/s2"
		hwm=$(vmhwm_kb "$SPID") rings=$(ring_kb "$SPID")
		stop_tracer "$v"
		wait_detached
		cpu_samples "$v" "$r" "$TMP/held" "$TMP/progs0" "$TMP/s1" "$TMP/s2"
		c=$(captured "$v" "$out" "$mark")
		l=$(lost_of "$v" "$out" "$err") || exit 1
		t=
		[ -n "$TIME_V" ] &&
			t=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$err")
		sample "$v" "$r" rate "$rate"
		sample "$v" "$r" captured "$c"
		sample "$v" "$r" lost "$l"
		sample "$v" "$r" rss_kb "${t:-$hwm}"
		sample "$v" "$r" ring_kb "$rings"
		sample "$v" "$r" busy_ticks $((b1 - b0))
		sample "$v" "$r" vcsw $((w1 - w0))
		sample "$v" "$r" window_s "$(awk -v s="$e0" -v e="$e1" 'BEGIN { printf "%.6f", e - s }')"
		line+=" $v ${rate}/s $c/$N captured $l lost ${t:-$hwm} KB;"
		rm -f "$out" "$err"
	done
	say "${line%;}"
done
restore_stats

# ---- start and stop ----------------------------------------------------------

# Each try runs every tracer once, in an order that rotates from try to try; not
# exitsnoop and auditd, whose lines do not carry the marker (an argument).
SS=()
for v in "${TRACERS[@]}"; do [ "$v" = exitsnoop ] || [ "$v" = auditd ] || SS+=("$v"); done
for ((t = 1; t <= TRIES; t++)); do
	n=${#SS[@]}
	line="start/stop $t:"
	for ((j = 0; j < n; j++)); do
		v=${SS[(j + t - 1) % n]}
		err=$TMP/startstop.err
		tracer_cmd "$v"
		res=$("$STARTSTOP" -i "$MARK_US" -r "$(ready_text "$v")" -m "$TRUE" \
			"msbench-ss-$$-$t-$v" -- "${TCMD[@]}" 2>"$err") ||
			die "$v: first event line or exit not seen: $(grep -v -e '^minisnoop: tracing' "$err" | tail -n2 | tr '\n' ' ')"
		re='first=([-0-9.]+) ready=([-0-9.]+) exit=([-0-9.]+) detached=([-0-9.]+) last=([01]) status=([^ ]+)'
		[[ $res =~ $re ]] || die "cannot read startstop's output: $res"
		sample "$v" "$t" first_ms "${BASH_REMATCH[1]}"
		sample "$v" "$t" attached_ms "${BASH_REMATCH[2]}"
		sample "$v" "$t" exit_ms "${BASH_REMATCH[3]}"
		sample "$v" "$t" detached_ms "${BASH_REMATCH[4]}"
		sample "$v" "$t" last_ok "${BASH_REMATCH[5]}"
		sample "$v" "$t" status "${BASH_REMATCH[6]}"
		line+=" $v first ${BASH_REMATCH[1]} attached ${BASH_REMATCH[2]} exit ${BASH_REMATCH[3]}"
		line+=" detached ${BASH_REMATCH[4]} ms$( ((BASH_REMATCH[5])) || echo ", last event NOT written");"
	done
	say "${line%;}"
done

# ---- sizes, then the report --------------------------------------------------

# Stripped size of minisnoop in bytes, as `make size-check` measures it.
if command -v strip >/dev/null && strip -o "$TMP/ms.stripped" "$MS" 2>/dev/null; then
	sample run 0 stripped_bytes "$(stat -c %s "$TMP/ms.stripped")"
fi
if [ -x "$ROOT/$B/minisnoop-tiny" ] && command -v strip >/dev/null &&
	strip -o "$TMP/tiny.stripped" "$ROOT/$B/minisnoop-tiny" 2>/dev/null; then
	sample run 0 tiny_stripped_bytes "$(stat -c %s "$TMP/tiny.stripped")"
fi
for v in "${TRACERS[@]}"; do
	case $v in
	minisnoop-base*) f=$BASELINE ;;
	minisnoop*) f=$MS ;;
	execsnoop) f=$EXECSNOOP ;;
	exitsnoop) f=$EXITSNOOP ;;
	auditd) f=/usr/sbin/auditd ;;
	bpftrace) f=$(command -v bpftrace) ;;
	esac
	sample "$v" 0 binary_bytes "$(stat -c %s "$f")"
done
sample run 0 load_end "$(loadavg)"

say ""
"$REPORT" "$SAMPLES" || die "$REPORT could not report $SAMPLES"
exit 0
