#!/usr/bin/env bash
# docs/requirements.md is `cvmprep list --format md`: regenerated here and compared, so the
# catalogue in the repository cannot drift from the registry (`make docs` rewrites it).
. "$(dirname "$0")/lib.sh"

if "$CVMPREP" list --format md >"$WORK/requirements.md" 2>"$WORK/err" &&
	diff -u "$TOP/docs/requirements.md" "$WORK/requirements.md" >"$WORK/diff"; then
	pass "docs/requirements.md: as the registry says"
else
	fail "docs/requirements.md: as the registry says" "run 'make docs'; $(head -20 "$WORK/diff" "$WORK/err")"
fi
# Every file it names exists.
missing=$(grep -o '| `checks/[a-z_]*\.c` |$' "$TOP/docs/requirements.md" | tr -d '|` ' | sort -u |
	while read -r f; do [ -f "$TOP/$f" ] || echo "$f"; done)
if [ -z "$missing" ]; then pass "docs/requirements.md: every file exists"; else fail "docs/requirements.md: every file exists" "$missing"; fi
