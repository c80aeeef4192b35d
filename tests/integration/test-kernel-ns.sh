#!/usr/bin/env bash
# platform.init, platform.resources, kernel.idmap, kernel.seccomp-notify,
# security.apparmor-userns, security.secureboot, userns.*, cgroup.version, sysctl.limits:
# the real binary on fixture roots (tests/fixtures/kns-*), cgroup filesystems mounted in a mount
# namespace, and live on this machine: the functional probes run in child processes, leave no
# mount and no directory behind, and --no-probe starts no child at all.
. "$(dirname "$0")/lib.sh"

# status NAME ID WANT SUBSTRING CHECK-OPTIONS...: runs `check --only ID --format json` with the
# options and passes when ID has status WANT and its message contains SUBSTRING.
status() {
	local name=$1 id=$2 want=$3 sub=$4
	shift 4
	"$CVMPREP" check --only "$id" --format json -o "$WORK/s.json" "$@" 2>"$WORK/err"
	if got=$(/usr/bin/python3 - "$WORK/s.json" "$id" "$want" "$sub" <<'PY'
import json, sys
path, cid, want, sub = sys.argv[1:]
try:
    c = [c for c in json.load(open(path))["checks"] if c["id"] == cid][0]
except (OSError, ValueError, IndexError) as e:
    sys.exit(f"no result: {e}")
print(c["status"], "|", c["message"])
sys.exit(0 if c["status"] == want and sub in c["message"] else 1)
PY
	); then pass "$name"; else fail "$name" "got: $got; want $want '$sub' $(head -c 200 "$WORK/err")"; fi
}

F=$FIXTURES
NOSHIFT=(--assume module.shiftfs=absent --assume filesystem.shiftfs=no)

# name | fixture | id | status | message part | extra options
cases=(
	"init systemd|kns-at|platform.init|pass|systemd is the init system|--mode host"
	"init other, coder|kns-below|platform.init|warn|PID 1 is openrc-init|--mode host"
	"init other, sysbox|kns-below|platform.init|fail|required by the sysbox profile|--mode host --profile sysbox"
	"init unreadable comm (EISDIR)|kns-unreadable|platform.init|unknown|Is a directory|--mode host"
	"init in a pod|kns-below|platform.init|skip|in a pod|--mode pod"
	"resources 4 CPUs, 4 GB|kns-at|platform.resources|pass|4 CPUs and 3.7 GiB|"
	"resources from cpuinfo|kns-above|platform.resources|pass|5 CPUs|"
	"resources below|kns-below|platform.resources|warn|fewer than 4 CPUs and less than 4 GB|"
	"resources unreadable|kns-unreadable|platform.resources|unknown|cannot read|"
	"idmap 6.8 by version|kns-at|kernel.idmap|pass|judged by version alone: the functional probe did not run (not the running host|"
	"idmap 5.15 without shiftfs|kns-below|kernel.idmap|warn|shiftfs is absent|${NOSHIFT[*]}"
	"idmap 5.15 with shiftfs|kns-below|kernel.idmap|pass|shiftfs covers|--assume module.shiftfs=available"
	"idmap 5.4 without shiftfs|kns-above|kernel.idmap|fail|predates ID-mapped mounts (5.12) and shiftfs is absent|${NOSHIFT[*]}"
	"idmap 5.4 with shiftfs|kns-above|kernel.idmap|pass|shiftfs, which is present|--assume filesystem.shiftfs=yes"
	"idmap 5.4 shiftfs unknown|kns-above|kernel.idmap|unknown|cannot be told|"
	"idmap probe failed (assumed)|kns-at|kernel.idmap|fail|probe failed: move_mount(2):EINVAL|--assume kernel.idmap_mount=move_mount(2):EINVAL"
	"seccomp-notify under --root|kns-at|kernel.seccomp-notify|skip|not the running host|"
	"seccomp-notify failed (assumed)|kns-at|kernel.seccomp-notify|fail|not available|--assume kernel.seccomp_notify=seccomp(2):EINVAL"
	"apparmor 0|kns-at|security.apparmor-userns|pass|does not restrict unprivileged|"
	"apparmor 1|kns-below|security.apparmor-userns|warn|restricts unprivileged|"
	"apparmor absent|kns-above|security.apparmor-userns|pass|no such sysctl|"
	"apparmor unreadable (EISDIR)|kns-unreadable|security.apparmor-userns|unknown|Is a directory|"
	"secureboot off|kns-at|security.secureboot|pass|Secure Boot is off|--shiftfs-autoload ${NOSHIFT[*]}"
	"secureboot on, shiftfs to build|kns-below|security.secureboot|fail|unsigned module|--shiftfs-autoload ${NOSHIFT[*]}"
	"secureboot on, shiftfs there|kns-below|security.secureboot|pass|nothing has to be built|--shiftfs-autoload --assume module.shiftfs=available"
	"secureboot on, no autoload|kns-below|security.secureboot|pass|no --shiftfs-autoload|"
	"secureboot not EFI|kns-above|security.secureboot|pass|not an EFI boot|--shiftfs-autoload ${NOSHIFT[*]}"
	"secureboot EFI without variable|kns-unreadable|security.secureboot|unknown|No such file|"
	"secureboot short variable|kns-shortefi|security.secureboot|unknown|Invalid argument|"
	"secureboot no sysfs|empty|security.secureboot|unknown|'/sys/firmware'|"
	"userns.max 15000|kns-at|userns.max|pass|15000|"
	"userns.max 0|kns-below|userns.max|fail|disabled|"
	"userns.max unreadable (EISDIR)|kns-unreadable|userns.max|unknown|Is a directory|"
	"userns.clone 1|kns-at|userns.clone|pass|allowed|"
	"userns.clone 0|kns-below|userns.clone|fail|want 1, have 0|"
	"userns.clone absent|kns-above|userns.clone|pass|has no|"
	"userns.clone missing /proc/sys|empty|userns.clone|unknown|No such file|"
	"userns.clone unreadable (EISDIR)|kns-unreadable|userns.clone|unknown|Is a directory|"
	"userns.procfs under --root|kns-at|userns.procfs|skip|not the running host|"
	"userns.procfs failed (assumed)|kns-at|userns.procfs|fail|cannot be mounted|--assume userns.procfs=mount(2):EPERM"
	"cgroup plain directory in a tree|kns-at|cgroup.version|unknown|cannot read '/sys/fs/cgroup'|"
	"sysctl at the minimum|kns-at|sysctl.limits|pass|all 6 limits|"
	"sysctl above|kns-above|sysctl.limits|pass|all 6 limits|"
	"sysctl below|kns-below|sysctl.limits|warn|6 below the Sysbox package's values: fs.inotify.max_queued_events=16384|"
	"sysctl missing|empty|sysctl.limits|unknown|cannot read fs.inotify.max_queued_events|"
	"sysctl unreadable (EISDIR)|kns-unreadable|sysctl.limits|unknown|cannot read kernel.pid_max|"
)
for c in "${cases[@]}"; do
	IFS='|' read -r name fixture id want sub extra <<<"$c"
	# shellcheck disable=SC2086 # extra holds several options (no spaces within one)
	status "$name" "$id" "$want" "$sub" --root "$F/$fixture" $extra
