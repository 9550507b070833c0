/* Daemon mode; see daemon.h.
 *
 * Everything runs on one sd-event loop: the cycle timer, the deadline
 * timer, the helper's record pipe, its exit, libmount's monitor, signals
 * and the programs run on transitions. Nothing here blocks: the helper
 * takes every request that could (daemon-helper.c starts, watches and
 * replaces it; daemon-exec.c runs --exec-on-change, daemon-log.c writes
 * the log). systemd's watchdog is pinged only while cycles complete
 * (every request answered or past its deadline): a stalled loop, or a
 * daemon that cannot start a helper, stops the pings and systemd
 * restarts it. Without a helper the daemon shows no old result as new. */
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
#include <unistd.h>

#include "cleanup.h"
#include "daemon-internal.h"
#include "macro.h"
#include "nfs-check.h"
#include "pending.h"
#include "render.h"
#include "report.h"
#include "textfile.h"
#include "tracker.h"
#include "util.h"

/* node_exporter reads the textfile at scrape time, seconds apart: a
 * quarter second between rewrites keeps a fast cycle from writing (and
 * fsyncing) hundreds of times a second. */
#define TEXTFILE_MIN_SPACING_NS (250 * NSEC_PER_MSEC)
/* ---------------------------------------------------------- snapshots */

/* A report over the tracked mounts, in the shape every renderer reads;
 * entry i of its table is tracker slot i. */
struct snapshot {
	struct mount_table table;
	struct report report;
};

static void snapshot_done(struct snapshot *s)
{
	report_done(&s->report);
	free(s->table.entries);
}

static int snapshot_take(struct daemon *d, struct snapshot *s)
{
	const struct tracker *t = &d->tracker;

	*s = (struct snapshot){};
	s->table.n = t->n;
	s->table.entries = calloc(MAX(t->n, 1U), sizeof(*s->table.entries));
	if (!s->table.entries || report_init(&s->report, &s->table) < 0)
		return -ENOMEM;
	s->report.nfs = calloc(MAX(t->n, 1U), sizeof(*s->report.nfs));
	if (!s->report.nfs)
		return -ENOMEM;
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
		if (m->unconfirmed)
			s->report.results[i].flags |= RESULT_OUTDATED;
		else if (m->result.status == STATUS_HUNG && m->known && m->hung_since_boot_ns)
			s->report.results[i].hung_ns = now_boot_ns() - m->hung_since_boot_ns;
		/* A mount not answered yet has no status to show. */
		s->report.probed[i] = m->used && m->present && m->selected && m->known;
		if (s->report.probed[i] && report_add_row(&s->report, i, NULL) < 0)
			return -ENOMEM;
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
			/* The time of the last cycle that completed, not of
			 * this write: a daemon that cannot probe must not look
			 * fresh. */
			r = render_prom(&s.report, d->last_cycle_real_ns, f);
			if (r >= 0)
				fprintf(f,
					"# HELP fsprobe_daemon_cycles_total Probe cycles the daemon has started with a "
					"helper to probe.\n"
					"# TYPE fsprobe_daemon_cycles_total counter\n"
					"fsprobe_daemon_cycles_total %llu\n"
					"# HELP fsprobe_daemon_helper_up 1 if the daemon has a probe helper, 0 while it "
					"cannot start one (mounts not probed since have no status).\n"
					"# TYPE fsprobe_daemon_helper_up gauge\n"
					"fsprobe_daemon_helper_up %d\n",
					(unsigned long long)d->cycles, d->helper.blind ? 0 : 1);
			if (fclose(f) != 0 && r >= 0)
				r = -errno;
		}
	}
	snapshot_done(&s);
	if (r >= 0)
		r = textfile_write(d->o->textfile, buf, len);
	if (r < 0 && r != d->textfile_err)
		daemon_log(d, LOG_ERR, NULL, NULL, "cannot write %s: %s", d->o->textfile, strerror(-r));
	else if (r >= 0 && d->textfile_err)
		daemon_log(d, LOG_NOTICE, NULL, NULL, "%s written again", d->o->textfile);
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

	if (d->helper.blind) {
		for (size_t i = 0; i < t->n; i++)
			total += t->v[i].used && t->v[i].present && t->v[i].selected;
		(void)snprintf(line, sizeof(line), "%zu mounts, none probed now: %s", total, d->helper.failure);
		goto send;
	}
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
send:
	if (streq(line, d->last_status))
		return;
	(void)snprintf(d->last_status, sizeof(d->last_status), "%s", line);
	(void)sd_notifyf(0, "STATUS=%s", line);
}

