/* Daemon mode; see daemon.h.
 *
 * Everything runs on one sd-event loop: the cycle timer, the deadline
 * timer, the helper's record pipe, its exit, libmount's monitor, signals
 * and the programs run on transitions. Nothing here blocks: the helper
 * takes every request that could, and a helper that stops answering pings
 * is abandoned (never waited for) and replaced. sd-event's watchdog
 * support pings systemd from the loop itself, so a stalled loop stops the
 * pings and systemd restarts us. */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon.h"
#include "macro.h"
#include "nfs-check.h"
#include "pending.h"
#include "render.h"
#include "report.h"
#include "textfile.h"
#include "tracker.h"
#include "util.h"

/* A helper that has not answered a ping in this long is stuck or dead
 * (its main loop never blocks, so any answer takes microseconds). */
#define PING_TIMEOUT_NS (5 * NSEC_PER_SEC)
/* Respawn back-off after the helper died: doubling up to a minute. */
#define RESPAWN_MIN_NS (250 * NSEC_PER_MSEC)
#define RESPAWN_MAX_NS (60 * NSEC_PER_SEC)
/* node_exporter reads the textfile at scrape time, seconds apart: a
 * quarter second between rewrites keeps a fast cycle from writing (and
 * fsyncing) hundreds of times a second. */
#define TEXTFILE_MIN_SPACING_NS (250 * NSEC_PER_MSEC)
/* sd-event coalesces timers within 250 ms by default; deadlines are
 * reported to the millisecond, so ask for that. */
#define TIMER_ACCURACY_USEC 1000
/* Transitions waiting for a free slot to run --exec-on-change. */
#define EXEC_QUEUE_MAX 64

struct exec_run;

struct daemon {
	const struct daemon_options *o;
	sd_event *event;
	sd_event_source *cycle_timer, *deadline_timer, *textfile_timer, *respawn_timer;
	sd_event_source *rec_src, *req_src, *child_src, *monitor_src;
	struct probe_session *session;
	uint64_t respawn_ns;
	enum probe_engine engine;
	struct libmnt_monitor *monitor;
	struct tracker tracker;
	uint64_t cycles;
	uint64_t ping_sent_ns;
	bool ping_outstanding;
	bool ready, journal, textfile_dirty, stopping;
	char last_status[512];
	uint64_t last_textfile_ns;
	int textfile_err;
	unsigned exec_running;
	struct exec_run *exec_runs;
	char **exec_queue[EXEC_QUEUE_MAX];
	unsigned exec_queued;
};

static void log_line(struct daemon *d, int prio, const struct tracked_mount *m, const struct transition *tr,
		     const char *fmt, ...) _printf_(5, 6);

static void log_line(struct daemon *d, int prio, const struct tracked_mount *m, const struct transition *tr,
		     const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if (!d->journal) {
		fprintf(stderr, "fsprobe: %s\n", msg);
		return;
	}
	if (m && tr)
		(void)sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", prio, "SYSLOG_IDENTIFIER=fsprobe",
				      "MOUNTPOINT=%s", m->target, "FSTYPE=%s", m->fstype, "FSPROBE_SOURCE=%s",
				      m->source, "FSPROBE_STATE=%s", status_to_string(tr->to),
				      "FSPROBE_PREVIOUS_STATE=%s", tr->first ? "" : status_to_string(tr->from),
				      "ERRNO=%i", m->result.err, NULL);
	else
		(void)sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", prio, "SYSLOG_IDENTIFIER=fsprobe", NULL);
}

/* Under systemd, stderr is a stream to the journal: structured fields are
 * worth sending. JOURNAL_STREAM names that stream by device and inode. */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

/* ---------------------------------------------------------- snapshots */

/* A report over the tracked mounts, in the shape every renderer reads;
 * entry i of its table is tracker slot i. */
struct snapshot {
	struct mount_table table;
	struct report report;
};

static void snapshot_done(struct snapshot *s)
{
	free(s->report.rows);
	free(s->report.results);
	free(s->report.probed);
	free(s->report.nfs);
	free(s->table.entries);
}

