#!/usr/bin/env bash
# Builds each tests/fuzz/fuzz-*.c with clang's libFuzzer, ASan and UBSan (the library once,
# then one link per target) and runs it for FUZZ_SECONDS (default 30) from its seed corpus,
# tests/fuzz/corpus/<target>/ (copied: what the run adds stays under build/fuzz). FUZZ_TARGETS
# (names without "fuzz-", space-separated) runs only those. Exits 1 when any target finds a
# crash, a leak or undefined behaviour; the input is kept in build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
out=build/fuzz
mkdir -p "$out/obj" "$out/artifacts"
command -v clang >/dev/null || { echo "ci/fuzz.sh: clang is needed (bash ci/deps.sh fuzz)" >&2; exit 1; }

pkgs="libkmod blkid libudev libcjson zlib libcrypto libcurl libarchive"
# shellcheck disable=SC2046,SC2207 # pkg-config's words
flags=(-std=gnu11 -D_GNU_SOURCE -I. -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
	$(pkg-config --cflags $pkgs))
# shellcheck disable=SC2207
libs=($(pkg-config --libs $pkgs))

objs=()
for src in core/*.c checks/*.c reports/*.c provision/*.c image/*.c; do
	obj=$out/obj/$(echo "${src%.c}" | tr / _).o
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find core checks reports provision image tests/fuzz -name '*.h' -newer "$obj" -print -quit)" ]; then
		clang "${flags[@]}" -fsanitize=fuzzer-no-link,address,undefined -c -o "$obj" "$src"
	fi
	objs+=("$obj")
done

failed=()
for target in tests/fuzz/fuzz-*.c; do
	name=$(basename "$target" .c)
	if [ -n "${FUZZ_TARGETS:-}" ] && ! [[ " $FUZZ_TARGETS " == *" ${name#fuzz-} "* ]]; then
		continue
	fi
	clang "${flags[@]}" -fsanitize=fuzzer,address,undefined -o "$out/$name" "$target" "${objs[@]}" "${libs[@]}"
	corpus=$out/$name.corpus
	mkdir -p "$corpus"
	[ -d "tests/fuzz/corpus/$name" ] && cp -n tests/fuzz/corpus/"$name"/* "$corpus/" 2>/dev/null
	echo "== $name: ${seconds}s"
	if "$out/$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/artifacts/$name-" "$corpus" >"$out/$name.log" 2>&1; then
		grep -E '^#[0-9]+.*DONE' "$out/$name.log" || tail -1 "$out/$name.log"
	else
		grep -E 'ERROR|SUMMARY|Test unit written|^#[0-9]+.*DONE' "$out/$name.log" | head -20
		failed+=("$name")
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "ci/fuzz.sh: findings in: ${failed[*]} (logs in $out, inputs in $out/artifacts)" >&2
	exit 1
fi
echo "ci/fuzz.sh: every target ran ${seconds}s without a finding"
