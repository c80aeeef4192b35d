/* SPDX-License-Identifier: MIT */
/* `cvmprep hostpaths`: what pod.hostpaths checks, as the pod spec that satisfies it. The row
 * comes from the one table in checks/pod.c (CODER_DOCS_ADMIN, "HostPath mounts"). */
#include <cJSON.h>

#include "checks/pod.h"
#include "core/cleanup.h"
#include "core/util.h"
#include "hostpaths.h"
#include "report.h"

/* The hostPath type: kubelet refuses to start the pod when the directory is missing on the
 * node, rather than creating an empty one (Kubernetes docs, "hostPath volume types"). */
#define HOSTPATH_TYPE "Directory"

static void write_yaml(FILE *out, const struct hostpath_row *row)
{
	fprintf(out, "# Coder CVM host paths: caching %s, shiftfs autoload %s\nvolumes:\n",
		row->caching, row->autoload);
	for (size_t i = 0; i < HOSTPATHS_N; i++)
		if (row->mode[i] != HOSTPATH_NONE)
			fprintf(out,
				"  - name: %s\n"
				"    hostPath:\n"
				"      path: %s\n"
				"      type: " HOSTPATH_TYPE "\n",
				hostpaths[i].volume, hostpaths[i].path);
	fputs("volumeMounts:\n", out);
	for (size_t i = 0; i < HOSTPATHS_N; i++)
		if (row->mode[i] != HOSTPATH_NONE)
			fprintf(out,
				"  - name: %s\n"
				"    mountPath: %s\n"
				"    readOnly: %s\n",
				hostpaths[i].volume, hostpaths[i].path,
				row->mode[i] == HOSTPATH_RO ? "true" : "false");
}

static void write_table(FILE *out, const struct hostpath_row *row)
{
	fprintf(out, "%-8s %-17s", "caching", "shiftfs autoload");
	for (size_t i = 0; i < HOSTPATHS_N; i++)
		fprintf(out, " %-12s", hostpaths[i].path);
	fprintf(out, "\n%-8s %-17s", row->caching, row->autoload);
	for (size_t i = 0; i < HOSTPATHS_N; i++) {
		const char *m = hostpath_mode_to_string(row->mode[i]);

		fprintf(out, " %-12s", m ? m : "-");
	}
	fputs("\n\n", out);
	write_yaml(out, row);
}

/* Adds a new object to arr and returns it, or NULL. */
static cJSON *add_object(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int write_json(FILE *out, bool caching, bool autoload, const struct hostpath_row *row)
{
	_cleanup_(cJSON_Deletep) cJSON *root = cJSON_CreateObject();
	_cleanup_free_ char *text = NULL;
	cJSON *o, *paths, *volumes, *mounts, *hp;
	size_t len;

	if (!root || !cJSON_AddBoolToObject(root, "caching", caching) ||
	    !cJSON_AddBoolToObject(root, "shiftfs_autoload", autoload) ||
	    !(o = cJSON_AddObjectToObject(root, "row")) ||
	    !cJSON_AddStringToObject(o, "caching", row->caching) ||
	    !cJSON_AddStringToObject(o, "shiftfs_autoload", row->autoload) ||
	    !(paths = cJSON_AddArrayToObject(root, "paths")) ||
	    !(volumes = cJSON_AddArrayToObject(root, "volumes")) ||
	    !(mounts = cJSON_AddArrayToObject(root, "volumeMounts")))
		return -ENOMEM;
	for (size_t i = 0; i < HOSTPATHS_N; i++) {
		const char *m = hostpath_mode_to_string(row->mode[i]);

		if (!m)
			continue;
		if (!(o = add_object(paths)) ||
		    !cJSON_AddStringToObject(o, "path", hostpaths[i].path) ||
		    !cJSON_AddStringToObject(o, "mode", m) || !(o = add_object(volumes)) ||
		    !cJSON_AddStringToObject(o, "name", hostpaths[i].volume) ||
		    !(hp = cJSON_AddObjectToObject(o, "hostPath")) ||
		    !cJSON_AddStringToObject(hp, "path", hostpaths[i].path) ||
		    !cJSON_AddStringToObject(hp, "type", HOSTPATH_TYPE) || !(o = add_object(mounts)) ||
		    !cJSON_AddStringToObject(o, "name", hostpaths[i].volume) ||
		    !cJSON_AddStringToObject(o, "mountPath", hostpaths[i].path) ||
		    !cJSON_AddBoolToObject(o, "readOnly", row->mode[i] == HOSTPATH_RO))
			return -ENOMEM;
	}
	if (json_print(root, &text, &len) < 0)
		return -ENOMEM;
	fwrite(text, 1, len, out);
	return 0;
}

int hostpaths_write(FILE *out, bool caching, bool shiftfs_autoload, const char *format)
{
	const struct hostpath_row *row = hostpath_row(caching, shiftfs_autoload);

	if (streq(format, "json"))
		return write_json(out, caching, shiftfs_autoload, row);
	if (streq(format, "yaml"))
		write_yaml(out, row);
	else if (streq(format, "table"))
		write_table(out, row);
	else
		return -EINVAL;
	return 0;
}