static int snapshot_take(struct daemon *d, struct snapshot *s)
{
	const struct tracker *t = &d->tracker;

	*s = (struct snapshot){};
	s->table.n = t->n;
	s->table.entries = calloc(MAX(t->n, 1U), sizeof(*s->table.entries));
	s->report.results = calloc(MAX(t->n, 1U), sizeof(*s->report.results));
	s->report.probed = calloc(MAX(t->n, 1U), sizeof(*s->report.probed));
	s->report.rows = calloc(MAX(t->n, 1U), sizeof(*s->report.rows));
	s->report.nfs = calloc(MAX(t->n, 1U), sizeof(*s->report.nfs));
	if (!s->table.entries || !s->report.results || !s->report.probed || !s->report.rows || !s->report.nfs)
		return -ENOMEM;
	s->report.table = &s->table;
	s->report.probe.engine = d->engine;
	s->report.timeout_ns = d->o->timeout_ns;
	s->report.run_real_ns = now_real_ns();
	for (size_t i = 0; i < t->n; i++) {
		const struct tracked_mount *m = &t->v[i];

		s->table.entries[i] = (struct mount_entry){ .id = m->mnt_id, .parent_id = m->parent_id,
							    .devno = m->devno, .source = m->source ? m->source : "",
							    .target = m->target ? m->target : "/",
							    .fstype = m->fstype ? m->fstype : "", .parent = -1,
							    .suspect = m->suspect };
		s->report.results[i] = m->result;
		s->report.nfs[i] = m->nfs;
		if (m->result.status == STATUS_HUNG && m->known && m->hung_since_boot_ns)
			s->report.results[i].hung_ns = now_boot_ns() - m->hung_since_boot_ns;
		/* A mount not answered yet has no status to show. */
		s->report.probed[i] = m->used && m->present && m->selected && m->known;
		if (s->report.probed[i])
			s->report.rows[s->report.nrows++] = (struct report_row){ .mount = i, .usage_from = -1 };
	}
	return 0;
}

/* ------------------------------------------------------------ outputs */

static int write_textfile(struct daemon *d)
{
	struct snapshot s;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	r = snapshot_take(d, &s);
	if (r >= 0) {
		f = open_memstream(&buf, &len);
		if (!f)
			r = -errno;
		else {
			r = render_prom(&s.report, now_real_ns(), f);
			if (r >= 0)
				fprintf(f,
					"# HELP fsprobe_daemon_cycles_total Probe cycles the daemon has started.\n"
					"# TYPE fsprobe_daemon_cycles_total counter\n"
					"fsprobe_daemon_cycles_total %llu\n",
					(unsigned long long)d->cycles);
			if (fclose(f) != 0 && r >= 0)
				r = -errno;
		}
	}
	snapshot_done(&s);
	if (r >= 0)
		r = textfile_write(d->o->textfile, buf, len);
	if (r < 0 && r != d->textfile_err)
		log_line(d, LOG_ERR, NULL, NULL, "cannot write %s: %s", d->o->textfile, strerror(-r));
	else if (r >= 0 && d->textfile_err)
		log_line(d, LOG_NOTICE, NULL, NULL, "%s written again", d->o->textfile);
	d->textfile_err = r < 0 ? r : 0;
	d->last_textfile_ns = now_mono_ns();
	d->textfile_dirty = false;
	return r;
}

static int on_textfile_timer(sd_event_source *s _unused_, uint64_t usec _unused_, void *userdata)
{
	struct daemon *d = userdata;

	d->textfile_timer = sd_event_source_unref(d->textfile_timer);
	(void)write_textfile(d);
	return 0;
}

static void mark_dirty(struct daemon *d)
{
	uint64_t now = now_mono_ns(), at;

	if (!d->o->textfile)
		return;
	d->textfile_dirty = true;
	if (d->textfile_timer)
		return;
	at = MAX(now, d->last_textfile_ns + TEXTFILE_MIN_SPACING_NS);
	(void)sd_event_add_time(d->event, &d->textfile_timer, CLOCK_MONOTONIC, at / NSEC_PER_USEC, TIMER_ACCURACY_USEC,
				on_textfile_timer, d);
}

