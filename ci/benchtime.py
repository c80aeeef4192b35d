#!/usr/bin/env python3
"""Times commands for ci/bench.sh: CPU time (user + sys of the command and the children it
waited for, from wait4(2)), wall time and peak RSS, over RUNS runs.

  benchtime.py RUNS CMD [ARG...] [:: CMD [ARG...]]...

Several commands separated by '::' are run in turns (A B A B ...), so that a change in the
machine's load falls on all of them alike. Prints one line per command: the median CPU time
in ms, the median wall time in ms, the largest peak RSS in KiB, and the exit status of the
last run. Standard input and output are /dev/null; standard error is kept.

CPU time is the scheduler's (exact); only its split into user and sys is sampled at the tick,
so the sum is reported. The peak RSS is measured in three more runs under /usr/bin/time: a
process spawned from Python starts with Python's pages, which its ru_maxrss would count.
"""
import os
import statistics
import sys
import tempfile
import time


def run(argv):
    devnull = os.open(os.devnull, os.O_RDWR)
    t0 = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                        (os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter_ns() - t0
    os.close(devnull)
    return (ru.ru_utime + ru.ru_stime) * 1000, wall / 1e6, os.waitstatus_to_exitcode(status)


def peak_rss(argv):
    """The largest peak RSS in KiB of three runs, as /usr/bin/time (a small C parent) sees it."""
    best = 0
    with tempfile.NamedTemporaryFile("r") as out:
        for _ in range(3):
            devnull = os.open(os.devnull, os.O_RDWR)
            timed = ["/usr/bin/time", "-f", "%M", "-o", out.name] + argv
            pid = os.posix_spawn(timed[0], timed, os.environ,
                                 file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                               (os.POSIX_SPAWN_DUP2, devnull, 1)])
            os.waitpid(pid, 0)
            os.close(devnull)
            out.seek(0)
            lines = [l for l in out.read().split("\n") if l.strip().isdigit()]
            best = max(best, int(lines[-1]) if lines else 0)
    return best


def main():
    runs = int(sys.argv[1])
    cmds, cur = [], []
    for a in sys.argv[2:]:
        if a == "::":
            cmds.append(cur)
            cur = []
        else:
            cur.append(a)
    cmds.append(cur)
    res = [[] for _ in cmds]
    for _ in range(runs):
        for i, c in enumerate(cmds):
            res[i].append(run(c))
    for c, r in zip(cmds, res):
        rss = peak_rss(c) if os.access("/usr/bin/time", os.X_OK) else 0
        print("%.3f %.3f %d %d" % (statistics.median(x[0] for x in r), statistics.median(x[1] for x in r),
                                   rss, r[-1][2]))


main()
