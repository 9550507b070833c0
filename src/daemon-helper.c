/* The daemon's supervision of its probe helper: start it, watch its pipes
 * and its exit, ping it, abandon it when it dies or stops answering, and
 * start another after a back-off, for ever.
 *
 * A start can fail (fork refused by a pids limit, descriptors exhausted)
 * or give a helper that dies before it answers. Each failure is retried
 * after the back-off (250 ms doubling to a minute) and logged when its
 * kind changes, not per attempt; the daemon is then blind (its
 * d->helper.blind), which daemon.c shows instead of old results. The
 * back-off starts again from 250 ms once a helper has answered.
 *
 * Never waits for a helper: one may be stuck in the kernel on a mount. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon-internal.h"
#include "probe-internal.h"
#include "util.h"

/* A helper that has not answered a ping in this long is stuck or dead
 * (its main loop never blocks, so any answer takes microseconds). */
#define PING_TIMEOUT_NS (5 * NSEC_PER_SEC)
/* Respawn back-off after the helper died or could not start: doubling up
 * to a minute, so a machine out of processes is not hammered by forks
 * while a helper killed once is replaced at once. */
#define RESPAWN_MIN_NS (250 * NSEC_PER_MSEC)
#define RESPAWN_MAX_NS (60 * NSEC_PER_SEC)

static int on_respawn(sd_event_source *s _unused_, uint64_t usec _unused_, void *userdata)
{
	struct daemon *d = userdata;

	d->helper.respawn_timer = sd_event_source_unref(d->helper.respawn_timer);
	(void)helper_start(d);
	return 0;
}

static void schedule_respawn(struct daemon *d)
{
	struct helper_supervisor *h = &d->helper;
	int r;

	h->respawn_ns = h->respawn_ns ? MIN(h->respawn_ns * 2, RESPAWN_MAX_NS) : RESPAWN_MIN_NS;
	h->respawn_timer = sd_event_source_disable_unref(h->respawn_timer);
	r = sd_event_add_time_relative(d->event, &h->respawn_timer, CLOCK_MONOTONIC, h->respawn_ns / NSEC_PER_USEC,
				       TIMER_ACCURACY_USEC, on_respawn, d);
	if (r < 0)
		/* Without a timer there would never be another helper: the
		 * loop ends and systemd restarts the daemon. */
		(void)sd_event_exit(d->event, r);
}

/* A start that did not give a working helper: logged when it differs from
 * the failure logged last, so a long outage is one line, not one a try. */
static void start_failed(struct daemon *d, const char *what)
{
	struct helper_supervisor *h = &d->helper;
	char dur[32];

	h->failed_starts++;
	if (!h->blind || !streq(what, h->failure))
		daemon_log(d, LOG_ERR, NULL, NULL, "%s; no probes until a helper starts (retrying, at least every %s)",
			   what, format_duration(RESPAWN_MAX_NS, dur, sizeof(dur)));
	(void)snprintf(h->failure, sizeof(h->failure), "%s", what);
	if (!h->lost_boot_ns)
		h->lost_boot_ns = now_boot_ns();
	if (!h->blind) {
		h->blind = true;
		daemon_helper_changed(d);
	}
}

/* The running helper answered (a pong or a probe): it works. */
static void answered(struct daemon *d)
{
	struct helper_supervisor *h = &d->helper;
	char dur[32];

	if (h->answered)
		return;
	h->answered = true;
	h->respawn_ns = 0;
	if (h->blind) {
		daemon_log(d, LOG_NOTICE, NULL, NULL, "probe helper %d answers: probing again after %s (%u failed %s)",
			   (int)probe_session_pid(h->session),
			   format_duration(now_boot_ns() - h->lost_boot_ns, dur, sizeof(dur)), h->failed_starts,
			   h->failed_starts == 1 ? "start" : "starts");
		h->blind = false;
		h->failed_starts = 0;
		h->failure[0] = '\0';
		daemon_helper_changed(d);
	}
	h->lost_boot_ns = 0;
}

