#!/usr/bin/env bash
# cvmprep(1): generated from docs/cvmprep.1.in and the binary under test, it names every command,
# option, exit status and check id the binary has, and nothing it lacks (docs/man.py --check);
# groff and mandoc find nothing to say about it; make install puts it in PREFIX/share/man/man1.
. "$(dirname "$0")/lib.sh"

page=$WORK/cvmprep.1
if /usr/bin/python3 "$TOP/docs/man.py" "$CVMPREP" "$TOP/docs/cvmprep.1.in" "$page" 2>"$WORK/gen.err"; then
	pass "docs/man.py writes the page"
else
	fail "docs/man.py writes the page" "$(head -c 500 "$WORK/gen.err")"
	exit 0
fi

if /usr/bin/python3 "$TOP/docs/man.py" --check "$CVMPREP" "$page" >"$WORK/drift"; then
	pass "the page names every command, option, exit status and check id, and no other"
else
	fail "the page matches the binary (edit docs/cvmprep.1.in)" "$(head -20 "$WORK/drift")"
fi

# The check itself sees drift: an option, an exit status and a check id taken out of the page,
# an option the binary does not have put in.
sed -e 's/^\.B \\-\\-strict$/.B \\-\\-stricter/' -e '/^\.B 70$/,+1d' -e '/^\.B kernel\.version$/,+1d' \
	"$page" >"$WORK/drifted.1"
/usr/bin/python3 "$TOP/docs/man.py" --check "$CVMPREP" "$WORK/drifted.1" >"$WORK/drift"
for want in "'cvmprep check --strict' is not documented in '.SS check'" \
	"'.SS check' documents --stricter: 'cvmprep check --help' has no such option" \
	"EXIT STATUS lacks exit status 70" "check id 'kernel.version' is not in CHECKS"; do
	if grep -qxF "$want" "$WORK/drift"; then pass "drift found: $want"; else fail "drift found: $want" "$(cat "$WORK/drift")"; fi
done

# Clean for both formatters: groff's every warning, mandoc's every level down to style.
if command -v groff >/dev/null; then
	out=$(groff -ww -man -z "$page" 2>&1)
	[ -z "$out" ] && pass "groff -ww -man -z: no warning" || fail "groff -ww -man -z" "$out"
else
	skip "groff -ww -man -z" "groff is not installed (ci/deps.sh: groff-base)"
fi
if command -v mandoc >/dev/null; then
	out=$(mandoc -T lint -W all "$page" 2>&1)
	[ -z "$out" ] && pass "mandoc -T lint -W all: no message" || fail "mandoc -T lint -W all" "$(head -10 <<<"$out")"
	# The rendered page says what the template does, check ids included.
	mandoc -T ascii "$page" | sed "s/.\x08//g" >"$WORK/page.txt"
	grep -q '^ *kernel\.config\.OVERLAY_FS' "$WORK/page.txt" && grep -q 'cvmprep provision --dry-run' "$WORK/page.txt" &&
		pass "the page renders, check ids and examples included" || fail "the page renders" "$(head -20 "$WORK/page.txt")"
else
	skip "mandoc -T lint" "mandoc is not installed (ci/deps.sh)"
fi

# make install: the binary, the page and the completion under DESTDIR/PREFIX. Skipped under a
# variant build (CVMPREP_VARIANT: no-openat2, sanitize, valgrind): make install installs the build's own binary.
if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "make install" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
dest=$WORK/dest
if make -s -C "$TOP" install DESTDIR="$dest" PREFIX=/usr >"$WORK/install.log" 2>&1; then
	pass "make install DESTDIR=... PREFIX=/usr"
else
	fail "make install" "$(tail -5 "$WORK/install.log")"
fi
got=$(cd "$dest" && find . -type f -printf '%p %m\n' | LC_ALL=C sort | tr '\n' ,)
want="./usr/bin/cvmprep 755,./usr/share/bash-completion/completions/cvmprep 644,./usr/share/man/man1/cvmprep.1 644,"
[ "$got" = "$want" ] && pass "installed: binary, man page, completion" || fail "installed files" "$got"
if cmp -s "$dest/usr/share/man/man1/cvmprep.1" "$page"; then
	pass "the installed page is the one this binary makes"
else
	fail "the installed page is the one this binary makes" "$(diff "$page" "$dest/usr/share/man/man1/cvmprep.1" | head -5)"
fi