done

# Every sysctl.limits warning names the limit with its command.
"$CVMPREP" check --root "$F/kns-below" --only sysctl.limits --format json -o "$WORK/sysctl.json"
if grep -q 'sysctl -w kernel.pid_max=4194304' "$WORK/sysctl.json" &&
	grep -q 'sysctl -w fs.inotify.max_user_watches=1048576' "$WORK/sysctl.json"; then
	pass "sysctl below: remediation names each sysctl"
else
	fail "sysctl below: remediation names each sysctl" "$(grep remediation "$WORK/sysctl.json")"
fi

# explain: every id has its text and source.
for id in platform.init platform.resources kernel.idmap kernel.seccomp-notify \
	security.apparmor-userns security.secureboot userns.max userns.clone userns.procfs \
	cgroup.version sysctl.limits; do
	if "$CVMPREP" explain "$id" >"$WORK/explain" 2>&1 && grep -qi 'source' "$WORK/explain" &&
		grep -q 'https://' "$WORK/explain"; then
		pass "explain $id"
	else
		fail "explain $id" "$(head -c 300 "$WORK/explain")"
	fi
done

if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
	skip "cgroup mounts, live probes" "needs root and mount namespaces"
	exit 0
fi

# cgroup.version on real filesystems, mounted on a copy of a fixture in a mount namespace.
cp -a "$F/kns-at" "$WORK/cg"
mkdir -p "$WORK/cg/sys/fs/cgroup"
cg() { # NAME WANT SUBSTRING MOUNT-COMMANDS
	local name=$1 want=$2 sub=$3 script=$4
	unshare -m bash -c "mount --make-rprivate / && $script && \"$CVMPREP\" check --root '$WORK/cg' \
		--only cgroup.version --format json -o '$WORK/cg.json'"
	if /usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["checks"][0]; sys.exit(0 if c["status"]==sys.argv[2] and sys.argv[3] in c["message"]+c["observed"] else 1)' \
		"$WORK/cg.json" "$want" "$sub" 2>/dev/null; then
		pass "$name"
	else
		fail "$name" "$(cat "$WORK/cg.json" 2>&1 | head -c 400)"
	fi
}
C=$WORK/cg/sys/fs/cgroup
cg "cgroup v2 (cgroup2 mounted)" pass "v2 (" "mount -t cgroup2 none $C"
cg "cgroup v1 (tmpfs mounted)" pass "cgroup v1" "mount -t tmpfs none $C"
cg "cgroup hybrid (tmpfs + unified cgroup2)" pass "cgroup hybrid" \
	"mount -t tmpfs none $C && mkdir $C/unified && mount -t cgroup2 none $C/unified"
