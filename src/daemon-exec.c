/* --exec-on-change: a program run on each change of a mount's status,
 * with the change in its environment, at most exec_max at once (further
 * changes queue, up to EXEC_QUEUE_MAX), each killed after exec_timeout_ns.
 * Nothing waits for one: sd-event reaps it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "daemon-internal.h"
#include "macro.h"
#include "util.h"

/* A program started by --exec-on-change: reaped by its child source,
 * killed by its timer if it outlives exec_timeout_ns. */
struct exec_run {
	struct daemon *d;
	struct exec_run *next;
	sd_event_source *child, *timer;
	pid_t pid;
};

static void exec_start(struct daemon *d, char **env);

static void exec_run_free(struct daemon *d, struct exec_run *x)
{
	for (struct exec_run **p = &d->exec_runs; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	sd_event_source_disable_unref(x->child);
	sd_event_source_disable_unref(x->timer);
	free(x);
}

static int on_exec_exit(sd_event_source *s _unused_, const siginfo_t *si _unused_, void *userdata)
{
	struct exec_run *x = userdata;
	struct daemon *d = x->d;

	exec_run_free(d, x);
	d->exec_running--;
	if (d->exec_queued > 0) {
		char **env = d->exec_queue[0];
		memmove(d->exec_queue, d->exec_queue + 1, --d->exec_queued * sizeof(d->exec_queue[0]));
		exec_start(d, env);
	}
	return 0;
}

static int on_exec_timeout(sd_event_source *s _unused_, uint64_t usec _unused_, void *userdata)
{
	struct exec_run *x = userdata;

	/* Bounded in time: a hook that hangs (on the very mount it was told
	 * about, say) is killed; its exit is reaped by on_exec_exit. */
	(void)kill(x->pid, SIGKILL);
	return 0;
}

static void free_env(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}

static void exec_start(struct daemon *d, char **env)
{
	struct exec_run *x = calloc(1, sizeof(*x));
	pid_t pid;

	if (!x) {
		free_env(env);
		return;
	}
	pid = fork();
	if (pid < 0) {
		daemon_log(d, LOG_ERR, NULL, NULL, "cannot run %s: %s", d->o->exec_on_change, strerror(errno));
		free_env(env);
		free(x);
		return;
	}
	if (pid == 0) {
		sigset_t none;
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		char *argv[] = { (char *)d->o->exec_on_change, NULL };

		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		if (fd >= 0)
			(void)dup2(fd, STDIN_FILENO);
		/* a hook must not keep a probed mount busy through its cwd */
		if (chdir("/") < 0)
			_exit(127);
		execve(argv[0], argv, env);
		_exit(127);
	}
	free_env(env);
	*x = (struct exec_run){ .d = d, .pid = pid, .next = d->exec_runs };
	d->exec_runs = x;
	d->exec_running++;
	if (sd_event_add_child(d->event, &x->child, pid, WEXITED, on_exec_exit, x) < 0)
		daemon_log(d, LOG_ERR, NULL, NULL, "cannot watch %s (pid %d)", d->o->exec_on_change, (int)pid);
	(void)sd_event_add_time_relative(d->event, &x->timer, CLOCK_MONOTONIC, d->o->exec_timeout_ns / NSEC_PER_USEC,
					 TIMER_ACCURACY_USEC, on_exec_timeout, x);
}

extern char **environ;

static char **exec_env(const struct tracked_mount *m, const struct transition *tr)
{
	char errbuf[16], *add[8] = {};
	size_t n = 0, k = 0;
	char **env;

	for (char **e = environ; *e; e++)
		if (strncmp(*e, "FSPROBE_", 8) != 0)
			n++;
	env = calloc(n + ARRAY_SIZE(add) + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "FSPROBE_", 8) != 0 && !(env[k++] = strdup(*e)))
			goto fail;
	if (asprintf(&env[k++], "FSPROBE_MOUNTPOINT=%s", m->target) < 0 ||
	    asprintf(&env[k++], "FSPROBE_SOURCE=%s", m->source) < 0 ||
	    asprintf(&env[k++], "FSPROBE_FSTYPE=%s", m->fstype) < 0 ||
	    asprintf(&env[k++], "FSPROBE_STATE=%s", status_to_string(tr->to)) < 0 ||
	    asprintf(&env[k++], "FSPROBE_PREVIOUS_STATE=%s", tr->first ? "" : status_to_string(tr->from)) < 0 ||
	    asprintf(&env[k++], "FSPROBE_ERRNO=%s", m->result.err ? errno_name(m->result.err, errbuf, sizeof(errbuf)) : "") < 0 ||
	    asprintf(&env[k++], "FSPROBE_MOUNT_ID=%d", m->mnt_id) < 0)
		goto fail;
	return env;
fail:
	free_env(env);
	return NULL;
}

void daemon_exec_on_change(struct daemon *d, const struct tracked_mount *m, const struct transition *tr)
{
	char **env;

	if (!d->o->exec_on_change)
		return;
	env = exec_env(m, tr);
	if (!env)
		return;
	if (d->exec_running < d->o->exec_max) {
		exec_start(d, env);
		return;
	}
	if (d->exec_queued == EXEC_QUEUE_MAX) {
		daemon_log(d, LOG_WARNING, NULL, NULL, "%s: hook queue full, change not passed on", m->target);
		free_env(env);
		return;
	}
	d->exec_queue[d->exec_queued++] = env;
}

void daemon_exec_done(struct daemon *d)
{
	for (unsigned i = 0; i < d->exec_queued; i++)
		free_env(d->exec_queue[i]);
	d->exec_queued = 0;
	/* Hooks still running are not waited for either. */
	while (d->exec_runs)
		exec_run_free(d, d->exec_runs);
}
