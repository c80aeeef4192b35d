#!/usr/bin/env bash
# The Kubernetes manifests (deploy/daemonset.yaml, deploy/daemonset-provision.yaml), offline:
# they parse; every field is one the Kubernetes API has, of its type (python3-kubernetes'
# models; kubectl validates only against a server); the fields that matter hold (privileged,
# the node's root read-only but where provisioning writes, only the NFD and textfile directories
# written, selectors); the shell in them parses, and calls cvmprep with options the binary has;
# the check container's loop, run for real on a fixture root, writes both files and ends on
# SIGTERM; the init container, run on a root of the test bed, takes each exit status as it says.
. "$(dirname "$0")/lib.sh"

if ! /usr/bin/python3 -c 'import yaml, kubernetes' 2>/dev/null; then
	skip "the Kubernetes manifests" "python3-yaml or python3-kubernetes is not installed (ci/deps.sh)"
	exit 0
fi

cat >"$WORK/k8s.py" <<'PY'
"""k8s.py TOP CVMPREP FILE: what is wrong with a manifest, one line each; scripts to $WORK."""
import os, re, shlex, sys
import yaml
import kubernetes.client as k8s

top, binary, path, work = sys.argv[1:5]
sys.path.insert(0, os.path.join(top, "docs"))
import man  # the options of each command, as 'cvmprep COMMAND --help' gives them

problems = []
def problem(where, what):
    problems.append(f"{os.path.basename(path)}: {where}: {what}")

PRIMITIVE = {"str": str, "int": int, "bool": bool, "float": (int, float), "object": object}

def validate(value, typ, where):
    """Every key a field of the model, every value of its type (unknown fields are errors)."""
    if typ in PRIMITIVE:
        if typ == "int" and isinstance(value, bool) or not isinstance(value, PRIMITIVE[typ]):
            problem(where, f"{value!r} is not {typ}")
        return
    m = re.fullmatch(r"list\[(.+)\]", typ)
    if m:
        if not isinstance(value, list):
            return problem(where, f"not a list")
        for i, v in enumerate(value):
            validate(v, m.group(1), f"{where}[{i}]")
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", typ)
    if m:
        if not isinstance(value, dict):
            return problem(where, "not a map")
        for k, v in value.items():
            validate(v, m.group(1), f"{where}.{k}")
        return
    model = getattr(k8s, typ)
    if not isinstance(value, dict):
        return problem(where, f"not a {typ}")
    fields = {json: attr for attr, json in model.attribute_map.items()}
    for k, v in value.items():
        if k not in fields:
            problem(where, f"{typ} has no field '{k}'")
        else:
            validate(v, model.openapi_types[fields[k]], f"{where}.{k}")
    # Required fields: the model's constructor refuses None for them.
    try:
        model(**{fields[k]: 0 for k in value if k in fields})
    except ValueError as e:
        problem(where, str(e))
    except Exception:
        pass

commands, options, _, _, _ = man.binary_interface(man.runner(binary))

def check_script(script, where, name):
    """Write the script out for sh -n and shellcheck; its cvmprep calls use real options."""
    with open(os.path.join(work, name), "w") as f:
        f.write(script)
    joined = script.replace("\\\n", " ")
    for line in joined.splitlines():
        line = line.strip()
        if not line.startswith("cvmprep "):
            continue
        argv = shlex.split(line)
        cmd = argv[1]
        if cmd not in commands:
            problem(where, f"'cvmprep {cmd}': no such command")
            continue
        for arg in argv[2:]:
            opt = arg.split("=", 1)[0]
            if opt.startswith("-") and opt not in options[cmd]:
                problem(where, f"'cvmprep {cmd} {opt}': 'cvmprep {cmd} --help' has no such option")

docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
kinds = [d.get("kind") for d in docs]
if kinds != ["Namespace", "DaemonSet"]:
    problem("kinds", f"{kinds}, want Namespace, DaemonSet")
for i, d in enumerate(docs):
    validate(d, {"Namespace": "V1Namespace", "DaemonSet": "V1DaemonSet"}.get(d.get("kind"), "V1Namespace"), f"doc{i}")
ns, ds = docs[0], docs[1]
if ns["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") != "privileged":
    problem("Namespace", "pod security is not 'privileged': the pods would be refused")
if ds["metadata"].get("namespace") != ns["metadata"]["name"]:
    problem("DaemonSet", "not in the manifest's namespace")
