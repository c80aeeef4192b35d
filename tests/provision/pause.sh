#!/bin/sh
# pause.sh POINT: a pause point outside the maintainer scripts (apt's DPkg::Post-Invoke runs it
# when interrupt.sh sets it up). Like the stand-ins' scripts: when /run/cvmprep-test/pause/POINT
# exists, write "<pid> <parent pid>" to POINT.reached and wait until the pause file is removed.
p=/run/cvmprep-test/pause/$1
[ -e "$p" ] || exit 0
echo "$$ $PPID" >"$p.reached"
i=0
while [ -e "$p" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
