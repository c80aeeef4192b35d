/* SPDX-License-Identifier: MIT */
/* The kubelet of a Kubernetes node, read from files only (its package, program, flag and
 * config files), and the containerd it may run on: what runtime.containerd and the k8s.*
 * checks judge (runtime.h). */
#include "checks.h"
#include "core/util.h"
#include "runtime.h"

/* Where kubeadm and the distribution packages give the kubelet its flags (kubeadm writes
 * kubeadm-flags.env; the deb and rpm units read /etc/default and /etc/sysconfig), and its
 * KubeletConfiguration file (kubeadm's default path). */
static const char *const kubelet_flag_files[] = {
	"/var/lib/kubelet/kubeadm-flags.env",
	"/etc/default/kubelet",
	"/etc/sysconfig/kubelet",
};
#define KUBELET_CONFIG "/var/lib/kubelet/config.yaml"
#define KUBELET_FLAG "--container-runtime-endpoint"
#define KUBELET_KEY "containerRuntimeEndpoint:"
#define ENDPOINT_MAX 512

static bool is_endpoint_char(char c)
{
	return c > ' ' && c != '"' && c != '\'' && c != '\\' && c <= '~';
}

/* Copies the endpoint at p (up to the first blank or quote) into ret; false when empty. */
static bool endpoint_at(const char *p, char *ret, size_t size)
{
	size_t n = 0;

	while (p[n] && is_endpoint_char(p[n]) && n + 1 < size)
		n++;
	memcpy(ret, p, n);
	ret[n] = '\0';
	return n > 0 && !is_endpoint_char(p[n]);
}

/* The value of --container-runtime-endpoint in flags text ("--flag=V" or "--flag V"). */
static bool endpoint_in_flags(const char *buf, char *ret, size_t size)
{
	for (const char *p = strstr(buf, KUBELET_FLAG); p; p = strstr(p + 1, KUBELET_FLAG)) {
		const char *v = p + strlen(KUBELET_FLAG);

		if (*v != '=' && *v != ' ' && *v != '\t')
			continue;
		for (v++; *v == ' ' || *v == '\t' || *v == '"' || *v == '\''; v++)
			;
		if (endpoint_at(v, ret, size))
			return true;
	}
	return false;
}

/* containerRuntimeEndpoint as a top-level key of the KubeletConfiguration (YAML). */
static bool endpoint_in_config(const char *buf, char *ret, size_t size)
{
	for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *v = startswith(l, KUBELET_KEY);

		if (!v)
			continue;
		for (; *v == ' ' || *v == '\t' || *v == '"' || *v == '\''; v++)
			;
		return endpoint_at(v, ret, size);
	}
	return false;
}

/*
 * kubelet.program: the kubelet in BIN_PATH (as probe_program); kubelet.endpoint: the container
 * runtime endpoint the first of the flag files, then the config file, names (source: that
 * file), null when none does (the kubelet then uses its default, containerd's socket), the
 * errno of a file that exists but cannot be read.
 */
int probe_kubelet(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	char endpoint[ENDPOINT_MAX];
	int r = probe_program(h, f, "kubelet.program", "kubelet");

	for (size_t i = 0; r >= 0 && i <= ELEMENTSOF(kubelet_flag_files); i++) {
		const char *path = i < ELEMENTSOF(kubelet_flag_files) ? kubelet_flag_files[i]
								       : KUBELET_CONFIG;
		_cleanup_free_ char *buf = NULL;
		bool found;

		r = host_read(h, path, HOST_READ_MAX, &buf, NULL);
		if (is_absent(r)) {
			r = 0;
			continue;
		}
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return facts_set_err(f, "kubelet.endpoint", path, -r);
		found = i < ELEMENTSOF(kubelet_flag_files)
				? endpoint_in_flags(buf, endpoint, sizeof(endpoint))
				: endpoint_in_config(buf, endpoint, sizeof(endpoint));
		if (found)
			return facts_set(f, "kubelet.endpoint", path, endpoint);
	}
	return r < 0 ? r : facts_set(f, "kubelet.endpoint", KUBELET_CONFIG, NULL);
}

