#!/usr/bin/env bash
# Bash completion (deploy/bash-completion/cvmprep), driven as bash drives it: COMP_WORDS and
# COMP_CWORD set, _cvmprep called, COMPREPLY read; its commands, options, check ids and profiles
# come from the binary under test, and its table of option values matches the binary's own lists.
. "$(dirname "$0")/lib.sh"

COMPLETION=$TOP/deploy/bash-completion/cvmprep

# complete_words WORD...: COMPREPLY, one per line, for the line WORD... with the cursor at the
# end of the last WORD (an empty last WORD: after a space). The first word is the binary.
complete_words() {
	bash --norc --noprofile -i -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_cvmprep cvmprep "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$COMPLETION" "$@" 2>"$WORK/bash.err" |
		LC_ALL=C sort
}

# expect_completion NAME WANT WORD...: COMPREPLY, joined by spaces, is WANT.
expect_completion() {
	local name=$1 want=$2 got
	shift 2
	got=$(complete_words "$@" | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$want" ] && pass "$name" || fail "$name" "got '$got', want '$want'; $(head -c 300 "$WORK/bash.err")"
}

# The binary's own lists.
commands=$("$CVMPREP" --help | /usr/bin/python3 -c 'import re, sys
section = sys.stdin.read().split("Commands:", 1)[1].split("\n\n")[1]
print(" ".join(sorted(re.findall(r"^  ([a-z][a-z-]*) ", section, re.M))))')
[ -n "$commands" ] || fail "the binary lists its commands" "no 'Commands:' in '$CVMPREP --help'"
ids=$("$CVMPREP" list --format json | /usr/bin/python3 -c 'import json, sys; print("\n".join(c["id"] for c in json.load(sys.stdin)["checks"]))')
profiles=$("$CVMPREP" list --format json | /usr/bin/python3 -c 'import json, sys; print(" ".join(sorted(p["name"] for p in json.load(sys.stdin)["profiles"])))')

expect_completion "commands" "$commands" "$CVMPREP" ""
expect_completion "a command's prefix" "provision" "$CVMPREP" pro
expect_completion "global options" "--help --version" "$CVMPREP" --
expect_completion "check options by prefix" "--no-probe" "$CVMPREP" check --no
expect_completion "provision's own and shared options" "--shiftfs-autoload --skip --sysbox-deb --sysbox-sha256 --sysbox-version" \
	"$CVMPREP" provision --s
expect_completion "options after a value" "--strict" "$CVMPREP" check --root /tmp --str
expect_completion "check --format" "json junit nfd prom tap text" "$CVMPREP" check --format ""
expect_completion "check --format=j" "json junit" "$CVMPREP" check --format = j
expect_completion "hostpaths --format" "table" "$CVMPREP" hostpaths --format t
expect_completion "check --mode" "auto host pod" "$CVMPREP" check --mode ""
expect_completion "--profile from cvmprep list" "$profiles" "$CVMPREP" check --profile ""
want=$(grep '^kernel\.config\.O' <<<"$ids" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
expect_completion "--skip: check ids" "$want" "$CVMPREP" check --skip kernel.config.O
want=$(grep '^security\.' <<<"$ids" | sed 's/^/kernel.version,/' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
expect_completion "--only: the last id of a list" "$want" "$CVMPREP" check --only kernel.version,security.
expect_completion "explain: check ids" "$(grep '^gpu\.' <<<"$ids" | tr '\n' ' ' | sed 's/ $//')" "$CVMPREP" explain gpu.
expect_completion "--assume takes a value: nothing offered" "" "$CVMPREP" check --assume ""
mkdir -p "$WORK/dirs/alpha" "$WORK/dirs/beta"
: >"$WORK/dirs/afile"
expect_completion "--root: directories" "$WORK/dirs/alpha" "$CVMPREP" check --root "$WORK/dirs/a"
expect_completion "-o: files" "$WORK/dirs/afile $WORK/dirs/alpha" "$CVMPREP" check -o "$WORK/dirs/a"
expect_completion "--baseline: files" "$WORK/dirs/afile $WORK/dirs/alpha" "$CVMPREP" check --baseline "$WORK/dirs/a"
expect_completion "diff: its reports are files" "$WORK/dirs/afile $WORK/dirs/alpha" "$CVMPREP" diff "$WORK/dirs/a"
expect_completion "diff: the second report after the first" "$WORK/dirs/afile $WORK/dirs/alpha" "$CVMPREP" diff "$WORK/dirs/afile" "$WORK/dirs/a"
expect_completion "diff --format" "json text" "$CVMPREP" diff --format ""
expect_completion "summarize: reports and directories" "$WORK/dirs/afile $WORK/dirs/alpha" "$CVMPREP" summarize "$WORK/dirs/a"
expect_completion "summarize --nodes takes a number: nothing offered" "" "$CVMPREP" summarize --nodes ""

# Every option of every command's help is offered for that command.
for cmd in $commands; do
	want=$("$CVMPREP" "$cmd" --help | sed -n -e '/^usage:/p' -e '/^  -/p' |
		grep -oE '(^|[^a-zA-Z0-9-])--?[a-z][a-z0-9-]*' | sed 's/^[^-]*//' | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')
	[ -n "$want" ] || continue
	expect_completion "$cmd: every option of its help" "$want" "$CVMPREP" "$cmd" -
done

# The table of values is the binary's: "unknown format 'x' (text, json)".
values() {
	bash --norc --noprofile -c '. "$1"; _cvmprep_values "$2" "$3"' bash "$COMPLETION" "$1" "$2" | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' '
}
for pair in check:--format provision:--format image:--format hostpaths:--format list:--format diff:--format summarize:--format check:--mode provision:--mode provision:--target; do
	cmd=${pair%%:*} opt=${pair#*:}
	# provision: --dry-run, should the value ever be taken; image: a SOURCE, read only past the options.
	extra=()
	[ "$cmd" = provision ] && extra=(--dry-run)
	[ "$cmd" = image ] && extra=("$WORK/no-such-image")
	"$CVMPREP" "$cmd" "${extra[@]}" "$opt" '-x-' >/dev/null 2>"$WORK/err"
	binary=$(sed -n "s/.*unknown [a-z]* '-x-' (\(.*\))$/\1/p" "$WORK/err" | tr -d ',' | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ')
	table=$(values "$cmd" "$opt")
	[ -n "$binary" ] && [ "$binary" = "$table" ] && pass "$cmd $opt: the table is the binary's list" ||
		fail "$cmd $opt: the table is the binary's list (edit _cvmprep_values in deploy/bash-completion/cvmprep)" "table '$table', binary '$binary' ($(head -c 200 "$WORK/err"))"
done

# Loaded with bash-completion itself, the function is the one registered for cvmprep.
if [ -f /usr/share/bash-completion/bash_completion ]; then
	got=$(bash --norc --noprofile -i -c '. /usr/share/bash-completion/bash_completion; . "$1"; complete -p cvmprep' bash "$COMPLETION" 2>/dev/null)
	[ "$got" = "complete -F _cvmprep cvmprep" ] && pass "registered beside bash-completion" || fail "registered beside bash-completion" "$got"
else
	skip "registered beside bash-completion" "bash-completion is not installed (ci/deps.sh)"
fi
