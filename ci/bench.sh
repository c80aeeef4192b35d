#!/usr/bin/env bash
# The performance budgets of cvmprep on this machine (issue: faster than the shell pipeline an
# operator would write, flat at fleet scale), each figure printed against its budget:
#  - check --no-probe: median CPU time below one paired `zcat /proc/config.gz | awk` pass over the
#    same kernel options (and the wall ratio), peak RSS <= 3 MiB, no process started, each file
#    read once, mountinfo read once; --format json within 1.2x of the text run; facts <= text;
#  - fixture roots: 10,000 mounts <= 15 ms, 100,000 mounts judged as without them and in linear
#    time, a 100,000-line kernel config in linear time and the RSS of a window, not of the file,
#    a 50,000-package dpkg status <= 40 ms;
#  - check with live probes <= 20 ms, a no-op provision re-run <= 50 ms;
#  - moby's check-config.sh and lxc-checkconfig on the same config, beside ours;
#  - cvmprep image on a 1 GiB docker-save archive (wall time, peak RSS).
# CPU time is user + sys of the command and its children (wait4), the scheduler's exact sum:
# repeatable while others load the machine, where wall times are not. Budgets are judged on CPU
# time; wall times are printed beside them. With valgrind, the instruction count of check
# --no-probe (callgrind) is printed too. A benchmark, not a test: it fails (exit 1) only when a
# rule that does not depend on the load is broken (a process started, a file read twice,
# mountinfo read twice, a verdict changed by the number of mounts).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(readlink -f "${CVMPREP:-./cvmprep}")
runs=${RUNS:-101}
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# t RUNS CMD... [:: CMD...]: "cpu_ms wall_ms rss_kib exit" per command (ci/benchtime.py).
t() { python3 ci/benchtime.py "$@"; }
# verdict NAME OK: prints the judgement of a budget.
judge() { if [ "$2" = 1 ]; then echo "ok"; else echo "OVER BUDGET"; fi; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? 1 : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
kib_mib() { awk -v k="$1" 'BEGIN { printf "%.2f MiB", k / 1024 }'; }

echo "cvmprep $("$bin" --version | cut -d' ' -f2), kernel $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(medians of $runs runs; CPU = user+sys from wait4, exact; wall times are noisy while others load the machine)"

# --- check --no-probe against the shell pipeline, on this machine's own config ----------------
config=/proc/config.gz
[ -r "$config" ] || config=/boot/config-$(uname -r)
cat=zcat
case $config in *.gz) ;; *) cat=cat ;; esac
opts=$("$bin" facts | python3 -c 'import json, sys
f = json.load(sys.stdin)["facts"]
print(" ".join(k[8:] for k in f if k.startswith("kconfig.") and k not in ("kconfig.source", "kconfig.version")))')
nopts=$(wc -w <<<"$opts")
awkprog='BEGIN { n = split(opts, o, " "); for (i = 1; i <= n; i++) want["CONFIG_" o[i]] = 1 }
{ split($0, kv, "=") } kv[1] in want { print }'
pipeline=(sh -c "$cat $config | awk -v opts='$opts' '$awkprog'")
r=($(t "$runs" "$bin" check --no-probe :: "${pipeline[@]}" :: "$bin" check --no-probe --format json :: "$bin" facts))
text_cpu=${r[0]} text_wall=${r[1]} text_rss=${r[2]}
pipe_cpu=${r[4]} pipe_wall=${r[5]} pipe_rss=${r[6]}
json_cpu=${r[8]} json_wall=${r[9]}
facts_cpu=${r[12]} facts_wall=${r[13]}
echo
echo "check --no-probe (text):              CPU ${text_cpu} ms, wall ${text_wall} ms, peak RSS $(kib_mib "$text_rss")"
echo "$cat $config | awk ($nopts options): CPU ${pipe_cpu} ms, wall ${pipe_wall} ms, peak RSS $(kib_mib "$pipe_rss")"
echo "  CPU ratio $(ratio "$text_cpu" "$pipe_cpu") (budget < 1.0): $(judge cpu "$(lt "$text_cpu" "$pipe_cpu")"); wall ratio $(ratio "$text_wall" "$pipe_wall")"
echo "  peak RSS $(kib_mib "$text_rss") (budget <= 3 MiB): $(judge rss "$(le "$text_rss" 3072)")"
echo "check --no-probe --format json:       CPU ${json_cpu} ms, wall ${json_wall} ms: $(ratio "$json_cpu" "$text_cpu")x text (budget <= 1.2): $(judge json "$(le "$(ratio "$json_cpu" "$text_cpu")" 1.2)")"
echo "facts:                                CPU ${facts_cpu} ms, wall ${facts_wall} ms: $(ratio "$facts_cpu" "$text_cpu")x text (budget <= 1.0): $(judge facts "$(le "$facts_cpu" "$text_cpu")")"
if command -v valgrind >/dev/null; then
	ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" check --no-probe 2>&1 >/dev/null |
		sed -nE "s/.*Collected : ([0-9]+).*/\\1/p" || true)
	echo "check --no-probe: $ir instructions (callgrind; valgrind refuses openat2, so the host layer's own resolver runs)"
