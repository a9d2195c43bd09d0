#!/usr/bin/env bash
# Exec-storm benchmark for minisnoop (run by `make bench`, as root).
#
# Two minisnoop variants: "minisnoop" (`minisnoop -j`) and "minisnoop-all"
# (`minisnoop -j -o all -e`: every context field, environment included).
# In one run, alternating rounds so that machine noise hits every variant alike:
#   - exec rate of build/storm with no tracer, and with each tracer attached and
#     writing to a file; the ratio with/without (median of the per-round ratios);
#   - events of the storm that the tracer captured (minisnoop: JSON lines whose
#     filename is the true-static path and whose argument is the round's marker)
#     against N, and the lost count from its summary line;
#   - CPU per traced exec, which machine noise hardly moves: each of the tracer's
#     BPF programs' run time (kernel.bpf_stats_enabled=1 during the rounds, read
#     with build/progstats before and after each storm) and the tracer process's
#     user+system CPU time over the storm, divided by N (medians over rounds), and
#     as a fraction of libbpf-tools' execsnoop's in the same round;
#     the tracer's programs are those loaded after it started (and that it holds);
#   - the reader's wake-ups per second during the storm: the growth of the tracer's
#     voluntary context switches (/proc/PID/task/*/status) over the storm's time;
#   - peak RSS (/usr/bin/time -v, else VmHWM just before stopping).
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
# With BENCH_PEERS=1, libbpf-tools' execsnoop and bpftrace's execsnoop.bt, when
# installed (this script installs nothing), take part in the same rounds and tries.
# One table of every figure for every tracer, then one of the goals (issue 12):
# each goal, the figure, met or NOT met.
#
# Environment: BENCH_N (8000 execs per storm), BENCH_WORKERS (2), BENCH_ROUNDS (9),
# BENCH_LATENCY_TRIES (5 start/stop tries per tracer), BENCH_MARK_US (1000 µs
# between markers), BENCH_PEERS (0), BENCH_MINISNOOP_ARGS (extra options for both
# variants, e.g. "--pages 256"), B (build directory, default build), HOSTCC (gcc,
# for build/startstop), SIZE_BUDGET (the Makefile's).
#
# Exits 1 only when the benchmark itself cannot run (not root, a tool missing, a
# tracer does not start or dies); a missed goal is reported, not an error.
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
for f in "$MS" "$STORM" "$TRUE" "$PROGSTATS" "$STARTSTOP"; do
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
	if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
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

# ---- goals (issue 12) --------------------------------------------------------

GOAL_FIRST_MS=25   # first event line after start (median), on an idle system
GOAL_EXIT_MS=100   # exit after SIGTERM (median), everything read still written
GOAL_WAKEUPS=100   # reader wake-ups per second during the storm: bounded, i.e. far
#                    fewer than one per event (the storm runs hundreds to thousands
#                    of execs a second)
GOAL_CPU_VS=0.4    # CPU per traced exec, fraction of libbpf-tools' execsnoop's
GOAL_RATIO=0.97    # storm throughput with/without
GOAL_RSS_KB=1024   # peak RSS, plus the rings (see rss_allowance_kb)

# ---- helpers -----------------------------------------------------------------

# median/min/sum of numbers given as words, in one or more arguments.
words() { awk '{ for (i = 1; i <= NF; i++) print $i }' <<<"$*"; }
median() {
	words "$@" | sort -g | awk '{ a[NR] = $1 }
		END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2];
		      else printf "%.6g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
min() { words "$@" | sort -g | head -n1; }
us() { awk -v x="$1" 'BEGIN { printf "%.2f", x / 1000 }'; } # ns -> µs
sum() { words "$@" | awk '{ s += $1 } END { print s + 0 }'; }
fmt() { awk -v x="$2" "BEGIN { printf \"$1\", x }"; } # FORMAT NUMBER
# is A <= B (numbers; false when A is not one)?
# shellcheck disable=SC2317 # also called through met
le() { [[ $1 =~ ^[0-9.]+$ ]] && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
is_ms() { [[ $1 == minisnoop* ]]; } # NAME: one of minisnoop's variants?

# table [left]: tab-separated rows on stdin as aligned columns, the first column
# left-aligned and the others right-aligned (all left with "left"). Widths count
# bytes (LC_ALL=C, as mawk always does), µ and — as one.
table() {
	LC_ALL=C awk -F'\t' -v left="${1:-}" '
		function w(s) { gsub(/µ|—/, "u", s); return length(s) }
		{
			nf[NR] = NF
			for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (w($i) > wd[i]) wd[i] = w($i) }
		}
		END {
			for (r = 1; r <= NR; r++) {
				line = ""
				for (i = 1; i <= nf[r]; i++) {
					s = c[r, i]
					p = sprintf("%" (wd[i] - w(s)) "s", "")
					if (i == 1) line = s p
					else if (left) line = line "  " s p
					else line = line "  " p s
				}
				sub(/ +$/, "", line)
				print line
			}
		}'
}

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
	execsnoop) TCMD=(stdbuf -oL "$EXECSNOOP") ;;
	bpftrace) TCMD=(bpftrace -B none "$BT_SCRIPT") ;;
	esac
}