static void on_record(void *userdata, const struct probe_record *rec)
{
	struct daemon *d = userdata;

	switch (rec->type) {
	case RECORD_ENGINE:
		/* Sent before the helper reads a request: not an answer. */
		d->engine = (enum probe_engine)rec->a;
		if (rec->a == PROBE_ENGINE_THREADS && rec->err)
			daemon_log(d, LOG_INFO, NULL, NULL, "io_uring unavailable (%s): thread engine", strerror(rec->err));
		return;
	case RECORD_STATE:
		daemon_log(d, LOG_WARNING, NULL, NULL, "state directory %s unusable: %s", d->o->state_dir,
			   strerror(rec->err));
		return;
	case RECORD_PONG:
		d->helper.ping_outstanding = false;
		answered(d);
		return;
	default:
		answered(d);
		daemon_probe_record(d, rec);
		return;
	}
}

static int on_records(sd_event_source *s _unused_, int fd _unused_, uint32_t revents _unused_, void *userdata)
{
	struct daemon *d = userdata;
	int r = probe_session_read(d->helper.session, on_record, d);

	if (r != 0) {
		helper_drop(d, "closed its pipe");
		return 0;
	}
	daemon_issue_ready(d);
	daemon_after_change(d);
	return 0;
}

static int on_requests_writable(sd_event_source *s, int fd _unused_, uint32_t revents _unused_, void *userdata)
{
	struct daemon *d = userdata;

	if (probe_session_flush(d->helper.session) < 0) {
		helper_drop(d, "stopped reading requests");
		return 0;
	}
	if (!probe_session_wants_write(d->helper.session))
		(void)sd_event_source_set_enabled(s, SD_EVENT_OFF);
	return 0;
}

static int on_helper_exit(sd_event_source *s _unused_, const siginfo_t *si, void *userdata)
{
	struct daemon *d = userdata;
	char why[64];

	/* An abandoned helper's exit, long after: reaped, nothing more (its
	 * successor is not the one that died). */
	if (!d->helper.session || si->si_pid != probe_session_pid(d->helper.session))
		return 0;
	(void)snprintf(why, sizeof(why), si->si_code == CLD_EXITED ? "exited with status %d" : "was killed by signal %d",
		       si->si_status);
	helper_drop(d, why);
	return 0;
}

/* Closes the session; its helper, if still there, is left to finish
 * (EOF on its requests), its exit reaped by the child source made
 * floating, never waited for. */
static void release(struct daemon *d)
{
	struct helper_supervisor *h = &d->helper;

	h->rec_src = sd_event_source_disable_unref(h->rec_src);
	h->req_src = sd_event_source_disable_unref(h->req_src);
	if (h->child_src) {
		(void)sd_event_source_set_floating(h->child_src, true);
		h->child_src = sd_event_source_unref(h->child_src);
	}
	h->session = probe_session_free(h->session);
	h->ping_outstanding = false;
	h->answered = false;
}

void helper_drop(struct daemon *d, const char *why)
{
	struct helper_supervisor *h = &d->helper;
	pid_t pid;
	bool worked;

	if (!h->session)
		return;
	pid = probe_session_pid(h->session);
	worked = h->answered;
	release(d);
	tracker_forget_inflight(&d->tracker);
	if (worked) {
		daemon_log(d, LOG_ERR, NULL, NULL, "probe helper %d %s; starting another", (int)pid, why);
		h->lost_boot_ns = now_boot_ns();
	} else {
		char what[128];

		(void)snprintf(what, sizeof(what), "the probe helper %s%s", why,
			       streq(why, "did not answer") ? "" : " before answering");
		start_failed(d, what);
	}
	schedule_respawn(d);
}

/* Helpers killed after a failed watch: reaped when they are gone. */
static void reap_unwatched(struct helper_supervisor *h)
{
	for (unsigned i = 0; i < h->n_unreaped;)
		if (waitpid(h->unreaped[i], NULL, WNOHANG) != 0)
			h->unreaped[i] = h->unreaped[--h->n_unreaped];
		else
			i++;
}

