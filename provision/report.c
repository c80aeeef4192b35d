/* SPDX-License-Identifier: MIT */
#include "report.h"

#include <cJSON.h>

#include "core/cleanup.h"
#include "core/util.h"

static bool add_str(cJSON *o, const char *key, const char *s)
{
	return s ? cJSON_AddStringToObject(o, key, s) != NULL : cJSON_AddNullToObject(o, key) != NULL;
}

/* Adds a new object (or array) to arr, attached before it is filled. */
static cJSON *add_to_array(cJSON *arr, cJSON *item)
{
	if (!item || !cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		return NULL;
	}
	return item;
}

static bool add_cmd(cJSON *arr, const struct prov_cmd *c)
{
	cJSON *o = add_to_array(arr, cJSON_CreateObject()), *argv;
	bool failed = c->ran && !prov_cmd_ok(c);

	if (!o || !(argv = cJSON_AddArrayToObject(o, "argv")))
		return false;
	for (char **p = c->argv; *p; p++)
		if (!add_to_array(argv, cJSON_CreateString(*p)))
			return false;
	if (!cJSON_AddBoolToObject(o, "ran", c->ran))
		return false;
	if (c->ran && !c->signal ? !cJSON_AddNumberToObject(o, "exit_status", c->status)
				 : !cJSON_AddNullToObject(o, "exit_status"))
		return false;
	if (c->signal && !cJSON_AddNumberToObject(o, "signal", c->signal))
		return false;
	return cJSON_AddBoolToObject(o, "timed_out", c->timed_out) &&
	       cJSON_AddNumberToObject(o, "duration_ms", (double)c->duration_ms) &&
	       add_str(o, "error", c->err ? strerror(-c->err) : NULL) &&
	       add_str(o, "output_tail", failed ? c->tail : NULL);
}

static bool add_step(cJSON *arr, const struct prov_step_rec *s)
{
	cJSON *o = add_to_array(arr, cJSON_CreateObject()), *cmds, *writes;

	if (!o || !add_str(o, "name", s->name) || !add_str(o, "title", s->title) ||
	    !add_str(o, "outcome", prov_outcome_to_string(s->outcome)) ||
	    !add_str(o, "message", s->message) ||
	    !cJSON_AddNumberToObject(o, "duration_ms", (double)s->duration_ms))
		return false;
	writes = cJSON_AddArrayToObject(o, "files");
	if (!writes)
		return false;
	for (size_t i = 0; i < s->n_writes; i++)
		if (!add_to_array(writes, cJSON_CreateString(s->writes[i])))
			return false;
	cmds = cJSON_AddArrayToObject(o, "commands");
	if (!cmds)
		return false;
	for (size_t i = 0; i < s->n_cmds; i++)
		if (!add_cmd(cmds, &s->cmds[i]))
			return false;
	return true;
}

cJSON *prov_report_json(const struct prov_result *res, const struct prov_opts *o)
{
	_cleanup_(cJSON_Deletep) cJSON *root = cJSON_CreateObject();
	cJSON *opts, *steps;

	if (!root || !add_str(root, "target", prov_target_to_string(o->target)) ||
	    !cJSON_AddBoolToObject(root, "dry_run", o->dry_run) ||
	    !cJSON_AddBoolToObject(root, "forced", res->forced) ||
	    !add_str(root, "refused", res->refused) ||
	    !cJSON_AddNumberToObject(root, "exit_code", res->exit_code))
		return NULL;
	opts = cJSON_AddObjectToObject(root, "options");
	if (!opts || !add_str(opts, "containerd_version", o->containerd_version) ||
	    !add_str(opts, "sysbox_version", o->sysbox_version) ||
	    !add_str(opts, "sysbox_deb", o->sysbox_deb) ||
	    !cJSON_AddBoolToObject(opts, "force", o->force) ||
	    !cJSON_AddNumberToObject(opts, "lock_timeout_s", o->lock_timeout_s))
		return NULL;
	steps = cJSON_AddArrayToObject(root, "steps");
	if (!steps)
		return NULL;
	for (size_t i = 0; i < res->n_steps; i++)
		if (!add_step(steps, &res->steps[i]))
			return NULL;
	return TAKE_PTR(root);
}
