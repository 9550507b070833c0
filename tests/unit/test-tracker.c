/* The daemon's per-mount state machine: idle -> in flight -> answered or
 * hung at the deadline -> recovered when the late answer comes; never a
 * second request while one is in flight; blocked below a hung gate;
 * mounts appearing and vanishing, even while in flight. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "macro.h"
#include "tracker.h"
#include "tap.h"

#define S NSEC_PER_SEC

static struct mount_entry entries[4];
static struct mount_table table = { .entries = entries };

static void set_table(size_t n)
{
	static const struct mount_entry all[] = {
		{ .id = 1, .parent_id = 1, .target = "/", .fstype = "ext4", .source = "/dev/vda", .parent = -1 },
		{ .id = 10, .parent_id = 1, .target = "/nfs", .fstype = "nfs4", .source = "srv:/", .suspect = true, .parent = 0 },
		{ .id = 11, .parent_id = 10, .target = "/nfs/in", .fstype = "fuse.x", .source = "x", .suspect = true, .parent = 1 },
		{ .id = 12, .parent_id = 1, .target = "/fuse", .fstype = "fuse.y", .source = "y", .suspect = true, .parent = 0 },
	};
	for (size_t i = 0; i < n; i++)
		entries[i] = all[i];
	table.n = n;
}

static ssize_t slot(struct tracker *t, const char *target)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].used && t->v[i].target && streq(t->v[i].target, target))
			return (ssize_t)i;
	return -1;
}

static struct transition last;
static int ntrans;

static void on_tr(void *userdata _unused_, const struct transition *tr)
{
	last = *tr;
	ntrans++;
}

static int apply(struct tracker *t, size_t idx, enum record_type type, int err, uint64_t boot)
{
	struct probe_record rec = { .type = type, .job = (uint32_t)idx, .err = err, .latency_ns = 1000,
				    .usage = { .frsize = 4096, .blocks = 10 } };
	struct transition tr;
	int k = tracker_apply(t, &rec, boot, &tr);

	if (k > 0) {
		last = tr;
		ntrans++;
	}
	return k;
}

int main(void)
{
	struct tracker t = {};
	bool sel[4] = { false, true, true, true };
	ssize_t nfs, in, fuse, blocked_by;

	set_table(4);
	is_int(tracker_sync(&t, &table, sel), 4, "four mounts appear");
	nfs = slot(&t, "/nfs");
	in = slot(&t, "/nfs/in");
	fuse = slot(&t, "/fuse");
	ok(nfs >= 0 && in >= 0 && fuse >= 0, "slots found");
	is_int(tracker_gate(&t, (size_t)in), nfs, "the nfs mount gates the mount inside it");
	is_int(tracker_gate(&t, (size_t)fuse), -1, "a mount on / has no gate (/ is neither selected nor suspect)");

	tracker_mark_due(&t);
	ok(tracker_ready(&t, (size_t)nfs, &blocked_by), "nfs ready");
	ok(!tracker_ready(&t, (size_t)in, &blocked_by) && blocked_by < 0, "inner waits for its gate, not blocked yet");
	tracker_issue(&t, (size_t)nfs, 0, 0, 2 * S);
	tracker_issue(&t, (size_t)fuse, 0, 0, 2 * S);
	ok(!tracker_ready(&t, (size_t)nfs, &blocked_by), "in flight: no second request");

	/* fuse answers at once; nfs hangs */
	is_int(apply(&t, (size_t)fuse, RECORD_STATX, 0, 1), 0, "statx ok: waits for statfs");
	is_int(apply(&t, (size_t)fuse, RECORD_STATFS, 0, 1), 1, "statfs: first status");
	ok(last.first && last.to == STATUS_OK, "first status ok (not a change)");

	ntrans = 0;
	is_int(tracker_expire(&t, 1 * S, 1 * S, on_tr, NULL), 2 * S, "before the deadline: next deadline reported");
	is_int(ntrans, 0, "nothing changes before the deadline");
	tracker_expire(&t, 2 * S, 2 * S, on_tr, NULL);
	ok(ntrans >= 1 && t.v[nfs].result.status == STATUS_HUNG, "at the deadline nfs is hung");
	is_int(t.v[in].result.status, STATUS_BLOCKED, "the mount inside it is blocked");
	is_int(t.v[in].result.blocked_by, nfs, "blocked by the nfs mount");

	/* Cycles go by: nothing new is issued on the hung mount. */
	for (int c = 0; c < 1000; c++) {
		tracker_mark_due(&t);
		if (tracker_ready(&t, (size_t)nfs, &blocked_by))
			break;
	}
	ok(!tracker_ready(&t, (size_t)nfs, &blocked_by), "1000 cycles later: still no second request");
	ok(!tracker_ready(&t, (size_t)in, &blocked_by) && blocked_by == nfs, "inner still blocked");

	/* The late answer: recovered, once. */
	ntrans = 0;
	apply(&t, (size_t)nfs, RECORD_STATX, 0, 100 * S);
	apply(&t, (size_t)nfs, RECORD_STATFS, 0, 100 * S);
	is_int(ntrans, 1, "late answer: one transition");
	ok(last.from == STATUS_HUNG && last.to == STATUS_OK && !last.first, "hung -> ok");
	ok(tracker_ready(&t, (size_t)in, &blocked_by), "inner ready again");

	/* Errors map through the vocabulary. */
	tracker_mark_due(&t);
	tracker_issue(&t, (size_t)fuse, 200 * S, 0, 2 * S);
	apply(&t, (size_t)fuse, RECORD_STATX, ENOTCONN, 200 * S);
	ok(last.to == STATUS_DISCONNECTED && last.from == STATUS_OK, "ok -> disconnected");
	is_int(t.v[fuse].phase, TRACK_IDLE, "an error ends the request");

	/* Pending from another process: hung since then, no request. */
	tracker_issue(&t, (size_t)fuse, 300 * S, 0, 2 * S);
	{
		struct probe_record rec = { .type = RECORD_PENDING, .job = (uint32_t)fuse, .a = 42,
					    .since_boot_ns = 250 * S, .since_real_ns = 1 };
		struct transition tr;
		is_int(tracker_apply(&t, &rec, 300 * S, &tr), 1, "pending elsewhere: a change");
		ok(tr.to == STATUS_HUNG && t.v[fuse].result.hung_ns == 50 * S, "hung for 50 s (since the other request)");
	}

	/* Waiting for another process's young request: no answer yet; the
	 * deadline names that request, and an answer after it still counts. */
	tracker_issue(&t, (size_t)fuse, 305 * S, 0, 2 * S);
	{
		struct probe_record rec = { .type = RECORD_WAITING, .job = (uint32_t)fuse, .a = 43,
					    .since_boot_ns = 304 * S, .since_real_ns = 7 };
		struct transition tr;
		is_int(tracker_apply(&t, &rec, 305 * S, &tr), 0, "waiting: not an answer");
		ok(t.v[fuse].phase == TRACK_STATX, "waiting: the request is still in flight");
		(void)tracker_expire(&t, 307 * S, 307 * S, on_tr, NULL);
		ok(t.v[fuse].result.status == STATUS_HUNG && (t.v[fuse].result.flags & RESULT_PENDING_EARLIER) &&
			   t.v[fuse].result.pending_pid == 43 && t.v[fuse].result.since_real_ns == 7 &&
			   t.v[fuse].result.hung_ns == 3 * S,
		   "past the deadline: hung on the request waited for (pid 43, 3 s)");
		rec = (struct probe_record){ .type = RECORD_STATX, .job = (uint32_t)fuse };
		(void)tracker_apply(&t, &rec, 308 * S, &tr);
		ok(t.v[fuse].phase == TRACK_STATFS, "it went once that request returned: its statx answered");
		rec = (struct probe_record){ .type = RECORD_STATFS, .job = (uint32_t)fuse };
		is_int(tracker_apply(&t, &rec, 308 * S, &tr), 1, "and its statfs: a change");
		ok(tr.to == STATUS_OK && !(t.v[fuse].result.flags & RESULT_PENDING_EARLIER) &&
			   t.v[fuse].result.pending_pid == 0,
		   "ok, naming no other request");
		tracker_issue(&t, (size_t)fuse, 309 * S, 0, 2 * S);
		(void)tracker_expire(&t, 312 * S, 312 * S, on_tr, NULL);
		ok(!(t.v[fuse].result.flags & RESULT_PENDING_EARLIER), "the next request waits for nothing: no answer in");
	}

	/* The helper dies with a request in flight: due again at once, so
	 * the cycle is not over for that mount. */
	tracker_mark_due(&t);
	tracker_issue(&t, (size_t)fuse, 310 * S, 0, 2 * S);
	ok(!t.v[fuse].due, "issued: no longer due");
	ok(tracker_waiting(&t, 311 * S), "a request within its deadline is waited for");
	ok(!tracker_waiting(&t, 313 * S), "past its deadline it is not");
	tracker_forget_inflight(&t);
	ok(t.v[fuse].phase == TRACK_IDLE && t.v[fuse].due, "lost with the helper: idle and due again");
	ok(!tracker_waiting(&t, 311 * S), "nothing in flight any more");

	/* The daemon went blind: statuses unconfirmed until answered again,
	 * and an unconfirmed gate is not walked through. */
	tracker_mark_due(&t);
	ok(tracker_ready(&t, (size_t)in, &blocked_by), "inner ready below its ok gate");
	tracker_unconfirm_all(&t);
	ok(t.v[nfs].unconfirmed && t.v[in].unconfirmed && t.v[fuse].unconfirmed, "every known status unconfirmed");
	ok(t.v[nfs].known, "still known (the last answer is kept)");
	ok(!tracker_ready(&t, (size_t)in, &blocked_by) && blocked_by < 0,
	   "inner waits for its gate's fresh answer, not blocked");
	tracker_issue(&t, (size_t)nfs, 320 * S, 0, 2 * S);
	ntrans = 0;
	apply(&t, (size_t)nfs, RECORD_STATX, 0, 320 * S);
	apply(&t, (size_t)nfs, RECORD_STATFS, 0, 320 * S);
	ok(!t.v[nfs].unconfirmed && ntrans == 0, "answered again: confirmed, no transition (still ok)");
	ok(tracker_ready(&t, (size_t)in, &blocked_by), "inner may go now");
	ok(t.v[in].unconfirmed, "inner unconfirmed until it answers itself");
	tracker_issue(&t, (size_t)fuse, 321 * S, 0, 2 * S);
	tracker_expire(&t, 324 * S, 324 * S, on_tr, NULL);
	ok(!t.v[fuse].unconfirmed && t.v[fuse].result.status == STATUS_HUNG, "past its deadline: hung, confirmed");
	apply(&t, (size_t)fuse, RECORD_STATX, ENOTCONN, 325 * S);

	/* A request that cannot be sent at all: error, not due for ever. */
	tracker_mark_due(&t);
	ntrans = 0;
	{
		struct transition tr;

		is_int(tracker_fail(&t, (size_t)fuse, ENAMETOOLONG, 330 * S, &tr), 1, "unsendable: a change");
		ok(tr.to == STATUS_ERROR && t.v[fuse].result.err == ENAMETOOLONG && !t.v[fuse].due,
		   "error ENAMETOOLONG, no longer due");
	}

	/* A mount vanishes while in flight: kept until it answers. */
	tracker_mark_due(&t);
	tracker_issue(&t, (size_t)fuse, 400 * S, 0, 2 * S);
	set_table(3);
	is_int(tracker_sync(&t, &table, sel), 1, "one mount vanished");
	ok(t.v[fuse].used && !t.v[fuse].present, "in flight: slot kept, not present");
	apply(&t, (size_t)fuse, RECORD_STATX, EIO, 401 * S);
	ok(!t.v[fuse].used, "answered: forgotten");
	is_int(apply(&t, (size_t)fuse, RECORD_STATX, 0, 402 * S), 0, "a stray record for a freed slot is ignored");

	/* Only the mount inside the nfs one selected (-t fuse.x): its gate
	 * is probed every cycle all the same, never shown, and blocks it
	 * when hung. */
	{
		struct tracker u = {};
		bool only_in[4] = { false, false, true, false };
		ssize_t g, c;

		set_table(3);
		tracker_sync(&u, &table, only_in);
		g = slot(&u, "/nfs");
		c = slot(&u, "/nfs/in");
		ok(u.v[g].gates && !u.v[g].selected && !u.v[c].gates, "the unselected nfs mount gates the selected one");
		tracker_mark_due(&u);
		ok(u.v[g].due && u.v[c].due && !u.v[slot(&u, "/")].due, "both due, / not");
		ok(tracker_ready(&u, (size_t)g, &blocked_by), "the gate goes first");
		ok(!tracker_ready(&u, (size_t)c, &blocked_by) && blocked_by < 0, "the selected mount waits for it");
		tracker_issue(&u, (size_t)g, 0, 0, 2 * S);
		tracker_expire(&u, 3 * S, 3 * S, on_tr, NULL);
		ok(u.v[g].result.status == STATUS_HUNG && u.v[c].result.status == STATUS_BLOCKED &&
			   u.v[c].result.blocked_by == g,
		   "gate hung: the selected mount blocked by it");
		is_int(tracker_count(&u, STATUS_HUNG), 0, "the gate is not counted among the mounts shown");
		tracker_done(&u);
		set_table(4);
	}

	/* Mount ID reuse: the same ID on another target is a new mount. */
	set_table(4);
	entries[3].target = "/other";
	is_int(tracker_sync(&t, &table, sel), 1, "a new mount with a reused id appears");
	ok(slot(&t, "/other") >= 0, "under its own target");

	tracker_done(&t);

	/* An automount point is ok from the table alone: never due, never
	 * issued, and no gate to what autofs mounts below it, which is
	 * gated by what lies above the autofs mount. */
	{
		static const struct mount_entry am[] = {
			{ .id = 1, .parent_id = 1, .target = "/", .fstype = "ext4", .source = "/dev/vda", .parent = -1 },
			{ .id = 20, .parent_id = 1, .target = "/net", .fstype = "autofs", .source = "auto.net", .parent = 0 },
			{ .id = 21, .parent_id = 20, .target = "/net/srv", .fstype = "nfs4", .source = "srv:/",
			  .suspect = true, .parent = 1 },
			{ .id = 30, .parent_id = 1, .target = "/nfs", .fstype = "nfs4", .source = "a:/", .suspect = true,
			  .parent = 0 },
			{ .id = 31, .parent_id = 30, .target = "/nfs/auto", .fstype = "autofs", .source = "auto.x", .parent = 3 },
			{ .id = 32, .parent_id = 31, .target = "/nfs/auto/x", .fstype = "fuse.x", .source = "x",
			  .suspect = true, .parent = 4 },
		};
		struct mount_table amt = { .entries = (struct mount_entry *)am, .n = ARRAY_SIZE(am) };
		static const bool amsel[] = { false, true, true, true, true, true };
		struct tracker u = {};
		ssize_t a, n, b, up, x;

		is_int(tracker_sync(&u, &amt, amsel), 6, "autofs table: six mounts");
		a = slot(&u, "/net");
		n = slot(&u, "/net/srv");
		up = slot(&u, "/nfs");
		x = slot(&u, "/nfs/auto/x");
		ok(a >= 0 && u.v[a].automount && u.v[a].known, "autofs: known at once");
		ok(u.v[a].result.status == STATUS_OK && (u.v[a].result.flags & RESULT_AUTOMOUNT) &&
		   !(u.v[a].result.flags & (RESULT_ANSWERED | RESULT_HAVE_USAGE)), "ok, unprobed, no numbers");
		tracker_mark_due(&u);
		ok(!u.v[a].due && u.v[n].due, "the autofs mount is not due, the mount below it is");
		ok(!tracker_ready(&u, (size_t)a, &b) && b == -1, "autofs: never ready, never blocked");
		ok(n >= 0 && tracker_gate(&u, (size_t)n) == -1 && tracker_ready(&u, (size_t)n, &b),
		   "the NFS mount below it has no gate: it goes at once");
		is_int((int)tracker_gate(&u, (size_t)x), (int)up, "below autofs below NFS: gated by the NFS mount");
		tracker_issue(&u, (size_t)up, 1000 * S, 0, 2 * S);
		ok(!tracker_ready(&u, (size_t)x, &b), "and waits for it");
		is_int((int)tracker_count(&u, STATUS_OK), 2, "both autofs mounts counted ok");
		(void)tracker_expire(&u, 1003 * S, 1003 * S, on_tr, NULL);
		ok(u.v[up].result.status == STATUS_HUNG && u.v[a].result.status == STATUS_OK,
		   "the NFS mount hangs, the automount points stay ok");
		ok(u.v[x].result.status == STATUS_BLOCKED && u.v[x].result.blocked_by == up,
		   "the mount below the autofs mount is blocked by the hung NFS mount");
		tracker_done(&u);
	}
	return tap_done();
}
