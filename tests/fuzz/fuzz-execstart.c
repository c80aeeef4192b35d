/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a systemd unit file (core/unit.c) on arbitrary bytes, each ExecStart= and
 * Environment= value split as systemd splits it (every variable set to flags), the words
 * scanned as dockerd's flags and each mapped to its daemon.json directive; and the bytes read
 * as daemon.json text for where a member is written. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/docker_flags.h"
#include "core/unit.h"

#define WORDS_MAX 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct words {
	char *w[WORDS_MAX];
	size_t n;
};

static const char *lookup(const char *name, void *userdata)
{
	(void)userdata;
	return name[0] == 'E' ? "" : "--bip=10.0.0.1/24 -H fd:// -Dl debug --data-root";
}

static int word(const char *w, const char *var, void *userdata)
{
	struct words *ws = userdata;

	(void)var;
	if (ws->n >= WORDS_MAX)
		return -1;
	ws->w[ws->n] = strdup(w);
	if (!ws->w[ws->n])
		return -1;
	ws->n++;
	return 0;
}

static int flag(const char *name, const char *text, size_t index, void *userdata)
{
	const char *legacy;

	(void)text;
	(void)index;
	(void)userdata;
	dockerd_flag_directive(name, &legacy);
	return 0;
}

static int assignment(const char *section, const char *key, const char *value, unsigned line,
		      void *userdata)
{
	struct words ws = {.n = 0};

	(void)section;
	(void)line;
	(void)userdata;
	if (strcmp(key, "ExecStart") == 0 || strcmp(key, "Environment") == 0) {
		if (unit_split(unit_exec_path(value), lookup, word, &ws) >= 0)
			dockerd_flags_scan((const char *const *)ws.w, ws.n, flag, NULL);
		for (size_t i = 0; i < ws.n; i++)
			free(ws.w[i]);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unit_parse((const char *)data, size, assignment, NULL);
	daemon_json_key_line((const char *)data, size, "bip");
	return 0;
}
