/* The daemon's per-mount state machine; see tracker.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fstypes.h"
#include "macro.h"
#include "tracker.h"
#include "util.h"

static void slot_clear(struct tracked_mount *m)
{
	free(m->target);
	free(m->source);
	free(m->fstype);
	*m = (struct tracked_mount){};
}

void tracker_done(struct tracker *t)
{
	for (size_t i = 0; i < t->n; i++)
		slot_clear(&t->v[i]);
	free(t->v);
	*t = (struct tracker){};
}

static bool probed_each_cycle(const struct tracked_mount *m)
{
	return m->used && m->present && (m->selected || m->gates) && !m->automount;
}

static ssize_t find(const struct tracker *t, const struct mount_entry *e)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct tracked_mount *m = &t->v[i];

		/* Mount IDs are reused once freed: the target must match too. */
		if (m->used && m->present && m->mnt_id == e->id && streq(m->target, e->target))
			return (ssize_t)i;
	}
	return -1;
}

static ssize_t alloc_slot(struct tracker *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (!t->v[i].used)
			return (ssize_t)i;
	if (ARRAY_RESERVE(t->v, t->cap, t->n + 1) < 0)
		return -ENOMEM;
	t->v[t->n] = (struct tracked_mount){};
	return (ssize_t)t->n++;
}

int tracker_sync(struct tracker *t, const struct mount_table *table, const bool *selected)
{
	int changes = 0;

	for (size_t i = 0; i < t->n; i++)
		t->v[i].seen = false;
	for (size_t i = 0; i < table->n; i++) {
		const struct mount_entry *e = &table->entries[i];
		ssize_t k = find(t, e);
		struct tracked_mount *m;

		if (k < 0) {
			k = alloc_slot(t);
			if (k < 0)
				return -ENOMEM;
			m = &t->v[k];
			*m = (struct tracked_mount){ .used = true, .mnt_id = e->id, .devno = e->devno,
						     .due = true, .result = { .blocked_by = -1 } };
			m->target = strdup(e->target);
			m->source = strdup(e->source ? e->source : "none");
			m->fstype = strdup(e->fstype);
			if (!m->target || !m->source || !m->fstype) {
				slot_clear(m);
				return -ENOMEM;
			}
			/* Known from the table alone (report.c says why). */
			m->automount = fstype_is_automount(e->fstype);
			if (m->automount) {
				m->known = true;
				m->due = false;
				m->result = (struct mount_result){ .status = STATUS_OK, .flags = RESULT_AUTOMOUNT,
								   .blocked_by = -1 };
			}
			changes++;
		}
		m = &t->v[k];
		m->seen = m->present = true;
		m->parent_id = e->parent_id;
		m->suspect = e->suspect;
		m->selected = selected[i] && !e->shadowed;
	}
	for (size_t i = 0; i < t->n; i++) {
		struct tracked_mount *m = &t->v[i];

		if (!m->used || m->seen)
			continue;
		if (m->present)
			changes++;
		m->present = m->selected = false;
		/* A request in flight keeps its slot (and token) until it
		 * answers; only then is the mount forgotten. */
		if (m->phase == TRACK_IDLE)
			slot_clear(m);
	}
	/* A selected mount below one that is not (-t picking a FUSE mount
	 * inside an NFS home): the walk needs that one's answer each cycle
	 * as well, or the mount would never be probed. */
	for (size_t i = 0; i < t->n; i++)
		t->v[i].gates = false;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].used && t->v[i].present && t->v[i].selected)
			for (ssize_t g = tracker_gate(t, i); g >= 0 && !t->v[g].selected && !t->v[g].gates;
			     g = tracker_gate(t, (size_t)g))
				t->v[g].gates = true;
	return changes;
}

ssize_t tracker_gate(const struct tracker *t, size_t idx)
{
	int parent = t->v[idx].parent_id;

	for (size_t depth = 0; depth < t->n; depth++) {
		ssize_t p = -1;

		for (size_t i = 0; i < t->n; i++)
			if (t->v[i].used && t->v[i].present && t->v[i].mnt_id == parent && i != idx) {
				p = (ssize_t)i;
				break;
			}
		if (p < 0)
			return -1;
		/* An automount point is never probed: the walk crosses it
		 * unasked, and is gated further up. */
		if ((t->v[p].selected && !t->v[p].automount) || t->v[p].suspect)
			return p;
		parent = t->v[p].parent_id;
	}
	return -1;
}

