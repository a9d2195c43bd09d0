#!/usr/bin/env bash
# Exec-storm benchmark for minisnoop (run by `make bench`, as root).
#
# In one run, alternating rounds so that machine noise hits every variant alike:
#   - exec rate of build/storm with no tracer, and with `minisnoop -j` attached and
#     writing to a file; the ratio with/without (median of the per-round ratios);
#   - events of the storm that minisnoop captured (JSON lines whose filename is the
#     true-static path and whose argument is the round's marker) against N, and the
#     lost count from its summary line;
#   - "first event after start": start the tracer, exec a marker every 10 ms, time
#     until the tracer has written it (median of a few tries);
#   - peak RSS of minisnoop (/usr/bin/time -v, else VmHWM just before stopping),
#     and the size of the binary;
#   - CPU per traced exec, which machine noise hardly moves: each of the tracer's
#     BPF programs' run time (kernel.bpf_stats_enabled=1 during the rounds, read
#     with build/progstats before and after each storm) and the tracer process's
#     user+system CPU time over the storm, divided by N (medians over rounds).
#     The tracer's programs are those loaded after it started (and that it holds).
# With BENCH_PEERS=1, libbpf-tools' execsnoop and bpftrace's execsnoop.bt, when
# installed (this script installs nothing), take part in the same rounds.
#
# Environment: BENCH_N (8000 execs per storm), BENCH_WORKERS (2), BENCH_ROUNDS (9),
# BENCH_LATENCY_TRIES (5), BENCH_PEERS (0), BENCH_MINISNOOP_ARGS (extra options,
# e.g. "--pages 256"), B (build directory, default build).
#
# Exits 1 only when the benchmark itself cannot run (not root, a tool missing, the
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
for f in "$MS" "$STORM" "$TRUE" "$PROGSTATS"; do
	[ -x "$f" ] || die "$f is missing: run 'make all tools' (or 'make bench')"
done

N=${BENCH_N:-8000}
K=${BENCH_WORKERS:-2}
ROUNDS=${BENCH_ROUNDS:-9}
TRIES=${BENCH_LATENCY_TRIES:-5}
PEERS=${BENCH_PEERS:-0}
read -r -a MS_EXTRA <<<"${BENCH_MINISNOOP_ARGS:-}"
for v in N K ROUNDS TRIES; do
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
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'; }

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
		if [ "$name" = minisnoop ]; then
			grep -q 'tracing' "$err" && return 0
		else
			"$TRUE" "msbench-ready-$$"
			grep -qF "msbench-ready-$$" "$out" && return 0
		fi
		sleep 0.01
	done
	die "$name did not start tracing within 30 s: $(errtail "$err")"
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
	if [ "$1" = minisnoop ]; then
		grep -F "\"filename\":\"$TRUE\"" "$2" | grep -cF "\"args\":[\"$TRUE\",\"$3\"]"
	else
		# Arguments joined with spaces; storm's own exec line has "-n" after the path.
		grep -cF -- "$TRUE $3" "$2"
	fi
}

# Lost events of a run: minisnoop's summary; peers' "Lost N events" lines.
lost_of() { # NAME OUT ERR
	if [ "$1" = minisnoop ]; then
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
# Prints "NAME RUN_CNT NS_PER_EXEC" for each of the tracer's programs in load
# order (a name loaded twice gets #2: the kernel keeps only 15 characters),
# then "reader - NS_PER_EXEC".
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
			for (i = 1; i <= k; i++) {
				id = ids[i]
				nm = name[id]
				if (++seen[nm] > 1) nm = nm "#" seen[nm]
				# Gone before S2: no figures rather than negative ones.
				if (!(id in c1)) { c1[id] = c0[id]; t1[id] = t0[id] }
				printf "%s %d %.0f\n", nm, c1[id] - c0[id], (t1[id] - t0[id]) / n
			}
			printf "reader - %.0f\n", (cpu1 - cpu0) / n
		}' "$@"
}

