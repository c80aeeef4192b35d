#!/usr/bin/env bash
# deploy/grafana-dashboard.json: a dashboard Grafana imports (its shape, a Prometheus datasource
# variable, panels with targets), whose every PromQL expression names only metric families the
# binary writes, read from a real `check --format prom` and a real provision run's metrics, and
# parses (promtool check rules, each expression as a recording rule). tests/tools/dashcheck.py.
. "$(dirname "$0")/lib.sh"

DASH=$TOP/deploy/grafana-dashboard.json
ROOT=$FIXTURES/ubuntu-22.04

"$CVMPREP" check --root "$ROOT" --no-probe --format prom -o "$WORK/check.prom" 2>"$WORK/err"
"$CVMPREP" provision --dry-run --root "$ROOT" --no-probe --metrics "$WORK/provision.prom" >/dev/null 2>>"$WORK/err"
if /usr/bin/python3 "$TOP/tests/tools/promcheck.py" --families "$WORK/check.prom" "$WORK/provision.prom" >"$WORK/families" 2>>"$WORK/err" &&
	[ "$(wc -l <"$WORK/families")" -ge 5 ]; then
	pass "the families the binary writes: $(tr '\n' ' ' <"$WORK/families")"
else
	fail "the families the binary writes" "$(cat "$WORK/err")"
fi

# dash_case NAME DASHBOARD WANT: dashcheck.py passes (WANT 0) or refuses (WANT 1) DASHBOARD.
dash_case() {
	/usr/bin/python3 "$TOP/tests/tools/dashcheck.py" "$2" "$WORK/families" "$WORK/rules.json" >"$WORK/out" 2>"$WORK/perr"
	local rc=$?
	if [ "$rc" -eq "$3" ]; then pass "$1 ($(cat "$WORK/out" "$WORK/perr"))"; else fail "$1" "exit $rc: $(cat "$WORK/out" "$WORK/perr")"; fi
}

dash_case "the dashboard: shape, variables, only metrics the binary writes" "$DASH" 0
if command -v promtool >/dev/null; then
	if promtool check rules "$WORK/rules.json" >"$WORK/lint" 2>&1; then
		pass "every expression parses: promtool check rules ($(grep -o '[0-9]* rules found' "$WORK/lint"))"
	else
		fail "every expression parses: promtool check rules" "$(head -5 "$WORK/lint")"
	fi
else
	skip "promtool check rules" "promtool is not installed (ci/deps.sh: prometheus)"
fi

# The checker is not a formality: a metric the binary does not write, a panel without targets,
# no datasource variable.
/usr/bin/python3 - "$DASH" "$WORK" <<'PY'
import copy, json, sys
dash = json.load(open(sys.argv[1]))
def save(name, d):
    json.dump(d, open(f"{sys.argv[2]}/{name}.json", "w"))
d = copy.deepcopy(dash)
t = next(p for p in d["panels"] if p["type"] != "row")["targets"][0]
t["expr"] = "sum(cvmprep_compatible_nodes)"
save("unknown-metric", d)
d = copy.deepcopy(dash)
next(p for p in d["panels"] if p["type"] != "row")["targets"] = []
save("no-targets", d)
d = copy.deepcopy(dash)
d["templating"]["list"] = [v for v in d["templating"]["list"] if v["type"] != "datasource"]
save("no-datasource", d)
PY
for bad in unknown-metric no-targets no-datasource; do
	dash_case "refused: $bad" "$WORK/$bad.json" 1
done