static bool overdue(const struct tracked_mount *m, uint64_t now_ns)
{
	return m->phase != TRACK_IDLE && now_ns >= m->deadline_ns;
}

bool tracker_ready(const struct tracker *t, size_t idx, ssize_t *ret_blocked_by)
{
	const struct tracked_mount *m = &t->v[idx];
	ssize_t g;

	*ret_blocked_by = -1;
	if (!probed_each_cycle(m) || m->phase != TRACK_IDLE)
		return false;
	g = tracker_gate(t, idx);
	if (g < 0)
		return true;
	/* The gate must have answered healthy, and not be stuck now. */
	if (t->v[g].phase != TRACK_IDLE && t->v[g].result.status == STATUS_HUNG) {
		*ret_blocked_by = g;
		return false;
	}
	/* An answer from before an outage says nothing of the gate now: the
	 * walk waits for its fresh one. */
	if (!t->v[g].known || t->v[g].unconfirmed || t->v[g].phase != TRACK_IDLE) {
		if (t->v[g].known && !t->v[g].unconfirmed && !status_is_healthy(t->v[g].result.status))
			*ret_blocked_by = g;
		return false;
	}
	if (!status_is_healthy(t->v[g].result.status)) {
		*ret_blocked_by = g;
		return false;
	}
	return true;
}

void tracker_mark_due(struct tracker *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->v[i].due = probed_each_cycle(&t->v[i]);
}

void tracker_issue(struct tracker *t, size_t idx, uint64_t now_ns, int64_t now_real_ns, uint64_t timeout_ns)
{
	struct tracked_mount *m = &t->v[idx];

	m->due = false;
	m->phase = TRACK_STATX;
	m->issued_ns = now_ns;
	m->issued_real_ns = now_real_ns;
	m->deadline_ns = now_ns + timeout_ns;
}

/* Sets the reported result; returns whether the status changed. */
static int report(struct tracked_mount *m, size_t idx, const struct mount_result *res, uint64_t now_boot_ns,
		  struct transition *ret)
{
	enum mount_status from = m->result.status;
	bool first = !m->known;

	if (res->status == STATUS_HUNG && (from != STATUS_HUNG || first))
		m->hung_since_boot_ns = res->hung_ns ? now_boot_ns - res->hung_ns : now_boot_ns;
	m->result = *res;
	m->known = true;
	m->unconfirmed = false;
	if (!first && from == res->status)
		return 0;
	*ret = (struct transition){ .idx = idx, .from = from, .to = res->status, .first = first };
	return 1;
}

int tracker_apply(struct tracker *t, const struct probe_record *rec, uint64_t now_boot_ns,
		  struct transition *ret)
{
	struct tracked_mount *m;
	struct mount_result res = { .blocked_by = -1 };
	size_t idx = rec->job;
	int k;

