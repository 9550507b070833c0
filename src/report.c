/* One probe run over a selection of mounts; see report.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fstypes.h"
#include "gate.h"
#include "macro.h"
#include "pending.h"
#include "report.h"
#include "util.h"

int report_init(struct report *r, const struct mount_table *t)
{
	r->table = t;
	if (!r->results) {
		r->results = calloc(MAX(t->n, 1U), sizeof(*r->results));
		r->probed = calloc(MAX(t->n, 1U), sizeof(*r->probed));
		if (!r->results || !r->probed)
			return -ENOMEM;
	}
	return 0;
}

int report_add_row(struct report *r, size_t mount, const char *file)
{
	if (ARRAY_RESERVE(r->rows, r->rows_cap, r->nrows + 1) < 0)
		return -ENOMEM;
	r->rows[r->nrows++] = (struct report_row){ .mount = mount, .file = file, .usage_from = -1 };
	return 0;
}

int report_select(struct report *r, const struct mount_table *t, const struct mount_filter *f)
{
	int k = report_init(r, t);

	for (size_t i = 0; k == 0 && i < t->n; i++)
		if (mounts_filter_match(f, &t->entries[i]))
			k = report_add_row(r, i, NULL);
	return k;
}

int report_add_file(struct report *r, const struct mount_table *t, const char *file, bool exact)
{
	_cleanup_free_ char *path = NULL;
	ssize_t idx;
	int k = report_init(r, t);

	if (k < 0)
		return k;
	idx = mounts_resolve_file_path(t, file, &path);
	if (idx < 0)
		return exact && idx == -ENOENT ? -REPORT_NOT_MOUNT_POINT : (int)idx;
	if (exact && !streq(path, t->entries[idx].target))
		return -REPORT_NOT_MOUNT_POINT;
	return report_add_row(r, (size_t)idx, file);
}

/* Walks up from the rows' mounts and marks every network/FUSE ancestor for
 * probing, so no request ever walks through an unprobed hung mount. */
static void mark_probed(struct report *r)
{
	const struct mount_table *t = r->table;

	for (size_t i = 0; i < r->nrows; i++) {
		ssize_t m = (ssize_t)r->rows[i].mount;
		size_t depth = 0;

		/* An automount point is not probed (see report_probe()):
		 * nothing walks to it, and it gates no walk below it. */
		if (r->rows[i].placeholder || fstype_is_automount(t->entries[m].fstype))
			continue;
		r->probed[m] = true;
		for (m = t->entries[m].parent; m >= 0 && depth < t->n; m = t->entries[m].parent, depth++)
			if (t->entries[m].suspect)
				r->probed[m] = true;
	}
}

/* The table's parent tree, and which of its mounts gate the walks below
 * them (gate.h). */
struct gate_ctx {
	const struct mount_table *table;
	const bool *gates;
};

static ssize_t table_parent(const void *userdata, size_t i)
{
	const struct gate_ctx *c = userdata;

	return c->table->entries[i].parent;
}

static bool table_gates(const void *userdata, size_t i)
{
	const struct gate_ctx *c = userdata;

	return c->gates[i];
}

/* Two sets of gates: a hung mount is settled (blocked or not) by its
 * nearest probed ancestor, of any type; a probe waits only for the probed
 * ancestors but the local ones the path walk crosses without asking them
 * (fstype_is_walk_safe()). Not gating on those is what the default
 * selection does already, which probes no local ancestor at all; with
 * --all it spared three round trips between the helper's threads on a
 * plain host (/, /sys, /sys/fs/cgroup), a third of the probes' time there
 * (doc/benchmarks.md). */