static void notify_status(struct daemon *d)
{
	const struct tracker *t = &d->tracker;
	char line[512], dur[32];
	size_t total = 0, worst = SIZE_MAX;
	int o;

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].used && t->v[i].present && t->v[i].selected) {
			total++;
			if (t->v[i].known && t->v[i].result.status == STATUS_HUNG &&
			    (worst == SIZE_MAX || t->v[i].hung_since_boot_ns < t->v[worst].hung_since_boot_ns))
				worst = i;
		}
	o = snprintf(line, sizeof(line), "%zu mounts:", total);
	for (int s = 0; s < _STATUS_MAX && o > 0 && (size_t)o < sizeof(line); s++) {
		size_t c = tracker_count(t, (enum mount_status)s);
		if (c)
			o += snprintf(line + o, sizeof(line) - (size_t)o, "%s %zu %s", o > 0 && line[o - 1] == ':' ? "" : ",",
				      c, status_to_string((enum mount_status)s));
		if (s == STATUS_HUNG && c && worst != SIZE_MAX && (size_t)o < sizeof(line))
			o += snprintf(line + o, sizeof(line) - (size_t)o, " (%s for %s)", t->v[worst].target,
				      format_duration(now_boot_ns() - t->v[worst].hung_since_boot_ns, dur, sizeof(dur)));
	}
	if (streq(line, d->last_status))
		return;
	(void)snprintf(d->last_status, sizeof(d->last_status), "%s", line);
	(void)sd_notifyf(0, "STATUS=%s", line);
}

/* ------------------------------------------------- --exec-on-change */

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
		log_line(d, LOG_ERR, NULL, NULL, "cannot run %s: %s", d->o->exec_on_change, strerror(errno));
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
		(void)chdir("/");
		execve(argv[0], argv, env);
		_exit(127);
	}
	free_env(env);
	*x = (struct exec_run){ .d = d, .pid = pid, .next = d->exec_runs };
	d->exec_runs = x;
	d->exec_running++;
	if (sd_event_add_child(d->event, &x->child, pid, WEXITED, on_exec_exit, x) < 0)
		log_line(d, LOG_ERR, NULL, NULL, "cannot watch %s (pid %d)", d->o->exec_on_change, (int)pid);
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

static void exec_on_change(struct daemon *d, const struct tracked_mount *m, const struct transition *tr)
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
		log_line(d, LOG_WARNING, NULL, NULL, "%s: hook queue full, change not passed on", m->target);
		free_env(env);
		return;
	}
	d->exec_queue[d->exec_queued++] = env;
}

/* ------------------------------------------------------ transitions */

static void on_transition(void *userdata, const struct transition *tr)
{
	struct daemon *d = userdata;
	const struct tracked_mount *m = &d->tracker.v[tr->idx];
	char detail[512] = "";

	if (!status_is_healthy(tr->to) || !tr->first) {
		struct snapshot s;

		if (snapshot_take(d, &s) >= 0)
			report_detail(&s.report, tr->idx, detail, sizeof(detail));
		snapshot_done(&s);
	}
	if (tr->first) {
		/* The first status is no change; only trouble is news. */
		if (!status_is_healthy(tr->to))
			log_line(d, LOG_WARNING, m, tr, "%s: %s (%s)", m->target, status_to_string(tr->to), detail);
	} else if (status_is_healthy(tr->to))
		log_line(d, LOG_NOTICE, m, tr, "%s: %s -> %s%s", m->target, status_to_string(tr->from),
			 status_to_string(tr->to), tr->from == STATUS_HUNG ? " (recovered)" : "");
	else
		log_line(d, LOG_WARNING, m, tr, "%s: %s -> %s (%s)", m->target, status_to_string(tr->from),
			 status_to_string(tr->to), detail);
	if (!tr->first)
		exec_on_change(d, m, tr);
	mark_dirty(d);
}

