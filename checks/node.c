/* SPDX-License-Identifier: MIT */
/* platform.init, platform.resources: the node as a whole (platform.arch is in platform.c). */
#include "checks.h"
#include "core/util.h"
#include "live.h"
#include "probe.h"

#define PID1_COMM "/proc/1/comm"
#define SYSTEMD_RUNDIR "/run/systemd/system"
#define CPU_ONLINE "/sys/devices/system/cpu/online"
#define CPUINFO "/proc/cpuinfo"
#define MEMINFO "/proc/meminfo"

/* sysbox docs/user-guide/install-k8s.md: "at least 4 CPUs and 4 GB RAM". MemTotal leaves out
 * what firmware and kernel reserve, so a 4 GiB node shows about 3.8 GiB: the docs' 4 GB
 * (decimal) is the limit that such a node meets. */
#define MIN_CPUS 4
#define MIN_MEM_KB (4000000000ULL / 1024)

/* platform.systemd (sd_booted(3): /run/systemd/system exists, "yes" or "no"); PID 1's name is
 * mode.pid1, from probe_mode. */
static int probe_init(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	int r = host_dir_exists(h, SYSTEMD_RUNDIR);

	if (r < 0)
		return facts_set_err(f, "platform.systemd", SYSTEMD_RUNDIR, -r);
	return facts_set(f, "platform.systemd", SYSTEMD_RUNDIR, r ? "yes" : "no");
}

/* sysbox docs/user-guide/install-package.md: systemd must be the process manager. */
static int rule_init(const struct check *c _unused_, const struct facts *f,
		     const struct config *cfg, struct result *r)
{
	const struct fact *comm = facts_get(f, "mode.pid1");
	const struct fact *sd = facts_get(f, "platform.systemd");
	const char *name = comm && !comm->err ? comm->value : NULL;
	enum status s = cfg->profile->init_required ? STATUS_FAIL : STATUS_WARN;

	if (facts_mode(f) == MODE_POD)
		return result_set(r, STATUS_SKIP, "in a pod, PID 1 is the pod's, not the node's");
	result_evidence_fact(r, comm);
	result_evidence_fact(r, sd);
	result_expected(r, "systemd");
	result_observed(r, "%s", name ? name : "unknown");
	if ((sd && streq_ptr(sd->value, "yes")) || streq_ptr(name, "systemd"))
		return result_set(r, STATUS_PASS, "systemd is the init system");
	if (!name || !sd || sd->err)
		return result_set(r, STATUS_UNKNOWN, "cannot tell the init system: '%s': %s",
				  !name ? PID1_COMM : SYSTEMD_RUNDIR,
				  strerror(!name ? (comm ? comm->err : ENOENT) : sd ? sd->err : ENOENT));
	result_remediation(r, "run the node with systemd as PID 1");
	return result_set(r, s, "PID 1 is %s, not systemd: the Sysbox package installs systemd "
			  "units%s", name, s == STATUS_FAIL ? " (required by the sysbox profile)" : "");
}

/* Counts the CPUs of a list such as "0-3,5,7-8". Returns the count, or -EINVAL. */
static long count_cpu_list(const char *s)
{
	long n = 0;

	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			return -EINVAL;
		s = end;
		if (*s == '-') {
			b = strtoul(++s, &end, 10);
			if (end == s || b < a)
				return -EINVAL;
			s = end;
		}
		n += (long)(b - a + 1);
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	return n ? n : -EINVAL;
}

