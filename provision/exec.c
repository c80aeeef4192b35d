/* SPDX-License-Identifier: MIT */
#include "exec.h"

#include "core/child.h"
#include "core/util.h"

static const char *const child_env[] = {
	"PATH=" PROV_EXEC_PATH,
	"LC_ALL=C",
	"DEBIAN_FRONTEND=noninteractive",
	"HOME=/root",
	NULL,
};

bool prov_cmd_ok(const struct prov_cmd *c)
{
	return c->ran && !c->timed_out && c->signal == 0 && c->status == 0;
}

int prov_cmd_init(struct prov_cmd *c, const char *const *argv)
{
	size_t n = 0;

	*c = (struct prov_cmd){ .status = -1 };
	while (argv[n])
		n++;
	c->argv = calloc(n + 1, sizeof(*c->argv));
	if (!c->argv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		c->argv[i] = strdup(argv[i]);
		if (!c->argv[i]) {
			prov_cmd_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

void prov_cmd_free(struct prov_cmd *c)
{
	if (c->argv)
		for (char **p = c->argv; *p; p++)
			free(*p);
	free(c->argv);
	free(c->out);
	free(c->tail);
	*c = (struct prov_cmd){ 0 };
}

/* Splits stdout into lines for on_line; a line longer than the buffer is cut. */
struct liner {
	const struct prov_exec_opts *o;
	char buf[1024];
	size_t len;
};

static void on_output(int stream, const char *p, size_t n, void *userdata)
{
	struct liner *l = userdata;

	if (stream != 1)
		return;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || l->len == sizeof(l->buf) - 1) {
			l->buf[l->len] = '\0';
			l->o->on_line(l->buf, l->o->userdata);
			l->len = 0;
			if (p[i] == '\n')
				continue;
		}
		l->buf[l->len++] = p[i];
	}
}

/* The last PROV_TAIL_MAX bytes of s. */
static char *tail_of(const char *s, size_t len)
{
	return strdup(len > PROV_TAIL_MAX ? s + len - PROV_TAIL_MAX : s);
}

int prov_exec(struct prov_cmd *c, const struct prov_exec_opts *o)
{
	struct liner l = { .o = o };
	struct child_exec_opts co = {
		.argv = (const char *const *)c->argv,
		.envp = child_env,
		.chroot_dir = o->chroot_dir,
		.timeout_ms = o->timeout_s * 1000,
		.kill_grace_ms = PROV_KILL_GRACE_MS,
		.output_max = PROV_OUT_MAX,
		.err_tail = true, /* apt's closing error, however much it wrote before */
		.on_output = o->on_line ? on_output : NULL,
		.userdata = &l,
	};
	struct child_exec_result res = { 0 };
	int r;

	r = child_exec(&co, &res, NULL);
	if (r < 0) {
		c->err = r;
		return r;
	}
	c->ran = true;
	c->status = res.exit_code;
	c->signal = res.signal;
	c->timed_out = res.timed_out;
	c->duration_ms = res.duration_us / 1000;
	c->out = TAKE_PTR(res.out);
	c->out_len = res.out_len;
	c->tail = res.err_len ? tail_of(res.err, res.err_len) : tail_of(c->out, c->out_len);
	child_exec_result_free(&res);
	return c->tail ? 0 : -ENOMEM;
}