# ---- which tracers take part -------------------------------------------------

TRACERS=(minisnoop)
if [ "$PEERS" = 1 ]; then
	EXECSNOOP=$(dpkg -L libbpf-tools 2>/dev/null | grep -m1 '/execsnoop$')
	[ -n "$EXECSNOOP" ] && [ -x "$EXECSNOOP" ] && command -v stdbuf >/dev/null &&
		TRACERS+=(execsnoop)
	BT_SCRIPT=$(dpkg -L bpftrace 2>/dev/null | grep -m1 '/execsnoop\.bt$')
	[ -n "$BT_SCRIPT" ] && command -v bpftrace >/dev/null && TRACERS+=(bpftrace)
	[ ${#TRACERS[@]} -gt 1 ] ||
		say "BENCH_PEERS=1: neither libbpf-tools nor bpftrace is installed; measuring minisnoop only"
fi

say "minisnoop bench: N=$N execs per storm over K=$K workers, $ROUNDS rounds," \
	"kernel $(uname -r), $(nproc) CPUs${MS_EXTRA[*]:+, minisnoop ${MS_EXTRA[*]}}"
say "tracers: ${TRACERS[*]} (each writing to a file)"

declare -A RATES CAPT LOST RSS FIRST
# CPU per exec in ns, one word per round: BPF (sum of the tracer's programs),
# READER (its process), TOTAL; per program PCNT and PNS keyed TRACER/NAME,
# the names in load order in PNAMES.
declare -A BPF READER TOTAL PCNT PNS PNAMES
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
		rate=$(storm "$mark") || exit 1
		# Let the reader drain what the storm left in its buffers, so that its
		# CPU time for them falls inside the window.
		sleep 0.25
		snapshot -p "$SPID" >"$TMP/s2"
		hwm=$(vmhwm_kb "$SPID")
		stop_tracer "$v"
		bpf=0
		while read -r pn pc pt; do
			if [ "$pn" = reader ]; then
				READER[$v]+=" $pt"
				continue
			fi
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
		RATES[$v]+=" $rate" CAPT[$v]+=" $c" LOST[$v]+=" $l" RSS[$v]+=" ${t:-$hwm}"
		line+=" $v ${rate}/s $c/$N captured $l lost ${t:-$hwm} KB $(us "${TOTAL[$v]##* }") µs/exec;"
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

# ---- first event after start -------------------------------------------------

for v in "${TRACERS[@]}"; do
	ts=()
	for ((t = 1; t <= TRIES; t++)); do
		out=$TMP/first.out err=$TMP/first.err mark="msbench-first-$$-$t"
		tracer_cmd "$v"
		t0=$EPOCHREALTIME
		"${TCMD[@]}" >"$out" 2>"$err" &
		TPID=$! SPID=$!
		ok=
		for ((i = 0; i < 3000; i++)); do
			"$TRUE" "$mark"
			if grep -qF "$mark" "$out"; then
				ok=1
				break
			fi
			kill -0 "$TPID" 2>/dev/null || break
			sleep 0.01
		done
		[ -n "$ok" ] || die "$v: marker not seen within 30 s of start: $(errtail "$err")"
		ts+=("$(ms_since "$t0")")
		stop_tracer "$v"
	done
	FIRST[$v]=$(median "${ts[@]}")
	say "first event $v (ms): ${ts[*]}"
done

# ---- summary -----------------------------------------------------------------

size_of() { # NAME -> human text
	case $1 in
	minisnoop)
		local s st=
		s=$(stat -c %s "$MS")
		if command -v strip >/dev/null && strip -o "$TMP/ms.stripped" "$MS" 2>/dev/null; then
			st=" ($(($(stat -c %s "$TMP/ms.stripped") / 1024)) KB stripped)"
		fi
		echo "$((s / 1024)) KB static$st"
		;;
	execsnoop) echo "$(($(stat -c %s "$EXECSNOOP") / 1024)) KB + shared libs" ;;
	bpftrace) echo "$(($(stat -c %s "$(command -v bpftrace)") / 1024)) KB + shared libs" ;;
	esac
}

