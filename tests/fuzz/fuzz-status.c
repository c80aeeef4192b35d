/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the capability, seccomp and uid lines of /proc/self/status and
 * cap_last_cap (NUL-separated), judged by pod.privileged; and the parsers alone. */
#include "checks/pod.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "pod.privileged", NULL };
	struct fuzz_part parts[2];
	char *text = strndup((const char *)data, size), *value = NULL;
	uint64_t mask;

	if (!text)
		return 0;
	if (pod_status_field(text, "CapEff:", &value) > 0)
		(void)pod_parse_capmask(value, &mask);
	free(value);
	(void)pod_parse_capmask(text, &mask);
	free(text);
	fuzz_tree_reset();
	fuzz_split(data, size, parts, 2);
	fuzz_put("proc/self/status", parts[0].p, parts[0].len);
	fuzz_put("proc/sys/kernel/cap_last_cap", parts[1].p, parts[1].len);
	fuzz_put_str("proc/self/attr/current", "unconfined\n");
	fuzz_tree_check(only, "pod");
	return 0;
}