int helper_start(struct daemon *d)
{
	struct helper_supervisor *h = &d->helper;
	struct probe_options po = {
		.engine = d->o->engine,
		.timeout_ns = d->o->timeout_ns,
		.state_dir = d->o->state_dir,
	};
	char what[128];
	pid_t pid;
	int r;

	if (h->session)
		return 0;
	reap_unwatched(h);
	r = probe_session_start(&po, &h->session);
	if (r < 0) {
		(void)snprintf(what, sizeof(what), "cannot start the probe helper: %s", strerror(-r));
		goto fail;
	}
	pid = probe_session_pid(h->session);
	/* Its exit first: a helper nobody reaps would stay a zombie. */
	r = sd_event_add_child(d->event, &h->child_src, pid, WEXITED, on_helper_exit, d);
	if (r < 0) {
		/* Brand new, it has touched no mount yet: it dies at once. */
		(void)kill(pid, SIGKILL);
		if (waitpid(pid, NULL, WNOHANG) == 0 && h->n_unreaped < UNREAPED_MAX)
			h->unreaped[h->n_unreaped++] = pid;
		h->session = probe_session_free(h->session);
		goto fail_watch;
	}
	if ((r = sd_event_add_io(d->event, &h->rec_src, probe_session_fd(h->session), EPOLLIN, on_records, d)) < 0 ||
	    (r = sd_event_add_io(d->event, &h->req_src, probe_session_request_fd(h->session), EPOLLOUT,
				 on_requests_writable, d)) < 0) {
		(void)kill(pid, SIGKILL);
		release(d);
		goto fail_watch;
	}
	(void)sd_event_source_set_enabled(h->req_src, SD_EVENT_OFF);
	h->answered = false;
	/* Its pong is the first sign that it works (or its first probe). */
	if (probe_session_ping(h->session) >= 0) {
		h->ping_outstanding = true;
		h->ping_sent_ns = now_mono_ns();
	}
	daemon_helper_started(d);
	return 0;

fail_watch:
	(void)snprintf(what, sizeof(what), "cannot watch the probe helper: %s", strerror(-r));
fail:
	start_failed(d, what);
	schedule_respawn(d);
	return r;
}

void helper_ping(struct daemon *d, uint64_t now_ns)
{
	struct helper_supervisor *h = &d->helper;

	if (!h->session)
		return;
	if (h->ping_outstanding && now_ns - h->ping_sent_ns > MAX(PING_TIMEOUT_NS, d->o->timeout_ns))
		helper_drop(d, h->answered ? "stopped answering" : "did not answer");
	else if (!h->ping_outstanding && probe_session_ping(h->session) >= 0) {
		h->ping_outstanding = true;
		h->ping_sent_ns = now_ns;
	}
}

void helper_flush(struct daemon *d)
{
	struct helper_supervisor *h = &d->helper;
	bool more;

	if (!h->session || !probe_session_wants_write(h->session))
		return;
	/* Everything queued (requests, the cycle's ping) in one write; what
	 * the pipe cannot take goes when it is writable. */
	(void)probe_session_flush(h->session);
	more = probe_session_wants_write(h->session);
	(void)sd_event_source_set_io_events(h->req_src, more ? EPOLLOUT : 0);
	(void)sd_event_source_set_enabled(h->req_src, more ? SD_EVENT_ON : SD_EVENT_OFF);
}

void helper_done(struct daemon *d)
{
	struct helper_supervisor *h = &d->helper;

	/* The helper is not waited for: it may be stuck in the kernel. It
	 * sees EOF on its requests and exits once its last one returns. */
	h->session = probe_session_free(h->session);
	h->rec_src = sd_event_source_disable_unref(h->rec_src);
	h->req_src = sd_event_source_disable_unref(h->req_src);
	h->child_src = sd_event_source_disable_unref(h->child_src);
	h->respawn_timer = sd_event_source_disable_unref(h->respawn_timer);
	reap_unwatched(h);
}