fi

# --- processes, file reads, mountinfo reads (strace) -------------------------------------------
if command -v strace >/dev/null; then
	trace=$work/trace
	strace -f -qq -y -e trace=execve,fork,vfork,clone,clone3,openat,openat2 -o "$trace" \
		"$bin" check --no-probe >/dev/null || true
	procs=$(grep -cE ' (fork|vfork|clone|clone3)\(' "$trace" || true)
	# Files read: successful opens that are not of directories (O_DIRECTORY, O_PATH), named by
	# the file the new fd refers to (-y): the host reopens an O_PATH fd through /proc/self/fd/N.
	opened=$(grep -E ' open(at|at2)\(' "$trace" | grep -vE '= -1|O_DIRECTORY|O_PATH' |
		sed -nE 's/.*= [0-9]+<(.*)>$/"\1"/p' |
		grep -vE '^"(/etc/ld\.so|/lib/|/usr/lib/x86_64|/usr/lib/aarch64)' | sort)
	twice=$(printf '%s\n' "$opened" | uniq -d)
	mountinfo=$(grep -cE '^"/proc/[0-9]+/mountinfo"$' <<<"$opened" || true)
	failed=$(grep -E ' open(at|at2)\(' "$trace" | grep -c '= -1' || true)
	echo
	echo "processes started: $procs (budget 0): $(judge procs "$([ "$procs" -eq 0 ] && echo 1)")"
	echo "files read: $(grep -c . <<<"$opened" || true) ($(sort -u <<<"$opened" | grep -c . || true) distinct), read more than once: $(grep -c . <<<"$twice" || true) (budget 0): $(judge twice "$([ -z "$twice" ] && echo 1)")"
	[ -z "$twice" ] || printf '  %s\n' $twice
	echo "mountinfo read: $mountinfo time(s) (budget 1): $(judge mountinfo "$([ "$mountinfo" -eq 1 ] && echo 1)")"
	echo "opens that failed (paths that are absent here): $failed"
	[ "$procs" -eq 0 ] && [ -z "$twice" ] && [ "$mountinfo" -eq 1 ] || status=1
else
	echo "strace not installed: process and file counts not measured"
fi

# --- fixture roots at fleet scale -------------------------------------------------------------
# A node's root (tests/fixtures/pod-privileged: its mountinfo, /proc, os-release, CNI, modules)
# with this machine's kernel config at /boot, then one file made large in each copy.
base=$work/base
cp -a tests/fixtures/pod-privileged/. "$base/"
rel=$(cat "$base/proc/sys/kernel/osrelease")
mkdir -p "$base/boot"
$cat "$config" >"$base/boot/config-$rel"
python3 - "$base" "$work" /var/lib/dpkg/status <<'PY'
import os, re, shutil, sys
base, work, status = sys.argv[1:4]

def copy(name):
    d = os.path.join(work, name)
    shutil.copytree(base, d, symlinks=True)
    return d

def mounts(name, n):
    d = copy(name)
    with open(os.path.join(d, "proc/self/mountinfo"), "a") as f:
        for i in range(n):
            f.write(f"{5000 + i} 22 0:{100 + i % 900} / /var/lib/kubelet/pods/{i:08x}-7c1e-4b7a-9d2c-5f0e3a1b2c3d/volumes/kubernetes.io~projected/kube-api-access-{i % 99991:05d} rw,relatime shared:{i} - tmpfs tmpfs rw,size=4194304k,inode64\n")

def config(name, n):
    d = copy(name)
    rel = open(os.path.join(base, "proc/sys/kernel/osrelease")).read().strip()
    with open(os.path.join(d, f"boot/config-{rel}"), "a") as f:
        for i in range(n):
            f.write(f"CONFIG_BENCH_FILLER_{i}={'ym'[i % 2]}\n" if i % 3 else f"# CONFIG_BENCH_FILLER_{i} is not set\n")