/* Counts the "processor" lines of /proc/cpuinfo. */
static long count_cpuinfo(const char *buf)
{
	const char *l = buf;
	long n = 0;

	while (l) {
		if (startswith(l, "processor") && l[strlen("processor")] &&
		    strchr(" \t:", l[strlen("processor")]))
			n++;
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	return n ? n : -EINVAL;
}

/* The MemTotal of /proc/meminfo in kB, as text. */
static int meminfo_total(const char *buf, char **ret)
{
	const char *p = strstr(buf, "MemTotal:");
	size_t n;

	if (!p || (p != buf && p[-1] != '\n'))
		return -EINVAL;
	p += strlen("MemTotal:");
	p += strspn(p, " \t");
	n = strspn(p, "0123456789");
	if (n == 0)
		return -EINVAL;
	*ret = strndup(p, n);
	return *ret ? 0 : -ENOMEM;
}

/* platform.cpus from the online CPU list, else /proc/cpuinfo; platform.memtotal_kb. */
static int probe_resources(const struct host *h, const struct config *cfg _unused_,
			   struct facts *f)
{
	static const struct {
		const char *path;
		long (*count)(const char *buf);
	} cpu_sources[] = {
		{ CPU_ONLINE, count_cpu_list },
		{ CPUINFO, count_cpuinfo },
	};
	_cleanup_free_ char *mem = NULL, *buf = NULL;
	const char *src = CPU_ONLINE;
	int r = -ENOENT;

	for (size_t i = 0; i < ELEMENTSOF(cpu_sources); i++) {
		_cleanup_free_ char *num = NULL;
		long n;

		free(buf);
		buf = NULL;
		src = cpu_sources[i].path;
		r = host_read(h, cpu_sources[i].path, HOST_READ_MAX, &buf, NULL);
		if (r == -ENOMEM)
			return r;
		n = r < 0 ? r : cpu_sources[i].count(strstrip(buf));
		if (n < 0) {
			r = (int)n;
			continue;
		}
		num = strdup_printf("%ld", n);
		r = num ? facts_set(f, "platform.cpus", cpu_sources[i].path, num) : -ENOMEM;
		break;
	}
	if (r < 0 && (r == -ENOMEM || facts_set_err(f, "platform.cpus", src, -r) < 0))
		return -ENOMEM;

	free(buf);
	buf = NULL;
	r = host_read(h, MEMINFO, HOST_READ_MAX, &buf, NULL);
	if (r == 0)
		r = meminfo_total(buf, &mem);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, "platform.memtotal_kb", MEMINFO, -r);
	return facts_set(f, "platform.memtotal_kb", MEMINFO, mem);
}

static int rule_resources(const struct check *c _unused_, const struct facts *f,
			  const struct config *cfg _unused_, struct result *r)
{
	const struct fact *cpus, *mem;
	unsigned long long n_cpus, kb;
	int ret;

	ret = result_need(r, f, "platform.cpus", &cpus);
	if (ret <= 0)
		return ret;
	ret = result_need(r, f, "platform.memtotal_kb", &mem);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, cpus);
	result_evidence_fact(r, mem);
	result_expected(r, ">= %d CPUs and >= 4 GB of memory", MIN_CPUS);
	if (parse_count(cpus->value, &n_cpus) < 0 || parse_count(mem->value, &kb) < 0)
		return result_set(r, STATUS_UNKNOWN, "unexpected CPU count '%s' or MemTotal '%s'",
				  cpus->value, mem->value);
	result_observed(r, "%llu CPUs, %.1f GiB", n_cpus, kb / 1048576.0);
	if (n_cpus >= MIN_CPUS && kb >= MIN_MEM_KB)
		return result_set(r, STATUS_PASS, "%llu CPUs and %.1f GiB of memory", n_cpus,
				  kb / 1048576.0);
	result_remediation(r, "give the node at least %d CPUs and 4 GB of memory", MIN_CPUS);
	return result_set(r, STATUS_WARN, "%s%s%s: Sysbox asks for at least %d CPUs and 4 GB",
			  n_cpus < MIN_CPUS ? "fewer than 4 CPUs" : "",
			  n_cpus < MIN_CPUS && kb < MIN_MEM_KB ? " and " : "",
			  kb < MIN_MEM_KB ? "less than 4 GB of memory" : "", MIN_CPUS);
}

const struct check checks_node[] = {
	{
		.id = "platform.init",
		.title = "systemd as init",
		.probes = { probe_mode, probe_init },
		.rule = rule_init,
		.evidence = PID1_COMM " and whether " SYSTEMD_RUNDIR " exists (sd_booted(3))",
		.rule_text = "systemd passes; another init fails for the sysbox profile and warns "
			     "otherwise; in a pod (--mode pod) skip, as PID 1 is the pod's",
		.why = "the Sysbox package installs and starts systemd units (sysbox-mgr, "
		       "sysbox-fs); Sysbox documents systemd as a host requirement",
		.fix = "run the node with systemd as PID 1",
		.source = "sysbox docs/user-guide/install-package.md",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/"
			"install-package.md",
	},
	{
		.id = "platform.resources",
		.title = "CPUs and memory",
		.probes = { probe_resources },
		.rule = rule_resources,
		.evidence = "the CPU count from " CPU_ONLINE " (else the processor lines of "
			    CPUINFO "); MemTotal in " MEMINFO,
		.rule_text = "fewer than 4 CPUs or less than 4 GB of MemTotal warns (4 GB decimal: "
			     "MemTotal leaves out reserved memory, so a 4 GiB node shows about "
			     "3.8 GiB); else passes",
		.why = "Sysbox's Kubernetes guide asks for nodes with at least 4 CPUs and 4 GB "
		       "of memory; each CVM runs systemd and Docker",
		.fix = "give the node at least 4 CPUs and 4 GB of memory",
		.source = "sysbox docs/user-guide/install-k8s.md",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/install-k8s.md",
	},
	CHECKS_END,
};