/* ------------------------------------------------------------ probing */

static void arm_deadline(struct daemon *d);
static int start_helper(struct daemon *d);

static bool is_fuse(const char *fstype)
{
	return streq(fstype, "fuse") || streq(fstype, "fuseblk") || strncmp(fstype, "fuse.", 5) == 0;
}

/* Opt-in remediation: abort the connection of a FUSE mount hung for too
 * long, which fails its stuck requests (ECONNABORTED) and frees whatever
 * waits on it, our helper included. */
static void maybe_abort_fuse(struct daemon *d, struct tracked_mount *m)
{
	char path[128], dur[32];
	int fd;

	if (!d->o->abort_fuse_after_ns || m->fuse_aborted || !is_fuse(m->fstype) || !m->known ||
	    m->result.status != STATUS_HUNG || major(m->devno) != 0)
		return;
	if (now_boot_ns() - m->hung_since_boot_ns < d->o->abort_fuse_after_ns)
		return;
	m->fuse_aborted = true;
	(void)snprintf(path, sizeof(path), "/sys/fs/fuse/connections/%u/abort", minor(m->devno));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		log_line(d, LOG_ERR, NULL, NULL, "%s: cannot abort the hung FUSE connection (%s): %s", m->target, path,
			 strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return;
	}
	(void)close(fd);
	log_line(d, LOG_CRIT, NULL, NULL, "%s: ABORTED the FUSE connection %u:%u, hung for %s (--abort-fuse-after)",
		 m->target, major(m->devno), minor(m->devno),
		 format_duration(now_boot_ns() - m->hung_since_boot_ns, dur, sizeof(dur)));
}

/* Issues every mount that may go now: due this cycle, idle, and with a
 * healthy gate. Mounts waiting on a gate go as soon as it answers. */
static void issue_ready(struct daemon *d)
{
	struct tracker *t = &d->tracker;
	uint64_t now = now_mono_ns();
	int64_t real = now_real_ns();
	bool any = false;

	if (!d->session)
		return;
	for (size_t i = 0; i < t->n; i++) {
		ssize_t blocked_by;

		if (!t->v[i].due || !tracker_ready(t, i, &blocked_by))
			continue;
		if (probe_session_submit(d->session, (uint32_t)i, pending_key(t->v[i].devno), t->v[i].target, true) < 0)
			continue;
		tracker_issue(t, i, now, real, d->o->timeout_ns);
		any = true;
	}
	/* Everything queued (requests, the cycle's ping) in one write; what
	 * the pipe cannot take goes when it is writable. */
	if (probe_session_wants_write(d->session)) {
		(void)probe_session_flush(d->session);
		(void)sd_event_source_set_io_events(d->req_src, probe_session_wants_write(d->session) ? EPOLLOUT : 0);
		(void)sd_event_source_set_enabled(d->req_src, probe_session_wants_write(d->session) ? SD_EVENT_ON : SD_EVENT_OFF);
	}
	if (any)
		arm_deadline(d);
}

static bool cycle_settled(struct daemon *d)
{
	const struct tracker *t = &d->tracker;
	uint64_t now = now_mono_ns();

	for (size_t i = 0; i < t->n; i++) {
		const struct tracked_mount *m = &t->v[i];

		if (!m->used || !m->present || !m->selected)
			continue;
		if (m->phase != TRACK_IDLE && now < m->deadline_ns)
			return false;
		if (!m->known && m->phase == TRACK_IDLE && m->result.status != STATUS_BLOCKED)
			return false;
	}
	return true;
}

static void after_change(struct daemon *d)
{
	if (!cycle_settled(d))
		return;
	if (!d->ready) {
		d->ready = true;
		(void)sd_notify(0, "READY=1");
	}
	notify_status(d);
	mark_dirty(d);
	if (d->o->max_cycles && d->cycles >= d->o->max_cycles)
		(void)sd_event_exit(d->event, 0);
}