def dpkg(name, n):
    d = copy(name)
    paras = [p for p in open(status).read().split("\n\n") if p.strip()]
    os.makedirs(os.path.join(d, "var/lib/dpkg"), exist_ok=True)
    with open(os.path.join(d, "var/lib/dpkg/status"), "w") as f:
        for i in range(n):
            p = paras[i % len(paras)]
            f.write(re.sub(r"^Package: (.*)$", lambda m: f"Package: {m.group(1)}-{i}", p, count=1, flags=re.M) + "\n\n")

mounts("mounts-10k", 10000)
mounts("mounts-100k", 100000)
config("config-10k", 10000)
config("config-100k", 100000)
dpkg("dpkg-5k", 5000)
dpkg("dpkg-50k", 50000)
PY
scale_runs=$(((runs + 1) / 4 | 1))
r=($(t "$scale_runs" "$bin" check --root "$base" :: "$bin" check --root "$work/mounts-10k" :: \
	"$bin" check --root "$work/mounts-100k" :: "$bin" check --root "$work/config-10k" :: \
	"$bin" check --root "$work/config-100k" :: "$bin" check --root "$work/dpkg-5k" :: \
	"$bin" check --root "$work/dpkg-50k"))
b_cpu=${r[0]} b_rss=${r[2]}
m10=${r[4]} m100=${r[8]} c10=${r[12]} c100=${r[16]} c100_rss=${r[18]} d5=${r[20]} d50=${r[24]}
# linear: the cost over the base root grows at most 1.5x faster per item from 10x to 100x
linear() { awk -v b="$b_cpu" -v s="$1" -v l="$2" 'BEGIN { x = (s - b) * 10; y = l - b; print (y <= 1.5 * x + 1) ? 1 : 0 }'; }
per() { awk -v b="$b_cpu" -v t="$1" -v n="$2" 'BEGIN { printf "%.2f", (t - b) / n }'; }
echo
echo "fixture root (pod-privileged + this machine's config at /boot), check --root: CPU $b_cpu ms, peak RSS $(kib_mib "$b_rss") ($scale_runs runs each)"
echo "  10,000 mounts:        CPU $m10 ms (budget <= 15 ms): $(judge m10 "$(le "$m10" 15)")"
echo "  100,000 mounts:       CPU $m100 ms; $(per "$m10" 10) vs $(per "$m100" 100) ms per 1,000 over the base (linear): $(judge m100 "$(linear "$m10" "$m100")")"
echo "  100,000-line config:  CPU $c100 ms; $(per "$c10" 10) vs $(per "$c100" 100) ms per 1,000 lines (linear): $(judge c100 "$(linear "$c10" "$c100")")"
echo "                        peak RSS $(kib_mib "$c100_rss"), $((c100_rss - b_rss)) KiB over the base (budget <= 256 KiB, a window): $(judge rss100 "$(le "$((c100_rss - b_rss))" 256)")"
echo "  50,000-package dpkg:  CPU $d50 ms (budget <= 40 ms): $(judge d50 "$(le "$d50" 40)"); 5,000: $d5 ms"
# 10^5 mounts change no verdict: every check's status as on the base root
statuses() { "$bin" check --root "$1" --format json 2>/dev/null | python3 -c 'import json, sys
print(" ".join(c["id"] + "=" + c["status"] for c in json.load(sys.stdin)["checks"]))'; }
if [ "$(statuses "$base")" = "$(statuses "$work/mounts-100k")" ]; then
	echo "  100,000 mounts: every status as without them (no unknown for size): ok"
else
	echo "  100,000 mounts: statuses differ from the base root: BROKEN"
	status=1
fi

# --- live probes, provision -------------------------------------------------------------------
r=($(t "$scale_runs" "$bin" check))
echo
echo "check with live probes: CPU ${r[0]} ms, wall ${r[1]} ms (budget <= 20 ms): $(judge live "$(le "${r[0]}" 20)")"
# A no-op re-run of provision on a provisioned tree (tests/fixtures/provisioned, under --root):
# every step done already, so no process starts (no package manager).
prov_root=$work/provisioned
cp -a tests/fixtures/provisioned/. "$prov_root/"
prov=("$bin" provision --root "$prov_root" --mode host --force)
r=($(t "$scale_runs" "${prov[@]}"))
echo "provision, no-op re-run (--root): CPU ${r[0]} ms, wall ${r[1]} ms (budget <= 50 ms): $(judge prov "$(le "${r[0]}" 50)")"
if command -v strace >/dev/null; then
	strace -f -qq -e trace=execve,fork,vfork,clone,clone3 -o "$work/ptrace" "${prov[@]}" >/dev/null || true
	procs=$(grep -cE ' (fork|vfork|clone|clone3)\(' "$work/ptrace" || true)
	echo "provision, no-op re-run: processes started: $procs (budget 0): $(judge pprocs "$([ "$procs" -eq 0 ] && echo 1)")"
	[ "$procs" -eq 0 ] || status=1
fi

# --- the field's scripts on the same config ---------------------------------------------------
# moby's contrib/check-config.sh (ci/moby-config.sh prints its path, or exits 77) and
# lxc-checkconfig (Debian's lxc package, unpacked by ci/deps.sh bench), 5 runs each.
echo
field_runs=5
moby=
[ -f ci/moby-config.sh ] && moby=$(bash ci/moby-config.sh 2>/dev/null) || moby=
if [ -n "$moby" ] && [ -r "$moby" ]; then
	r=($(t "$field_runs" bash "$moby" "$config"))
	echo "moby check-config.sh $config: CPU ${r[0]} ms, wall ${r[1]} ms: $(ratio "${r[0]}" "$text_cpu")x check --no-probe, $(ratio "${r[0]}" "$pipe_cpu")x the pipeline"
else
	echo "moby check-config.sh: not available (ci/moby-config.sh)"
fi
lxc=${CVMPREP_LXC:-/var/cache/cvmprep-bench/lxc}/usr/bin/lxc-checkconfig
command -v lxc-checkconfig >/dev/null && lxc=$(command -v lxc-checkconfig)
if [ -r "$lxc" ]; then
	r=($(CONFIG=$config t "$field_runs" sh "$lxc"))
	echo "lxc-checkconfig (CONFIG=$config): CPU ${r[0]} ms, wall ${r[1]} ms: $(ratio "${r[0]}" "$text_cpu")x check --no-probe, $(ratio "${r[0]}" "$pipe_cpu")x the pipeline"
else
	echo "lxc-checkconfig: not available (ci/deps.sh bench unpacks it)"
fi

# --- cvmprep image on a 1 GiB docker-save archive -----------------------------------------------
# A small root and 1 GiB of files in one layer, uncompressed as docker save writes it: streamed,
# never extracted, so the RSS stays that of a small image.
if [ -x /usr/bin/time ]; then
	img=$work/img
	mkdir -p "$img"
	python3 - "$img" <<'PY'
import io, json, os, sys, tarfile
d = sys.argv[1]
layer = os.path.join(d, "layer.tar")
block = bytes(4 << 20)
with tarfile.open(layer, "w") as t:
    for name, kind, arg in [("usr", "dir", None), ("usr/sbin", "dir", None), ("usr/lib", "dir", None),
                            ("usr/lib/systemd", "dir", None), ("usr/lib/systemd/systemd", "file", b"#!/bin/sh\n"),
                            ("sbin", "link", "usr/sbin"), ("lib", "link", "usr/lib"),
                            ("usr/sbin/init", "link", "/lib/systemd/systemd"), ("data", "dir", None)]:
        ti = tarfile.TarInfo(name)
        if kind == "dir":
            ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            t.addfile(ti)
        elif kind == "link":
            ti.type, ti.linkname = tarfile.SYMTYPE, arg
            t.addfile(ti)
        else:
            ti.size = len(arg)
            t.addfile(ti, io.BytesIO(arg))
    for i in range(256):
        ti = tarfile.TarInfo(f"data/blob{i}")
        ti.size = len(block)
        t.addfile(ti, io.BytesIO(block))
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {}}).encode()
with tarfile.open(os.path.join(d, "image.tar"), "w") as t:
    t.add(layer, arcname="0/layer.tar")
    for name, data in [("config.json", config),
                       ("manifest.json", json.dumps([{"Config": "config.json", "Layers": ["0/layer.tar"]}]).encode())]:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
os.unlink(layer)
PY
	size=$(stat -c %s "$img/image.tar")
	/usr/bin/time -f '%e %M' -o "$img/time" "$bin" image "$img/image.tar" --format json -o "$img/report.json" || true
	read -r secs rss <"$img/time"
	echo
	echo "image on a $((size >> 20)) MiB docker-save archive: ${secs} s, peak RSS ${rss} KiB"
fi

exit $status