	if (idx >= t->n || !t->v[idx].used || t->v[idx].phase == TRACK_IDLE)
		return 0;
	m = &t->v[idx];
	switch (rec->type) {
	case RECORD_STATX:
		res.flags = RESULT_ANSWERED;
		res.latency_ns = rec->latency_ns;
		res.err = rec->err;
		res.status = status_from_errno(rec->err);
		if (rec->err == 0 && rec->mnt_id && rec->mnt_id != (uint64_t)m->mnt_id) {
			res.flags |= RESULT_MNT_ID_MISMATCH;
			res.seen_mnt_id = rec->mnt_id;
			res.status = STATUS_DENIED;
			res.err = EXDEV;
		}
		if (res.status == STATUS_OK) {
			/* The statfs follows: its answer settles the status. */
			m->phase = TRACK_STATFS;
			m->statx_latency_ns = rec->latency_ns;
			return 0;
		}
		m->phase = TRACK_IDLE;
		break;
	case RECORD_STATFS:
		res.flags = RESULT_ANSWERED;
		res.latency_ns = m->statx_latency_ns;
		if (rec->err == 0) {
			res.usage = rec->usage;
			res.flags |= RESULT_HAVE_USAGE;
			res.status = STATUS_OK;
			res.err = 0;
		} else {
			res.err = rec->err;
			res.status = status_from_errno(rec->err);
		}
		m->phase = TRACK_IDLE;
		break;
	case RECORD_PENDING:
		/* Another process (an earlier helper, a CLI run) has a request
		 * in flight on this mount: it is hung since then. */
		res.status = STATUS_HUNG;
		res.flags = RESULT_PENDING_EARLIER;
		res.pending_pid = rec->a;
		res.since_real_ns = rec->since_real_ns;
		res.hung_ns = rec->since_boot_ns && now_boot_ns > rec->since_boot_ns ? now_boot_ns - rec->since_boot_ns : 0;
		res.usage = m->result.usage;
		m->phase = TRACK_IDLE;
		break;
	default:
		return 0;
	}
	k = report(m, idx, &res, now_boot_ns, ret);
	if (m->phase == TRACK_IDLE && !m->present)
		slot_clear(m); /* vanished while in flight: forget it now */
	return k;
}

uint64_t tracker_expire(struct tracker *t, uint64_t now_ns, uint64_t now_boot_ns,
			void (*fn)(void *userdata, const struct transition *tr), void *userdata)
{
	uint64_t next = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct tracked_mount *m = &t->v[i];
		struct transition tr;
		ssize_t blocked_by;

		if (!m->used || !m->present)
			continue;
		if (overdue(m, now_ns)) {
			struct mount_result res = m->result;

			res.status = STATUS_HUNG;
			res.flags &= ~(unsigned)(RESULT_ANSWERED | RESULT_PENDING_EARLIER);
			if (m->phase == TRACK_STATFS)
				res.flags |= RESULT_STATFS_HUNG;
			res.err = 0;
			res.hung_ns = now_ns - m->issued_ns;
			res.since_real_ns = m->issued_real_ns;
			res.blocked_by = -1;
			if (report(m, i, &res, now_boot_ns, &tr))
				fn(userdata, &tr);
			m->hung_since_boot_ns = now_boot_ns - res.hung_ns;
		} else if (m->phase != TRACK_IDLE) {
			if (!next || m->deadline_ns < next)
				next = m->deadline_ns;
		} else if (probed_each_cycle(m) && !tracker_ready(t, i, &blocked_by) && blocked_by >= 0) {
			struct mount_result res = { .status = STATUS_BLOCKED, .blocked_by = blocked_by };

			if (report(m, i, &res, now_boot_ns, &tr))
				fn(userdata, &tr);
		}
	}
	return next;
}

void tracker_forget_inflight(struct tracker *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].used && t->v[i].phase != TRACK_IDLE) {
			t->v[i].phase = TRACK_IDLE;
			/* Unanswered: the cycle is not over for it. */
			t->v[i].due = probed_each_cycle(&t->v[i]);
			if (!t->v[i].present)
				slot_clear(&t->v[i]);
		}
}

void tracker_unconfirm_all(struct tracker *t)
{
	/* An automount point's status comes from the table, not the helper. */
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].used && t->v[i].known && !t->v[i].automount)
			t->v[i].unconfirmed = true;
}

int tracker_fail(struct tracker *t, size_t idx, int err, uint64_t now_boot_ns, struct transition *ret)
{
	struct mount_result res = { .status = STATUS_ERROR, .err = err, .blocked_by = -1 };
	struct tracked_mount *m = &t->v[idx];

	m->due = false;
	return report(m, idx, &res, now_boot_ns, ret);
}

bool tracker_waiting(const struct tracker *t, uint64_t now_ns)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].used && t->v[i].phase != TRACK_IDLE && now_ns < t->v[i].deadline_ns)
			return true;
	return false;
}

size_t tracker_count(const struct tracker *t, enum mount_status s)
{
	size_t c = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].used && t->v[i].present && t->v[i].selected && t->v[i].known && t->v[i].result.status == s)
			c++;
	return c;
}
