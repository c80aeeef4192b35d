#!/usr/bin/env bash
# Docker's apt source under cvmprep provision, its keys (test-provision-source.sh has the source
# entries): on a root whose sources offer no containerd.io, --apt-repo and --apt-key add the
# signed Docker-style repository (a keyring under /etc/apt/keyrings, a signed-by source) and the
# pin comes from it, with an armored and with a binary key; a re-run adds no second entry; a key
# that did not sign the repository fails with nothing installed.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/provision/lib.sh"
tb_init

version() { tb_run "$1" dpkg-query -W -f='${Version} ${db:Status-Abbrev}' "$2" 2>&1; }
entries() { tb_sh "$1" 'grep -rhs "^deb.*file:/srv/repo/docker" /etc/apt/sources.list /etc/apt/sources.list.d/ | wc -l'; }
repo=(--apt-repo file:/srv/repo/docker --sysbox-deb /srv/repo/sysbox-ce.deb --sysbox-sha256 "$SYSBOX_SHA256")

for key in docker.asc docker.gpg; do
	name=${key/./-}
	tb_root "$name"
	tb_provision "$name" "${repo[@]}" --apt-key "/srv/repo/$key" --format json >"$WORK/$name.json" 2>"$WORK/$name.err"
	rc=$?
	tb_same "$key: exit 0" 0 "$rc"
	tb_same "$key: containerd.io 1.5.11-1 from the added source, held" "1.5.11-1 hi " "$(version "$name" containerd.io)"
	tb_same "$key: one source entry" 1 "$(entries "$name")"
	got=$(tb_sh "$name" 'grep -rhs "^deb.*file:/srv/repo/docker" /etc/apt/sources.list.d/ | grep -o "signed-by=/etc/apt/keyrings/[^] ]*"')
	if [ -n "$got" ] && tb_run "$name" test -s "${got#signed-by=}"; then
		pass "$key: signed-by a keyring under /etc/apt/keyrings"
	else
		fail "$key: signed-by a keyring under /etc/apt/keyrings" "$got"
	fi
	got=$(tb_json "$WORK/$name.json" 'next(s["outcome"] for s in d["provision"]["steps"] if s["name"] == "apt-source")')
	tb_same "$key: the apt-source step is done" done "$got"
	valid_json "$key: the JSON report validates against the schema" "$SCHEMA" "$WORK/$name.json"
done

tb_provision docker-asc "${repo[@]}" --apt-key /srv/repo/docker.asc --format json >"$WORK/again.json" 2>"$WORK/again.err"
tb_same "re-run: exit 0" 0 "$?"
tb_same "re-run: still one source entry" 1 "$(entries docker-asc)"
got=$(tb_json "$WORK/again.json" 'next(s["outcome"] for s in d["provision"]["steps"] if s["name"] == "apt-source")')
tb_same "re-run: the apt-source step is already done" already "$got"

# A key that did not sign the repository: apt refuses its lists, nothing is installed.
mkdir -p "$WORK/gnupg" && chmod 700 "$WORK/gnupg"
GNUPGHOME=$WORK/gnupg gpg -q --batch --passphrase '' --quick-gen-key 'another key <other@invalid>' ed25519 sign never 2>/dev/null
GNUPGHOME=$WORK/gnupg gpg -q --batch --armor --export >"$WORK/other.asc"
GNUPGHOME=$WORK/gnupg gpgconf --kill gpg-agent 2>/dev/null
tb_root otherkey
mkdir -p "$TB/roots/otherkey/upper/root"
cp "$WORK/other.asc" "$TB/roots/otherkey/upper/root/other.asc"
tb_provision otherkey "${repo[@]}" --apt-key /root/other.asc --format json >"$WORK/other.json" 2>"$WORK/other.err"
tb_same "a key that did not sign the repository: exit 4" 4 "$?"
tb_same "a key that did not sign the repository: nothing installed" "containerd.io not-installed" "$(tb_state otherkey | head -1)"
valid_json "a key that did not sign the repository: the report validates against the schema" "$SCHEMA" "$WORK/other.json"
