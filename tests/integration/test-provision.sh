#!/usr/bin/env bash
# cvmprep provision in a real Debian root, offline (tests/provision/): a fresh install, a second
# run that starts no package manager and changes no file, the JSON report against the schema,
# --dry-run and a preflight refusal that change nothing, and --root from outside the root.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/provision/lib.sh"
tb_init

provisioned="containerd.io 1.5.11-1 hi 
docker-ce not-installed
sysbox-ce 0.7.1-0 ii 
holds: containerd.io 
== /etc/apt/preferences.d/cvmprep-containerd
Package: containerd.io
Pin: version 1.5.11-1
Pin-Priority: 1001
no /etc/docker/daemon.json"

# --- a fresh install: containerd.io and sysbox-ce from the node's apt source -----------------
tb_root fresh flat
tb_provision fresh --format json >"$WORK/fresh.json" 2>"$WORK/fresh.err"
rc=$?
tb_same "fresh install: exit 0" 0 "$rc"
tb_same "fresh install: containerd.io pinned and held, sysbox-ce installed" "$provisioned" "$(tb_state fresh)"
tb_same "fresh install: dpkg --audit is empty" "" "$(tb_audit fresh)"
valid_json "fresh install: the JSON report validates against the schema" "$SCHEMA" "$WORK/fresh.json"
tb_same "fresh install: steps done" \
	"lock:done preflight:done dpkg-recover:already apt-source:already containerd:done daemon-json:skipped sysbox:done shiftfs:skipped verify:skipped" \
	"$(tb_steps "$WORK/fresh.json")"
got=$(tb_json "$WORK/fresh.json" '[c["argv"][0] for s in d["provision"]["steps"] for c in s["commands"] if c["ran"] and c["exit_status"] != 0 and s["outcome"] == "done"]')
tb_same "fresh install: no command of a done step failed" "[]" "$got"

# --- the second run: no process, no file changed -------------------------------------------
tb_tree fresh >"$WORK/tree.before"
TB_STRACE=$WORK/strace tb_provision fresh --report /out/report.json >"$WORK/second.out" 2>&1
rc=$?
tb_tree fresh >"$WORK/tree.after"
tb_same "second run: exit 0" 0 "$rc"
started=$(grep -v ' = -1 ' "$WORK/strace" | grep -o 'execve("[^"]*"' | sed 's/execve("//; s/"$//' |
	grep -v -x -e /usr/sbin/chroot -e /usr/bin/env -e /usr/local/bin/cvmprep | sort | uniq -c)
tb_same "second run: no package manager started" "" "$(printf '%s\n' "$started" | grep -E 'apt|dpkg')"
tb_same "second run: no process started at all" "" "$started"
tb_same "second run: no file changed (mtime, ctime, mode, size)" "$(cat "$WORK/tree.before")" "$(cat "$WORK/tree.after")"
valid_json "second run: --report validates against the schema" "$SCHEMA" "$(tb_out fresh)/report.json"
tb_same "second run: every step already done or skipped" "" \
	"$(tb_steps "$(tb_out fresh)/report.json" | tr ' ' '\n' | grep -v -e ':already$' -e ':skipped$' -e '^lock:done$' -e '^preflight:done$')"

# --- --dry-run: the plan, and nothing changed ----------------------------------------------
tb_root dry flat
tb_tree dry >"$WORK/tree.before"
tb_provision dry --dry-run --format json >"$WORK/dry.json" 2>"$WORK/dry.err"
rc=$?
tb_provision dry --dry-run >"$WORK/dry.txt" 2>&1
tb_tree dry >"$WORK/tree.after"
tb_same "--dry-run: exit 0" 0 "$rc"
tb_same "--dry-run: no file changed, apt's lists included" "$(cat "$WORK/tree.before")" "$(cat "$WORK/tree.after")"
tb_same "--dry-run: nothing installed" "containerd.io not-installed" "$(tb_state dry | head -1)"
valid_json "--dry-run: the JSON report validates against the schema" "$SCHEMA" "$WORK/dry.json"
got=$(tb_json "$WORK/dry.json" '[s["name"] for s in d["provision"]["steps"] if s["outcome"] == "planned" and s["name"] in ("containerd", "sysbox")]')
tb_same "--dry-run: containerd and sysbox planned" "['containerd', 'sysbox']" "$got"
got=$(tb_json "$WORK/dry.json" '[" ".join(c["argv"]) for s in d["provision"]["steps"] for c in s["commands"] if not c["ran"]]')
if printf '%s' "$got" | grep -q 'apt-get.*install.*containerd.io=1.5.11-1'; then
	pass "--dry-run: the apt-get argv it would run"
else
	fail "--dry-run: the apt-get argv it would run" "$got"
fi
if grep -q 'containerd.io=1.5.11-1' "$WORK/dry.txt"; then pass "--dry-run: the text plan shows the argv"; else fail "--dry-run: text plan" "$(head -c 600 "$WORK/dry.txt")"; fi

# --- preflight refusal: without the chroot's waivers the checks fail; nothing changes -------
# The functional probes make and remove a directory (the parent's times change, not its
# entries), and the lock is taken before the preflight (/run is a tmpfs on a node): files are
# compared whole, directories by their entries.
files_only() { awk '$2 == "d" { $6 = $7 = "" } { print }' "$1" | grep -v '^/run/lock/cvmprep.lock '; }
tb_root refused flat
tb_tree refused >"$WORK/tree.before"
tb_run refused /usr/local/bin/cvmprep provision --mode host --format json >"$WORK/refused.json" 2>"$WORK/refused.err"
rc=$?
tb_tree refused >"$WORK/tree.after"
tb_same "preflight refusal: exit 1" 1 "$rc"
tb_same "preflight refusal: no file changed" "$(files_only "$WORK/tree.before")" "$(files_only "$WORK/tree.after")"
got=$(tb_json "$WORK/refused.json" 'd["provision"]["refused"]')
if printf '%s' "$got" | grep -q 'kernel.idmap'; then pass "preflight refusal: names the failing check"; else fail "preflight refusal: names the check" "$got"; fi
valid_json "preflight refusal: the JSON report validates against the schema" "$SCHEMA" "$WORK/refused.json"

# --- --root: a root that is not /, provisioned from outside it -----------------------------
tb_root outside flat
tb_host outside "$CVMPREP" provision --root "$(tb_mnt outside)" "${TB_CHECK[@]}" --format json \
	>"$WORK/outside.json" 2>"$WORK/outside.err"
rc=$?
tb_same "--root: exit 0" 0 "$rc"
tb_same "--root: the same state as provisioning from inside" "$provisioned" "$(tb_state outside)"
tb_same "--root: dpkg --audit is empty" "" "$(tb_audit outside)"
valid_json "--root: the JSON report validates against the schema" "$SCHEMA" "$WORK/outside.json"
got=$(tb_json "$WORK/outside.json" 'd["host"]["root"]')
tb_same "--root: the report names the root" "$(tb_mnt outside)" "$got"
