#!/usr/bin/env bash
# cvmprep provision --root DIR with --sysbox-deb URL, from a loopback HTTP server inside the
# root's own network namespace (tests/provision/): a good download installs; a 404, a
# truncated body and a wrong SHA-256 exit 4 with nothing installed and no file left.
. "$(dirname "$0")/lib.sh"
if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "downloads in the test bed" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
. "$TOP/tests/provision/lib.sh"
tb_init

# provision_url NAME PATH SHA: provisions a fresh root NAME from $TB_URL/PATH, with --root.
provision_url() {
	tb_root "$1" flat
	TB_HTTP=1 tb_host "$1" "$CVMPREP" provision --root "$(tb_mnt "$1")" "${TB_CHECK[@]}" \
		--skip runtime.sysbox --sysbox-deb "$TB_URL/$2" --sysbox-sha256 "$3" >"$WORK/out" 2>&1
}

left() { ls -A "$TB/roots/$1/upper/var/cache/cvmprep" 2>/dev/null; }

provision_url good sysbox-ce.deb "$SYSBOX_SHA256"
rc=$?
state=$(tb_state good)
if [ "$rc" -eq 0 ] && grep -q '^sysbox-ce 0.7.1-0 ii' <<<"$state" && [ -z "$(left good)" ]; then
	pass "--root with a good URL installs sysbox-ce, the download not kept"
else
	fail "--root with a good URL" "exit $rc: $(tail -3 "$WORK/out"); $state; left: $(left good)"
fi

bad=0000000000000000000000000000000000000000000000000000000000000000
for c in "absent.deb:$SYSBOX_SHA256:HTTP status 404" "truncated/sysbox-ce.deb:$SYSBOX_SHA256:partial" \
	"sysbox-ce.deb:$bad:has SHA-256"; do
	IFS=: read -r path sha what <<<"$c"
	provision_url bad "$path" "$sha"
	rc=$?
	state=$(tb_state bad)
	if [ "$rc" -eq 4 ] && grep -q "$what" "$WORK/out" && grep -q '^sysbox-ce not-installed' <<<"$state" &&
		[ -z "$(left bad)" ]; then
		pass "$path ($what): exit 4, nothing installed, no file left"
	else
		fail "$path ($what)" "exit $rc: $(tail -3 "$WORK/out"); left: $(left bad)"
	fi
done
expect_exit "a URL without --sysbox-sha256 is a usage error" 2 \
	"$CVMPREP" provision --dry-run --sysbox-deb http://127.0.0.1:1/x.deb
expect_exit "an ftp:// URL is a usage error" 2 \
	"$CVMPREP" provision --dry-run --sysbox-deb ftp://127.0.0.1/x.deb --sysbox-sha256 "$bad"
