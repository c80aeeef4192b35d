#!/usr/bin/env bash
# The performance budget of `cvmprep check` without functional probes, on this machine:
#  - wall time per run (mean over RUNS runs, default 200) for the text and JSON reports;
#  - processes started (must be 0: no fork, clone or execve besides the binary itself);
#  - files read, and files read more than once (must be none: each file is read once); opens of
#    directories (O_DIRECTORY, O_PATH: walking a tree, statfs) are not reads and are not counted.
# And `cvmprep image` on a 1 GiB docker-save archive: wall time and peak RSS.
# A benchmark, not a test: it prints figures and fails only when a budget rule is broken.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CVMPREP:-./cvmprep}
runs=${RUNS:-200}

time_runs() {
	local start end
	start=$(date +%s%N)
	for ((i = 0; i < runs; i++)); do "$bin" "$@" >/dev/null || true; done
	end=$(date +%s%N)
	echo "$(((end - start) / runs / 1000))"
}

echo "cvmprep $("$bin" --version | cut -d' ' -f2), $(uname -r), $(nproc) CPUs, $runs runs each"
echo "check --no-probe (text):        $(time_runs check --no-probe) us per run"
echo "check --no-probe --format json: $(time_runs check --no-probe --format json) us per run"
echo "facts:                          $(time_runs facts) us per run"

status=0
if command -v strace >/dev/null; then
	trace=$(mktemp)
	strace -f -qq -y -e trace=execve,fork,vfork,clone,clone3,openat,openat2 -o "$trace" \
		"$bin" check --no-probe >/dev/null || true
	procs=$(grep -cE ' (fork|vfork|clone|clone3)\(' "$trace" || true)
	# Files read: successful opens that are not of directories (O_DIRECTORY, O_PATH), named by
	# the file the new fd refers to (-y), since the host reopens an O_PATH fd through
	# /proc/self/fd/N.
	opened=$(grep -E ' open(at|at2)\(' "$trace" | grep -vE '= -1|O_DIRECTORY|O_PATH' |
		sed -nE 's/.*= [0-9]+<(.*)>$/"\1"/p' |
		grep -vE '^"(/etc/ld\.so|/lib/|/usr/lib/x86_64|/usr/lib/aarch64)' | sort)
	twice=$(printf '%s\n' "$opened" | uniq -d)
	echo "processes started: $procs"
	echo "files read: $(printf '%s\n' "$opened" | grep -c . || true) ($(printf '%s\n' "$opened" | sort -u | grep -c . || true) distinct)"
	if [ -n "$twice" ]; then
		echo "files read more than once:"
		printf '  %s\n' $twice
		status=1
	fi
	[ "$procs" -eq 0 ] || status=1
	rm -f "$trace"
else
	echo "strace not installed: process and file counts not measured"
fi

# A no-op re-run of provision on a provisioned node (tests/fixtures/provisioned, under --root):
# every step already, so no process may start (no package manager); the median of RUNS runs.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cp -a tests/fixtures/provisioned/. "$root/"
prov=(provision --root "$root" --mode host --force)
times=$(for ((i = 0; i < runs; i++)); do
	s=$(date +%s%N); "$bin" "${prov[@]}" >/dev/null || true; e=$(date +%s%N)
	echo $(((e - s) / 1000))
done | sort -n)
echo "provision, no-op re-run:        $(sed -n "$((runs / 2 + 1))p" <<<"$times") us median per run"
if command -v strace >/dev/null; then
	trace=$(mktemp)
	strace -f -qq -e trace=execve,fork,vfork,clone,clone3 -o "$trace" "$bin" "${prov[@]}" >/dev/null || true
	procs=$(grep -cE ' (fork|vfork|clone|clone3)\(' "$trace" || true)
	echo "provision, no-op re-run: processes started: $procs"
	[ "$procs" -eq 0 ] || status=1
	rm -f "$trace"
fi
# `cvmprep image` on a 1 GiB docker-save archive made here (a small root and 1 GiB of files in
# one layer, uncompressed as docker save writes it): wall time and peak RSS. The archive is
# streamed, never extracted: the RSS stays that of a small image.
if command -v python3 >/dev/null && [ -x /usr/bin/time ]; then
	img=$(mktemp -d)
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
	echo "image on a $((size >> 20)) MiB docker-save archive: ${secs} s, peak RSS ${rss} KiB"
	rm -rf "$img"
else
	echo "python3 or /usr/bin/time missing: the image benchmark did not run"
fi

exit $status
