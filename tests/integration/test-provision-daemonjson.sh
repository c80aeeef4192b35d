#!/usr/bin/env bash
# Docker's /etc/docker/daemon.json under cvmprep provision, with docker-ce installed and the
# sysbox-ce stand-in's postinst handling the file as Sysbox's own does (tests/provision/):
# absent, with other keys (kept, in their order, owner and mode kept, a backup), invalid (refused,
# left byte for byte, sysbox-ce not left half-configured), and a setting dockerd is given as a flag
# already (refused before daemon.json is written: dockerd would not start).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/provision/lib.sh"
tb_init

cfg=/etc/docker/daemon.json

# docker_root NAME: a root with docker-ce (the version that accepts containerd.io 1.5.11).
docker_root() {
	tb_root "$1" flat
	tb_run "$1" apt-get -q -y install "docker-ce=$DOCKER_CE_OLD" >"$WORK/$1.pre" 2>&1 ||
		fail "$1: docker-ce installs" "$(tail -3 "$WORK/$1.pre")"
}
# runtime FILE: the sysbox-runc runtime's path in the daemon.json FILE.
runtime() { tb_json "$1" 'd["runtimes"]["sysbox-runc"]["path"]'; }

# --- absent: written, in the form Sysbox's postinst recognises -----------------------------
docker_root absent
tb_provision absent --format json >"$WORK/absent.json" 2>"$WORK/absent.err"
rc=$?
tb_same "absent: exit 0" 0 "$rc"
tb_run absent cat "$cfg" >"$WORK/daemon.json"
tb_same "absent: daemon.json names sysbox-runc" /usr/bin/sysbox-runc "$(runtime "$WORK/daemon.json")"
got=$(tb_json "$WORK/daemon.json" '"bip" in d and len(d.get("default-address-pools", [])) > 0')
tb_same "absent: Docker's bip and default-address-pools are set" True "$got"
got=$(tb_run absent grep '^sysbox-ce.postinst: network' /var/log/testbed-maint.log)
tb_same "absent: sysbox-ce's postinst found the network settings it looks for" \
	"sysbox-ce.postinst: network settings present" "$got"
tb_same "absent: dpkg --audit is empty" "" "$(tb_audit absent)"
valid_json "absent: the JSON report validates against the schema" "$SCHEMA" "$WORK/absent.json"

# --- other keys: kept, in their order; owner and mode kept; the original backed up ----------
docker_root keys
cat >"$WORK/orig.json" <<'EOF'
{
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m", "max-file": "3"},
  "storage-driver": "overlay2",
  "runtimes": {
    "nvidia": {"path": "/usr/bin/nvidia-container-runtime", "runtimeArgs": []}
  },
  "debug": true,
  "bip": "10.200.0.1/24",
  "default-address-pools": [{"base": "10.201.0.0/16", "size": 24}]
}
EOF
mkdir -p "$TB/roots/keys/upper/etc/docker"
cp "$WORK/orig.json" "$TB/roots/keys/upper$cfg"
chown 1234:1235 "$TB/roots/keys/upper$cfg"
chmod 0640 "$TB/roots/keys/upper$cfg"
tb_provision keys >"$WORK/keys.out" 2>&1
rc=$?
tb_same "other keys: exit 0" 0 "$rc"
tb_run keys cat "$cfg" >"$WORK/daemon.json"
got=$(/usr/bin/python3 - "$WORK/orig.json" "$WORK/daemon.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
keys = [k for k in b if k in a]
print("order" if keys == list(a) else f"order {list(b)}")
print("values" if all(a[k] == b[k] for k in a if k != "runtimes") else "values changed")
print("nvidia" if b["runtimes"].get("nvidia") == a["runtimes"]["nvidia"] else "nvidia lost")
PY
)
tb_same "other keys: every key kept, in its order, with its value" "order
values
nvidia" "$got"
tb_same "other keys: sysbox-runc added to the runtimes" /usr/bin/sysbox-runc "$(runtime "$WORK/daemon.json")"
tb_same "other keys: owner and mode kept" "1234:1235 640" "$(tb_run keys stat -c '%u:%g %a' "$cfg")"
got=$(tb_sh keys 'for f in /etc/docker/*; do [ "$f" != /etc/docker/daemon.json ] && [ -f "$f" ] && sha256sum <"$f"; done' | cut -d' ' -f1)
tb_same "other keys: the original is backed up" "$(sha256sum <"$WORK/orig.json" | cut -d' ' -f1)" "$got"
tb_same "other keys: dpkg --audit is empty" "" "$(tb_audit keys)"
got=$(tb_run keys grep '^sysbox-ce.postinst: network' /var/log/testbed-maint.log)
tb_same "other keys: sysbox-ce's postinst found the network settings it looks for" \
	"sysbox-ce.postinst: network settings present" "$got"

# --- invalid: refused, left byte for byte ---------------------------------------------------
docker_root invalid
printf '{\n    "debug": true,\n    "log-driver": "json-file",,\n    "bip": "10.200.0.1/24"\n}\n' >"$WORK/bad.json"
mkdir -p "$TB/roots/invalid/upper/etc/docker"
cp "$WORK/bad.json" "$TB/roots/invalid/upper$cfg"
tb_provision invalid --format json >"$WORK/invalid.json" 2>"$WORK/invalid.err"
rc=$?
tb_same "invalid: exit 4" 4 "$rc"
tb_same "invalid: daemon.json left byte for byte" "$(sha256sum <"$WORK/bad.json")" "$(tb_run invalid cat "$cfg" | sha256sum)"
msg=$(tb_json "$WORK/invalid.json" '" ".join(s["message"] or "" for s in d["provision"]["steps"] if s["outcome"] == "failed")')
if printf '%s' "$msg" | grep -q daemon.json && printf '%s' "$msg" | grep -q 'line 3'; then
	pass "invalid: the message names the file and the line"
else
	fail "invalid: the message names the file and the line" "$msg"
fi
tb_same "invalid: dpkg --audit is empty (sysbox-ce not left half-configured)" "" "$(tb_audit invalid)"
valid_json "invalid: the JSON report validates against the schema" "$SCHEMA" "$WORK/invalid.json"

# --- a flag dockerd is given already: merging bip would stop dockerd from starting ----------
docker_root flag
tb_sh flag 'mkdir -p /etc/systemd/system/docker.service.d && printf "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --bip 10.9.0.1/16 -H fd://\n" >/etc/systemd/system/docker.service.d/bip.conf'
before=$(tb_tree flag | grep '^/etc/docker')
tb_provision flag --format json >"$WORK/flag.json" 2>"$WORK/flag.err"
tb_same "--bip in a drop-in: exit 4" 4 "$?"
tb_same "--bip in a drop-in: /etc/docker left as it was" "$before" "$(tb_tree flag | grep '^/etc/docker')"
got=$(tb_json "$WORK/flag.json" 'next(s["outcome"] + " " + str(int("/etc/systemd/system/docker.service.d/bip.conf:3" in s["message"] and "bip" in s["message"])) for s in d["provision"]["steps"] if s["name"] == "daemon-json")')
tb_same "--bip in a drop-in: the daemon-json step refused, naming the drop-in's line" "failed 1" "$got"
tb_same "--bip in a drop-in: sysbox-ce was not installed" "" \
	"$(tb_run flag dpkg-query -W -f='${db:Status-Abbrev}' sysbox-ce 2>/dev/null | grep '^ii')"
