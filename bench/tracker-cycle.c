/* tracker-cycle: the daemon's own cost per cycle at scale, without the
 * kernel: the tracker (tracker.h) over a synthetic table of N mounts, all
 * selected, a tree 8 wide with every 16th mount a network mount (a gate),
 * driven as the daemon drives it. A cycle is: every mount due; issue what
 * may go (its gate answered); every request in flight answered, statx then
 * statfs; expire; again until nothing is left due. Also timed: re-reading
 * an unchanged table (tracker_sync, what a mount table change costs).
 *
 *   tracker-cycle [N...]        (default: 1000 10000)
 *
 * One line per N: mounts=N rounds=R cycle_ms=C sync_ms=S, the median of
 * CYCLES runs (environment, default 21). No I/O but stdout. */
#include <stdio.h>
#include <stdlib.h>

#include "macro.h"
#include "tracker.h"
#include "util.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void build(size_t n, struct mount_table *t, bool **ret_sel)
{
	bool *sel = calloc(n + 1, sizeof(*sel));

	t->entries = calloc(n + 1, sizeof(*t->entries));
	if (!sel || !t->entries)
		abort();
	t->n = n + 1;
	t->entries[0] = (struct mount_entry){ .id = 1, .parent_id = 1, .target = "/", .fstype = "ext4",
					      .source = "/dev/vda", .parent = -1 };
	for (size_t i = 1; i <= n; i++) {
		char *target;
		bool net = i % 16 == 0;
		size_t p = i <= 8 ? 0 : (i - 1) / 8;

		if (asprintf(&target, "/m/%zu", i) < 0)
			abort();
		t->entries[i] = (struct mount_entry){ .id = (int)i + 1, .parent_id = (int)p + 1, .target = target,
						      .fstype = net ? "nfs4" : "tmpfs", .source = net ? "srv:/" : "tmpfs",
						      .suspect = net, .parent = (ssize_t)p, .devno = (dev_t)i };
		sel[i] = true;
	}
	*ret_sel = sel;
}

static void on_transition(void *userdata _unused_, const struct transition *tr _unused_)
{
}

/* One cycle as the daemon runs it; returns the rounds of issue-answer. */
static unsigned cycle(struct tracker *t, uint64_t *now)
{
	unsigned rounds = 0;
	struct transition tr;

	tracker_mark_due(t);
	for (;;) {
		size_t issued = 0;

		for (size_t i = 0; i < t->n; i++) {
			ssize_t blocked_by;

			if (!t->v[i].due || !tracker_ready(t, i, &blocked_by))
				continue;
			tracker_issue(t, i, *now, 0, 5 * NSEC_PER_SEC);
			issued++;
		}
		if (!issued)
			break;
		rounds++;
		*now += 1000;
		for (size_t i = 0; i < t->n; i++) {
			struct probe_record rec = { .type = RECORD_STATX, .job = (uint32_t)i, .latency_ns = 1000,
						    .mnt_id = (uint64_t)t->v[i].mnt_id };

			if (t->v[i].phase != TRACK_STATX)
				continue;
			(void)tracker_apply(t, &rec, *now, &tr);
			rec.type = RECORD_STATFS;
			rec.usage = (struct fs_usage){ .frsize = 4096, .blocks = 100, .bfree = 50, .bavail = 50 };
			(void)tracker_apply(t, &rec, *now, &tr);
		}
		(void)tracker_expire(t, *now, *now, on_transition, NULL);
	}
	return rounds;
}

int main(int argc, char **argv)
{
	static const char *const def[] = { "1000", "10000" };
	const char *const *sizes = argc > 1 ? (const char *const *)argv + 1 : def;
	int nsizes = argc > 1 ? argc - 1 : (int)ARRAY_SIZE(def);
	int runs = getenv("CYCLES") ? atoi(getenv("CYCLES")) : 21;

	if (runs < 1)
		runs = 1;
	for (int s = 0; s < nsizes; s++) {
		size_t n = strtoul(sizes[s], NULL, 10);
		struct mount_table t = {};
		struct tracker tr = {};
		uint64_t *cyc = calloc((size_t)runs, sizeof(*cyc)), *syn = calloc((size_t)runs, sizeof(*syn));
		uint64_t now = NSEC_PER_SEC;
		unsigned rounds = 0;
		bool *sel;

		if (!cyc || !syn)
			return 1;
		build(n, &t, &sel);
		if (tracker_sync(&tr, &t, sel) < 0)
			return 1;
		for (int r = 0; r < runs; r++) {
			uint64_t t0 = now_mono_ns(), t1, t2;

			rounds = cycle(&tr, &now);
			t1 = now_mono_ns();
			if (tracker_sync(&tr, &t, sel) < 0)
				return 1;
			t2 = now_mono_ns();
			cyc[r] = t1 - t0;
			syn[r] = t2 - t1;
		}
		qsort(cyc, (size_t)runs, sizeof(*cyc), cmp_u64);
		qsort(syn, (size_t)runs, sizeof(*syn), cmp_u64);
		printf("mounts=%zu rounds=%u cycle_ms=%.3f sync_ms=%.3f\n", n, rounds, (double)cyc[runs / 2] / 1e6,
		       (double)syn[runs / 2] / 1e6);
		tracker_done(&tr);
		for (size_t i = 1; i < t.n; i++)
			free((char *)t.entries[i].target);
		free(t.entries);
		free(sel);
		free(cyc);
		free(syn);
	}
	return 0;
}