static int on_deadline(sd_event_source *s _unused_, uint64_t usec _unused_, void *userdata)
{
	struct daemon *d = userdata;

	d->deadline_timer = sd_event_source_unref(d->deadline_timer);
	arm_deadline(d);
	after_change(d);
	return 0;
}

static void arm_deadline(struct daemon *d)
{
	uint64_t next = tracker_expire(&d->tracker, now_mono_ns(), now_boot_ns(), on_transition, d);

	if (d->deadline_timer) {
		if (!next)
			d->deadline_timer = sd_event_source_unref(d->deadline_timer);
		else
			(void)sd_event_source_set_time(d->deadline_timer, next / NSEC_PER_USEC);
	} else if (next)
		(void)sd_event_add_time(d->event, &d->deadline_timer, CLOCK_MONOTONIC, next / NSEC_PER_USEC, TIMER_ACCURACY_USEC,
					on_deadline, d);
}

static void on_record(void *userdata, const struct probe_record *rec)
{
	struct daemon *d = userdata;
	struct transition tr;

	switch (rec->type) {
	case RECORD_ENGINE:
		d->engine = (enum probe_engine)rec->a;
		if (rec->a == PROBE_ENGINE_THREADS && rec->err)
			log_line(d, LOG_INFO, NULL, NULL, "io_uring unavailable (%s): thread engine", strerror(rec->err));
		return;
	case RECORD_STATE:
		log_line(d, LOG_WARNING, NULL, NULL, "state directory %s unusable: %s", d->o->state_dir,
			 strerror(rec->err));
		return;
	case RECORD_PONG:
		d->ping_outstanding = false;
		return;
	default:
		break;
	}
	if (tracker_apply(&d->tracker, rec, now_boot_ns(), &tr) > 0)
		on_transition(d, &tr);
}

static int on_respawn(sd_event_source *s _unused_, uint64_t usec _unused_, void *userdata)
{
	struct daemon *d = userdata;

	d->respawn_timer = sd_event_source_unref(d->respawn_timer);
	(void)start_helper(d);
	return 0;
}

static void drop_helper(struct daemon *d, const char *why)
{
	if (!d->session)
		return;
	log_line(d, LOG_ERR, NULL, NULL, "probe helper %d %s; starting another", (int)probe_session_pid(d->session), why);
	d->rec_src = sd_event_source_disable_unref(d->rec_src);
	d->req_src = sd_event_source_disable_unref(d->req_src);
	/* The old helper may be stuck in the kernel: its exit is still
	 * reaped (the child source stays, floating), never waited for. */
	if (d->child_src) {
		(void)sd_event_source_set_floating(d->child_src, true);
		d->child_src = sd_event_source_unref(d->child_src);
	}
	d->session = probe_session_free(d->session);
	tracker_forget_inflight(&d->tracker);
	d->ping_outstanding = false;
	d->respawn_ns = d->respawn_ns ? MIN(d->respawn_ns * 2, RESPAWN_MAX_NS) : RESPAWN_MIN_NS;
	d->respawn_timer = sd_event_source_unref(d->respawn_timer);
	(void)sd_event_add_time_relative(d->event, &d->respawn_timer, CLOCK_MONOTONIC, d->respawn_ns / NSEC_PER_USEC,
					 TIMER_ACCURACY_USEC, on_respawn, d);
}

static int on_records(sd_event_source *s _unused_, int fd _unused_, uint32_t revents _unused_, void *userdata)
{
	struct daemon *d = userdata;
	int r = probe_session_read(d->session, on_record, d);

	if (r != 0) {
		drop_helper(d, "closed its pipe");
		return 0;
	}
	issue_ready(d);
	after_change(d);
	return 0;
}

static int on_requests_writable(sd_event_source *s, int fd _unused_, uint32_t revents _unused_, void *userdata)
{
	struct daemon *d = userdata;

	if (probe_session_flush(d->session) < 0) {
		drop_helper(d, "stopped reading requests");
		return 0;
	}
	if (!probe_session_wants_write(d->session))
		(void)sd_event_source_set_enabled(s, SD_EVENT_OFF);
	return 0;
}

