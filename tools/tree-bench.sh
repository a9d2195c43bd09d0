#!/usr/bin/env bash
# What --tree costs the execs outside it (issue 17), as root:
#   flock /tmp/minisnoop-kernel.lock timeout 600 tools/tree-bench.sh
# Alternating rounds of the default tracer (`minisnoop -j -w FILE`) and the same with
# `--tree PID` of an idle process whose subtree the storm is not in: an N-exec storm
# (build/storm) each, with kernel.bpf_stats_enabled=1; per exec of the storm, the run
# time of the tracer's BPF programs (those loaded after it started, build/progstats) and
# the tracer process's CPU time; and the lines it wrote (the storm's are N, or none with
# --tree). Prints each round and the medians (ns per exec).
# Environment: BENCH_N (8000), BENCH_WORKERS (2), BENCH_ROUNDS (5), B (build).
set -u
B=${B:-build}
N=${BENCH_N:-8000}
K=${BENCH_WORKERS:-2}
ROUNDS=${BENCH_ROUNDS:-5}
[ "$(id -u)" = 0 ] || { echo "tree-bench: needs root" >&2; exit 1; }
for t in minisnoop storm progstats true-static; do
	[ -x "$B/$t" ] || { echo "tree-bench: $B/$t missing: make all tools" >&2; exit 1; }
done
TMP=$(mktemp -d)
stats=$(cat /proc/sys/kernel/bpf_stats_enabled)
sleep 1000 &
idle=$!
cleanup() {
	kill "$idle" 2>/dev/null
	echo "$stats" >/proc/sys/kernel/bpf_stats_enabled
	rm -rf "$TMP"
}
trap cleanup EXIT
echo 1 >/proc/sys/kernel/bpf_stats_enabled

# One storm under VARIANT's tracer: "VARIANT ROUND BPF_NS READER_NS EVENTS" per exec.
round() { # VARIANT ROUND ARGS...
	local v=$1 r=$2 pid k
	shift 2
	rm -f "$TMP/out"
	"$B/progstats" >"$TMP/before"
	"$B/minisnoop" -j -w "$TMP/out" "$@" 2>"$TMP/err" &
	pid=$!
	for k in $(seq 100); do grep -q "minisnoop: tracing" "$TMP/err" && break; sleep 0.1; done
	"$B/progstats" -p "$pid" >"$TMP/s1"
	"$B/storm" -n "$N" -w "$K" >/dev/null
	"$B/progstats" -p "$pid" >"$TMP/s2"
	kill -INT "$pid"
	wait "$pid"
	awk -v n="$N" -v v="$v" -v r="$r" -v ev="$(wc -l <"$TMP/out")" '
		FILENAME == ARGV[1] { before[$1] = 1; next }
		FILENAME == ARGV[2] { if ($1 == "pid") c1 = $3; else if (!($1 in before)) t1[$1] = $4; next }
		$1 == "pid" { c2 = $3; next }
		$1 in t1 { bpf += $4 - t1[$1] }
		END { printf "%s %s %.0f %.0f %d\n", v, r, bpf / n, (c2 - c1) / n, ev }
	' "$TMP/before" "$TMP/s1" "$TMP/s2"
}

echo "variant round bpf_ns/exec reader_ns/exec events (N=$N, K=$K)"
for r in $(seq "$ROUNDS"); do
	round default "$r"
	round tree "$r" --tree "$idle"
done | tee "$TMP/rounds"
for v in default tree; do
	awk -v v="$v" '$1 == v { print $3, $4 }' "$TMP/rounds" | sort -n |
		awk -v v="$v" '{ b[NR] = $1; c[NR] = $2 } END {
			m = int((NR + 1) / 2); printf "median %s: bpf %d ns/exec", v, b[m] }'
	awk -v v="$v" '$1 == v { print $4 }' "$TMP/rounds" | sort -n |
		awk '{ c[NR] = $1 } END { m = int((NR + 1) / 2); printf ", reader %d ns/exec\n", c[m] }'
done