static int compute_gates(const struct report *r, bool *is_walk_gate, ssize_t *ret_gate, ssize_t *ret_walk_gate)
{
	const struct mount_table *t = r->table;
	struct gate_tree g = { .n = t->n, .parent = table_parent, .is_gate = table_gates };
	int k;

	for (size_t i = 0; i < t->n; i++)
		is_walk_gate[i] = r->probed[i] && !fstype_is_walk_safe(t->entries[i].fstype);
	g.userdata = &(struct gate_ctx){ t, r->probed };
	k = gate_compute(&g, ret_gate);
	if (k < 0)
		return k;
	g.userdata = &(struct gate_ctx){ t, is_walk_gate };
	return gate_compute(&g, ret_walk_gate);
}

static enum mount_status settle(struct report *r, const ssize_t *gate, size_t m, size_t depth)
{
	struct mount_result *res = &r->results[m];
	ssize_t g = gate[m];

	if (res->status != STATUS_HUNG || (res->flags & (RESULT_ANSWERED | RESULT_PENDING_EARLIER)))
		return res->status;
	if (g < 0 || depth > r->table->n)
		return res->status;
	if (!gate_passes(settle(r, gate, (size_t)g, depth + 1))) {
		res->status = STATUS_BLOCKED;
		res->blocked_by = g;
		res->hung_ns = 0;
		res->since_real_ns = 0;
	}
	return res->status;
}

int report_probe(struct report *r, const struct probe_options *o, bool want_usage)
{
	const struct mount_table *t = r->table;
	_cleanup_free_ struct probe_job *jobs = NULL;
	_cleanup_free_ struct mount_result *out = NULL;
	_cleanup_free_ ssize_t *job_of = NULL;
	_cleanup_free_ size_t *mount_of = NULL;
	_cleanup_free_ ssize_t *gate = NULL, *walk_gate = NULL;
	_cleanup_free_ bool *is_walk_gate = NULL;
	struct probe_options eo = *o;
	bool suspect = false;
	size_t n = 0;
	int k;

	if (!t)
		return 0;
	r->timeout_ns = o->deadline_ns - o->start_ns;
	r->run_real_ns = now_real_ns();
	mark_probed(r);
	jobs = calloc(MAX(t->n, 1U), sizeof(*jobs));
	out = calloc(MAX(t->n, 1U), sizeof(*out));
	job_of = calloc(MAX(t->n, 1U), sizeof(*job_of));
	mount_of = calloc(MAX(t->n, 1U), sizeof(*mount_of));
	gate = calloc(MAX(t->n, 1U), sizeof(*gate));
	walk_gate = calloc(MAX(t->n, 1U), sizeof(*walk_gate));
	is_walk_gate = calloc(MAX(t->n, 1U), sizeof(*is_walk_gate));
	if (!jobs || !out || !job_of || !mount_of || !gate || !walk_gate || !is_walk_gate)
		return -ENOMEM;
	k = compute_gates(r, is_walk_gate, gate, walk_gate);
	if (k < 0)
		return k;

	for (size_t i = 0; i < t->n; i++) {
		job_of[i] = -1;
		r->results[i] = (struct mount_result){ .blocked_by = -1 };
		if (fstype_is_automount(t->entries[i].fstype)) {
			/* Any call that follows the trigger asks the automount
			 * daemon to mount it (a storm of mounts, or a hang when
			 * the map points at a dead server): ok from the table
			 * alone. What autofs mounted on it is a mount of its
			 * own, probed as such. */
			r->results[i].status = STATUS_OK;
			r->results[i].flags = RESULT_AUTOMOUNT;
			continue;
		}
		if (!r->probed[i])
			continue;
		if (t->entries[i].shadowed) {
			/* Its path leads to the mount on top: nothing can be
			 * asked of it, and asking would only probe the other.
			 * Like a permission problem, that is no failure of the
			 * mount itself. */
			r->results[i].status = STATUS_DENIED;
			r->results[i].err = EXDEV;
			continue;
		}
		job_of[i] = (ssize_t)n;
		mount_of[n] = i;
		suspect |= t->entries[i].suspect;
		jobs[n++] = (struct probe_job){ .path = t->entries[i].target,
						.mnt_id = t->entries[i].id,
						.key = pending_key(t->entries[i].devno) };
	}
	/* The engine auto picks: io_uring starts an io-wq worker the moment
	 * one blocks, where the thread engine adds one per tick once all are
	 * stuck, so it keeps healthy mounts from queueing behind many hung
	 * ones; but each statx goes through io-wq and its statfs through a
	 * worker thread, and the thread engine, one worker for both, was
	 * faster at every mount count measured (doc/benchmarks.md). The
	 * types that hang are the suspect ones: without one selected, the
	 * faster engine. */
	if (eo.engine == PROBE_ENGINE_AUTO && !suspect)
		eo.engine = PROBE_ENGINE_THREADS;
	/* Jobs follow table order, but a gate may come after its child (moved
	 * mounts), so deps are filled in once every job has its index. */
	for (size_t j = 0; j < n; j++) {
		ssize_t g = walk_gate[mount_of[j]];
		jobs[j].dep = g >= 0 ? job_of[g] : -1;
		jobs[j].want_usage = want_usage;
	}

	k = probe_run(jobs, n, &eo, out, &r->probe);
	if (k < 0)
		return k;
	for (size_t j = 0; j < n; j++)
		r->results[mount_of[j]] = out[j];
	for (size_t i = 0; i < t->n; i++)
		if (r->probed[i])
			(void)settle(r, gate, i, 0);
	return 0;
}