static int on_helper_exit(sd_event_source *s _unused_, const siginfo_t *si, void *userdata)
{
	struct daemon *d = userdata;
	char why[64];

	(void)snprintf(why, sizeof(why), si->si_code == CLD_EXITED ? "exited with status %d" : "was killed by signal %d",
		       si->si_status);
	drop_helper(d, why);
	return 0;
}

static int start_helper(struct daemon *d)
{
	struct probe_options po = { .engine = d->o->engine, .state_dir = d->o->state_dir };
	int r;

	r = probe_session_start(&po, &d->session);
	if (r < 0) {
		log_line(d, LOG_ERR, NULL, NULL, "cannot start the probe helper: %s", strerror(-r));
		return r;
	}
	if ((r = sd_event_add_io(d->event, &d->rec_src, probe_session_fd(d->session), EPOLLIN, on_records, d)) < 0 ||
	    (r = sd_event_add_io(d->event, &d->req_src, probe_session_request_fd(d->session), EPOLLOUT,
				 on_requests_writable, d)) < 0 ||
	    (r = sd_event_add_child(d->event, &d->child_src, probe_session_pid(d->session), WEXITED, on_helper_exit,
				    d)) < 0) {
		log_line(d, LOG_ERR, NULL, NULL, "cannot watch the probe helper: %s", strerror(-r));
		return r;
	}
	(void)sd_event_source_set_enabled(d->req_src, SD_EVENT_OFF);
	issue_ready(d);
	return 0;
}

/* ------------------------------------------------------- NFSv4 checks */

/* A change of a mount's NFSv4 warnings, logged like a change of status:
 * the first verdict only when it warns. */
static void log_nfs_warnings(struct daemon *d, const struct tracked_mount *m, unsigned before)
{
	_cleanup_free_ char *msg = NULL;
	char now_w[64], was_w[64], text[1024];
	unsigned w = m->nfs.warnings;
	int prio, k;

	nfs_warnings_format(w, now_w, sizeof(now_w));
	nfs_warnings_format(before, was_w, sizeof(was_w));
	nfs_health_describe(&m->nfs, text, sizeof(text));
	/* Churn is harm being done; a risky identity is harm about to be. */
	prio = (w & NFS_WARNING_LEASE_CHURN) || nfs_health_identity_is_risky(&m->nfs) ? LOG_WARNING : LOG_NOTICE;
	if (!w)
		k = asprintf(&msg, "%s: NFSv4 warning %s cleared", m->target, was_w);
	else if (!before)
		k = asprintf(&msg, "%s: NFSv4 warning %s (%s)", m->target, now_w, text);
	else
		k = asprintf(&msg, "%s: NFSv4 warning %s -> %s (%s)", m->target, was_w, now_w, text);
	if (k < 0)
		return;
	if (!d->journal) {
		fprintf(stderr, "fsprobe: %s\n", msg);
		return;
	}
	(void)sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", prio, "SYSLOG_IDENTIFIER=fsprobe", "MOUNTPOINT=%s",
			      m->target, "FSTYPE=%s", m->fstype, "FSPROBE_SOURCE=%s", m->source,
			      "FSPROBE_WARNING=%s", now_w, "FSPROBE_PREVIOUS_WARNING=%s", was_w, "FSPROBE_STATE=%s",
			      m->known ? status_to_string(m->result.status) : "", NULL);
}

/* How many tracked mounts of the same target, source and type came
 * before this one (by mount ID, the order mountstats lists them in). */
static size_t nfs_occurrence(const struct tracker *t, size_t idx)
{
	const struct tracked_mount *m = &t->v[idx];
	size_t n = 0;

	for (size_t j = 0; j < t->n; j++)
		n += j != idx && t->v[j].used && t->v[j].present && t->v[j].mnt_id < m->mnt_id &&
		     streq(t->v[j].target, m->target) && streq(t->v[j].source, m->source) &&
		     streq(t->v[j].fstype, m->fstype);
	return n;
}

