#!/usr/bin/env bash
# The built binary carries the hardening the Makefile asks for (style.md, "Build and tests"):
# a position-independent executable, full RELRO (BIND_NOW and a GNU_RELRO segment), a stack
# that is not executable, the stack protector and FORTIFY_SOURCE's checked functions. Read from
# the ELF with binutils' readelf.
. "$(dirname "$0")/lib.sh"

if ! command -v readelf >/dev/null; then
	echo "test-elf: readelf (binutils) is missing"
	exit 77
fi
if [ "$(head -c 4 "$CVMPREP" | od -An -c | tr -d ' ')" != '177ELF' ]; then
	echo "test-elf: $CVMPREP is not an ELF file (a wrapper script)"
	exit 77
fi

readelf -hW "$CVMPREP" >"$WORK/header"
readelf -dW "$CVMPREP" >"$WORK/dynamic"
readelf -lW "$CVMPREP" >"$WORK/segments"
readelf --dyn-syms -W "$CVMPREP" >"$WORK/symbols"

# expect_line NAME FILE REGEX: passes when a line of FILE matches REGEX (grep -E).
expect_line() {
	if grep -Eq "$3" "$2"; then pass "$1"; else fail "$1" "no line matching '$3' in readelf's output"; fi
}

expect_line "PIE: ELF type DYN" "$WORK/header" 'Type:[[:space:]]+DYN'
expect_line "PIE: FLAGS_1 has PIE" "$WORK/dynamic" '\(FLAGS_1\).*[[:space:]]PIE'
expect_line "full RELRO: BIND_NOW" "$WORK/dynamic" '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*[[:space:]]NOW'
expect_line "full RELRO: a GNU_RELRO segment" "$WORK/segments" '^[[:space:]]*GNU_RELRO[[:space:]]'
expect_line "NX: a GNU_STACK segment" "$WORK/segments" '^[[:space:]]*GNU_STACK[[:space:]]'
if grep -E '^[[:space:]]*GNU_STACK[[:space:]]' "$WORK/segments" | grep -Eq '[[:space:]]RWE[[:space:]]'; then
	fail "NX: the stack is not executable" "$(grep GNU_STACK "$WORK/segments")"
else
	pass "NX: the stack is not executable"
fi
expect_line "stack protector: __stack_chk_fail" "$WORK/symbols" '[[:space:]]__stack_chk_fail(@|$)'
expect_line "FORTIFY_SOURCE: checked functions (*_chk)" "$WORK/symbols" '[[:space:]]__[a-z0-9_]+_chk@'

# The libraries loaded on first use (core/dlibs.h) are not NEEDED: a run that reads no module
# index, downloads nothing and opens no image does not load them, nor what they pull in.
for lib in libkmod libcurl libarchive libcrypto libblkid; do
	if grep -Eq "\(NEEDED\).*\[$lib\.so" "$WORK/dynamic"; then
		fail "$lib is loaded on first use, not NEEDED" "$(grep NEEDED "$WORK/dynamic" | tr -s ' ' | tr '\n' ' ')"
	else
		pass "$lib is loaded on first use, not NEEDED"
	fi
done