# start_tracer NAME OUT ERR [wrap]: starts the tracer in the background and
# returns once it is attached. minisnoop: its stderr says "tracing". Peers: a
# probe program is exec'd every 10 ms until the tracer has written it.
start_tracer() {
	local name=$1 out=$2 err=$3 wrap=${4:-} i
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
		else
			"$TRUE" "msbench-ready-$$"
			grep -qF "msbench-ready-$$" "$out" && return 0
		fi
		sleep 0.01
	done
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
	else
		# Arguments joined with spaces; storm's own exec line has "-n" after the path.
		grep -cF -- "$TRUE $3" "$2"
	fi
}

# Lost events of a run: minisnoop's summary; peers' "Lost N events" lines.
lost_of() { # NAME OUT ERR
	if is_ms "$1"; then
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

# CPU per exec of one storm, from the snapshots PROGS0 (before the tracer
# started), S1 and S2 (before and after the storm, with the tracer's pid line).
# The tracer's programs are those in S1 and not in PROGS0; if it holds program
# descriptors (HELD), only those, since other processes may load programs too.
# Per exec the tracer saw: the largest run count of its programs between S1 and
# S2 (N if none ran), so that other processes' execs during the storm (which it
# traces too) do not count as the storm's. Prints "execs EXECS -", then
# "NAME RUN_CNT NS_PER_EXEC" for each of the tracer's programs in load order (a
# name loaded twice gets #2: the kernel keeps only 15 characters), then
# "reader - NS_PER_EXEC".
cpu_per_exec() { # HELD PROGS0 S1 S2
	awk -v n="$N" '
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
			}
			if (d == 0) d = n
			printf "execs %d -\n", d
			for (i = 1; i <= k; i++) {
				id = ids[i]
				nm = name[id]
				if (++seen[nm] > 1) nm = nm "#" seen[nm]
				printf "%s %d %.0f\n", nm, c1[id] - c0[id], (t1[id] - t0[id]) / d
			}
			printf "reader - %.0f\n", (cpu1 - cpu0) / d
		}' "$@"
}

# ---- which tracers take part -------------------------------------------------