RSS_HOW="VmHWM just before stop"
[ -n "$TIME_V" ] && RSS_HOW="/usr/bin/time -v"
say ""
# Headers with µ (two bytes) get one more column of width than their figures.
printf '%-10s %10s %10s %6s %11s %5s %12s %9s %9s %10s %9s  %s\n' tracer "rate w/o" "rate with" \
	ratio "captured" lost "first event" "peak RSS" "BPF µs" "reader µs" "total µs" size
for v in "${TRACERS[@]}"; do
	read -r -a c <<<"${CAPT[$v]}"
	read -r -a r <<<"${RSS[$v]}"
	rss=$(printf '%s\n' "${r[@]}" | sort -g | tail -n1)
	printf '%-10s %8.0f/s %8.0f/s %6.3f %11s %5s %9s ms %6.1f MB %8s %9s %8s  %s\n' "$v" \
		"$(median "${RATES[none]}")" "$(median "${RATES[$v]}")" "${RATIO[$v]}" \
		"$(min "${c[@]}")/$N" "$(sum "${LOST[$v]}")" "${FIRST[$v]}" \
		"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(us "$(median "${BPF[$v]}")")" \
		"$(us "$(median "${READER[$v]}")")" "$(us "$(median "${TOTAL[$v]}")")" "$(size_of "$v")"
done
say "(rates: median of $ROUNDS rounds; ratio: median of per-round with/without; captured: worst round;"
say " lost: sum over rounds; first event: median of $TRIES; peak RSS: max over rounds, $RSS_HOW;"
say " CPU per exec of the storm, median of per-round figures: BPF = run time of the tracer's"
say " programs (kernel BPF stats), reader = the tracer process's user+system time, total = both)"

say ""
printf '%-10s %-20s %9s %9s\n' tracer "BPF program" run_cnt "ns/exec"
for v in "${TRACERS[@]}"; do
	read -r -a names <<<"${PNAMES[$v]:-}"
	most=0
	for pn in "${names[@]}"; do
		runs=$(median "${PCNT[$v/$pn]}")
		printf '%-10s %-20s %9.0f %9.0f\n' "$v" "$pn" "$runs" "$(median "${PNS[$v/$pn]}")"
		most=$(awk -v a="$most" -v b="$runs" 'BEGIN { print (b > a ? b : a) }')
	done
	if [ ${#names[@]} = 0 ]; then
		say "$v: no BPF program of its own was loaded while it ran"
	elif [ "$most" = 0 ]; then
		say "$v: its programs never ran during the storms: were BPF stats enabled?"
	elif awk -v m="$most" -v n="$N" 'BEGIN { exit !(m > n * 1.02) }'; then
		# The figures are divided by N: execs of other processes inflate them.
		say "$v: note: $most runs per storm of $N execs: other processes exec'd too;" \
			"its figures per exec are up to $(awk -v m="$most" -v n="$N" \
				'BEGIN { printf "%.0f", (m / n - 1) * 100 }')% high"
	fi
done
say "(per storm of $N execs, median of $ROUNDS rounds; a name the kernel cut to 15 characters"
say " that two programs share is told apart by load order: NAME, NAME#2)"

read -r -a c <<<"${CAPT[minisnoop]}"
met=met
[ "$(min "${c[@]}")" = "$N" ] || met="NOT met"
[ "$(sum "${LOST[minisnoop]}")" = 0 ] || met="NOT met"
[[ ${RATIO[minisnoop]} =~ ^[0-9.]+$ ]] &&
	awk -v r="${RATIO[minisnoop]}" 'BEGIN { exit !(r + 0 >= 0.97) }' || met="NOT met"
say "goal: captured == N, lost == 0, ratio >= 0.97: $met"
exit 0