spec = ds["spec"]
pod = spec["template"]["spec"]
labels = spec["template"]["metadata"].get("labels", {})
for k, v in spec["selector"]["matchLabels"].items():
    if labels.get(k) != v:
        problem("selector", f"{k}={v} does not select the pod template")
if pod.get("automountServiceAccountToken") is not False:
    problem("pod", "mounts a service account token it does not need")
volumes = {v["name"]: v for v in pod.get("volumes", [])}
NFD = "/etc/kubernetes/node-feature-discovery/features.d"
WRITTEN = {NFD, "/var/lib/prometheus/node-exporter"}

def mounts(c, where, writable):
    """Every mount read-only, but the host paths in writable; returns {mountPath: hostPath}."""
    out = {}
    for m in c.get("volumeMounts", []):
        v = volumes.get(m["name"])
        if v is None:
            problem(where, f"mount of an undefined volume '{m['name']}'")
            continue
        host = v.get("hostPath", {}).get("path")
        out[m["mountPath"]] = host
        ro = m.get("readOnly", False)
        if host in writable and ro:
            problem(where, f"{host} is read-only, yet written")
        if host not in writable and not ro:
            problem(where, f"{host} at {m['mountPath']} is writable; only {sorted(writable)} need be")
    return out

def env(c):
    return {e["name"]: e.get("value") for e in c.get("env", [])}

def script(c, where, name):
    if c.get("command") != ["/bin/sh", "-c"] or len(c.get("args", [])) != 1:
        return problem(where, "not one /bin/sh -c script")
    check_script(c["args"][0], where, name)

checks = [c for c in pod["containers"] if c["name"] == "check"]
if len(checks) != 1:
    problem("containers", "no container 'check'")
for c in checks:
    where = "container check"
    if c.get("securityContext", {}).get("privileged") is not True:
        problem(where, "not privileged")
    if c.get("securityContext", {}).get("readOnlyRootFilesystem") is not True:
        problem(where, "its own root is writable")
    m = mounts(c, where, WRITTEN)
    e = env(c)
    if m.get(e.get("CVMPREP_ROOT")) != "/":
        problem(where, f"the node's / is not mounted at CVMPREP_ROOT ({e.get('CVMPREP_ROOT')})")
    for var, host in (("CVMPREP_NFD_DIR", NFD), ("CVMPREP_TEXTFILE_DIR", "/var/lib/prometheus/node-exporter")):
        if m.get(e.get(var)) != host:
            problem(where, f"{var} ({e.get(var)}) is not the node's {host}")
    script(c, where, "check.sh")
    with open(os.path.join(work, "check.env"), "w") as f:
        f.write("".join(f"{k}={shlex.quote(v)}\n" for k, v in e.items()))
for c in pod.get("initContainers", []):
    where = f"init container {c['name']}"
    if c.get("securityContext", {}).get("privileged") is not True:
        problem(where, "not privileged")
    m = mounts(c, where, {"/", "/var/lib/prometheus/node-exporter"})
    if m.get(env(c).get("CVMPREP_ROOT")) != "/":
        problem(where, "the node's / is not mounted at CVMPREP_ROOT")
    textfile = env(c).get("CVMPREP_TEXTFILE_DIR")
    if textfile and m.get(textfile) != "/var/lib/prometheus/node-exporter":
        problem(where, f"CVMPREP_TEXTFILE_DIR ({textfile}) is not the node's /var/lib/prometheus/node-exporter")
    script(c, where, c["name"] + ".sh")
for p in problems:
    print(p)
PY

