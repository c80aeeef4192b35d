#!/usr/bin/env bash
# Runs the test suites and prints one closing line: "N passed, N failed, N skipped".
#   tests/run.sh [--unit|--integration] [UNIT_BINARY...]
# Unit binaries are cmocka programs; integration tests are tests/integration/test-*.sh, each
# reporting through tests/integration/lib.sh. A script that exits 77 is skipped whole.
# CVMPREP_TESTS, when set, names the integration scripts to run instead of all.
set -uo pipefail
cd "$(dirname "$0")/.."

stages="unit integration"
case "${1:-}" in
--unit) stages=unit; shift ;;
--integration) stages=integration; shift ;;
esac

passed=0 failed=0 skipped=0
failures=()
export CVMPREP_RESULTS
CVMPREP_RESULTS=$(mktemp)
trap 'rm -f "$CVMPREP_RESULTS"' EXIT

# One line per integration script with its wall time, so a slow test shows in the log.
elapsed() {
	local now=$EPOCHREALTIME
	awk -v a="$2" -v b="$now" -v t="$1" 'BEGIN { printf "== %s: %.1f s\n", t, b - a }'
}

run_unit() {
	local bin out rc p f
	for bin in "$@"; do
		out=$("$bin" 2>&1)
		rc=$?
		printf '%s\n' "$out" | grep -E '^\[ *(PASSED|FAILED|SKIPPED) *\]|^\[  ERROR' || true
		p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
		f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
			failed=$((failed + 1))
			printf '%s\n' "$out" | tail -20
		fi
		[ "$rc" -eq 0 ] || failures+=("$bin")
	done
}

run_integration() {
	local t rc start
	for t in ${CVMPREP_TESTS:-tests/integration/test-*.sh}; do
		: >"$CVMPREP_RESULTS"
		echo "== $t"
		start=$EPOCHREALTIME
		bash "$t"
		rc=$?
		elapsed "$t" "$start"
		if [ "$rc" -eq 77 ]; then
			skipped=$((skipped + 1))
			continue
		fi
		passed=$((passed + $(grep -c '^pass' "$CVMPREP_RESULTS")))
		failed=$((failed + $(grep -c '^fail' "$CVMPREP_RESULTS")))
		skipped=$((skipped + $(grep -c '^skip' "$CVMPREP_RESULTS")))
		if [ "$rc" -ne 0 ] || grep -q '^fail' "$CVMPREP_RESULTS"; then
			failures+=("$t")
			[ "$rc" -ne 0 ] && ! grep -q '^fail' "$CVMPREP_RESULTS" && failed=$((failed + 1))
		fi
	done
}

for stage in $stages; do
	case $stage in
	unit) run_unit "$@" ;;
	integration) run_integration ;;
	esac
done

[ ${#failures[@]} -eq 0 ] || printf 'failing: %s\n' "${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
