#!/bin/bash
# interrupt.sh POINT WHOM CMD...: runs CMD (a cvmprep provision) in the background, waits until
# it reaches the pause point POINT, sends SIGKILL to WHOM there, lets the rest go on, waits for
# every process it started to end, and prints "exit N", N being CMD's status. Runs inside a test
# root (lib.sh's tb_interrupt). POINT is "<package>.<preinst|postinst>" (the stand-ins' scripts)
# or "apt.post-invoke" (after dpkg, before apt-get exits). WHOM:
#   dpkg      dpkg and the maintainer script it runs (the parent of the pause)
#   apt-get   the apt-get that runs that dpkg; dpkg is left to go on
#   cvmprep   cvmprep itself, while a step's package manager works; that step's command finishes
#             but cvmprep never takes the next step
point=$1 whom=$2
shift 2
dir=/run/cvmprep-test/pause
p=$dir/$point
hook=/etc/apt/apt.conf.d/99testbed-pause
mkdir -p "$dir"
rm -f "$p.reached"
: >"$p"
[ "$point" = apt.post-invoke ] && echo 'DPkg::Post-Invoke { "/bin/sh /srv/repo/tools/pause.sh apt.post-invoke"; };' >"$hook"

"$@" >/tmp/interrupted.out 2>&1 &
main=$!
for _ in $(seq 1200); do
	[ -e "$p.reached" ] && break
	kill -0 "$main" 2>/dev/null || break
	sleep 0.1
done

# ppid PID: its parent's pid.
ppid() { local s; s=$(cat "/proc/$1/stat") && s=${s##*) } && set -- $s && echo "$2"; }
comm() { cat "/proc/$1/comm" 2>/dev/null; }

if [ ! -e "$p.reached" ]; then
	echo "interrupt.sh: $point was never reached"
	rm -f "$p" "$hook"
	wait "$main"
	echo "exit $?"
	cat /tmp/interrupted.out
	exit 1
fi
read -r script parent <"$p.reached"
case $whom in
dpkg) victims="$parent $script" ;;
apt-get) victims=$(ppid "$parent") ;;
cvmprep) victims=$main ;;
esac
for v in $victims; do echo "interrupt.sh: kill -9 $v ($(comm "$v")) at $point"; done
kill -9 $victims
rm -f "$p" "$p.reached" "$hook"
wait "$main" 2>/dev/null
echo "exit $?"
# What the killed process left behind (a dpkg whose apt-get died, an apt-get whose cvmprep
# died) goes on: wait for it, as a node's operator would before running cvmprep again.
for _ in $(seq 600); do
	busy=
	for c in /proc/[0-9]*/comm; do
		case $(cat "$c" 2>/dev/null) in dpkg | apt-get | cvmprep | apt-mark) busy=1 ;; esac
	done
	[ -z "$busy" ] && break
	sleep 0.1
done
[ -z "$busy" ] || echo "interrupt.sh: package managers still running"
cat /tmp/interrupted.out
