#!/usr/bin/env bash
# Builds each tests/fuzz/fuzz-*.c with clang's libFuzzer, ASan and UBSan, and runs it for
# FUZZ_SECONDS (default 30) from a corpus seeded with the fixture files. Prints what each ran.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
out=build/fuzz
mkdir -p "$out"
command -v clang >/dev/null || { echo "ci/fuzz.sh: clang is needed (apt-get install clang)" >&2; exit 1; }

flags=(-std=gnu11 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer,address,undefined
	$(pkg-config --cflags libkmod blkid libudev libcjson zlib libcrypto))
srcs=$(ls core/*.c checks/*.c reports/*.c provision/*.c)
libs=$(pkg-config --libs libkmod blkid libudev libcjson zlib libcrypto)

for target in tests/fuzz/fuzz-*.c; do
	name=$(basename "$target" .c)
	# shellcheck disable=SC2086
	clang "${flags[@]}" -o "$out/$name" "$target" $srcs $libs
	corpus=$out/$name.corpus
	mkdir -p "$corpus"
	case $name in
	fuzz-envfile) find tests/fixtures -path '*etc/os-release' -o -path '*usr/lib/os-release' -o -name config | while read -r f; do [ -f "$f" ] && cp "$f" "$corpus/$(echo "$f" | tr / _)"; done ;;
	fuzz-mountinfo) find tests/fixtures -name mountinfo -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \; ;;
	fuzz-kver) find tests/fixtures -name osrelease -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \; ;;
	fuzz-daemon-json) for f in tests/fixtures/runtime-*/etc/docker/daemon.json; do [ -f "$f" ] && cp "$f" "$corpus/$(echo "$f" | tr / _)"; done ;;
	fuzz-dpkg) for f in tests/fixtures/runtime-*/var/lib/dpkg/status tests/fixtures/runtime-*/etc/apt/preferences.d/*; do [ -f "$f" ] && cp "$f" "$corpus/$(echo "$f" | tr / _)"; done ;;
	fuzz-aptsim) printf 'Remv docker-ce [5:24.0.7-1]\nInst containerd.io [1.6.9-1] (1.5.11-1 r [amd64])\nConf containerd.io (1.5.11-1 r [amd64])\n' >"$corpus/sim"
		printf 'containerd.io |   1.5.11-1 | file:/srv/repo ./ Packages\n' >"$corpus/madison"
		printf '{\n    "bip": "10.0.0.1/16",\n    "runtimes": {"x": {"path": "/x"}}\n}\n' >"$corpus/daemon.json" ;;
	fuzz-facts) for f in tests/fixtures/*/; do [ -x ./cvmprep ] && ./cvmprep facts --root "$f" -o "$corpus/$(basename "$f").json" || true; done ;;
	fuzz-writers) for f in tests/fixtures/hostile-strings/etc/os-release tests/fixtures/hostile-strings/proc/sys/kernel/hostname; do cp "$f" "$corpus/$(echo "$f" | tr / _)"; done ;;
	esac
	echo "== $name: ${seconds}s"
	"$out/$name" -max_total_time="$seconds" -max_len=65536 "$corpus" 2>&1 | grep -E '^#[0-9]+.*DONE|ERROR|SUMMARY' || true
done
