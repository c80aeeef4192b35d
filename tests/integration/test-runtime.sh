#!/usr/bin/env bash
# runtime.*: the real binary on the fixture roots tests/fixtures/runtime-* (each check's status,
# the exit code, the schema), `explain` for each id, and runtime.containerd against a dpkg
# database written by the real dpkg: tiny containerd.io packages built with dpkg-deb,
# installed with dpkg --root into a temporary tree, held (dpkg --set-selections, what apt-mark
# hold does), pinned, upgraded, removed; a stand-in docker-ce whose Depends dpkg judges as
# runtime.containerd does. The pin against docker-ce's Depends, a kubelet, the Sysbox installed.
. "$(dirname "$0")/lib.sh"

# want_status NAME FILE ID STATUS: passes when the report FILE gives check ID that status.
want_status() {
	local got
	got=$(/usr/bin/python3 - "$2" "$3" 2>&1 <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
print(next((c["status"] + ": " + c["message"] for c in report["checks"] if c["id"] == sys.argv[2]), "absent"))
PY
)
	if [ "${got%%:*}" = "$4" ]; then pass "$1"; else fail "$1" "got $got; want $4"; fi
}

# fixture | exit | containerd docker sysbox tools subid
cases=(
	"ready|0|pass pass warn pass pass"
	"pinfile|1|pass pass skip fail warn"
	"newer|1|warn fail fail fail pass"
	"unpinned|1|warn fail warn pass pass"
	"half|1|fail fail fail pass pass"
	"nodpkg|0|skip skip skip skip pass"
	"unreadable|3|unknown unknown unknown pass unknown"
	"nostatus|3|unknown skip unknown skip pass"
	"corrupt|3|unknown skip unknown skip pass"
	"absent|0|skip skip skip skip pass"
	"units|0|pass pass warn pass pass"
	"flagconflict|1|pass fail warn pass pass"
	"dockeropts|1|pass fail warn pass pass"
	"netform|0|pass warn warn pass pass"
	"unitloop|3|pass unknown warn pass pass"
	"execstart2|1|pass fail warn pass pass"
)
ids=(runtime.containerd runtime.docker runtime.sysbox runtime.tools runtime.subid)

for c in "${cases[@]}"; do
	IFS='|' read -r fixture want statuses <<<"$c"
	out=$WORK/$fixture.json
	expect_exit "$fixture: exit $want" "$want" "$CVMPREP" check --root "$FIXTURES/runtime-$fixture" \
		--only 'runtime.*' --format json -o "$out"
	valid_json "$fixture: schema" "$SCHEMA" "$out"
	read -r -a st <<<"$statuses"
	for i in "${!ids[@]}"; do
		want_status "$fixture: ${ids[$i]} ${st[$i]}" "$out" "${ids[$i]}" "${st[$i]}"
	done
done

# runtime.containerd against what the node has: docker-ce's Depends, a kubelet, the Sysbox
# that decides whether the pin is needed.
# fixture | exit | status | in the message
pin_cases=(
	"dockernew|1|fail|Depends: containerd.io (>= 1.7.27), which containerd.io 1.5.11-1 does not satisfy"
	"dockernew-sysbox|0|warn|Sysbox 0.7.1-0.linux needs no pin"
	"kubelet-old|1|fail|the kubelet 1.30.14-1.1 runs on containerd, which must be >= 1.6"
	"nopin|0|pass|1.7.27-1 is installed, not 1.5.11-1, and that is fine"
)
for c in "${pin_cases[@]}"; do
	IFS='|' read -r fixture want status text <<<"$c"
	out=$WORK/pin-$fixture.json
	expect_exit "$fixture: exit $want" "$want" "$CVMPREP" check --root "$FIXTURES/runtime-$fixture" \
		--only runtime.containerd --format json -o "$out"
	valid_json "$fixture: schema" "$SCHEMA" "$out"
	expect "$fixture: runtime.containerd $status, saying why" "$out" runtime.containerd "$status" "$text"
done

# runtime.docker and dockerd's flags: each place named (file:line), what systemd's rules drop
# left out (the ExecStart= a drop-in reset; a drop-in's flags that daemon.json does not give)
expect "flagconflict: names the drop-in and daemon.json" "$WORK/flagconflict.json" runtime.docker fail \
	'\"data-root\": --data-root=/srv/docker at /etc/systemd/system/docker.service.d/override.conf:3, and in /etc/docker/daemon.json:3'
