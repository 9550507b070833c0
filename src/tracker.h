/* The daemon's memory of every mount across cycles: the per-mount state
 * machine (idle, in flight since T, hung once the deadline passed, back to
 * a status when the answer finally comes) and the transitions it reports.
 *
 * Pure bookkeeping: no I/O, no clocks of its own (every call takes "now"),
 * so the state machine is tested on its own. Never more than one request
 * per mount: a mount in flight is not issued again until its answer comes,
 * however many deadlines and cycles pass. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lease-churn.h"
#include "mounts.h"
#include "nfs-health.h"
#include "pending.h"
#include "probe.h"
#include "state.h"

enum track_phase {
	TRACK_IDLE,
	TRACK_STATX,	/* statx in flight */
	TRACK_STATFS,	/* statx answered, statfs in flight */
};

struct tracked_mount {
	/* Identity, copied: the mount table is re-read under us. */
	int mnt_id;
	int parent_id;
	ssize_t parent_slot;	/* the parent's slot, -1: none (set by tracker_sync) */
	ssize_t gate;		/* tracker_gate(), set by tracker_sync */
	char *target, *source, *fstype;
	dev_t devno;
	bool present;	/* in the current mount table */
	bool selected;	/* shown and probed every cycle */
	bool gates;	/* not selected, but the gate of a selected mount:
			 * probed every cycle too, never shown */
	bool suspect;	/* network/FUSE: gates the mounts below it */
	bool automount;	/* autofs: ok from the table, never issued */
	bool used;	/* slot in use */
	bool seen;	/* found in the table being synced */
	bool due;	/* to be probed this cycle */

	enum track_phase phase;
	uint64_t issued_ns, deadline_ns; /* CLOCK_MONOTONIC */
	int64_t issued_real_ns;
	uint64_t statx_latency_ns;
	/* The request in flight waits for another process's (RECORD_WAITING),
	 * for the deadline to name; pid 0 if none. */
	struct pending_info waiting;

	bool known;	/* a status has been established */
	/* The status is from before the daemon lost its helper and could not
	 * start another: not shown as current, and not trusted as a gate,
	 * until the mount answers again. */
	bool unconfirmed;
	struct mount_result result;
	uint64_t hung_since_boot_ns;	/* when it went hung, across restarts */
	bool fuse_aborted;

	/* NFSv4 client checks (nfs-check.h), done every cycle by the daemon
	 * from mountstats and sysfs, whatever the probe says. */
	struct churn_window churn;
	struct nfs_health nfs;
};

struct tracker {
	struct tracked_mount *v;
	size_t n, cap;
};

/* A change of a mount's reported status, for the log and for hooks. */
struct transition {
	size_t idx;
	enum mount_status from, to;
	bool first; /* the first status ever: not logged as a change */
};

void tracker_done(struct tracker *t);

/* Brings the tracker in line with a freshly read table: new mounts are
 * added idle and unknown; vanished ones are forgotten unless a request is
 * still in flight on them. selected[i] says whether table entry i is to be
 * probed. Returns how many mounts appeared or vanished, or -ENOMEM. */
int tracker_sync(struct tracker *t, const struct mount_table *table, const bool *selected);

/* The mount whose path walk must succeed before idx can be probed, or -1;
 * never an automount point (gate.h). Computed by tracker_sync, for the
 * whole table at once. */
ssize_t tracker_gate(const struct tracker *t, size_t idx);

/* Whether idx can be issued now: idle, present, selected, and its gate is
 * healthy and not overdue. Sets *ret_blocked_by when a gate is unhealthy. */
bool tracker_ready(const struct tracker *t, size_t idx, ssize_t *ret_blocked_by);

/* A new cycle: every selected mount (and every gate of one) is due once. */
void tracker_mark_due(struct tracker *t);

void tracker_issue(struct tracker *t, size_t idx, uint64_t now_ns, int64_t now_real_ns, uint64_t timeout_ns);

/* Applies a record of the helper (job = tracker index). Returns 1 and
 * fills *ret when the reported status changed, 0 when not. */
int tracker_apply(struct tracker *t, const struct probe_record *rec, uint64_t now_boot_ns,
		  struct transition *ret);

/* Marks blocked mounts and requests past their deadline hung; calls fn for
 * each change. Returns the earliest deadline still ahead (0: none). */
uint64_t tracker_expire(struct tracker *t, uint64_t now_ns, uint64_t now_boot_ns,
			void (*fn)(void *userdata, const struct transition *tr), void *userdata);

/* The helper died: requests in flight are lost and due again (a stuck
 * one still holds its registry slot, so reissuing it reports pending, not
 * a new request). */
void tracker_forget_inflight(struct tracker *t);

/* The daemon has no helper and could not start one: every status known
 * so far becomes unconfirmed until its mount answers again. */
void tracker_unconfirm_all(struct tracker *t);

/* A request for idx could not even be sent (err, positive): the mount is
 * reported in error rather than left due for ever. Returns 1 and fills
 * *ret when the status changed. */
int tracker_fail(struct tracker *t, size_t idx, int err, uint64_t now_boot_ns, struct transition *ret);

/* Whether a request is in flight whose deadline is still ahead. */
bool tracker_waiting(const struct tracker *t, uint64_t now_ns);

/* Counts for the summary. */
size_t tracker_count(const struct tracker *t, enum mount_status s);
