#!/usr/bin/env bash
# The cloud-init example (deploy/cloud-init.yaml): valid user data for Debian's own cloud-init
# ('cloud-init schema', offline, from the package ci/deps.sh unpacks), or at least YAML that
# starts with #cloud-config; the script it writes and its runcmd parse (bash -n, shellcheck);
# the script calls cvmprep with options the binary has and handles every exit status of check
# and provision. test-deb.sh runs it for real with the package.
. "$(dirname "$0")/lib.sh"

USERDATA=$TOP/deploy/cloud-init.yaml
CLOUD_INIT=${CVMPREP_CLOUD_INIT:-/var/cache/cvmprep-deploy/cloud-init}

[ "$(head -1 "$USERDATA")" = "#cloud-config" ] && pass "starts with #cloud-config" || fail "starts with #cloud-config" "$(head -1 "$USERDATA")"

# cloud-init's own validator, with no network.
if command -v cloud-init >/dev/null; then
	schema=(cloud-init)
elif [ -x "$CLOUD_INIT/usr/bin/cloud-init" ]; then
	schema=(env PYTHONPATH="$CLOUD_INIT/usr/lib/python3/dist-packages" /usr/bin/python3 "$CLOUD_INIT/usr/bin/cloud-init")
else
	schema=()
fi
if [ ${#schema[@]} -gt 0 ]; then
	if unshare --net "${schema[@]}" schema --config-file "$USERDATA" >"$WORK/schema" 2>&1; then
		pass "cloud-init schema --config-file: $(tail -1 "$WORK/schema")"
	else
		fail "cloud-init schema --config-file" "$(head -10 "$WORK/schema")"
	fi
	# The validator sees a broken file (a mode as a number, not a string).
	sed 's/permissions: "0755"/permissions: 0755/' "$USERDATA" >"$WORK/bad.yaml"
	if unshare --net "${schema[@]}" schema --config-file "$WORK/bad.yaml" >"$WORK/schema" 2>&1; then
		fail "cloud-init schema refuses a broken file" "it passed"
	else
		pass "cloud-init schema refuses a broken file"
	fi
else
	skip "cloud-init schema --config-file" "no cloud-init (ci/deps.sh unpacks it into $CLOUD_INIT)"
fi

# The files it writes and its runcmd, into $WORK/files, for the shell tools.
/usr/bin/python3 - "$USERDATA" "$WORK/files" >"$WORK/split" 2>&1 <<'PY'
import os, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
out = sys.argv[2]
written = {}
for f in doc.get("write_files", []):
    dest = out + f["path"]
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w") as w:
        w.write(f["content"])
    os.chmod(dest, int(f.get("permissions", "0644"), 8))
    written[f["path"]] = f
for i, cmd in enumerate(doc.get("runcmd", [])):
    if isinstance(cmd, list):
        if cmd[0] not in written or not int(written[cmd[0]].get("permissions", "0"), 8) & 0o100:
            print(f"runcmd[{i}]: {cmd[0]} is not an executable file the user data writes")
    else:
        with open(f"{out}/runcmd-{i}.sh", "w") as w:
            w.write(cmd + "\n")
PY
[ ! -s "$WORK/split" ] && pass "runcmd runs the script the user data writes" || fail "runcmd" "$(cat "$WORK/split")"
script=$WORK/files/usr/local/sbin/cvmprep-firstboot
for s in "$script" "$WORK"/files/runcmd-*.sh; do
	[ -f "$s" ] || continue
	bash -n "$s" 2>"$WORK/err" && pass "$(basename "$s"): bash -n" || fail "$(basename "$s"): bash -n" "$(cat "$WORK/err")"
	if command -v shellcheck >/dev/null; then
		shellcheck -s bash "$s" >"$WORK/err" 2>&1 && pass "$(basename "$s"): shellcheck" || fail "$(basename "$s"): shellcheck" "$(head -20 "$WORK/err")"
	fi
done
bash -n "$WORK/files/etc/default/cvmprep-firstboot" && pass "its defaults file parses" || fail "its defaults file parses" "bash -n"

# Its cvmprep calls: real commands and options; every exit status of each handled by name.
/usr/bin/python3 - "$TOP" "$CVMPREP" "$script" >"$WORK/calls" 2>&1 <<'PY'
import os, re, shlex, sys
top, binary, script = sys.argv[1:4]
sys.path.insert(0, os.path.join(top, "docs"))
import man
commands, options, _, _, _ = man.binary_interface(man.runner(binary))
text = open(script).read()
calls = [shlex.split(l.strip()) for l in text.splitlines() if l.strip().startswith("cvmprep ")]
if sorted({c[1] for c in calls}) != ["check", "provision"]:
    print(f"calls {sorted({c[1] for c in calls})}, want check and provision")
for argv in calls:
    for arg in argv[2:]:
        if arg.startswith("-") and arg.split("=")[0] not in options.get(argv[1], ()):
            print(f"cvmprep {argv[1]} {arg}: no such option")
# The case statement after each cvmprep call (provision, then check) names every status that
# command has, and a catch-all.
cases = re.findall(r"case \$rc in\n(.*?)\n\s*esac", text, re.S)
want = {"check": {"0", "1", "2", "3"}, "provision": {"0", "1", "2", "3", "4", "5"}}
for name, body in zip(["provision", "check"], cases):
    named = set(re.findall(r"^\s*([0-9| ]+)\)", body, re.M))
    named = {c.strip() for n in named for c in n.split("|")}
    if not want[name] <= named or "*)" not in body:
        print(f"{name}: statuses {sorted(named)} and a catch-all, want {sorted(want[name])}")
    # 70 goes to the catch-all, which must call it what it is.
    if "internal error" not in body:
        print(f"{name}: exit 70 is not called an internal error")
if len(cases) != 2:
    print(f"{len(cases)} case statements on \\$rc, want 2")
PY
[ ! -s "$WORK/calls" ] && pass "cvmprep check and provision with real options, every exit status handled" ||
	fail "the script's cvmprep calls" "$(cat "$WORK/calls")"