/* ------------------------------------------------------ transitions */

static void on_transition(void *userdata, const struct transition *tr)
{
	struct daemon *d = userdata;
	const struct tracked_mount *m = &d->tracker.v[tr->idx];
	char detail[512] = "";

	/* Only the mounts shown: a gate probed for the walk to a selected
	 * mount (and a mount gone meanwhile) is nobody's news. */
	if (!m->selected)
		return;

	if (!status_is_healthy(tr->to) || !tr->first) {
		struct snapshot s;

		if (snapshot_take(d, &s) >= 0)
			report_detail(&s.report, tr->idx, detail, sizeof(detail));
		snapshot_done(&s);
	}
	if (tr->first) {
		/* The first status is no change; only trouble is news. */
		if (!status_is_healthy(tr->to))
			daemon_log(d, LOG_WARNING, m, tr, "%s: %s (%s)", m->target, status_to_string(tr->to), detail);
	} else if (status_is_healthy(tr->to))
		daemon_log(d, LOG_NOTICE, m, tr, "%s: %s -> %s%s", m->target, status_to_string(tr->from),
			  status_to_string(tr->to), tr->from == STATUS_HUNG ? " (recovered)" : "");
	else
		daemon_log(d, LOG_WARNING, m, tr, "%s: %s -> %s (%s)", m->target, status_to_string(tr->from),
			  status_to_string(tr->to), detail);
	if (!tr->first)
		daemon_exec_on_change(d, m, tr);
	mark_dirty(d);
}

/* ------------------------------------------------------------ probing */

static void arm_deadline(struct daemon *d);

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

	/* Not on a status from before an outage: the mount may be well now. */
	if (!d->o->abort_fuse_after_ns || !m->selected || m->fuse_aborted || !is_fuse(m->fstype) || !m->known ||
	    m->unconfirmed || m->result.status != STATUS_HUNG || major(m->devno) != 0)
		return;
	if (now_boot_ns() - m->hung_since_boot_ns < d->o->abort_fuse_after_ns)
		return;
	m->fuse_aborted = true;
	(void)snprintf(path, sizeof(path), "/sys/fs/fuse/connections/%u/abort", minor(m->devno));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		daemon_log(d, LOG_ERR, NULL, NULL, "%s: cannot abort the hung FUSE connection (%s): %s", m->target, path,
			  strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return;
	}
	(void)close(fd);
	daemon_log(d, LOG_CRIT, NULL, NULL, "%s: ABORTED the FUSE connection %u:%u, hung for %s (--abort-fuse-after)",
		  m->target, major(m->devno), minor(m->devno),
		  format_duration(now_boot_ns() - m->hung_since_boot_ns, dur, sizeof(dur)));
}

/* Issues every mount that may go now: due this cycle, idle, and with a
 * healthy gate. Mounts waiting on a gate go as soon as it answers. */
void daemon_issue_ready(struct daemon *d)
{
	struct tracker *t = &d->tracker;
	uint64_t now = now_mono_ns();
	int64_t real = now_real_ns();
	bool any = false;

	if (!d->helper.session)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct transition tr;
		ssize_t blocked_by;
		int r;

		if (!t->v[i].due || !tracker_ready(t, i, &blocked_by))
			continue;
		r = probe_session_submit(d->helper.session, (uint32_t)i, pending_key(t->v[i].devno), t->v[i].target,
					 true);
		/* A path no request can carry is never probed: said so,
		 * rather than left due for ever (which no cycle survives). */
		if (r == -ENAMETOOLONG && tracker_fail(t, i, -r, now_boot_ns(), &tr) > 0)
			on_transition(d, &tr);
		if (r < 0)
			continue;
		tracker_issue(t, i, now, real, d->o->timeout_ns);
		any = true;
	}
	helper_flush(d);
	if (any)
		arm_deadline(d);
}