msg=$(/usr/bin/python3 -c 'import json,sys; print(next(c["message"] for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "runtime.docker"))' "$WORK/flagconflict.json")
case $msg in
*'"containerd":'*) fail "flagconflict: the reset ExecStart's --containerd is not a clash" "$msg" ;;
*) pass "flagconflict: the reset ExecStart's --containerd is not a clash" ;;
esac
expect "dockeropts: names DOCKER_OPTS in /etc/default/docker and the unit" "$WORK/dockeropts.json" runtime.docker fail \
	'--bip=10.10.0.1/24 at DOCKER_OPTS in /etc/default/docker:5, through /lib/systemd/system/docker.service:11, and in /etc/docker/daemon.json:2'
expect "units: the drop-in's flags are read, none clashes" "$WORK/units.json" runtime.docker pass \
	'--log-level warn (/etc/systemd/system/docker.service.d/10-log.conf:4)'
expect "netform: tab-indented bip and pools warn" "$WORK/netform.json" runtime.docker warn \
	'misses bip, default-address-pools' 'asks to remove every container'
expect "execstart2: a drop-in adding an ExecStart= without a reset fails" "$WORK/execstart2.json" runtime.docker fail \
	'2 ExecStart= lines in a Type=notify service: /lib/systemd/system/docker.service:13, /etc/systemd/system/docker.service.d/10-log.conf:3'
expect "unitloop: an unreadable drop-in is unknown" "$WORK/unitloop.json" runtime.docker unknown \
	"cannot read '/etc/systemd/system/docker.service.d/20-loop.conf'"
expect_exit "facts: runtime-flagconflict" 0 "$CVMPREP" facts --root "$FIXTURES/runtime-flagconflict" -o "$WORK/fc-facts.json"
expect_exit "check --facts: runtime-flagconflict fails the same" 1 "$CVMPREP" check --facts "$WORK/fc-facts.json" \
	--only runtime.docker --format json -o "$WORK/fc-from-facts.json"
expect "check --facts: the same clash" "$WORK/fc-from-facts.json" runtime.docker fail "override.conf:3"
expect_exit "--assume docker.flag-conflict: a clash from the facts alone" 1 "$CVMPREP" check --root "$FIXTURES/runtime-units" \
	--only runtime.docker --assume 'docker.flag-conflict="hosts": -H fd:// at x:1, and in y:2'

# Facts saved from a tree judge the same as the tree.
expect_exit "facts: runtime-newer" 0 "$CVMPREP" facts --root "$FIXTURES/runtime-newer" -o "$WORK/facts.json"
expect_exit "check --facts: runtime-newer" 1 "$CVMPREP" check --facts "$WORK/facts.json" \
	--only 'runtime.*' --format json -o "$WORK/from-facts.json"
/usr/bin/python3 - "$WORK/from-facts.json" "$WORK/newer.json" >"$WORK/cmp" 2>&1 <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
strip = lambda d: [{k: v for k, v in c.items() if k != "duration_us"} for c in d["checks"]]
sys.exit(0 if strip(a) == strip(b) else 1)
PY
if [ $? -eq 0 ]; then pass "check --facts: same runtime.* results as --root"; else fail "check --facts: same runtime.* results as --root" "$(cat "$WORK/cmp")"; fi

for id in "${ids[@]}"; do
	"$CVMPREP" explain "$id" >"$WORK/explain" 2>&1
	if grep -q '^source: ' "$WORK/explain" && grep -q '^docs: *https://' "$WORK/explain" &&
		grep -q '^rule: ' "$WORK/explain"; then
		pass "explain $id"
	else
		fail "explain $id" "$(head -c 300 "$WORK/explain")"
	fi
done

# --- runtime.containerd on a database the real dpkg wrote ---------------------------------
if ! command -v dpkg-deb >/dev/null || ! command -v dpkg >/dev/null; then
	skip "real dpkg" "dpkg-deb or dpkg is not installed"
	exit 0
fi
R=$WORK/dpkgroot
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers" \
	"$R/etc/apt/preferences.d"
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
notroot=()
[ "$(id -u)" -eq 0 ] || notroot=(--force-not-root)

# A package with no maintainer scripts, so dpkg --root needs nothing inside the tree.
build_deb() {
	local v=$1 d=$WORK/pkg-$1
	mkdir -p "$d/DEBIAN" "$d/usr/share/doc/containerd.io"
	printf 'Package: containerd.io\nVersion: %s\nArchitecture: all\nMaintainer: cvmprep tests <tests@example.invalid>\nDescription: stand-in for containerd.io (cvmprep tests)\n' "$v" >"$d/DEBIAN/control"
	echo "cvmprep test package $v" >"$d/usr/share/doc/containerd.io/README"
	dpkg-deb --root-owner-group --build "$d" "$WORK/containerd.io_$v.deb" >/dev/null
}
# Everything dpkg writes stays under $R (its log too: by default it goes to the host's).
dpkg_r() { dpkg --root="$R" --log="$WORK/dpkg-actions.log" "${notroot[@]}" "$@" >>"$WORK/dpkg.log" 2>&1; }
# The hold apt-mark sets, through dpkg's selections of the tree (apt-mark would run the
# host's dpkg on the host's database).
hold() { echo "containerd.io $1" | dpkg_r --set-selections; }
judge() { # NAME STATUS EXIT
	expect_exit "real dpkg: $1: exit $3" "$3" "$CVMPREP" check --root "$R" --only runtime.containerd \
		--format json -o "$WORK/real.json"
	want_status "real dpkg: $1" "$WORK/real.json" runtime.containerd "$2"
}

