#!/usr/bin/env bash
# cvmprep provision --sysbox-deb URL inside the root (test-provision-download.sh runs it with
# --root from outside), from a loopback HTTP server in the root's own network namespace
# (tests/provision/): a good download installs; a 404, a download cut short and a wrong SHA-256
# install nothing and change no file; a URL without --sysbox-sha256 is a usage error.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/provision/lib.sh"
tb_init

version() { tb_run "$1" dpkg-query -W -f='${Version} ${db:Status-Abbrev}' "$2" 2>&1; }
settled() { grep -v -e '^/var/lib/apt/' -e '^/var/cache/apt' -e '^/var/log' -e '^/run/lock' -e '^/var/lib/dpkg/lock' "$1"; }
export TB_HTTP=1 TB_HTTP_LOG=$WORK/http.log

# refused NAME URL SHA: a download that must install nothing.
refused() {
	local name=$1 url=$2 sha=$3 rc msg
	tb_root "$name" docker
	tb_tree "$name" >"$WORK/tree.before"
	tb_provision "$name" --sysbox-deb "$url" --sysbox-sha256 "$sha" --containerd-version none \
		--format json >"$WORK/$name.json" 2>"$WORK/$name.err"
	rc=$?
	tb_tree "$name" >"$WORK/tree.after"
	tb_same "$name: exit 4" 4 "$rc"
	tb_same "$name: sysbox-ce not installed" "sysbox-ce not-installed" "$(tb_state "$name" | grep '^sysbox-ce')"
	tb_same "$name: no file kept or changed" "$(settled "$WORK/tree.before")" "$(settled "$WORK/tree.after")"
	msg=$(tb_json "$WORK/$name.json" 'next(s["message"] for s in d["provision"]["steps"] if s["name"] == "sysbox")')
	if [ -n "$msg" ] && [ "$msg" != None ]; then pass "$name: the sysbox step says why"; else fail "$name: the sysbox step says why" "$msg"; fi
	valid_json "$name: the JSON report validates against the schema" "$SCHEMA" "$WORK/$name.json"
}
refused 404 "$TB_URL/absent.deb" "$SYSBOX_SHA256"
refused truncated "$TB_URL/truncated/sysbox-ce.deb" "$SYSBOX_SHA256"
refused wrong-sha256 "$TB_URL/sysbox-ce.deb" "$(printf '%064d' 0)"
for p in /absent.deb /truncated/sysbox-ce.deb /sysbox-ce.deb; do
	if grep -q "^GET $p " "$WORK/http.log"; then pass "the server saw GET $p"; else fail "GET $p" "$(cat "$WORK/http.log")"; fi
done

tb_root good docker
tb_provision good --sysbox-deb "$TB_URL/sysbox-ce.deb" --sysbox-sha256 "$SYSBOX_SHA256" \
	--format json >"$WORK/good.json" 2>"$WORK/good.err"
rc=$?
tb_same "good URL: exit 0" 0 "$rc"
tb_same "good URL: sysbox-ce installed" "0.7.1-0 ii " "$(version good sysbox-ce)"
tb_same "good URL: dpkg --audit is empty" "" "$(tb_audit good)"
valid_json "good URL: the JSON report validates against the schema" "$SCHEMA" "$WORK/good.json"

tb_root nosha docker
tb_provision nosha --sysbox-deb "$TB_URL/sysbox-ce.deb" >"$WORK/nosha.out" 2>&1
tb_same "a URL without --sysbox-sha256: usage error" 2 "$?"
