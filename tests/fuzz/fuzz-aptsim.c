/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the provisioner's parsers of apt's output (`apt-get -s`, `apt-cache
 * madison`) and of daemon.json (parse, merge, print, and the printed text parsed again) on
 * arbitrary bytes. */
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/daemon-json.h"
#include "provision/aptparse.h"
#include "provision/daemonjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int change(const struct apt_change *c, void *userdata)
{
	size_t *total = userdata;

	*total += strlen(c->name) + strlen(c->old_ver) + strlen(c->new_ver);
	return 0;
}

static int offer(const char *name, const char *version, const char *source, void *userdata)
{
	size_t *total = userdata;

	*total += strlen(name) + strlen(version) + strlen(source);
	return 0;
}

/* Parsed as dockerd would, merged, printed: what is printed must parse again, to an object. */
static void daemon_json(const char *buf, size_t size)
{
	struct daemon_json dj = { 0 }, again = { 0 };
	char *text = NULL;
	size_t len;

	if (daemon_json_parse(buf, size, &dj) < 0 || dj.state != DAEMON_JSON_OBJECT)
		goto out;
	/* cJSON's recursive printer is not for the 10000 levels daemon_json_parse allows. */
	if (size > 4096)
		goto out;
	dj_set_runtime(dj.root, SYSBOX_RUNC_NAME, SYSBOX_RUNC_PATH);
	dj_set_network(dj.root);
	if (dj_print(dj.root, &text, &len) == 0 &&
	    (daemon_json_parse(text, len, &again) != 0 || again.state != DAEMON_JSON_OBJECT))
		abort();
out:
	daemon_json_free(&again);
	daemon_json_free(&dj);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t total = 0;
	unsigned line;

	apt_sim_parse(buf, size, change, &total, &line);
	apt_madison_parse(buf, size, offer, &total);
	daemon_json(buf, size);
	return 0;
}
