/* What the daemon's files share: the daemon's state, and the calls
 * between the event loop and cycles (daemon.c), the supervision of the
 * probe helper (daemon-helper.c), --exec-on-change (daemon-exec.c) and the
 * log (daemon-log.c). Not for use outside the daemon. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "daemon.h"
#include "macro.h"
#include "tracker.h"

/* sd-event coalesces timers within 250 ms by default; deadlines are
 * reported to the millisecond, so ask for that. */
#define TIMER_ACCURACY_USEC 1000
/* Transitions waiting for a free slot to run --exec-on-change. */
#define EXEC_QUEUE_MAX 64
/* Helpers killed right after a failed start whose exit no event source
 * watches: reaped by hand later (see daemon-helper.c). */
#define UNREAPED_MAX 8

struct exec_run;
struct probe_record;

/* The probe helper and its replacement (daemon-helper.c). */
struct helper_supervisor {
	struct probe_session *session; /* NULL: none running */
	sd_event_source *rec_src, *req_src, *child_src, *respawn_timer;
	uint64_t respawn_ns;	       /* the last back-off; 0 after an answer */
	bool answered;		       /* the running helper has answered */
	bool ping_outstanding;
	uint64_t ping_sent_ns;
	/* The outage: no helper that answers, and a start has failed. */
	bool blind;
	uint64_t lost_boot_ns;	       /* the last working helper went away */
	unsigned failed_starts;
	char failure[160];	       /* the failure last logged */
	pid_t unreaped[UNREAPED_MAX];
	unsigned n_unreaped;
};

struct daemon {
	const struct daemon_options *o;
	sd_event *event;
	sd_event_source *cycle_timer, *deadline_timer, *textfile_timer, *watchdog_timer;
	sd_event_source *monitor_src;
	struct helper_supervisor helper;
	enum probe_engine engine;
	struct libmnt_monitor *monitor;
	struct tracker tracker;
	uint64_t cycles;	   /* cycles started with a helper to probe */
	bool cycle_open;	   /* the cycle started last has not completed */
	bool cycle_skipped;	   /* a cycle was due while there was no helper */
	int64_t last_cycle_real_ns; /* when the last cycle completed; 0: none yet */
	uint64_t watchdog_usec;	   /* WATCHDOG_USEC; 0: no watchdog */
	bool ready, journal, textfile_dirty, stopping;
	char last_status[512];
	uint64_t last_textfile_ns;
	int textfile_err;
	unsigned exec_running;
	struct exec_run *exec_runs;
	char **exec_queue[EXEC_QUEUE_MAX];
	unsigned exec_queued;
};

struct tracked_mount;
struct transition;

/* daemon-log.c */
/* A line for the log: on stderr, or the journal with the mount's fields
 * and the transition's (when m and tr). */
void daemon_log(struct daemon *d, int prio, const struct tracked_mount *m, const struct transition *tr,
		const char *fmt, ...) _printf_(5, 6);
/* A change of a mount's NFSv4 warnings (from before), logged like a
 * change of status. */
void daemon_log_nfs_warnings(struct daemon *d, const struct tracked_mount *m, unsigned before);
/* Whether stderr is systemd's stream to the journal (structured fields
 * are then worth sending). */
bool daemon_log_to_journal(void);

/* daemon-exec.c */
/* Runs --exec-on-change (if set) for a transition of m, or queues it. */
void daemon_exec_on_change(struct daemon *d, const struct tracked_mount *m, const struct transition *tr);
/* At exit: drops the queue; running programs are not waited for. */
void daemon_exec_done(struct daemon *d);

/* daemon.c */
/* A record of a mount's probe from the helper. */
void daemon_probe_record(struct daemon *d, const struct probe_record *rec);
/* Sends every request that may go now; after records, what follows. */
void daemon_issue_ready(struct daemon *d);
void daemon_after_change(struct daemon *d);
/* A helper was started: the cycle it missed, if any, begins. */
void daemon_helper_started(struct daemon *d);
/* The daemon went blind or can probe again (d->helper.blind). */
void daemon_helper_changed(struct daemon *d);

/* daemon-helper.c */
/* Starts a helper; on failure logs (once per kind of failure) and
 * retries after the back-off, for ever. Returns 0 or -errno. */
int helper_start(struct daemon *d);
/* Abandons the running helper (never waits for it) and starts another
 * after the back-off. */
void helper_drop(struct daemon *d, const char *why);
/* Once a cycle: pings the helper; drops it when the last ping went
 * unanswered for too long. */
void helper_ping(struct daemon *d, uint64_t now_ns);
/* Sends what the session has queued. */
void helper_flush(struct daemon *d);
/* At exit: closes everything, waits for no helper. */
void helper_done(struct daemon *d);