cg "cgroup other filesystem in a tree" unknown "not a mounted cgroup" "mount -t ramfs none $C"

# Live: the functional probes answer on this kernel.
LIVE_IDS=kernel.idmap,kernel.seccomp-notify,userns.procfs
"$CVMPREP" check --only "$LIVE_IDS" --format json -o "$WORK/live.json"
valid_json "live: schema" "$SCHEMA" "$WORK/live.json"
/usr/bin/python3 - "$WORK/live.json" <<'PY' >"$WORK/live.txt"
import json, sys
for c in json.load(open(sys.argv[1]))["checks"]:
    print(c["id"], c["status"], c["duration_us"], c["message"])
PY
sed 's/^/        /' "$WORK/live.txt"
for id in kernel.idmap kernel.seccomp-notify userns.procfs; do
	if grep -q "^$id \(pass\|warn\|fail\) " "$WORK/live.txt" && ! grep -q "^$id .*did not run" "$WORK/live.txt"; then
		pass "live: $id probe answered"
	else
		fail "live: $id probe answered" "$(grep "^$id" "$WORK/live.txt")"
	fi
done
expect_exit "live --no-probe: exit" 0 "$CVMPREP" check --only "$LIVE_IDS" --no-probe --format json -o "$WORK/noprobe.json"
status "live --no-probe: seccomp-notify skip" kernel.seccomp-notify skip "--no-probe" --no-probe
status "live --no-probe: userns.procfs skip" userns.procfs skip "--no-probe" --no-probe
status "live --no-probe: idmap by version" kernel.idmap pass "judged by version alone: the functional probe did not run (--no-probe)" --no-probe

# The ID-mapped mount probe leaves no mount and no directory behind: under a data root that does
# not exist yet (its nearest existing parent is used) and under the default one.
mkdir -p "$WORK/dr"
for dr in "$WORK/dr/sysbox" /var/lib/sysbox; do
	parent=$dr
	while [ ! -d "$parent" ]; do parent=$(dirname "$parent"); done
	before_dirs=$(ls -A "$parent")
	before_mounts=$(cat /proc/self/mountinfo)
	"$CVMPREP" check --only kernel.idmap --data-root "$dr" --format json -o "$WORK/idmap.json"
	after_mounts=$(cat /proc/self/mountinfo)
	if grep -q "probe in '$parent'" "$WORK/idmap.json"; then
		pass "idmap probe ran in $parent"
	else
		fail "idmap probe ran in $parent" "$(grep -m2 source "$WORK/idmap.json")"
	fi
	if [ "$before_mounts" = "$after_mounts" ]; then pass "idmap probe in $parent: no mount left"; else
		fail "idmap probe in $parent: no mount left" "$(diff <(echo "$before_mounts") <(echo "$after_mounts"))"; fi
	if [ "$before_dirs" = "$(ls -A "$parent")" ]; then pass "idmap probe in $parent: no directory left"; else
		fail "idmap probe in $parent: no directory left" "$(ls -A "$parent" | grep cvmprep)"; fi
done

