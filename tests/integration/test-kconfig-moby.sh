#!/usr/bin/env bash
# kernel.config.*: the differential against Docker's own kernel check. moby's contrib/check-config.sh
# (ci/moby-config.sh: $MOBY_CHECK_CONFIG, else the one Debian's docker.io ships) and cvmprep read
# the same real kernel configs (ci/debian-kconfig.sh: Debian's linux-config-6.1 and -6.12), and
# must agree on every option both check: moby's "enabled" is cvmprep's pass with y, "enabled (as
# module)" pass with m, "missing" warn or fail (or pass where cvmprep names the option that makes
# it unnecessary, as moby's "only fail if no storage drivers available" does), and an option moby
# leaves out for the kernel's version is one cvmprep skips. The script's version conditions read
# uname -r: it runs with a uname that names the config's kernel, so both judge the same kernel.
. "$(dirname "$0")/lib.sh"

script=$("$TOP/ci/moby-config.sh" 2>"$WORK/moby.err")
rc=$?
if [ "$rc" -eq 77 ]; then
	echo "  skip: no moby check-config.sh: $(cat "$WORK/moby.err")"
	exit 77
fi
[ "$rc" -eq 0 ] || { fail "ci/moby-config.sh" "exit $rc: $(cat "$WORK/moby.err")"; exit 1; }
pass "ci/moby-config.sh: $script"
expect_exit "ci/moby-config.sh: MOBY_CHECK_CONFIG not a file: exit 1" 1 \
	env MOBY_CHECK_CONFIG="$WORK/none" "$TOP/ci/moby-config.sh"
expect_exit "ci/moby-config.sh: nowhere to cache it: exit 77" 77 \
	env -u MOBY_CHECK_CONFIG CVMPREP_TESTBED_CACHE=/proc/cvmprep-none "$TOP/ci/moby-config.sh"

