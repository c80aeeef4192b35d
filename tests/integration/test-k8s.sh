#!/usr/bin/env bash
# k8s.* and runtime.containerd on Kubernetes nodes: the real binary on the fixture roots
# tests/fixtures/k8s-* (a kubelet from its package or only a program, its runtime endpoint in
# kubeadm-flags.env, /etc/default/kubelet or config.yaml; containerd.io or the distribution's
# containerd; config.toml of version 3 with sysbox-runc under either CRI plugin, or in a file it
# imports), each check's status, the exit code and the schema; a config.toml that is not TOML;
# the same results from saved facts; `explain` for each id; no kubelet: skipped.
. "$(dirname "$0")/lib.sh"

ids=(runtime.containerd k8s.kubelet-version k8s.containerd-version k8s.containerd-runtime)
# fixture | exit | the statuses of ids
cases=(
	"k8s-containerd203|1|warn pass fail pass"
	"k8s-oldpath|1|warn pass pass fail"
	"k8s-dropin|1|fail fail pass pass"
	"k8s-crio|0|skip warn skip skip"
	"k8s-unreadable|3|warn warn pass unknown"
	"k8s-fresh|1|fail pass pass warn"
	"runtime-ready|0|pass skip skip skip"
)
for c in "${cases[@]}"; do
	IFS='|' read -r fixture want statuses <<<"$c"
	out=$WORK/$fixture.json
	expect_exit "$fixture: exit $want" "$want" "$CVMPREP" check --root "$FIXTURES/$fixture" \
		--only 'runtime.containerd,k8s.*' --format json -o "$out"
	valid_json "$fixture: schema" "$SCHEMA" "$out"
	read -r -a st <<<"$statuses"
	for i in "${!ids[@]}"; do
		expect "$fixture: ${ids[$i]} ${st[$i]}" "$out" "${ids[$i]}" "${st[$i]}"
	done
done

# What the messages say: the old path, the range, the release, the pin, the import.
expect "k8s-oldpath: names the path containerd 2.x ignores" "$WORK/k8s-oldpath.json" k8s.containerd-runtime fail \
	"registered under io.containerd.grpc.v1.cri only, which containerd 2.2.1-1 ignores with a version 3 config"
expect "k8s-containerd203: names the bad range" "$WORK/k8s-containerd203.json" k8s.containerd-version fail \
	"containerd.io 2.0.3-1 is in 2.0.1 to 2.0.4"
expect "k8s-dropin: the kubelet is newer than Sysbox supports" "$WORK/k8s-dropin.json" k8s.kubelet-version fail \
	"Kubernetes 1.36 is newer than Sysbox 0.7.1 supports (up to 1.35)"
expect "k8s-dropin: the pin breaks a kubelet that needs containerd 2" "$WORK/k8s-dropin.json" runtime.containerd fail \
	"which must be >= 2.0"
expect "k8s-dropin: the import is read, the .bak is not" "$WORK/k8s-dropin.json" k8s.containerd-runtime pass \
	"io.containerd.cri.v1.runtime" "1 file"

# A config.toml no TOML reader accepts: containerd does not start.
bad=$WORK/badtoml
cp -a "$FIXTURES/k8s-oldpath" "$bad"
printf '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.sysbox-runc\n' >"$bad/etc/containerd/config.toml"
expect_exit "malformed config.toml: exit 1" 1 "$CVMPREP" check --root "$bad" --only k8s.containerd-runtime \
	--format json -o "$WORK/bad.json"
expect "malformed config.toml: fail, with the line" "$WORK/bad.json" k8s.containerd-runtime fail \
	"/etc/containerd/config.toml:1"

# Facts saved from a tree judge the same as the tree.
expect_exit "facts: k8s-dropin" 0 "$CVMPREP" facts --root "$FIXTURES/k8s-dropin" -o "$WORK/facts.json"
valid_json "facts: k8s-dropin: schema" "$FACTS_SCHEMA" "$WORK/facts.json"
expect_exit "check --facts: k8s-dropin" 1 "$CVMPREP" check --facts "$WORK/facts.json" \
	--only 'runtime.containerd,k8s.*' --format json -o "$WORK/from-facts.json"
$JSONTOOL normalize "$WORK/from-facts.json" >"$WORK/a"
$JSONTOOL normalize "$WORK/k8s-dropin.json" >"$WORK/b"
if diff -u <(sed -n '/"checks"/,$p' "$WORK/a") <(sed -n '/"checks"/,$p' "$WORK/b") >"$WORK/cmp"; then
	pass "check --facts: same results as --root"
else
	fail "check --facts: same results as --root" "$(head -20 "$WORK/cmp")"
fi

for id in k8s.kubelet-version k8s.containerd-version k8s.containerd-runtime; do
	"$CVMPREP" explain "$id" >"$WORK/explain" 2>&1
	if grep -q '^source: ' "$WORK/explain" && grep -q '^docs: *https://' "$WORK/explain" &&
		grep -q '^rule: ' "$WORK/explain"; then
		pass "explain $id"
	else
		fail "explain $id" "$(head -c 300 "$WORK/explain")"
	fi
done
