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
#     and the size of the binary.
# With BENCH_PEERS=1, libbpf-tools' execsnoop and bpftrace's execsnoop.bt, when
# installed (this script installs nothing), take part in the same rounds.
#
# Environment: BENCH_N (8000 execs per storm), BENCH_WORKERS (2), BENCH_ROUNDS (5),
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
for f in "$MS" "$STORM" "$TRUE"; do
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
# shellcheck disable=SC2317 # called by the trap
cleanup() {
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
VARIANTS=(none "${TRACERS[@]}")

# ---- storm rounds ------------------------------------------------------------

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
		start_tracer "$v" "$out" "$err" wrap
		rate=$(storm "$mark") || exit 1
		hwm=$(vmhwm_kb "$SPID")
		stop_tracer "$v"
		c=$(captured "$v" "$out" "$mark")
		l=$(lost_of "$v" "$out" "$err") || exit 1
		t=
		[ -n "$TIME_V" ] &&
			t=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$err")
		RATES[$v]+=" $rate" CAPT[$v]+=" $c" LOST[$v]+=" $l" RSS[$v]+=" ${t:-$hwm}"
		line+=" $v ${rate}/s $c/$N captured $l lost ${t:-$hwm} KB;"
		rm -f "$out" "$err"
	done
	say "${line%;}"
done

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
printf '%-10s %10s %10s %6s %11s %5s %12s %9s  %s\n' tracer "rate w/o" "rate with" ratio \
	"captured" lost "first event" "peak RSS" size
for v in "${TRACERS[@]}"; do
	read -r -a c <<<"${CAPT[$v]}"
	read -r -a r <<<"${RSS[$v]}"
	rss=$(printf '%s\n' "${r[@]}" | sort -g | tail -n1)
	printf '%-10s %8.0f/s %8.0f/s %6.3f %11s %5s %9s ms %6.1f MB  %s\n' "$v" \
		"$(median "${RATES[none]}")" "$(median "${RATES[$v]}")" "${RATIO[$v]}" \
		"$(min "${c[@]}")/$N" "$(sum "${LOST[$v]}")" "${FIRST[$v]}" \
		"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(size_of "$v")"
done
say "(rates: median of $ROUNDS rounds; ratio: median of per-round with/without; captured: worst round;"
say " lost: sum over rounds; first event: median of $TRIES; peak RSS: max over rounds, $RSS_HOW)"

read -r -a c <<<"${CAPT[minisnoop]}"
met=met
[ "$(min "${c[@]}")" = "$N" ] || met="NOT met"
[ "$(sum "${LOST[minisnoop]}")" = 0 ] || met="NOT met"
[[ ${RATIO[minisnoop]} =~ ^[0-9.]+$ ]] &&
	awk -v r="${RATIO[minisnoop]}" 'BEGIN { exit !(r + 0 >= 0.97) }' || met="NOT met"
say "goal: captured == N, lost == 0, ratio >= 0.97: $met"
exit 0
