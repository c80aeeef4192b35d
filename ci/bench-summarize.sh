#!/usr/bin/env bash
# `cvmprep summarize` over a generated fleet: REPORTS (default 10000) JSON reports made from this
# machine's own `check --no-probe` report with their statuses varied (tests/tools/genreports.py),
# summarized as JSON; the best wall time of RUNS (default 3) runs against the budget of 2 s, and
# the peak RSS, also over a tenth of the fleet: memory is bounded by the distinct check ids, so
# it must not grow with the reports. A benchmark, not a test: it fails only when the best run
# is over budget or the summary does not count every report.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CVMPREP:-./cvmprep}
reports=${REPORTS:-10000}
runs=${RUNS:-3}
budget_ms=2000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" check --no-probe --format json -o "$work/template.json" || [ $? -le 3 ]
/usr/bin/python3 tests/tools/genreports.py "$work/template.json" "$work/fleet" "$reports" 1 >/dev/null
/usr/bin/python3 tests/tools/genreports.py "$work/template.json" "$work/tenth" $((reports / 10)) 1 >/dev/null
echo "summarize: $reports reports of $(($(wc -c <"$work/template.json") / 1024)) KiB ($(du -sm "$work/fleet" | cut -f1) MiB), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"

# measure DIR: "MS CPU_MS KIB" of the best of RUNS runs: wall time, the CPU time (user and
# system: what the run itself costs on a machine others load) and the peak RSS of that run.
measure() {
	local best='' cpu='' rss='' i t u s kib
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" summarize --format json -o "$work/summary.json" "$1"
		read -r t u s kib <"$work/time"
		t=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then
			best=$t rss=$kib cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')
		fi
	done
	echo "$best $cpu $rss"
}
read -r ms cpu kib < <(measure "$work/fleet")
counted=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reports"]["usable"])' "$work/summary.json")
read -r ms10 cpu10 kib10 < <(measure "$work/tenth")
echo "summarize $reports reports: ${ms} ms best of $runs (budget ${budget_ms} ms; CPU ${cpu} ms), peak RSS ${kib} KiB"
echo "summarize $((reports / 10)) reports: ${ms10} ms (CPU ${cpu10} ms), peak RSS ${kib10} KiB (memory bounded by check ids, not reports)"
status=0
[ "$counted" -eq "$reports" ] || { echo "summarize counted $counted of $reports reports" >&2; status=1; }
[ "$ms" -le "$budget_ms" ] || { echo "summarize: over budget: ${ms} ms > ${budget_ms} ms" >&2; status=1; }
exit $status
