#!/usr/bin/env bash
# What a no-op `cvmprep provision` costs on a provisioned node: a root of the provisioning test
# bed (tests/provision/) is provisioned once, then re-run RUNS times (default 21) inside it.
# Prints the median and the fastest wall time of a re-run, and the processes one re-run starts
# (strace: every fork, clone and execve besides the binary itself). A benchmark, not a test: it
# fails only when a re-run does not exit 0 or starts a process other than a functional probe's
# (a satisfied step runs none). Needs root and the test bed (exit 77 otherwise).
set -uo pipefail
cd "$(dirname "$0")/.."
CVMPREP=$(readlink -f "${CVMPREP:-./cvmprep}")
runs=${RUNS:-21}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
pass() { :; }
fail() { echo "bench-provision: $1: $2" >&2; exit 1; }
. tests/provision/lib.sh
tb_init

tb_root node flat
tb_provision node >"$WORK/first" 2>&1 || fail "first run" "$(tail -3 "$WORK/first")"
# The re-runs, timed inside the root's namespaces: the bed's own set-up is not counted.
times=$(tb_sh node 'for i in $(seq '"$runs"'); do
	s=$(date +%s%N)
	/usr/local/bin/cvmprep provision '"${TB_CHECK[*]}"' >/dev/null 2>&1 || { echo "exit $? in run $i"; exit 1; }
	echo $((($(date +%s%N) - s) / 1000))
done') || fail "re-run" "$times"
sorted=$(printf '%s\n' "$times" | sort -n)
median=$(printf '%s\n' "$sorted" | sed -n "$((runs / 2 + 1))p")
fastest=$(printf '%s\n' "$sorted" | head -1)

# Every process a re-run starts (strace follows from chroot: chroot, env and the binary's own
# execs are the bed's). A satisfied step runs none; the preflight's functional probes may fork
# (kernel.seccomp-notify does), so forks are also counted with that probe skipped.
count() {
	local calls=$1
	shift
	TB_STRACE=$WORK/trace TB_STRACE_CALLS=execve,fork,vfork,clone,clone3 tb_provision node "$@" >/dev/null 2>&1
	grep -vE ' = -1 ' "$WORK/trace" | grep -vE 'execve\("(/usr/sbin/chroot|/usr/bin/env|/usr/local/bin/cvmprep)"' |
		grep -cE " ($calls)\(" || true
}
execs=$(count execve)
forks=$(count 'fork|vfork|clone|clone3')
forks_noprobe=$(count 'fork|vfork|clone|clone3' --skip kernel.seccomp-notify)
echo "provision, no-op re-run: median $median us, fastest $fastest us over $runs runs"
echo "provision, no-op re-run: programs executed: $execs; processes forked: $forks" \
	"($forks_noprobe with kernel.seccomp-notify skipped too)"
[ "$execs" -eq 0 ] && [ "$forks_noprobe" -eq 0 ]
