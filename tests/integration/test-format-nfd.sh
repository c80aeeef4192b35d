#!/usr/bin/env bash
# check --format nfd: a Node Feature Discovery features.d file read as NFD's local source reads
# it (comments, "# +" directives, name=value lines), every label held to the Kubernetes rules for
# label names and values, the labels to the JSON report of the same run; -o writes a hidden
# temporary file (NFD skips dotfiles) and renames it.
. "$(dirname "$0")/lib.sh"

ROOT=$FIXTURES/ubuntu-22.04
ONLY='platform.*,os.*,kernel.version,kernel.idmap,kernel.seccomp-notify,kernel.headers'

# nfd_case NAME ONLY ARGS...: the same run as a features file and as JSON.
nfd_case() {
	local name=$1 only=$2
	shift 2
	"$CVMPREP" check --root "$ROOT" --no-probe --only "$only" "$@" --format nfd -o "$WORK/$name.nfd" 2>"$WORK/err"
	"$CVMPREP" check --root "$ROOT" --no-probe --only "$only" "$@" --format json -o "$WORK/$name.json" 2>>"$WORK/err"
	if /usr/bin/python3 - "$WORK/$name.nfd" "$WORK/$name.json" >"$WORK/out" 2>"$WORK/perr" <<'PY'; then pass "$name: NFD labels, valid Kubernetes labels, as the JSON report says ($(cat "$WORK/out"))"; else fail "$name: NFD labels" "$(cat "$WORK/perr")"; fi
import calendar, datetime, json, os, re, sys
path = sys.argv[1]
doc = json.load(open(sys.argv[2]))
raw = open(path, "rb").read()
assert len(raw) < 64 * 1024, f"{len(raw)} bytes"
# k8s.io/apimachinery/pkg/util/validation: qualified names and label values.
NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
PREFIX = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
labels, expiry = {}, None
for line in raw.decode("utf-8").split("\n"):
    line = line.strip()
    if line.startswith("# +"):
        key, _, val = line[3:].partition("=")
        assert key == "expiry-time", f"directive {key!r}"
        expiry = datetime.datetime.strptime(val, "%Y-%m-%dT%H:%M:%SZ")
        continue
    if not line or line.startswith("#"):
        continue
    name, sep, value = line.partition("=")
    assert sep, f"not name=value: {line!r}"
    assert name not in labels, f"{name} twice"
    prefix, slash, part = name.rpartition("/")
    assert slash and prefix == "cvmprep.io", f"{name}: not under cvmprep.io/"
    assert PREFIX.fullmatch(prefix) and len(prefix) <= 253
    assert NAME.fullmatch(part) and len(part) <= 63, f"{name}: not a label name"
    assert VALUE.fullmatch(value) and len(value) <= 63, f"{name}={value!r}: not a label value"
    labels[part] = value
assert expiry, "no # +expiry-time="
gen = calendar.timegm(datetime.datetime.strptime(doc["generated_at"], "%Y-%m-%dT%H:%M:%SZ").timetuple())
assert calendar.timegm(expiry.timetuple()) > gen, "expiry-time not after the run"
want = {"verdict": doc["verdict"]}
rank = {"fail": 4, "unknown": 3, "warn": 2, "pass": 1, "skip": 0}
for c in doc["checks"]:
    area = "area." + c["id"].split(".")[0]
    if area not in want or rank[c["status"]] > rank[want[area]]:
        want[area] = c["status"]
    if c["status"] != "pass":
        want["check." + c["id"]] = c["status"]
assert labels == want, f"labels {labels}, want {want}"
print(f"{len(labels)} labels, verdict {labels['verdict']}")
PY
}

nfd_case "every status" "$ONLY" --assume kernel.release=4.4.0
nfd_case "compatible" platform.arch,os.distro,kernel.version
nfd_case "every check" '*'

# Every check id fits a label name as cvmprep.io/check.<id>: none is ever left out.
bad=$("$CVMPREP" list --format json | /usr/bin/python3 -c '
import json, re, sys
for c in json.load(sys.stdin)["checks"]:
    n = "check." + c["id"]
    if len(n) > 63 or not re.fullmatch(r"[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]", n):
        print(c["id"])')
[ -z "$bad" ] && pass "every check id makes a valid label name" || fail "every check id makes a valid label name" "$bad"

# -o: NFD watches features.d with fsnotify and skips dotfiles: written hidden, then renamed.
mkdir "$WORK/features.d"
strace -f -qq -e trace=rename,renameat,renameat2 -o "$WORK/strace" \
	"$CVMPREP" check --root "$ROOT" --no-probe --only platform.arch --format nfd -o "$WORK/features.d/cvmprep" 2>"$WORK/err"
from=$(sed -n 's/.*rename[a-z0-9]*(.*"\([^"]*\)", .*"cvmprep".*/\1/p' "$WORK/strace" | head -1)
case $from in
.*) pass "-o: renamed from the dotfile '$from'" ;;
*) fail "-o: renamed from a dotfile" "$(cat "$WORK/strace")" ;;
esac
[ "$(ls -A "$WORK/features.d")" = cvmprep ] && pass "-o: nothing else left in the directory" || fail "-o: nothing else left" "$(ls -A "$WORK/features.d")"
