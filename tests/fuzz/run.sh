#!/usr/bin/env bash
# Runs each libFuzzer target for a while from its seed corpus; fails when any finds a crash,
# a hang (-timeout), a leak or too much memory. Used by `make fuzz`.
# Usage: tests/fuzz/run.sh SECONDS BUILD_DIR TARGET...
# New inputs go to BUILD_DIR/corpus/NAME (tests/fuzz/corpus/ is only read); what a failing
# target found is in BUILD_DIR/artifacts/NAME/, its log in BUILD_DIR/NAME.log. Reproduce with
# `BUILD_DIR/NAME FILE`; keep the input as tests/fuzz/corpus/NAME/regress-WHAT.
set -u
secs=${1:?seconds}
dir=${2:?build dir}
shift 2
bad=()
# ASan keeps 256 MB of freed memory by default, to catch late uses of it; these targets free
# all of an input's memory when it is done, so 32 MB does, and -rss_limit_mb then measures the
# code under test rather than that quarantine.
export ASAN_OPTIONS="quarantine_size_mb=32${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
for t in "$@"; do
	name=$(basename "$t")
	mkdir -p "$dir/corpus/$name" "$dir/artifacts/$name"
	start=$(date +%s)
	# Most inputs are small; a few seeds are larger (BTF), and -max_len follows the largest.
	"$t" -max_total_time="$secs" -timeout=5 -rss_limit_mb=512 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/$name/" \
		"$dir/corpus/$name" "tests/fuzz/corpus/$name" >"$dir/$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$name.log" | tail -n1)
	cov=$(grep -o 'cov: [0-9]*' "$dir/$name.log" | tail -n1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$dir/$name.log" | tail -n1)
	echo "fuzz: $name: exit $rc, ${runs:-0} runs, ${cov:-cov: ?}, peak rss ${rss:-?} MB," \
		"$(($(date +%s) - start)) s"
	if [ "$rc" -ne 0 ]; then
		tail -n 40 "$dir/$name.log"
		ls "$dir/artifacts/$name/"
		bad+=("$name")
	fi
done
if [ ${#bad[@]} -gt 0 ]; then
	echo "fuzz: failing: ${bad[*]} (inputs in $dir/artifacts/)" >&2
	exit 1
fi