# Killed during the ID-mapped mount probe (mount(2) in the probe child held 3 s by strace):
# SIGINT and SIGTERM remove the probe directory before the process ends; what SIGKILL leaves,
# the next run removes. Directories of live runs are left alone: a pid alive here, or a lock
# held (a run in another PID namespace), or no pid in the name and recent.
probe_killed() { # SIGNAL DIR: starts the probe with its data root in DIR, sends SIGNAL mid-probe
	local sig=$1 dir=$2 tracer pid child i
	# env: a background job of a script starts with SIGINT ignored, which cvmprep keeps
	env --default-signal=INT strace -f -qq -o /dev/null -e trace=mount -e inject=mount:delay_enter=3s \
		"$CVMPREP" check --only kernel.idmap --data-root "$dir/sysbox" --format json -o "$dir/out.json" 2>/dev/null &
	tracer=$!
	for i in $(seq 100); do
		pid=$(cat "/proc/$tracer/task/$tracer/children" 2>/dev/null) && pid=${pid%% *}
		[ -n "$pid" ] && child=$(cat /proc/"$pid"/task/*/children 2>/dev/null) && [ -n "$child" ] && break
		sleep 0.05
	done
	ls -A "$dir" >"$dir.during"
	[ -n "$pid" ] && kill "-$sig" "$pid"
	wait "$tracer" 2>/dev/null
	# the probe child ends when its delayed mount(2) returns
	for i in $(seq 100); do [ -n "${child:-}" ] && [ -d "/proc/${child%% *}" ] || break; sleep 0.05; done
}
if [ "$(id -u)" -eq 0 ] && command -v strace >/dev/null && strace -qq -o /dev/null -e inject=getpid:delay_enter=1 true 2>/dev/null; then
	for sig in INT TERM; do
		d=$WORK/kill-$sig && mkdir -p "$d"
		probe_killed "$sig" "$d"
		if grep -q '^\.cvmprep-idmap-[0-9]*-' "$d.during"; then pass "SIG$sig mid-probe: the probe directory existed"; else
			fail "SIG$sig mid-probe: the probe directory existed" "$(cat "$d.during")"; fi
		if [ -z "$(ls -A "$d")" ]; then pass "SIG$sig mid-probe: nothing left behind"; else
			fail "SIG$sig mid-probe: nothing left behind" "$(ls -A "$d")"; fi
	done
	d=$WORK/kill-KILL && mkdir -p "$d"
	probe_killed KILL "$d"
	left=$(ls -A "$d")
	case $left in .cvmprep-idmap-[0-9]*-*) pass "SIGKILL mid-probe leaves $left" ;; *) fail "SIGKILL mid-probe leaves its directory" "'$left'" ;; esac
	# Beside it: a live run's (this shell's pid), one locked by a live process whose pid is
	# dead here, and ones without a pid, recent and an hour old.
	true & dead=$! && wait $dead
	mkdir "$d/.cvmprep-idmap-$$-live01" "$d/.cvmprep-idmap-$dead-locked" "$d/.cvmprep-idmap-Rec3nt" "$d/.cvmprep-idmap-0ld0ne" "$d/.cvmprep-idmap-$dead-gone01"
	mkdir "$d/.cvmprep-idmap-$dead-gone01/lower" "$d/.cvmprep-idmap-0ld0ne/work" "$d/.cvmprep-idmap-0ld0ne/work/work"
	touch -d '1 hour ago' "$d/.cvmprep-idmap-0ld0ne"
	flock "$d/.cvmprep-idmap-$dead-locked" sleep 30 & holder=$!
	sleep 0.2
	"$CVMPREP" check --only kernel.idmap --data-root "$d/sysbox" --format json -o "$WORK/stale.json"
	kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
	want=$(printf '%s\n' ".cvmprep-idmap-$$-live01" ".cvmprep-idmap-$dead-locked" .cvmprep-idmap-Rec3nt | sort)
	got=$(ls -A "$d" | sort)
	if [ "$got" = "$want" ]; then pass "next run: stale probe directories removed, live ones kept"; else
		fail "next run: stale probe directories removed, live ones kept" "left: $(echo $got)"; fi
	expect "next run: the probe still answers" "$WORK/stale.json" kernel.idmap pass
else
	skip "killed mid-probe" "needs root and strace with syscall delay injection"
fi

# Live failures, in a mount namespace: a data root on ramfs (no ID-mapped mounts), one on a
# read-only filesystem (the probe cannot make its directory), and a masked /proc file (procfs
# is then not fully visible, as in a container with masked paths).
live_ns() { # NAME ID WANT SUBSTRING SETUP CHECK-OPTIONS...
	local name=$1 id=$2 want=$3 sub=$4 setup=$5
	shift 5
	unshare -m bash -c "mount --make-rprivate / && $setup && \"\$0\" check --only $id --format json -o '$WORK/ns.json' \"\$@\"" \
		"$CVMPREP" "$@"
	if got=$(/usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["checks"][0]; print(c["status"], "|", c["message"]); sys.exit(0 if c["status"]==sys.argv[2] and sys.argv[3] in c["message"] else 1)' \
		"$WORK/ns.json" "$want" "$sub" 2>&1); then pass "$name"; else fail "$name" "$got"; fi
}
mkdir -p "$WORK/ram" "$WORK/ro"
live_ns "live idmap on ramfs: fail" kernel.idmap fail "mount_setattr(2) MOUNT_ATTR_IDMAP: Invalid argument" \
	"mount -t ramfs none '$WORK/ram'" --data-root "$WORK/ram/sysbox"
live_ns "live idmap on a read-only filesystem: unknown" kernel.idmap unknown "Read-only file system" \
	"mount -t tmpfs -o ro none '$WORK/ro'" --data-root "$WORK/ro/sysbox"
live_ns "live procfs with /proc masked: fail" userns.procfs fail "mount(2) of procfs on /proc: Operation not permitted" \
	"mount --bind /dev/null /proc/uptime"

# --no-probe starts no child process; without it the probes do (strace -f).
if ! command -v strace >/dev/null; then
	skip "strace: no child with --no-probe" "strace is not installed"
	exit 0
fi
TRACE=execve,clone,clone3,fork,vfork
strace -f -qq -e trace=$TRACE -o "$WORK/trace-noprobe" "$CVMPREP" check --no-probe -o "$WORK/r1" >/dev/null 2>&1
strace -f -qq -e trace=$TRACE -o "$WORK/trace-probe" "$CVMPREP" check -o "$WORK/r2" >/dev/null 2>&1
echo "        --no-probe: $(grep -c . "$WORK/trace-noprobe") traced calls: $(cut -d' ' -f2- "$WORK/trace-noprobe" | cut -c1-60 | tr '\n' ';')"
echo "        probes:     $(grep -cE 'clone|fork' "$WORK/trace-probe") clone/fork calls"
# (A SANITIZE=address build adds LeakSanitizer's own untraced helper: not a child of ours.)
if grep -E 'clone|fork' "$WORK/trace-noprobe" | grep -qv 'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_UNTRACED'; then
	fail "strace: no child with --no-probe" "$(grep -E 'clone|fork' "$WORK/trace-noprobe" | head -5)"
else
	pass "strace: no child with --no-probe"
fi
# seccomp (plain), procfs (user+PID+mount), idmap (mount) and its user-namespace holder
if grep -q 'CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID\|CLONE_NEWNS|CLONE_NEWUSER|CLONE_NEWPID\|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWUSER' "$WORK/trace-probe" &&
	grep -q 'CLONE_NEWUSER' "$WORK/trace-probe" && [ "$(grep -cE 'clone' "$WORK/trace-probe")" -ge 4 ]; then
	pass "strace: the probes run in child processes"
else
	fail "strace: the probes run in child processes" "$(grep -E 'clone|fork' "$WORK/trace-probe" | head -8)"
fi
if grep -q execve "$WORK/trace-probe" && [ "$(grep -c execve "$WORK/trace-probe")" -gt 1 ]; then
	echo "        note: execve in a full check (another module): $(grep execve "$WORK/trace-probe" | sed -n 2p | cut -c1-100)"
fi

# Not root: the functional probes do not run (design.md: live, as root); kernel.idmap is judged by
# the kernel version alone, the others skip, and no child process starts.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	cp "$CVMPREP" "$WORK/cvmprep-nobody" && chmod 755 "$WORK" "$WORK/cvmprep-nobody"
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	"${nobody[@]}" "$WORK/cvmprep-nobody" check --mode host --format json \
		--only kernel.idmap,kernel.seccomp-notify,userns.procfs >"$WORK/nobody.json" 2>/dev/null
	expect "not root: kernel.idmap by version" "$WORK/nobody.json" kernel.idmap pass "not root"
	expect "not root: seccomp-notify skips" "$WORK/nobody.json" kernel.seccomp-notify skip "not root"
	expect "not root: userns.procfs skips" "$WORK/nobody.json" userns.procfs skip "not root"
	if command -v strace >/dev/null; then
		strace -f -qq -e trace=clone,clone3,fork,vfork -o "$WORK/trace-nobody" \
			"${nobody[@]}" "$WORK/cvmprep-nobody" check --mode host >/dev/null 2>&1
		# setpriv itself execs; count clones only (not LeakSanitizer's tracer thread under
		# SANITIZE=address, as with --no-probe below)
		if grep -E 'clone|fork' "$WORK/trace-nobody" | grep -qv 'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_UNTRACED'; then
			fail "not root: no child process" "$(grep -E 'clone|fork' "$WORK/trace-nobody" | head -3)"
		else
			pass "not root: no child process"
		fi
	fi
else
	skip "not root: probes off" "needs root and setpriv to become another user"
fi