for f in daemonset daemonset-provision; do
	mkdir -p "$WORK/$f"
	if /usr/bin/python3 "$WORK/k8s.py" "$TOP" "$CVMPREP" "$TOP/deploy/$f.yaml" "$WORK/$f" >"$WORK/$f.problems" 2>&1 &&
		[ ! -s "$WORK/$f.problems" ]; then
		pass "$f.yaml: Kubernetes fields and types, privileged, read-only but where it writes, cvmprep options"
	else
		fail "$f.yaml" "$(head -10 "$WORK/$f.problems")"
	fi
	for s in "$WORK/$f"/*.sh; do
		[ -f "$s" ] || continue
		if sh -n "$s" 2>"$WORK/err"; then pass "$f.yaml: $(basename "$s" .sh)'s script parses (sh -n)"; else fail "$f.yaml: $(basename "$s") sh -n" "$(cat "$WORK/err")"; fi
		if command -v shellcheck >/dev/null; then
			if shellcheck -s sh "$s" >"$WORK/err" 2>&1; then pass "$f.yaml: $(basename "$s" .sh)'s script: shellcheck -s sh"; else fail "$f.yaml: $(basename "$s") shellcheck" "$(head -20 "$WORK/err")"; fi
		fi
	done
done
cmp -s <(sed -n '/^      containers:/,$p' "$TOP/deploy/daemonset.yaml" | sed '/^      volumes:/,$d') \
	<(sed -n '/^      containers:/,$p' "$TOP/deploy/daemonset-provision.yaml" | sed '/^      volumes:/,$d') &&
	pass "both DaemonSets run the same check container" || fail "both DaemonSets run the same check container" "they differ"

# The problems the validator sees, on a manifest that has them.
sed -e 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: true\n            privilegd: true/' \
	-e 's/--no-probe/--no-probes/' -e '/mountPath: \/host$/{n;d}' "$TOP/deploy/daemonset.yaml" >"$WORK/bad.yaml"
mkdir -p "$WORK/bad"
/usr/bin/python3 "$WORK/k8s.py" "$TOP" "$CVMPREP" "$WORK/bad.yaml" "$WORK/bad" >"$WORK/bad.problems" 2>&1
for want in "V1SecurityContext has no field 'privilegd'" "'cvmprep check --no-probes': 'cvmprep check --help' has no such option" \
	"/ at /host is writable"; do
	grep -qF "$want" "$WORK/bad.problems" && pass "a broken manifest: $want" || fail "a broken manifest: $want" "$(cat "$WORK/bad.problems")"
done

# The check container's loop, for real: the manifest's environment with the node's root a fixture
# and the two node directories temporary ones; cvmprep on PATH is the binary under test.
mkdir -p "$WORK/bin" "$WORK/nfd" "$WORK/textfile"
ln -s "$CVMPREP" "$WORK/bin/cvmprep"
"$CVMPREP" check --root "$FIXTURES/debian-12" --format nfd -o "$WORK/probe-nfd" >/dev/null 2>"$WORK/err"
if grep -q "unknown format 'nfd'" "$WORK/err"; then
	skip "the check container's loop, run" "this binary has no --format nfd yet (issue 12's writers)"
else
	(
		set -a
		. "$WORK/daemonset/check.env"
		set +a
		CVMPREP_ROOT=$FIXTURES/debian-12 CVMPREP_NFD_DIR=$WORK/nfd CVMPREP_TEXTFILE_DIR=$WORK/textfile \
			PATH=$WORK/bin:/usr/bin:/bin exec sh "$WORK/daemonset/check.sh"
	) >"$WORK/loop.out" 2>&1 &
	loop=$!
	for _ in $(seq 100); do
		[ -s "$WORK/nfd/cvmprep" ] && [ -s "$WORK/textfile/cvmprep.prom" ] && break
		kill -0 "$loop" 2>/dev/null || break
		sleep 0.1
	done
	if [ -s "$WORK/nfd/cvmprep" ] && [ -s "$WORK/textfile/cvmprep.prom" ]; then
		pass "the check container's loop writes the NFD features file and the textfile metrics"
	else
		fail "the check container's loop writes both files" "$(ls -a "$WORK/nfd" "$WORK/textfile" | tr '\n' ' '); $(head -c 300 "$WORK/loop.out")"
	fi
	got=$(ls -A "$WORK/nfd" "$WORK/textfile" | grep -v -e '^cvmprep$' -e '^cvmprep.prom$' -e ':$' -e '^$' | tr '\n' ' ')
	[ -z "$got" ] && pass "the loop leaves no temporary file" || fail "the loop leaves no temporary file" "$got"
	kill -TERM "$loop" 2>/dev/null
	t0=$SECONDS
	wait "$loop"
	rc=$?
	[ "$rc" -eq 0 ] && [ $((SECONDS - t0)) -le 2 ] && pass "SIGTERM ends the loop at once, exit 0" ||
		fail "SIGTERM ends the loop" "exit $rc after $((SECONDS - t0)) s"
fi
# A usage error is not a verdict: the loop ends with it.
(CVMPREP_ROOT=$WORK/none CVMPREP_NFD_DIR=$WORK/nfd CVMPREP_TEXTFILE_DIR=$WORK/textfile CVMPREP_INTERVAL=3600 \
	PATH=$WORK/bin:/usr/bin:/bin timeout 20 sh "$WORK/daemonset/check.sh") >"$WORK/loop.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && pass "the loop ends with exit 2 on a usage error (no such root)" || fail "the loop ends on exit 2" "exit $rc: $(head -c 300 "$WORK/loop.out")"

# The init container on roots of the test bed, each mounted as the node's root would be (the
# script runs on this side, package commands chrooted into the root), one per way it ends.
if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "the init container, run" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
. "$TOP/tests/provision/lib.sh"
tb_init
# init NAME: the init container's script on root NAME; its output in $WORK/init.out, its status.
init() {
	rm -f "$WORK/textfile/cvmprep-provision.prom"
	tb_host "$1" env CVMPREP_ROOT="$(tb_mnt "$1")" CVMPREP_TEXTFILE_DIR="$WORK/textfile" PATH="$WORK/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		sh "$WORK/daemonset-provision/provision.sh" >"$WORK/init.out" 2>&1
}
# What a refused run may change: the report and the lock file, and the times of their directories
# (overlayfs copies /var and /var/log up to hold the report).
tree() { tb_tree "$1" | grep -v -e '^/sys ' -e '^/var ' -e '^/var/log ' -e '^/var/log/cvmprep-provision.json ' -e '^/run/lock ' -e '^/run/lock/cvmprep.lock '; }

tb_root node flat
init node
rc=$?
state=$(tb_state node)
[ "$rc" -eq 0 ] && grep -q 'cvmprep provision: done' "$WORK/init.out" && grep -q '^containerd.io 1.5.11-1 hi' <<<"$state" &&
	grep -q '^sysbox-ce 0.7.1-0 ii' <<<"$state" && pass "init container: provisions the node's root, ends 0" ||
	fail "init container: provisions the node's root" "exit $rc: $(tail -5 "$WORK/init.out"); $state"
valid_json "init container: the report on the node validates" "$SCHEMA" "$TB/roots/node/upper/var/log/cvmprep-provision.json"
if /usr/bin/python3 "$TOP/tests/tools/promcheck.py" "$WORK/textfile/cvmprep-provision.prom" \
	"$TB/roots/node/upper/var/log/cvmprep-provision.json" >"$WORK/out" 2>&1; then
	pass "init container: its metrics in the textfile directory, as the report says ($(cat "$WORK/out"))"
else
	fail "init container: its metrics in the textfile directory" "$(cat "$WORK/out")"
fi
init node
rc=$?
[ "$rc" -eq 0 ] && grep -q '^containerd   already' "$WORK/init.out" && pass "init container: a restart finds it done, ends 0" ||
	fail "init container: a restart finds it done" "exit $rc: $(tail -5 "$WORK/init.out")"

# A distribution Sysbox does not support: preflight refuses (exit 1), nothing changes, the init
# container ends 0 so the check container can label the node with why.
tb_root alien flat
rm -f "$TB/roots/alien/upper/etc/os-release"
printf 'ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n' >"$TB/roots/alien/upper/etc/os-release"
tree alien >"$WORK/before"
init alien
rc=$?
tree alien >"$WORK/after"
[ "$rc" -eq 0 ] && grep -q 'preflight refused this node (exit 1)' "$WORK/init.out" &&
	pass "init container: preflight refuses an unsupported node (exit 1), ends 0" ||
	fail "init container: preflight refusal" "exit $rc: $(tail -5 "$WORK/init.out")"
diff -q "$WORK/before" "$WORK/after" >/dev/null && pass "init container: the refused root is unchanged" ||
	fail "init container: the refused root is unchanged" "$(diff "$WORK/before" "$WORK/after" | head -5)"

# No repository offers containerd.io: the step fails (exit 4), the init container ends 4 and the
# kubelet retries it.
tb_root norepo
init norepo
rc=$?
[ "$rc" -eq 4 ] && grep -q 'cvmprep provision: exit 4' "$WORK/init.out" && pass "init container: a failed step ends it with exit 4" ||
	fail "init container: a failed step" "exit $rc: $(tail -5 "$WORK/init.out")"
(CVMPREP_ROOT=$WORK/none PATH=$WORK/bin:/usr/bin:/bin sh "$WORK/daemonset-provision/provision.sh") >"$WORK/init.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && pass "init container: a usage error ends it with exit 2" || fail "init container: exit 2" "exit $rc: $(head -c 300 "$WORK/init.out")"
