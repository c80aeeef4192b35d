/* SPDX-License-Identifier: MIT */
#include "plan.h"

#include <stdarg.h>
#include <time.h>

#include "core/util.h"
#include "lock.h"
#include "preflight.h"
#include "rootfs.h"

static const char *const outcome_names[_PROV_OUTCOME_MAX] = {
	[PROV_DONE] = "done",
	[PROV_ALREADY] = "already",
	[PROV_PLANNED] = "planned",
	[PROV_SKIPPED] = "skipped",
	[PROV_FAILED] = "failed",
};
_Static_assert(ELEMENTSOF(outcome_names) == _PROV_OUTCOME_MAX, "outcome_names");

const char *prov_outcome_to_string(enum prov_outcome o)
{
	return o < _PROV_OUTCOME_MAX ? outcome_names[o] : NULL;
}

static const char *const target_names[_PROV_TARGET_MAX] = {
	[PROV_TARGET_NODE] = "node",
	[PROV_TARGET_IMAGE] = "image",
};
_Static_assert(ELEMENTSOF(target_names) == _PROV_TARGET_MAX, "target_names");

const char *prov_target_to_string(enum prov_target t)
{
	return t < _PROV_TARGET_MAX ? target_names[t] : NULL;
}

int prov_target_from_string(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(target_names); i++)
		if (streq(s, target_names[i]))
			return (int)i;
	return -EINVAL;
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

void prov_result_free(struct prov_result *res)
{
	for (size_t i = 0; i < res->n_steps; i++) {
		struct prov_step_rec *s = &res->steps[i];

		for (size_t j = 0; j < s->n_cmds; j++)
			prov_cmd_free(&s->cmds[j]);
		for (size_t j = 0; j < s->n_writes; j++)
			free(s->writes[j]);
		free(s->cmds);
		free(s->writes);
		free(s->message);
	}
	free(res->steps);
	results_free(res->checks, res->n_checks);
	facts_free(&res->facts);
	free(res->refused);
	*res = (struct prov_result){ 0 };
}

static int vnote(struct prov_ctx *c, const char *fmt, va_list ap)
{
	char *m = NULL;

	if (vasprintf(&m, fmt, ap) < 0)
		return -ENOMEM;
	free(c->cur->message);
	c->cur->message = m;
	return 0;
}

int prov_note(struct prov_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vnote(c, fmt, ap);
	va_end(ap);
	return r;
}

int prov_note_more(struct prov_ctx *c, const char *fmt, ...)
{
	_cleanup_free_ char *prev = TAKE_PTR(c->cur->message);
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vnote(c, fmt, ap);
	va_end(ap);
	if (r < 0 || !prev)
		return r;
	r = prov_note(c, "%s; %s", prev, c->cur->message);
	return r;
}

int prov_fail(struct prov_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vnote(c, fmt, ap);
	va_end(ap);
	return r < 0 ? r : -ECANCELED;
}

static void on_line(const char *line, void *userdata)
{
	struct prov_ctx *c = userdata;

	if (c->ui && c->ui->step_line)
		c->ui->step_line(c->ui->ud, c->cur, line);
}

int prov_run(struct prov_ctx *c, enum prov_run_kind kind, unsigned timeout_s,
	     const char *const *argv, const struct prov_cmd **ret)
{
	struct prov_step_rec *s = c->cur;
	struct prov_exec_opts eo = {
		.chroot_dir = c->chroot_dir,
		.timeout_s = timeout_s,
		.on_line = on_line,
		.userdata = c,
	};
	struct prov_cmd *cmd, *v = realloc(s->cmds, (s->n_cmds + 1) * sizeof(*v));
	int r;

	if (!v)
		return -ENOMEM;
	s->cmds = v;
	cmd = &s->cmds[s->n_cmds];
	r = prov_cmd_init(cmd, argv);
	if (r < 0)
		return r;
	s->n_cmds++;
	if (ret)
		*ret = cmd;
	if (kind == PROV_CHANGE && c->o->dry_run)
		return 0;
	r = prov_exec(cmd, &eo);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return r;
	return prov_cmd_ok(cmd) ? 0 : 1;
}

