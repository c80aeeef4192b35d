#!/usr/bin/env bash
# The writers on hostile strings: a hostname and an os-release carrying escape sequences, a
# carriage return, a C1 CSI and bytes that are not UTF-8 (tests/fixtures/hostile-strings), and a
# hostname with a newline that forges a verdict line. The terminal gets no control character,
# the text no second verdict, the JSON is valid UTF-8 and says where bytes were rewritten.
. "$(dirname "$0")/lib.sh"

ROOT=$FIXTURES/hostile-strings
ONLY=platform.arch,os.distro,kernel.version
FORGED=$'node\nverdict: compatible (exit 0)'

# Raw control bytes other than the newline that ends each line: ESC, CR, BEL, C1 (UTF-8 C2 80-9F).
raw_controls() {
	LC_ALL=C grep -c $'[\001-\011\013-\037\177]\|\302[\200-\237]' "$1"
}

"$CVMPREP" check --root "$ROOT" --only $ONLY >"$WORK/text" 2>"$WORK/err"
if [ "$(raw_controls "$WORK/text")" -eq 0 ]; then pass "text: no control character from the host"; else fail "text: no control character from the host" "$(cat -v "$WORK/text" | head -3)"; fi
if grep -q 'node\\x1b]0;owned\\x07' "$WORK/text" && grep -q '\\xc3(' "$WORK/text"; then pass "text: escapes shown, not obeyed"; else fail "text: escapes shown, not obeyed" "$(head -1 "$WORK/text" | cat -v)"; fi

"$CVMPREP" check --root "$ROOT" --only $ONLY --assume "host.hostname=$FORGED" >"$WORK/forged" 2>"$WORK/err"
if [ "$(grep -c '^verdict:' "$WORK/forged")" -eq 1 ] && [ "$(tail -1 "$WORK/forged")" = "verdict: compatible (exit 0)" ]; then pass "text: no forged verdict line"; else fail "text: no forged verdict line" "$(grep -n verdict "$WORK/forged")"; fi

"$CVMPREP" check --root "$ROOT" --only $ONLY --format json -o "$WORK/report.json"
if /usr/bin/python3 -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read())' "$WORK/report.json" 2>"$WORK/perr"; then pass "json: parses"; else fail "json: parses" "$(cat "$WORK/perr")"; fi
valid_json "json: schema" "$SCHEMA" "$WORK/report.json"
if grep -q '"pretty_name":.*\\\\xc3(\\\\xed\\\\xa0\\\\x80 end' "$WORK/report.json"; then pass "json: bytes that are not UTF-8 written \\xNN"; else fail "json: bytes that are not UTF-8 written \\xNN" "$(grep pretty_name "$WORK/report.json")"; fi

"$CVMPREP" facts --root "$ROOT" -o "$WORK/facts.json"
if /usr/bin/python3 - "$WORK/facts.json" <<'PY' 2>"$WORK/perr"; then pass "facts: parses, and the rewritten facts say so"; else fail "facts: parses, and the rewritten facts say so" "$(cat "$WORK/perr")"; fi
import json, sys
facts = json.loads(open(sys.argv[1], "rb").read())["facts"]
for key in ("host.hostname", "os.pretty_name"):
    assert "not UTF-8" in facts[key].get("note", ""), (key, facts[key])
assert "note" not in facts["os.id"], facts["os.id"]
PY
valid_json "facts: schema" "$FACTS_SCHEMA" "$WORK/facts.json"
