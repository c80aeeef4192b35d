#!/usr/bin/env bash
# cvmprep provision interrupted for real (tests/provision/): dpkg killed in a preinst and in a
# postinst, apt-get killed while its dpkg works, cvmprep killed between two steps; each re-run
# converges to the state an uninterrupted run gives, with an empty `dpkg --audit` and a valid
# daemon.json. Two provisioners at once: the second waits for the lock, or gives up with exit 5,
# and never runs a package manager meanwhile.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/provision/lib.sh"
tb_init

# docker_root NAME: a root with docker-ce (which accepts containerd.io 1.5.11), so daemon.json
# is part of the state.
docker_root() {
	tb_root "$1" flat
	tb_run "$1" apt-get -q -y install "docker-ce=$DOCKER_CE_OLD" >"$WORK/$1.pre" 2>&1 ||
		fail "$1: docker-ce installs" "$(tail -3 "$WORK/$1.pre")"
}
valid_daemon_json() { tb_run "$1" cat /etc/docker/daemon.json | /usr/bin/python3 -c 'import json, sys; json.load(sys.stdin); print("valid")' 2>&1; }

docker_root reference
tb_provision reference >"$WORK/reference.out" 2>&1 || fail "reference run" "$(tail -5 "$WORK/reference.out")"
want=$(tb_state reference)

# case NAME POINT WHOM WANT-EXIT: interrupt a first run there, then run again.
case_() {
	local name=$1 point=$2 whom=$3 want_exit=$4 out
	docker_root "$name"
	out=$(tb_interrupt "$name" "$point" "$whom")
	if printf '%s\n' "$out" | grep -q "^interrupt.sh: kill -9 .* ($whom) at $point\$"; then
		pass "$name: $whom killed at $point"
	else
		fail "$name: $whom killed at $point" "$(printf '%s\n' "$out" | head -8)"
		return
	fi
	tb_same "$name: the interrupted run exits $want_exit" "exit $want_exit" "$(printf '%s\n' "$out" | grep '^exit ')"
	tb_provision "$name" --format json >"$WORK/$name.json" 2>"$WORK/$name.err"
	tb_same "$name: the re-run exits 0" 0 "$?"
	tb_same "$name: the re-run converges to the uninterrupted state" "$want" "$(tb_state "$name")"
	tb_same "$name: dpkg --audit is empty" "" "$(tb_audit "$name")"
	tb_same "$name: daemon.json is valid" valid "$(valid_daemon_json "$name")"
	valid_json "$name: the re-run's report validates against the schema" "$SCHEMA" "$WORK/$name.json"
}
case_ dpkg-preinst sysbox-ce.preinst dpkg 4
# docker-ce brought containerd.io 1.7.27-1: this preinst runs in the downgrade to 1.5.11-1, and
# the kill leaves 1.7.27-1 half-installed, which only a reinstall repairs.
case_ dpkg-preinst-downgrade containerd.io.preinst dpkg 4
case_ dpkg-postinst sysbox-ce.postinst dpkg 4
case_ apt-get containerd.io.postinst apt-get 4
case_ between-steps apt.post-invoke cvmprep 137

# --- two provisioners at once -----------------------------------------------------------
# The first stops in sysbox-ce's preinst, holding the lock; a second with --lock-timeout 1 gives
# up with exit 5 after waiting; a third with the default timeout waits until the first is done,
# then finds nothing to do.
docker_root lock
got=$(tb_sh lock '
	pause=/run/cvmprep-test/pause/sysbox-ce.preinst
	mkdir -p /run/cvmprep-test/pause && : >"$pause"
	/usr/local/bin/cvmprep provision '"${TB_CHECK[*]}"' >/out/first.out 2>&1 &
	first=$!
	for _ in $(seq 600); do [ -e "$pause.reached" ] && break; sleep 0.1; done
	[ -e "$pause.reached" ] || echo "never paused"
	start=$(date +%s%N)
	/usr/local/bin/cvmprep provision '"${TB_CHECK[*]}"' --lock-timeout 1 --format json >/out/second.json 2>/out/second.err
	echo "second: exit $? after $((($(date +%s%N) - start) / 100000000)) tenths"
	/usr/local/bin/cvmprep provision '"${TB_CHECK[*]}"' --format json >/out/third.json 2>/out/third.err &
	third=$!
	sleep 1
	kill -0 "$third" 2>/dev/null && echo "third: waiting"
	rm -f "$pause"
	wait "$first"; echo "first: exit $?"
	wait "$third"; echo "third: exit $?"')
out=$(tb_out lock)
tb_same "lock: the first run pauses holding the lock" "" "$(printf '%s\n' "$got" | grep 'never paused')"
second=$(printf '%s\n' "$got" | sed -n 's/^second: exit \([0-9]*\) after \([0-9]*\) tenths$/\1 \2/p')
tb_same "lock: the second exits 5" 5 "${second% *}"
if [ "${second#* }" -ge 10 ] && [ "${second#* }" -lt 30 ] 2>/dev/null; then pass "lock: the second waited --lock-timeout first"; else fail "lock: the second waited" "$second"; fi
tb_same "lock: the second ran no command" "[]" "$(tb_json "$out/second.json" '[c["argv"][0] for s in d["provision"]["steps"] for c in s["commands"]]')"
valid_json "lock: the second's report validates against the schema" "$SCHEMA" "$out/second.json"
tb_same "lock: the third waits for the first" "third: waiting" "$(printf '%s\n' "$got" | grep '^third: waiting')"
tb_same "lock: the first exits 0" "first: exit 0" "$(printf '%s\n' "$got" | grep '^first:')"
tb_same "lock: the third exits 0" "third: exit 0" "$(printf '%s\n' "$got" | grep '^third: exit')"
tb_same "lock: the third found everything done" "" \
	"$(tb_steps "$out/third.json" | tr ' ' '\n' | grep -v -e ':already$' -e ':skipped$' -e '^lock:done$' -e '^preflight:done$')"
tb_same "lock: the final state is the uninterrupted one" "$want" "$(tb_state lock)"