/* Records path as written by the current step. Returns 0 or -ENOMEM. */
static int record_write(struct prov_ctx *c, const char *path)
{
	struct prov_step_rec *s = c->cur;
	char **v = realloc(s->writes, (s->n_writes + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->writes = v;
	s->writes[s->n_writes] = strdup(path);
	if (!s->writes[s->n_writes])
		return -ENOMEM;
	s->n_writes++;
	return 0;
}

int prov_write(struct prov_ctx *c, const char *path, const void *data, size_t len, mode_t mode,
	       const char *backup_suffix)
{
	int r = record_write(c, path);

	if (r < 0 || c->o->dry_run)
		return r;
	return root_write_file(c->h->root_fd, path, data, len, mode, backup_suffix);
}

int prov_symlink(struct prov_ctx *c, const char *path, const char *target)
{
	int r = record_write(c, path);

	if (r < 0 || c->o->dry_run)
		return r;
	return root_symlink(c->h->root_fd, path, target);
}

static void begin(struct prov_ctx *c, size_t i, size_t n)
{
	if (c->ui && c->ui->step_begin)
		c->ui->step_begin(c->ui->ud, i, n, c->cur);
}

static void end(struct prov_ctx *c, size_t i, size_t n)
{
	if (c->ui && c->ui->step_end)
		c->ui->step_end(c->ui->ud, i, n, c->cur);
}

/* Runs one step: satisfied, then apply and satisfied again. Returns 0, -ECANCELED when it
 * failed, -ENOMEM. */
static int run_step(struct prov_ctx *c, const struct prov_step *st)
{
	/* A step without satisfied() (verify) always runs, and is its own verification. */
	_cleanup_free_ char *applied = NULL;
	int r;

	/* Not yet skipped: apply may record that it does not apply after all. */
	c->cur->outcome = PROV_DONE;
	r = st->satisfied ? st->satisfied(c) : PROV_TODO;

	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		c->cur->outcome = PROV_FAILED;
		if (!c->cur->message)
			prov_note(c, "cannot read the node's state: %s", strerror(-r));
		return -ECANCELED;
	}
	if (r == PROV_SATISFIED || r == PROV_NOT_APPLICABLE) {
		c->cur->outcome = r == PROV_SATISFIED ? PROV_ALREADY : PROV_SKIPPED;
		return 0;
	}
	r = st->apply(c);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		c->cur->outcome = PROV_FAILED;
		if (!c->cur->message)
			prov_note(c, "%s", strerror(-r));
		return -ECANCELED;
	}
	if (c->o->dry_run) {
		c->cur->outcome = PROV_PLANNED;
		return 0;
	}
	/* Re-verify: what apply did must now read as satisfied. A step whose apply decided it
	 * does not apply after all (recorded skipped) keeps that. */
	if (c->cur->outcome == PROV_SKIPPED || !st->satisfied) {
		if (c->cur->outcome != PROV_SKIPPED)
			c->cur->outcome = PROV_DONE;
		return 0;
	}
	/* The message stays what apply did, not what the re-read says. */
	applied = TAKE_PTR(c->cur->message);
	r = st->satisfied(c);
	free(c->cur->message);
	c->cur->message = TAKE_PTR(applied);
	if (r == -ENOMEM)
		return r;
	if (r != PROV_SATISFIED) {
		c->cur->outcome = PROV_FAILED;
		prov_note(c, "%s%sthe node does not read as done after it",
			  c->cur->message ? c->cur->message : "", c->cur->message ? "; " : "");
		return -ECANCELED;
	}
	c->cur->outcome = PROV_DONE;
	return 0;
}

/* The steps before the plan: the lock, then the preflight. */
static const struct prov_step head_steps[] = {
	{ "lock", "take " PROV_LOCK_PATH, NULL, NULL },
	{ "preflight", "preflight checks", NULL, NULL },
};

int prov_provision(const struct host *h, const struct prov_opts *o, const struct prov_ui *ui,
		   struct prov_result *res)
{
	const struct prov_plan *plan = &prov_plans[o->target];
	size_t n = ELEMENTSOF(head_steps) + plan->n, i = 0;
	struct prov_ctx c = {
		.h = h,
		.o = o,
		.res = res,
		.ui = ui,
		.chroot_dir = h->root && !streq(h->root, "/") ? h->root : NULL,
	};
	_cleanup_close_ int lock_fd = -1;
	unsigned long long t;
	bool stopped = false;
	int r = 0;

	*res = (struct prov_result){ 0 };
	res->steps = calloc(n, sizeof(*res->steps));
	if (!res->steps)
		return -ENOMEM;
	res->n_steps = n;
	for (size_t k = 0; k < n; k++) {
		const struct prov_step *st = k < ELEMENTSOF(head_steps)
						     ? &head_steps[k]
						     : &plan->steps[k - ELEMENTSOF(head_steps)];

		res->steps[k].name = st->name;
		res->steps[k].title = st->title;
		res->steps[k].outcome = PROV_SKIPPED;
	}

	/* The lock: --dry-run takes none and writes nothing. */
	c.cur = &res->steps[i];
	begin(&c, i, n);
	t = now_ms();
	if (o->dry_run) {
		c.cur->outcome = PROV_SKIPPED;
		r = prov_note(&c, "--dry-run takes no lock");
	} else {
		lock_fd = prov_lock(h->root_fd, o->lock_timeout_s);
		if (lock_fd == -EWOULDBLOCK) {
			c.cur->outcome = PROV_FAILED;
			res->exit_code = PROV_EXIT_LOCKED;
			r = prov_note(&c, "another cvmprep provision holds %s (waited %u s)",
				      PROV_LOCK_PATH, o->lock_timeout_s);
			stopped = true;
		} else if (lock_fd < 0) {
			c.cur->outcome = PROV_FAILED;
			res->exit_code = PROV_EXIT_FAILED;
			r = prov_note(&c, "cannot take %s: %s", PROV_LOCK_PATH, strerror(-lock_fd));
			stopped = true;
		} else {
			c.cur->outcome = PROV_DONE;
			r = prov_note(&c, "held %s", PROV_LOCK_PATH);
		}
	}
	c.cur->duration_ms = now_ms() - t;
	end(&c, i++, n);
	if (r < 0)
		return r;

	for (; i < n && !stopped; i++) {
		c.cur = &res->steps[i];
		begin(&c, i, n);
		t = now_ms();
		if (i == 1) {
			r = prov_preflight(&c);
			if (r > 0) {
				res->exit_code = r;
				stopped = true;
				r = 0;
			}
		} else {
			r = run_step(&c, &plan->steps[i - ELEMENTSOF(head_steps)]);
			if (r == -ECANCELED) {
				res->exit_code = PROV_EXIT_FAILED;
				stopped = true;
				r = 0;
			}
		}
		c.cur->duration_ms = now_ms() - t;
		end(&c, i, n);
		if (r < 0)
			return r;
	}
	/* What a failure left undone is in the report as not run. */
	for (; i < n; i++) {
		c.cur = &res->steps[i];
		if (prov_note(&c, "not run: an earlier step stopped the plan") < 0)
			return -ENOMEM;
	}
	return 0;
}