host_status=$(stat -c %Y /var/lib/dpkg/status 2>/dev/null; md5sum </var/lib/dpkg/status 2>/dev/null)
if ! build_deb 1.5.11-1 || ! build_deb 1.6.9-1; then
	skip "real dpkg" "dpkg-deb could not build the test packages"
	exit 0
fi
judge "empty database: skip" skip 0
if ! dpkg_r -i "$WORK/containerd.io_1.5.11-1.deb"; then
	skip "real dpkg" "dpkg --root -i failed: $(tail -3 "$WORK/dpkg.log")"
	exit 0
fi
judge "1.5.11-1, not held: warn" warn 0
hold hold
if grep -q '^Status: hold ok installed' "$R/var/lib/dpkg/status"; then pass "real dpkg: held"; else fail "real dpkg: held" "$(grep -A1 '^Package: containerd.io' "$R/var/lib/dpkg/status")"; fi
judge "1.5.11-1, held: pass" pass 0
hold install
printf 'Package: containerd.io\nPin: version 1.5.11-1\nPin-Priority: 1001\n' >"$R/etc/apt/preferences.d/containerd"
judge "1.5.11-1, pinned at 1001: pass" pass 0
printf 'Package: containerd.io\nPin: version 1.5.11-1\nPin-Priority: 500\n' >"$R/etc/apt/preferences.d/containerd"
judge "1.5.11-1, pinned at 500: warn" warn 0
hold hold
# A hold stops apt, not dpkg -i: the upgrade goes through and the hold stays.
dpkg_r -i "$WORK/containerd.io_1.6.9-1.deb"
judge "1.6.9-1, held: warn" warn 0
# docker-ce's Depends judged as the real dpkg judges it: with containerd.io at the pin, a
# stand-in docker-ce depending on it by each relation installs (dpkg -i) exactly when
# runtime.containerd finds the pin meets that relation.
hold install
rm -f "$R/etc/apt/preferences.d/containerd"
dpkg_r -i "$WORK/containerd.io_1.5.11-1.deb"
build_docker() { # RELATION
	local d=$WORK/docker
	rm -rf "$d" && mkdir -p "$d/DEBIAN"
	printf 'Package: docker-ce\nVersion: 5:28.5.2-1\nArchitecture: all\nMaintainer: cvmprep tests <tests@example.invalid>\nDepends: %s, base-files-missing-is-fine | containerd.io\nDescription: stand-in for docker-ce (cvmprep tests)\n' "$1" >"$d/DEBIAN/control"
	dpkg-deb --root-owner-group --build "$d" "$WORK/docker-ce.deb" >/dev/null 2>&1
}
for rel in "containerd.io (>= 1.7.27)" "containerd.io (>= 1.5.11-1)" "containerd.io (<< 1.5.11-1)" \
	"containerd.io (<= 1.5.11)" "containerd.io (= 1.5.11-1)" "containerd.io (>> 1.5.11~)" \
	"containerd.io (< 1.5.11-1)" "containerd.io (> 1.5.11-1)" "containerd.io:all (>= 1.6)"; do
	build_docker "$rel"
	if dpkg_r -i "$WORK/docker-ce.deb"; then dpkg_says=pass; else dpkg_says=fail; fi
	"$CVMPREP" check --root "$R" --only runtime.containerd --format json -o "$WORK/rel.json" >/dev/null 2>&1
	got=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["checks"][0]["status"])' "$WORK/rel.json")
	# at the pin but not held: warn when docker-ce accepts it, fail when it does not
	case "$dpkg_says:$got" in
	pass:warn | fail:fail) pass "real dpkg: '$rel' judged as dpkg judges it ($dpkg_says)" ;;
	*) fail "real dpkg: '$rel' judged as dpkg judges it" "dpkg $dpkg_says, runtime.containerd $got" ;;
	esac
	dpkg_r --purge docker-ce
done
dpkg_r -r containerd.io
judge "removed: skip" skip 0
if [ "$host_status" = "$(stat -c %Y /var/lib/dpkg/status 2>/dev/null; md5sum </var/lib/dpkg/status 2>/dev/null)" ]; then
	pass "real dpkg: the host's own database is untouched"
else
	fail "real dpkg: the host's own database is untouched" "/var/lib/dpkg/status changed"
fi
