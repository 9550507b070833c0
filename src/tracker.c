/* The daemon's per-mount state machine; see tracker.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fstypes.h"
#include "gate.h"
#include "hashmap.h"
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

/* The slot of a mount already tracked, by its ID (map: slots by mnt_id). */
static ssize_t find(const struct tracker *t, const struct hashmap *by_id, const struct mount_entry *e)
{
	size_t pos = 0;

	for (ssize_t i; (i = hashmap_next(by_id, (uint64_t)(uint32_t)e->id, &pos)) >= 0;) {
		const struct tracked_mount *m = &t->v[i];

		/* Mount IDs are reused once freed: the target must match too. */
		if (m->used && m->present && m->mnt_id == e->id && streq(m->target, e->target))
			return i;
	}
	return -1;
}

/* The lowest free slot at or after *hint (none is freed during a sync, so
 * the search goes on from where the last one ended). */
static ssize_t alloc_slot(struct tracker *t, size_t *hint)
{
	for (size_t i = *hint; i < t->n; i++)
		if (!t->v[i].used) {
			*hint = i + 1;
			return (ssize_t)i;
		}
	if (ARRAY_RESERVE(t->v, t->cap, t->n + 1) < 0)
		return -ENOMEM;
	t->v[t->n] = (struct tracked_mount){};
	*hint = t->n + 1;
	return (ssize_t)t->n++;
}

static ssize_t slot_parent(const void *userdata, size_t i)
{
	const struct tracker *t = userdata;

	return t->v[i].used && t->v[i].present ? t->v[i].parent_slot : -1;
}

/* An automount point is never probed: the walk crosses it unasked, and is
 * gated further up. */
static bool slot_gates(const void *userdata, size_t i)
{
	const struct tracked_mount *m = &((const struct tracker *)userdata)->v[i];

	return (m->selected && !m->automount) || m->suspect;
}

/* Every slot's gate, once per sync rather than per mount and cycle: the
 * parents come from the table just read. */
static int link_gates(struct tracker *t, const struct mount_table *table, const ssize_t *slot_of)
{
	_cleanup_free_ ssize_t *gate = calloc(MAX(t->n, 1U), sizeof(*gate));
	int r;

	if (!gate)
		return -ENOMEM;
	for (size_t i = 0; i < table->n; i++) {
		ssize_t p = table->entries[i].parent;

		t->v[slot_of[i]].parent_slot = p >= 0 && (size_t)p < table->n && (size_t)p != i ? slot_of[p] : -1;
	}
	r = gate_compute(&(struct gate_tree){ .n = t->n, .parent = slot_parent, .is_gate = slot_gates,
					      .userdata = t },
			 gate);
	if (r < 0)
		return r;
	for (size_t i = 0; i < t->n; i++)
		t->v[i].gate = t->v[i].used && t->v[i].present ? gate[i] : -1;
	return 0;
}

int tracker_sync(struct tracker *t, const struct mount_table *table, const bool *selected)
{
	_cleanup_(hashmap_done) struct hashmap by_id = {};
	_cleanup_free_ ssize_t *slot_of = calloc(MAX(table->n, 1U), sizeof(*slot_of));
	size_t hint = 0;
	int changes = 0, r;

	if (!slot_of || hashmap_init(&by_id, t->n + table->n) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		t->v[i].seen = false;
		if (t->v[i].used && t->v[i].present && hashmap_add(&by_id, (uint64_t)(uint32_t)t->v[i].mnt_id, (ssize_t)i) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < table->n; i++) {
		const struct mount_entry *e = &table->entries[i];
		ssize_t k = find(t, &by_id, e);
		struct tracked_mount *m;

		if (k < 0) {
			k = alloc_slot(t, &hint);
			if (k < 0)
				return -ENOMEM;
			m = &t->v[k];
			*m = (struct tracked_mount){ .used = true, .mnt_id = e->id, .devno = e->devno,
						     .due = true, .result = { .blocked_by = -1 },
						     .parent_slot = -1, .gate = -1 };
			m->target = strdup(e->target);
			m->source = strdup(e->source);
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
			if (hashmap_add(&by_id, (uint64_t)(uint32_t)e->id, k) < 0)
				return -ENOMEM;
			changes++;
		}
		slot_of[i] = k;
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
	r = link_gates(t, table, slot_of);
	if (r < 0)
		return r;
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
	const struct tracked_mount *m = &t->v[idx];

	return m->used && m->present ? m->gate : -1;
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
		if (t->v[g].known && !t->v[g].unconfirmed && !gate_passes(t->v[g].result.status))
			*ret_blocked_by = g;
		return false;
	}
	if (!gate_passes(t->v[g].result.status)) {
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
	m->waiting = (struct pending_info){};
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
		probe_statx_result(rec, m->mnt_id, &res);
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
	case RECORD_YIELDED:
		/* Not issued: another process waits for the mount and goes
		 * first. The last answer stands; the next cycle asks again. */
		m->phase = TRACK_IDLE;
		if (!m->present)
			slot_clear(m);
		return 0;
	case RECORD_WAITING:
		/* Not an answer: the helper waits for another process's young
		 * request on the mount, and probes once it returns. */
		m->waiting = (struct pending_info){
			.since_boot_ns = rec->since_boot_ns,
			.since_real_ns = rec->since_real_ns,
			.pid = rec->a,
		};
		return 0;
	case RECORD_PENDING:
		/* Another process (an earlier helper, a CLI run) has a request
		 * in flight on this mount: it is hung since then. */
		probe_pending_result(rec->a, rec->since_boot_ns, rec->since_real_ns, now_boot_ns, &res);
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
			if (m->phase == TRACK_STATX && m->waiting.pid)
				/* Still waiting for that request: the mount hangs
				 * on it, since it was issued. */
				probe_pending_result(m->waiting.pid, m->waiting.since_boot_ns, m->waiting.since_real_ns,
						     now_boot_ns, &res);
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