/* The NFSv4 client checks of every selected NFSv4 mount, once a cycle.
 * They read mountstats and sysfs, never the mount, so a hung mount is
 * checked like any other; the churn windows live in the tracker. */
static void check_nfs(struct daemon *d)
{
	struct tracker *t = &d->tracker;
	struct nfs_context c;
	uint64_t now = now_mono_ns();
	bool any = false, changed = false;

	for (size_t i = 0; i < t->n && !any; i++)
		any = t->v[i].used && t->v[i].present && t->v[i].selected && nfs_check_candidate(t->v[i].fstype, NULL);
	if (!any || nfs_context_load(&c, &d->o->nfs) < 0)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct tracked_mount *m = &t->v[i];
		struct mount_entry e;
		unsigned before = m->nfs.warnings;

		if (!m->used || !m->present || !m->selected || !nfs_check_candidate(m->fstype, NULL))
			continue;
		e = (struct mount_entry){ .id = m->mnt_id, .devno = m->devno, .source = m->source, .target = m->target,
					  .fstype = m->fstype, .parent = -1 };
		nfs_check_mount(&c, &e, nfs_check_stats_of(&c, &e, nfs_occurrence(t, i)),
				d->o->nfs.churn_threshold ? &m->churn : NULL, now, &m->nfs);
		if (m->nfs.warnings != before)
			log_nfs_warnings(d, m, before);
		changed |= m->nfs.warnings != before || m->nfs.checked;
	}
	nfs_context_done(&c);
	if (changed)
		mark_dirty(d);
}

/* ------------------------------------------------------------- cycles */

static int reload_mounts(struct daemon *d)
{
	_cleanup_(mounts_done) struct mount_table t = {};
	_cleanup_free_ bool *selected = NULL;
	int r;

	r = mounts_load(d->o->mountinfo, &t);
	if (r < 0) {
		log_line(d, LOG_ERR, NULL, NULL, "cannot read the mount table: %s", strerror(-r));
		return r;
	}
	selected = calloc(MAX(t.n, 1U), sizeof(bool));
	if (!selected)
		return -ENOMEM;
	for (size_t i = 0; i < t.n; i++)
		selected[i] = mounts_filter_match(&d->o->filter, &t.entries[i]);
	r = tracker_sync(&d->tracker, &t, selected);
	if (r > 0) {
		issue_ready(d);
		mark_dirty(d);
	}
	return r;
}

static int on_cycle(sd_event_source *s, uint64_t usec _unused_, void *userdata)
{
	struct daemon *d = userdata;
	uint64_t now = now_mono_ns();

	if (d->o->max_cycles && d->cycles >= d->o->max_cycles) {
		after_change(d);
		return 0;
	}
	d->cycles++;
	tracker_mark_due(&d->tracker);
	if (d->session) {
		if (d->ping_outstanding && now - d->ping_sent_ns > MAX(PING_TIMEOUT_NS, d->o->timeout_ns))
			drop_helper(d, "stopped answering");
		else if (!d->ping_outstanding && probe_session_ping(d->session) >= 0) {
			d->ping_outstanding = true;
			d->ping_sent_ns = now;
		}
	}
	issue_ready(d);
	arm_deadline(d);
	check_nfs(d);
	/* Checked once a cycle: the limit is meant in seconds or minutes. */
	for (size_t i = 0; i < d->tracker.n; i++)
		if (d->tracker.v[i].used && d->tracker.v[i].present)
			maybe_abort_fuse(d, &d->tracker.v[i]);
	after_change(d);
	(void)sd_event_source_set_time_relative(s, d->o->interval_ns / NSEC_PER_USEC);
	return 0;
}

static int on_mount_change(sd_event_source *s _unused_, int fd _unused_, uint32_t revents _unused_, void *userdata)
{
	struct daemon *d = userdata;
	const char *name;
	int type;

	while (mnt_monitor_next_change(d->monitor, &name, &type) == 0)
		;
	(void)mnt_monitor_event_cleanup(d->monitor);
	(void)reload_mounts(d);
	after_change(d);
	return 0;
}