/* Whether the cycle is complete: every selected mount answered, went past
 * its deadline, or is blocked below an unhealthy gate. A mount still due
 * is not: without a helper nothing is issued, so no cycle completes. */
static bool cycle_settled(struct daemon *d)
{
	const struct tracker *t = &d->tracker;
	uint64_t now = now_mono_ns();

	for (size_t i = 0; i < t->n; i++) {
		const struct tracked_mount *m = &t->v[i];
		ssize_t blocked_by;

		if (!m->used || !m->present || !m->selected)
			continue;
		if (m->phase != TRACK_IDLE) {
			if (now < m->deadline_ns)
				return false;
			continue;
		}
		if (m->due) {
			if (tracker_ready(t, i, &blocked_by) || blocked_by < 0)
				return false;
			continue;
		}
		if (!m->known && m->result.status != STATUS_BLOCKED)
			return false;
	}
	return true;
}

void daemon_after_change(struct daemon *d)
{
	if (!cycle_settled(d))
		return;
	if (d->cycle_open) {
		d->cycle_open = false;
		d->last_cycle_real_ns = now_real_ns();
	}
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
	daemon_after_change(d);
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

void daemon_probe_record(struct daemon *d, const struct probe_record *rec)
{
	struct transition tr;

	if (tracker_apply(&d->tracker, rec, now_boot_ns(), &tr) > 0)
		on_transition(d, &tr);
}

/* The cycle missed while there was no helper begins now. */
static void cycle_now(struct daemon *d)
{
	if (!d->cycle_skipped || !d->cycle_timer)
		return;
	(void)sd_event_source_set_time(d->cycle_timer, now_mono_ns() / NSEC_PER_USEC);
	(void)sd_event_source_set_enabled(d->cycle_timer, SD_EVENT_ON);
}

void daemon_helper_started(struct daemon *d)
{
	if (!d->helper.blind)
		cycle_now(d);
	daemon_issue_ready(d);
}

void daemon_helper_changed(struct daemon *d)
{
	if (d->helper.blind) {
		/* What was known is from before the outage: shown as not
		 * known, and probed afresh in a new cycle once a helper
		 * answers. */
		tracker_unconfirm_all(&d->tracker);
		d->cycle_skipped = true;
	} else
		cycle_now(d);
	notify_status(d);
	mark_dirty(d);
}

/* The watchdog's condition: cycles complete. A cycle in progress counts
 * while a request it waits for is within its deadline, and the quarter
 * second between a helper's death and its successor's start counts; a
 * daemon that cannot start a helper does not. */
static bool keeping_up(struct daemon *d)
{
	if (d->helper.blind)
		return false;
	if (!d->helper.session)
		return true;
	return tracker_waiting(&d->tracker, now_mono_ns()) || cycle_settled(d);
}

static int on_watchdog(sd_event_source *s, uint64_t usec _unused_, void *userdata)
{
	struct daemon *d = userdata;

	if (keeping_up(d))
		(void)sd_notify(0, "WATCHDOG=1");
	/* Half the period, as systemd asks: one late tick is no restart. */
	(void)sd_event_source_set_time_relative(s, d->watchdog_usec / 2);
	(void)sd_event_source_set_enabled(s, SD_EVENT_ON);
	return 0;
}

/* ------------------------------------------------------- NFSv4 checks */

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
			daemon_log_nfs_warnings(d, m, before);
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
		daemon_log(d, LOG_ERR, NULL, NULL, "cannot read the mount table: %s", strerror(-r));
		return r;
	}
	selected = calloc(MAX(t.n, 1U), sizeof(bool));
	if (!selected)
		return -ENOMEM;
	for (size_t i = 0; i < t.n; i++)
		selected[i] = mounts_filter_match(&d->o->filter, &t.entries[i]);
	r = tracker_sync(&d->tracker, &t, selected);
	if (r > 0) {
		daemon_issue_ready(d);
		mark_dirty(d);
	}
	return r;
}