mapfile -t configs < <("$TOP/ci/debian-kconfig.sh" 2>"$WORK/kc.err")
if [ ${#configs[@]} -eq 0 ]; then
	echo "  skip: no Debian kernel config: $(cat "$WORK/kc.err")"
	exit 77
fi
[ -s "$WORK/kc.err" ] && skip "some kernel configs" "$(cat "$WORK/kc.err")"
for p in linux-config-6.1 linux-config-6.12; do
	if printf '%s\n' "${configs[@]}" | grep -q "/${p}_"; then pass "config from $p"; else skip "config from $p" "not available"; fi
done

# compare.py MOBY_OUTPUT CVMPREP_REPORT SCRIPT: the first line sums up, the next name each
# disagreement; exits 1 when there is one.
cat >"$WORK/compare.py" <<'PY'
import json, re, sys

moby_out, report, script = sys.argv[1:]
text = open(moby_out, errors="replace").read()
moby = {}
for m in re.finditer(r"CONFIG_([A-Z0-9_]+): (enabled \(as module\)|enabled|missing)$", text, re.M):
    moby.setdefault(m.group(1), m.group(2))
ours = {c["id"][len("kernel.config."):]: c for c in json.load(open(report))["checks"]}

# Disagreements a script older than a moby fix shows, each accepted only from a script that still
# has the old form (the pattern), and named in the output.
src = open(script).read()
explained = {
    "MEMCG_SWAP": (r"^\s*check_flags MEMCG_SWAP\s*$",
                   "this check-config.sh asks for MEMCG_SWAP on every kernel; moby PR 50555 "
                   "asks only before 5.8, where the option still exists"),
}

def agrees(opt, verdict, c):
    st, obs, msg = c["status"], c.get("observed"), c.get("message", "")
    if verdict == "enabled":
        return st == "pass" and obs == "y"
    if verdict == "enabled (as module)":
        return st == "pass" and obs == "m"
    return st in ("warn", "fail") or (st == "pass" and "not needed" in msg)

both = sorted(set(moby) & set(ours))
bad, notes = [], []
for opt in both:
    c = ours[opt]
    if not agrees(opt, moby[opt], c):
        rx, why = explained.get(opt, (None, None))
        line = f"{opt}: moby {moby[opt]}, cvmprep {c['status']} ({c.get('observed')}: {c.get('message')})"
        if rx and re.search(rx, src, re.M):
            notes.append(f"{line} [explained: {why}]")
        else:
            bad.append(line)
# An option cvmprep checks and moby did not print: one the script does not know (Sysbox's own, or
# newer than the script), or one it left out on purpose, which cvmprep must skip (outside the
# kernel's range) or pass as not needed (ext3 when ext4 serves it).
only_ours = sorted(o for o in ours if o not in moby)
for opt in only_ours:
    c = ours[opt]
    left_out = c["status"] == "skip" or (c["status"] == "pass" and "not needed" in c.get("message", ""))
    if re.search(r"\b" + opt + r"\b", src) and not left_out:
        bad.append(f"{opt}: moby's script names it but left it out here, cvmprep {c['status']} ({c.get('message')})")
# An option moby's script prints that cvmprep does not check is a gap, but for these.
not_ours = {
    "LEGACY_VSYSCALL_NATIVE": "a choice among three vsyscall modes, not an option to have",
    "LEGACY_VSYSCALL_EMULATE": "a choice among three vsyscall modes, not an option to have",
    "LEGACY_VSYSCALL_NONE": "a choice among three vsyscall modes, not an option to have",
    "AUFS_FS": "moby 3903f16cd6 removed the aufs storage driver and its check",
    "BLK_DEV_DM": "moby dc11d2a2d8 removed the devicemapper storage driver and its check",
    "DM_THIN_PROVISIONING": "moby dc11d2a2d8 removed the devicemapper storage driver and its check",
    "RT_GROUP_SCHED": "moby 005150ed69 no longer checks it",
}
only_moby = sorted(o for o in moby if o not in ours)
bad += [f"{o}: moby's script checks it, cvmprep does not" for o in only_moby if o not in not_ours]
print(f"compared {len(both)}; disagreements {len(bad)}; explained {len(notes)}; "
      f"only cvmprep {len(only_ours)}; only moby {len(only_moby)}: {' '.join(only_moby)}")
for l in notes + bad:
    print("  " + l)
sys.exit(1 if bad or not both else 0)
PY

# And the CRLF fixture: moby's grep reads it as the kernel does, so must cvmprep.
configs+=("$FIXTURES"/kconfig-crlf/boot/config-*)

mkdir -p "$WORK/bin"
for cfg in "${configs[@]}"; do
	name=$(basename "$(dirname "$(dirname "$cfg")")")/$(basename "$(dirname "$cfg")")/$(basename "$cfg")
	name=${name#linux-config/}
	ver=$(sed -n 's/^# Linux\/[^ ]* \([^ ]*\) Kernel Configuration\r*$/\1/p;/^CONFIG_/q' "$cfg")
	[ -n "$ver" ] || { fail "$name: version" "no '# Linux/... Kernel Configuration' header"; continue; }
	# shellcheck disable=SC2016 # the shim's own "$1" and "$@"
	printf '#!/bin/sh\n[ "$1" = -r ] && { echo %s; exit 0; }\nexec /usr/bin/uname "$@"\n' "$ver" >"$WORK/bin/uname"
	chmod +x "$WORK/bin/uname"
	# Older scripts colour their output whatever NO_COLOR says.
	NO_COLOR=1 PATH="$WORK/bin:$PATH" bash "$script" "$cfg" 2>&1 </dev/null |
		sed 's/\x1b\[[0-9;]*m//g' >"$WORK/moby.out"
	root=$WORK/root
	rm -rf "$root"
	mkdir -p "$root/boot"
	cp "$cfg" "$root/boot/config-$ver"
	"$CVMPREP" check --root "$root" --only 'kernel.config.*' --format json -o "$WORK/cvmprep.json" 2>"$WORK/err"
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		fail "$name: cvmprep check" "exit $rc: $(head -c 300 "$WORK/err")"
		continue
	fi
	/usr/bin/python3 "$WORK/compare.py" "$WORK/moby.out" "$WORK/cvmprep.json" "$script" >"$WORK/cmp" 2>&1
	rc=$?
	echo "  $name (Linux $ver): $(head -1 "$WORK/cmp")"
	if [ "$rc" -eq 0 ]; then
		tail -n +2 "$WORK/cmp"
		pass "$name: cvmprep and moby agree on every option both check"
	else
		fail "$name: cvmprep and moby disagree" "$(cat "$WORK/cmp")"
	fi
	# The comparison itself: a verdict of moby's turned the other way is a disagreement, named.
	if [ -z "${control:-}" ]; then
		control=1
		opt=$(sed -n 's/.*CONFIG_\([A-Z0-9_]*\): enabled$/\1/p' "$WORK/moby.out" | grep -vx 'LEGACY_VSYSCALL_.*' | head -1)
		sed "s/CONFIG_$opt: enabled\$/CONFIG_$opt: missing/" "$WORK/moby.out" >"$WORK/moby-flipped.out"
		if ! /usr/bin/python3 "$WORK/compare.py" "$WORK/moby-flipped.out" "$WORK/cvmprep.json" "$script" >"$WORK/cmp" 2>&1 &&
			grep -q "^  $opt: moby missing, cvmprep pass" "$WORK/cmp"; then
			pass "the comparison names a disagreement ($opt turned to missing)"
		else
			fail "the comparison names a disagreement ($opt turned to missing)" "$(cat "$WORK/cmp")"
		fi
	fi
done