TRACERS=(minisnoop minisnoop-all)
if [ "$PEERS" = 1 ]; then
	EXECSNOOP=$(dpkg -L libbpf-tools 2>/dev/null | grep -m1 '/execsnoop$')
	[ -n "$EXECSNOOP" ] && [ -x "$EXECSNOOP" ] && command -v stdbuf >/dev/null &&
		TRACERS+=(execsnoop)
	BT_SCRIPT=$(dpkg -L bpftrace 2>/dev/null | grep -m1 '/execsnoop\.bt$')
	[ -n "$BT_SCRIPT" ] && command -v bpftrace >/dev/null && TRACERS+=(bpftrace)
	[ ${#TRACERS[@]} -gt 1 ] ||
		say "BENCH_PEERS=1: neither libbpf-tools nor bpftrace is installed; measuring minisnoop only"
fi

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
say "minisnoop bench: N=$N execs per storm over K=$K workers, $ROUNDS rounds," \
	"kernel $(uname -r), $(nproc) CPUs${MS_EXTRA[*]:+, minisnoop ${MS_EXTRA[*]}}," \
	"load average $(loadavg)"
say "tracers: ${TRACERS[*]} (each writing to a file)"

declare -A RATES CAPT LOST RSS WAKE FIRST ATTACHED EXITMS DETACHED LASTOK STATUSES
# CPU per exec in ns, one word per round: BPF (sum of the tracer's programs),
# READER (its process), TOTAL, and EXECS (what they are per); per program PCNT
# and PNS keyed TRACER/NAME, the names in load order in PNAMES.
declare -A BPF READER TOTAL PCNT PNS PNAMES EXECS
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
			rate=$(storm "$mark") || exit 1
			RATES[none]+=" $rate"
			line+=" none ${rate}/s;"
			continue
		fi
		out=$TMP/$v.out err=$TMP/$v.err
		snapshot >"$TMP/progs0"
		start_tracer "$v" "$out" "$err" wrap
		snapshot -p "$SPID" >"$TMP/s1"
		held_progs "$SPID" >"$TMP/held"
		w0=$(vcsw "$SPID") e0=$EPOCHREALTIME
		rate=$(storm "$mark") || exit 1
		w1=$(vcsw "$SPID") e1=$EPOCHREALTIME
		wake=$(awk -v a="$w0" -v b="$w1" -v s="$e0" -v e="$e1" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')
		# Let the reader drain what the storm left in its buffers, so that its
		# CPU time for them falls inside the window.
		sleep 0.25
		snapshot -p "$SPID" >"$TMP/s2"
		hwm=$(vmhwm_kb "$SPID")
		stop_tracer "$v"
		wait_detached
		bpf=0
		while read -r pn pc pt; do
			case $pn in
			reader)
				READER[$v]+=" $pt"
				continue
				;;
			execs)
				EXECS[$v]+=" $pc"
				continue
				;;
			esac
			[[ " ${PNAMES[$v]:-} " == *" $pn "* ]] || PNAMES[$v]+=" $pn"
			PCNT[$v/$pn]+=" $pc" PNS[$v/$pn]+=" $pt"
			bpf=$((bpf + pt))
		done < <(cpu_per_exec "$TMP/held" "$TMP/progs0" "$TMP/s1" "$TMP/s2")
		BPF[$v]+=" $bpf" TOTAL[$v]+=" $((bpf + ${READER[$v]##* }))"
		c=$(captured "$v" "$out" "$mark")
		l=$(lost_of "$v" "$out" "$err") || exit 1
		t=
		[ -n "$TIME_V" ] &&
			t=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$err")
		RATES[$v]+=" $rate" CAPT[$v]+=" $c" LOST[$v]+=" $l" RSS[$v]+=" ${t:-$hwm}" WAKE[$v]+=" $wake"
		line+=" $v ${rate}/s $c/$N captured $l lost ${t:-$hwm} KB $(us "${TOTAL[$v]##* }") µs/exec $wake wake-ups/s;"
		rm -f "$out" "$err"
	done
	say "${line%;}"
done
restore_stats

# Per-round ratios, then their median.
read -r -a base <<<"${RATES[none]}"
declare -A RATIO
for v in "${TRACERS[@]}"; do
	read -r -a with <<<"${RATES[$v]}"
	rs=()
	for ((i = 0; i < ROUNDS; i++)); do
		rs+=("$(awk -v a="${with[i]}" -v b="${base[i]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')")
	done
	RATIO[$v]=$(median "${rs[@]}")
	say "ratio $v per round: ${rs[*]}"
done

# CPU per exec as a fraction of libbpf-tools' in the same round, then the median.
declare -A VS_LIBBPF
if [[ " ${TRACERS[*]} " == *" execsnoop "* ]]; then
	read -r -a ref <<<"${TOTAL[execsnoop]}"
	for v in "${TRACERS[@]}"; do
		read -r -a tot <<<"${TOTAL[$v]}"
		rs=()
		for ((i = 0; i < ROUNDS; i++)); do
			rs+=("$(awk -v a="${tot[i]}" -v b="${ref[i]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')")
		done
		VS_LIBBPF[$v]=$(median "${rs[@]}")
		[ "$v" = execsnoop ] || say "CPU per exec $v / execsnoop per round: ${rs[*]}"
	done
fi

# ---- start and stop ----------------------------------------------------------

# Each try runs every tracer once, in an order that rotates from try to try.
for ((t = 1; t <= TRIES; t++)); do
	n=${#TRACERS[@]}
	line="start/stop $t:"
	for ((j = 0; j < n; j++)); do
		v=${TRACERS[(j + t - 1) % n]}
		err=$TMP/startstop.err
		tracer_cmd "$v"
		res=$("$STARTSTOP" -i "$MARK_US" -r "$(ready_text "$v")" -m "$TRUE" \
			"msbench-ss-$$-$t-$v" -- "${TCMD[@]}" 2>"$err") ||
			die "$v: first event line or exit not seen: $(grep -v -e '^minisnoop: tracing' "$err" | tail -n2 | tr '\n' ' ')"
		re='first=([-0-9.]+) ready=([-0-9.]+) exit=([-0-9.]+) detached=([-0-9.]+) last=([01]) status=([^ ]+)'
		[[ $res =~ $re ]] || die "cannot read startstop's output: $res"
		FIRST[$v]+=" ${BASH_REMATCH[1]}" EXITMS[$v]+=" ${BASH_REMATCH[3]}"
		DETACHED[$v]+=" ${BASH_REMATCH[4]}"
		[ "${BASH_REMATCH[2]}" = -1 ] || ATTACHED[$v]+=" ${BASH_REMATCH[2]}"
		LASTOK[$v]=$((${LASTOK[$v]:-0} + BASH_REMATCH[5]))
		[[ " ${STATUSES[$v]:-} " == *" ${BASH_REMATCH[6]} "* ]] || STATUSES[$v]+=" ${BASH_REMATCH[6]}"
		line+=" $v first ${BASH_REMATCH[1]} attached ${BASH_REMATCH[2]} exit ${BASH_REMATCH[3]}"
		line+=" detached ${BASH_REMATCH[4]} ms$( ((BASH_REMATCH[5])) || echo ", last event NOT written");"
	done
	say "${line%;}"
done

# ---- summary -----------------------------------------------------------------

# Stripped size of minisnoop in bytes, as `make size-check` measures it (empty
# without strip).
STRIPPED=
if command -v strip >/dev/null && strip -o "$TMP/ms.stripped" "$MS" 2>/dev/null; then
	STRIPPED=$(stat -c %s "$TMP/ms.stripped")
fi

size_of() { # NAME -> human text
	case $1 in
	minisnoop*) echo "$(($(stat -c %s "$MS") / 1024)) KB static${STRIPPED:+, $((STRIPPED / 1024)) KB stripped}" ;;
	execsnoop) echo "$(($(stat -c %s "$EXECSNOOP") / 1024)) KB + shared libs" ;;
	bpftrace) echo "$(($(stat -c %s "$(command -v bpftrace)") / 1024)) KB + shared libs" ;;
	esac
}

# What the rings may add to the RSS: --pages (default 64) data pages and one
# metadata page per online CPU (minisnoop opens a ring on each).
rss_allowance_kb() {
	local pages=64 i
	for ((i = 0; i < ${#MS_EXTRA[@]}; i++)); do
		case ${MS_EXTRA[i]} in
		--pages) pages=${MS_EXTRA[i + 1]:-64} ;;
		--pages=*) pages=${MS_EXTRA[i]#--pages=} ;;
		esac
	done
	echo $((GOAL_RSS_KB + $(getconf _NPROCESSORS_ONLN) * (pages + 1) * $(getconf PAGESIZE) / 1024))
}

RSS_HOW="VmHWM just before stop"
[ -n "$TIME_V" ] && RSS_HOW="/usr/bin/time -v"

# Every figure of each tracer as it is shown, F[TRACER/KEY]; PROGS: the most BPF
# programs a tracer has.
declare -A F
PROGS=0
for v in "${TRACERS[@]}"; do
	read -r -a c <<<"${CAPT[$v]}"
	read -r -a r <<<"${RSS[$v]}"
	read -r -a names <<<"${PNAMES[$v]:-}"
	F[$v/rate0]=$(fmt %.0f "$(median "${RATES[none]}")")
	F[$v/rate]=$(fmt %.0f "$(median "${RATES[$v]}")")
	F[$v/ratio]=$(fmt %.3f "${RATIO[$v]}")
	F[$v/capt]="$(min "${c[@]}")/$N"
	F[$v/lost]=$(sum "${LOST[$v]}")
	F[$v/bpf]=$(us "$(median "${BPF[$v]}")")
	F[$v/reader]=$(us "$(median "${READER[$v]}")")
	F[$v/total]=$(us "$(median "${TOTAL[$v]}")")
	F[$v/execs]=$(fmt %.0f "$(median "${EXECS[$v]}")")
	F[$v/vs]=—
	[ -n "${VS_LIBBPF[$v]:-}" ] && F[$v/vs]=$(fmt %.3f "${VS_LIBBPF[$v]}")
	F[$v/wake]=$(fmt %.0f "$(median "${WAKE[$v]}")")
	F[$v/first]=$(fmt %.1f "$(median "${FIRST[$v]}")")
	F[$v/attached]=—
	[ -n "${ATTACHED[$v]:-}" ] && F[$v/attached]=$(fmt %.1f "$(median "${ATTACHED[$v]}")")
	F[$v/exit]=$(fmt %.1f "$(median "${EXITMS[$v]}")")
	F[$v/detached]=$(fmt %.1f "$(median "${DETACHED[$v]}")")
	F[$v/last]="${LASTOK[$v]:-0}/$TRIES"
	F[$v/rsskb]=$(printf '%s\n' "${r[@]}" | sort -g | tail -n1)
	F[$v/rss]=$(awk -v k="${F[$v/rsskb]}" 'BEGIN { printf "%.2f", k / 1024 }')
	F[$v/size]=$(size_of "$v")
	i=0 F[$v/progs]=
	for pn in "${names[@]}"; do
		F[$v/prog$((++i))]="$pn $(us "$(median "${PNS[$v/$pn]}")")"
		F[$v/progs]+="${F[$v/progs]:+, }${F[$v/prog$i]}"
	done
	((i > PROGS)) && PROGS=$i
done

row() { # LABEL KEY: one row of the figures table
	local v out=$1
	for v in "${TRACERS[@]}"; do out+=$'\t'${F[$v/$2]:-}; done
	printf '%s\n' "$out"
}

say ""
{
	printf 'tracer'
	printf '\t%s' "${TRACERS[@]}"
	printf '\n'
	row "exec rate without tracer (/s)" rate0
	row "exec rate with tracer (/s)" rate
	row "throughput ratio" ratio
	row "captured (worst round)" capt
	row "lost (all rounds)" lost
	row "execs traced per storm" execs
	row "CPU/exec: BPF (µs)" bpf
	row "CPU/exec: reader (µs)" reader
	row "CPU/exec: total (µs)" total
	row "CPU/exec / libbpf-tools'" vs
	for ((i = 1; i <= PROGS; i++)); do
		row "$( ((i == 1)) && echo "BPF µs by program")" "prog$i"
	done
	row "reader wake-ups/s in storm" wake
	row "first event line (ms)" first
	row "attached (ms)" attached
	row "exit after SIGTERM (ms)" exit
	row "all detached after SIGTERM (ms)" detached
	row "last event written at exit" last
	row "peak RSS (MiB)" rss
	row "size" size
} | table
say "(rates: median of $ROUNDS rounds; ratio: median of per-round with/without; captured: worst round;"
say " execs traced: its programs' largest run count over a storm (other processes' execs too);"
say " CPU per exec traced, median of per-round figures: BPF = run time of the tracer's programs"
say " (kernel BPF stats; by program in load order, a 15-character name two share told apart by"
say " load order: NAME, NAME#2), reader = the tracer process's user+system time, total = both;"
say " / libbpf-tools': median of per-round fractions; wake-ups: voluntary context switches over the"
say " storm; first event line, attached, exit, detached: median of $TRIES tries, stdout on a pipe;"
say " attached = minisnoop's \"tracing\" on stderr or the peers' header; exit = the tracer's process"
say " gone; detached = what it left behind gone too; last event: a marker exec'd just before"
say " SIGTERM is in the output; peak RSS: max over rounds, $RSS_HOW)"

for v in "${TRACERS[@]}"; do
	most=0
	read -r -a names <<<"${PNAMES[$v]:-}"
	for pn in "${names[@]}"; do
		runs=$(median "${PCNT[$v/$pn]}")
		most=$(awk -v a="$most" -v b="$runs" 'BEGIN { print (b > a ? b : a) }')
	done
	if [ ${#names[@]} = 0 ]; then
		say "$v: no BPF program of its own was loaded while it ran"
	elif [ "$most" = 0 ]; then
		say "$v: its programs never ran during the storms: were BPF stats enabled?"
	elif awk -v m="$most" -v n="$N" 'BEGIN { exit !(m > n * 1.02) }'; then
		say "$v: note: $most execs traced per storm of $N: other processes exec'd too" \
			"(its CPU figures are per exec it traced)"
	fi
	case ${STATUSES[$v]# } in
	0) ;;
	sig15) say "$v: SIGTERM ended it (it has no handler for it)" ;;
	*) say "$v: exit status after SIGTERM:${STATUSES[$v]}" ;;
	esac
done
say "load average at the end: $(loadavg)"

# ---- goals -------------------------------------------------------------------

# met TEST [ARGS]: "met" when TEST succeeds. The tests, on a tracer V:
met() { if "$@"; then echo met; else echo "NOT met"; fi; }
# shellcheck disable=SC2317 # all called through met
{
	# its programs ran and were measured
	ran_ok() { [ "${F[$1/bpf]}" != 0.00 ] && [ -n "${F[$1/progs]}" ]; }
	exit_ok() { le "${F[$1/exit]}" "$GOAL_EXIT_MS" && [ "${LASTOK[$1]:-0}" = "$TRIES" ]; }
	cpu_ok() { le "${F[$1/vs]}" "$GOAL_CPU_VS"; }
	# every event of every storm captured, none lost, ratio >= the goal
	storm_ok() {
		local c
		read -r -a c <<<"${CAPT[$1]}"
		[ "$(min "${c[@]}")" = "$N" ] && [ "${F[$1/lost]}" = 0 ] && le "$GOAL_RATIO" "${F[$1/ratio]}"
	}
	rss_ok() { le "${F[$1/rsskb]}" "$RSS_GOAL_KB"; }
	size_ok() { [ -n "$STRIPPED" ] && le "$STRIPPED" "$SIZE_BUDGET"; }
}

RSS_GOAL_KB=$(rss_allowance_kb)
say ""
{
	printf 'goal\tvariant\tfigure\tresult\n'
	v=minisnoop-all
	printf '1 every context field, CPU/exec\t%s\t%s\t%s\n' "$v" \
		"BPF ${F[$v/bpf]} + reader ${F[$v/reader]} = ${F[$v/total]} µs (by program above)" \
		"$(met ran_ok "$v")"
	for v in minisnoop minisnoop-all; do
		printf '2 first event line <= %s ms\t%s\t%s\t%s\n' "$GOAL_FIRST_MS" "$v" "${F[$v/first]} ms" \
			"$(met le "${F[$v/first]}" "$GOAL_FIRST_MS")"
	done
	for v in minisnoop minisnoop-all; do
		printf '2 startup to attached (no goal)\t%s\t%s\t%s\n' "$v" "${F[$v/attached]} ms" —
	done
	for v in minisnoop minisnoop-all; do
		printf '3 exit after SIGTERM <= %s ms, all written\t%s\t%s\t%s\n' "$GOAL_EXIT_MS" "$v" \
			"${F[$v/exit]} ms (detached ${F[$v/detached]} ms), last event ${F[$v/last]}" \
			"$(met exit_ok "$v")"
	done
	for v in minisnoop minisnoop-all; do
		printf '4 reader wake-ups <= %s/s in the storm\t%s\t%s\t%s\n' "$GOAL_WAKEUPS" "$v" \
			"${F[$v/wake]}/s ($(awk -v w="${F[$v/wake]}" -v r="${F[$v/rate]}" \
				'BEGIN { printf "%.0f", (r > 0 ? w / r * 1000 : 0) }') per 1000 execs)" \
			"$(met le "${F[$v/wake]}" "$GOAL_WAKEUPS")"
	done
	for v in minisnoop minisnoop-all; do
		if [ -n "${VS_LIBBPF[$v]:-}" ]; then
			printf '5 CPU/exec <= %s x libbpf-tools'"'"'\t%s\t%s\t%s\n' "$GOAL_CPU_VS" "$v" \
				"${F[$v/total]} µs = ${F[$v/vs]} x ${F[execsnoop/total]} µs" "$(met cpu_ok "$v")"
		else
			printf '5 CPU/exec <= %s x libbpf-tools'"'"'\t%s\t%s\t%s\n' "$GOAL_CPU_VS" "$v" \
				"${F[$v/total]} µs; libbpf-tools not in this run" "not measured"
		fi
	done
	for v in minisnoop minisnoop-all; do
		printf '5 storm: all captured, 0 lost, ratio >= %s\t%s\t%s\t%s\n' "$GOAL_RATIO" "$v" \
			"${F[$v/capt]}, ${F[$v/lost]} lost, ratio ${F[$v/ratio]}" "$(met storm_ok "$v")"
	done
	for v in minisnoop minisnoop-all; do
		printf '6 peak RSS <= 1 MiB + rings = %s KiB\t%s\t%s\t%s\n' "$RSS_GOAL_KB" "$v" \
			"${F[$v/rsskb]} KiB" "$(met rss_ok "$v")"
	done
	printf '6 stripped size <= %s bytes\t%s\t%s\t%s\n' "$SIZE_BUDGET" minisnoop \
		"${STRIPPED:-? (no strip)} bytes" "$(met size_ok)"
} | table left
say "(rings: $(getconf _NPROCESSORS_ONLN) CPUs x (--pages + 1 metadata page) x $(getconf PAGESIZE) bytes;" \
	"goal 4's bound stands for \"bounded\": far fewer wake-ups than events)"
exit 0