void report_done(struct report *r)
{
	free(r->rows);
	free(r->results);
	free(r->probed);
	free(r->nfs);
	*r = (struct report){};
}

char *report_detail(const struct report *r, size_t mount, char *buf, size_t bufsz)
{
	const struct mount_result *res = &r->results[mount];
	char d[32], when[32];

	buf[0] = '\0';
	switch (res->status) {
	case STATUS_OK:
		if (res->flags & RESULT_AUTOMOUNT)
			(void)snprintf(buf, bufsz, "automount point%s, not probed",
				       r->table->entries[mount].shadowed ? ", mounted over" : "");
		break;
	case STATUS_HUNG:
		if (res->flags & RESULT_PENDING_EARLIER) {
			if (res->since_real_ns)
				(void)snprintf(buf, bufsz, "request pending since %s (%s, pid %d)",
					       format_time(res->since_real_ns, when, sizeof(when)),
					       format_duration(res->hung_ns, d, sizeof(d)), res->pending_pid);
			else
				(void)snprintf(buf, bufsz, "request of an earlier run still pending");
		} else if (res->flags & RESULT_STATFS_HUNG)
			(void)snprintf(buf, bufsz, "statfs: no answer in %s",
				       format_duration(res->hung_ns, d, sizeof(d)));
		else
			(void)snprintf(buf, bufsz, "no answer in %s", format_duration(res->hung_ns, d, sizeof(d)));
		break;
	case STATUS_BLOCKED:
		(void)snprintf(buf, bufsz, "below %s %s",
			       status_to_string(r->results[res->blocked_by].status),
			       r->table->entries[res->blocked_by].target);
		break;
	default:
		if (res->flags & RESULT_MNT_ID_MISMATCH)
			(void)snprintf(buf, bufsz, "path leads to mount %llu: over-mounted or unmounted",
				       (unsigned long long)res->seen_mnt_id);
		else if (res->err == EXDEV && r->table->entries[mount].shadowed)
			(void)snprintf(buf, bufsz, "over-mounted: hidden under another mount");
		else
			(void)snprintf(buf, bufsz, "%s", strerror(res->err));
		break;
	}
	return buf;
}

size_t report_count_unhealthy(const struct report *r)
{
	size_t c = 0;

	for (size_t i = 0; i < r->nrows; i++)
		if (!status_is_healthy(r->results[r->rows[i].mount].status))
			c++;
	return c;
}