/* The runtimes a kubelet endpoint names, by the socket's path. */
static const struct {
	const char *in;
	const char *runtime;
} endpoint_runtimes[] = {
	{ "containerd", KUBELET_RUNTIME_CONTAINERD },
	{ "crio", "CRI-O" },
	{ "cri-dockerd", "cri-dockerd" },
	{ "dockershim", "dockershim" },
};

/* The containerd a kubelet needs, newest Kubernetes first (containerd RELEASES.md, "Kubernetes
 * support"; Kubernetes 1.26 removed CRI v1alpha2, which containerd before 1.6 speaks only;
 * Kubernetes 1.35 is the last release that supports containerd 1.x). */
static const struct {
	const char *kubelet;    /* from this kubelet version */
	const char *containerd; /* containerd must be at least this */
	const char *why;
} kubelet_needs[] = {
	{ "1.36", "2.0", "Kubernetes 1.35 was the last release to support containerd 1.x" },
	{ "1.26", "1.6", "Kubernetes 1.26 speaks CRI v1 only, which containerd has from 1.6" },
};

const char *kubelet_containerd_min(const char *kubelet_version, const char **ret_why)
{
	int cmp;

	for (size_t i = 0; i < ELEMENTSOF(kubelet_needs); i++)
		if (dpkg_version_compare(kubelet_version, kubelet_needs[i].kubelet, &cmp) == 0 &&
		    cmp >= 0) {
			*ret_why = kubelet_needs[i].why;
			return kubelet_needs[i].containerd;
		}
	return NULL;
}

const char *kubelet_endpoint_runtime(const char *endpoint)
{
	if (!endpoint)
		return KUBELET_RUNTIME_CONTAINERD; /* the kubelet's default: containerd's socket */
	for (size_t i = 0; i < ELEMENTSOF(endpoint_runtimes); i++)
		if (strstr(endpoint, endpoint_runtimes[i].in))
			return endpoint_runtimes[i].runtime;
	return "another runtime";
}

static const char *fact_value(const struct facts *f, const char *key)
{
	const struct fact *fa = facts_get(f, key);

	return fa && !fa->err ? fa->value : NULL;
}

int kubelet_find(struct result *r, const struct facts *f, struct kubelet *ret)
{
	const struct fact *program = facts_get(f, "kubelet.program"), *endpoint, *db;
	struct kubelet k = { .version = dpkg_present_version(r, f, "kubelet") };
	int n;

	/* a kubelet package may be there in a database that cannot be read */
	db = facts_get(f, "dpkg.database");
	if (db && db->err)
		return result_need(r, f, "dpkg.database", &db) ?: PKG_UNKNOWN;

	if (!k.version && (!program || (!program->err && !program->value)))
		return result_evidence_fact(r, program) ?: 0;
	if (!k.version && program->err)
		return result_evidence_fact(r, program) ?:
		       result_set(r, STATUS_UNKNOWN, "cannot tell whether a kubelet is installed: "
				  "'%s': %s", program->source, strerror(program->err)) ?: PKG_UNKNOWN;
	k.program = fact_value(f, "kubelet.program");
	n = result_need(r, f, "kubelet.endpoint", &endpoint);
	if (n <= 0)
		return n ?: PKG_UNKNOWN;
	if (result_evidence_fact(r, program) < 0 || result_evidence_fact(r, endpoint) < 0)
		return -ENOMEM;
	k.endpoint = endpoint->value;
	k.runtime = kubelet_endpoint_runtime(k.endpoint);
	*ret = k;
	return 1;
}

/* Where a containerd comes from on a node: Docker's package, then the distribution's. */
static const char *const containerd_packages[] = { CONTAINERD, "containerd" };

const char *containerd_installed(struct result *r, const struct facts *f, const char **ret_pkg)
{
	for (size_t i = 0; i < ELEMENTSOF(containerd_packages); i++) {
		const char *v = dpkg_present_version(r, f, containerd_packages[i]);

		if (v) {
			*ret_pkg = containerd_packages[i];
			return v;
		}
	}
	return NULL;
}