static int on_cycle(sd_event_source *s, uint64_t usec _unused_, void *userdata)
{
	struct daemon *d = userdata;

	(void)sd_event_source_set_time_relative(s, d->o->interval_ns / NSEC_PER_USEC);
	(void)sd_event_source_set_enabled(s, SD_EVENT_ON);
	if (d->o->max_cycles && d->cycles >= d->o->max_cycles) {
		daemon_after_change(d);
		return 0;
	}
	helper_ping(d, now_mono_ns());
	/* No helper (or none that answered since a failed start): no cycle
	 * is counted; one begins as soon as a helper is there. */
	if (!d->helper.session || d->helper.blind) {
		d->cycle_skipped = true;
		return 0;
	}
	d->cycle_skipped = false;
	d->cycles++;
	d->cycle_open = true;
	tracker_mark_due(&d->tracker);
	daemon_issue_ready(d);
	arm_deadline(d);
	check_nfs(d);
	/* Checked once a cycle: the limit is meant in seconds or minutes. */
	for (size_t i = 0; i < d->tracker.n; i++)
		if (d->tracker.v[i].used && d->tracker.v[i].present)
			maybe_abort_fuse(d, &d->tracker.v[i]);
	daemon_after_change(d);
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
	daemon_after_change(d);
	return 0;
}

static int on_signal(sd_event_source *s _unused_, const struct signalfd_siginfo *si, void *userdata)
{
	struct daemon *d = userdata;

	if (si->ssi_signo == SIGHUP) {
		daemon_log(d, LOG_INFO, NULL, NULL, "SIGHUP: reading the mount table again");
		(void)reload_mounts(d);
		daemon_after_change(d);
		return 0;
	}
	d->stopping = true;
	(void)sd_notify(0, "STOPPING=1");
	(void)sd_event_exit(d->event, 0);
	return 0;
}

int daemon_run(const struct daemon_options *o)
{
	struct daemon d = { .o = o, .journal = daemon_log_to_journal() };
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
	/* WATCHDOG_USEC from systemd: pinged while cycles complete. */
	if (sd_watchdog_enabled(false, &d.watchdog_usec) > 0 && d.watchdog_usec >= 2 &&
	    (r = sd_event_add_time_relative(d.event, &d.watchdog_timer, CLOCK_MONOTONIC, d.watchdog_usec / 2,
					    TIMER_ACCURACY_USEC, on_watchdog, &d)) < 0)
		goto out;

	if (!o->mountinfo) {
		d.monitor = mnt_new_monitor();
		if (!d.monitor || mnt_monitor_enable_kernel(d.monitor, 1) < 0 || mnt_monitor_get_fd(d.monitor) < 0) {
			daemon_log(&d, LOG_WARNING, NULL, NULL, "cannot watch the mount table; relying on the cycle timer");
			mnt_unref_monitor(d.monitor);
			d.monitor = NULL;
		} else if ((r = sd_event_add_io(d.event, &d.monitor_src, mnt_monitor_get_fd(d.monitor), EPOLLIN,
						on_mount_change, &d)) < 0)
			goto out;
	}

	r = reload_mounts(&d);
	if (r < 0)
		goto out;
	r = sd_event_add_time_relative(d.event, &d.cycle_timer, CLOCK_MONOTONIC, 0, TIMER_ACCURACY_USEC, on_cycle, &d);
	if (r < 0)
		goto out;
	/* A helper that cannot start now is retried, like a lost one. */
	(void)helper_start(&d);
	/* Re-armed by on_cycle() itself, relative to when it ran. */
	(void)sd_event_source_set_enabled(d.cycle_timer, SD_EVENT_ON);

	r = sd_event_loop(d.event);
	if (!d.stopping)
		(void)sd_notify(0, "STOPPING=1");
	if (o->textfile && r >= 0 && !d.stopping)
		(void)write_textfile(&d);
out:
	if (r < 0)
		daemon_log(&d, LOG_ERR, NULL, NULL, "event loop failed: %s", strerror(-r));
	helper_done(&d);
	sd_event_source_disable_unref(d.monitor_src);
	sd_event_source_disable_unref(d.cycle_timer);
	sd_event_source_disable_unref(d.deadline_timer);
	sd_event_source_disable_unref(d.textfile_timer);
	sd_event_source_disable_unref(d.watchdog_timer);
	daemon_exec_done(&d);
	mnt_unref_monitor(d.monitor);
	tracker_done(&d.tracker);
	sd_event_unref(d.event);
	return r < 0 ? r : 0;
}