static int on_signal(sd_event_source *s _unused_, const struct signalfd_siginfo *si, void *userdata)
{
	struct daemon *d = userdata;

	if (si->ssi_signo == SIGHUP) {
		log_line(d, LOG_INFO, NULL, NULL, "SIGHUP: reading the mount table again");
		(void)reload_mounts(d);
		after_change(d);
		return 0;
	}
	d->stopping = true;
	(void)sd_notify(0, "STOPPING=1");
	(void)sd_event_exit(d->event, 0);
	return 0;
}

int daemon_run(const struct daemon_options *o)
{
	struct daemon d = { .o = o, .journal = stderr_is_journal() };
	sigset_t ss;
	int r;

	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigaddset(&ss, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &ss, NULL);
	(void)signal(SIGPIPE, SIG_IGN);

	r = sd_event_new(&d.event);
	if (r < 0)
		goto out;
	if ((r = sd_event_add_signal(d.event, NULL, SIGTERM, on_signal, &d)) < 0 ||
	    (r = sd_event_add_signal(d.event, NULL, SIGINT, on_signal, &d)) < 0 ||
	    (r = sd_event_add_signal(d.event, NULL, SIGHUP, on_signal, &d)) < 0)
		goto out;
	/* WATCHDOG_USEC from systemd: the loop pings as long as it turns. */
	(void)sd_event_set_watchdog(d.event, true);

	if (!o->mountinfo) {
		d.monitor = mnt_new_monitor();
		if (!d.monitor || mnt_monitor_enable_kernel(d.monitor, 1) < 0 || mnt_monitor_get_fd(d.monitor) < 0) {
			log_line(&d, LOG_WARNING, NULL, NULL, "cannot watch the mount table; relying on the cycle timer");
			mnt_unref_monitor(d.monitor);
			d.monitor = NULL;
		} else if ((r = sd_event_add_io(d.event, &d.monitor_src, mnt_monitor_get_fd(d.monitor), EPOLLIN,
						on_mount_change, &d)) < 0)
			goto out;
	}

	r = reload_mounts(&d);
	if (r < 0)
		goto out;
	r = start_helper(&d);
	if (r < 0)
		goto out;
	r = sd_event_add_time_relative(d.event, &d.cycle_timer, CLOCK_MONOTONIC, 0, TIMER_ACCURACY_USEC, on_cycle, &d);
	if (r < 0)
		goto out;
	/* Re-armed by on_cycle() itself, relative to when it ran. */
	(void)sd_event_source_set_enabled(d.cycle_timer, SD_EVENT_ON);

	r = sd_event_loop(d.event);
	if (!d.stopping)
		(void)sd_notify(0, "STOPPING=1");
	if (o->textfile && r >= 0 && !d.stopping)
		(void)write_textfile(&d);
out:
	if (r < 0)
		log_line(&d, LOG_ERR, NULL, NULL, "event loop failed: %s", strerror(-r));
	/* The helper is not waited for: it may be stuck in the kernel. It
	 * sees EOF on its requests and exits once its last one returns. */
	d.session = probe_session_free(d.session);
	sd_event_source_disable_unref(d.rec_src);
	sd_event_source_disable_unref(d.req_src);
	sd_event_source_disable_unref(d.child_src);
	sd_event_source_disable_unref(d.monitor_src);
	sd_event_source_disable_unref(d.cycle_timer);
	sd_event_source_disable_unref(d.deadline_timer);
	sd_event_source_disable_unref(d.textfile_timer);
	sd_event_source_disable_unref(d.respawn_timer);
	for (unsigned i = 0; i < d.exec_queued; i++)
		free_env(d.exec_queue[i]);
	/* Hooks still running are not waited for either. */
	while (d.exec_runs)
		exec_run_free(&d, d.exec_runs);
	mnt_unref_monitor(d.monitor);
	tracker_done(&d.tracker);
	sd_event_unref(d.event);
	return r < 0 ? r : 0;
}
