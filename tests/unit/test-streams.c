/* The two byte streams between front and helper, decoded without a fork:
 * records cut at any byte, records no helper writes dropped, requests
 * split across reads, a corrupt request header, and what the front makes
 * of records whose numbers do not add up. The cases the fuzzers found are
 * marked; their inputs are in tests/fuzz/corpus/ too. */
#include <errno.h>

#include "macro.h"
#include "probe-internal.h"
#include "tap.h"
#include "util.h"

static struct probe_record got[16];
static size_t ngot;

static void collect(void *userdata _unused_, const struct probe_record *rec)
{
	if (ngot < ARRAY_SIZE(got))
		got[ngot] = *rec;
	ngot++;
}

static size_t take(const struct probe_record *recs, size_t nrecs, size_t extra)
{
	uint8_t buf[sizeof(struct probe_record) * 8];
	size_t have = nrecs * sizeof(*recs) + extra;

	memset(buf, 0xaa, sizeof(buf));
	memcpy(buf, recs, nrecs * sizeof(*recs));
	ngot = 0;
	probe_records_take(buf, &have, collect, NULL);
	return have;
}

static void records(void)
{
	struct probe_record r[4] = {
		{ .type = RECORD_ENGINE, .a = PROBE_ENGINE_URING },
		{ .type = RECORD_STATX, .job = 3, .latency_ns = 1000 },
		{ .type = RECORD_STATFS, .job = 3, .err = EIO },
	};

	is_int(take(r, 3, 10), 10, "a partial record's bytes are kept");
	is_int(ngot, 3, "whole records are handed out");
	ok(ngot == 3 && got[1].job == 3 && got[2].err == EIO, "in order, as written");

	/* Found by fuzz-records: an engine without a name reached
	 * render_table()'s strdup(NULL). */
	r[0].a = 131072;
	take(r, 3, 0);
	ok(ngot == 2 && got[0].type == RECORD_STATX, "a nameless engine is dropped");
	r[0] = (struct probe_record){ .type = RECORD_STATX, .err = -5 };
	take(r, 1, 0);
	is_int(ngot, 0, "a negative errno is dropped");
	r[0].err = 4096;
	take(r, 1, 0);
	is_int(ngot, 0, "an errno beyond MAX_ERRNO is dropped");
	r[0] = (struct probe_record){ .type = 0 };
	r[1] = (struct probe_record){ .type = _RECORD_TYPE_END };
	take(r, 2, 0);
	is_int(ngot, 0, "unknown types are dropped");
}

static void front(void)
{
	struct probe_job job = { .path = "/m", .mnt_id = 40, .dep = -1, .want_usage = true };
	struct mount_result res = { .blocked_by = -1 };
	struct probe_report rep = {};
	bool statx_done = false, final = false;
	struct probe_front f = { .jobs = &job, .n = 1, .results = &res, .report = &rep, .statx_done = &statx_done,
				 .final = &final };
	struct probe_record rec = { .type = RECORD_STATX, .job = 0, .latency_ns = UINT64_MAX / 2, .mnt_id = 40 };

	/* Found by fuzz-records: a statx latency beyond the time elapsed
	 * wrapped hung_ns, and since_real_ns overflowed a signed value. */
	probe_front_apply(&f, &rec);
	ok(statx_done && !final && res.status == STATUS_OK, "statx answered, statfs awaited");
	probe_front_finish(&f, now_mono_ns());
	ok(res.status == STATUS_HUNG && (res.flags & RESULT_STATFS_HUNG), "statfs never came: hung");
	is_int(res.hung_ns, 0, "a latency past the elapsed time does not wrap");

	rec = (struct probe_record){ .type = RECORD_STATX, .job = 1 };
	probe_front_apply(&f, &rec);
	is_int(f.done, 0, "a record for a job that does not exist is ignored");
}

/* The helper waits for another process's young request on the mount. */
static void front_waiting(void)
{
	struct probe_job job = { .path = "/m", .mnt_id = 40, .dep = -1 };
	struct mount_result res = { .blocked_by = -1 };
	struct probe_report rep = {};
	bool statx_done = false, final = false;
	uint64_t since = 0, boot = now_boot_ns();
	struct probe_front f = { .jobs = &job, .n = 1, .results = &res, .report = &rep, .statx_done = &statx_done,
				 .final = &final, .waiting_since = &since };
	struct probe_record rec = { .type = RECORD_WAITING, .a = 77, .since_boot_ns = boot - 300 * NSEC_PER_MSEC,
				    .since_real_ns = 12345 };

	probe_front_apply(&f, &rec);
	ok(!statx_done && !final && f.done == 0, "waiting: not an answer");
	probe_front_finish(&f, now_mono_ns());
	ok(res.status == STATUS_HUNG && (res.flags & RESULT_PENDING_EARLIER) && res.pending_pid == 77 &&
		   res.since_real_ns == 12345,
	   "the deadline came first: hung on the request waited for");
	ok(res.hung_ns >= 300 * NSEC_PER_MSEC && res.hung_ns < 60 * NSEC_PER_SEC,
	   "hung since that request was issued");

	res = (struct mount_result){ .blocked_by = -1 };
	statx_done = false;
	probe_front_apply(&f, &rec);
	rec = (struct probe_record){ .type = RECORD_STATX, .mnt_id = 40, .latency_ns = 1000 };
	probe_front_apply(&f, &rec);
	ok(statx_done && final && res.status == STATUS_OK, "then it went: its own answer");
	ok(!(res.flags & RESULT_PENDING_EARLIER) && res.pending_pid == 0 && res.since_real_ns == 0,
	   "which names no other request");
	rec = (struct probe_record){ .type = RECORD_WAITING, .a = 78 };
	probe_front_apply(&f, &rec);
	ok(!(res.flags & RESULT_PENDING_EARLIER), "a waiting record after the answer changes nothing");
}

struct requests {
	uint32_t tokens[8];
	size_t n;
};

static void on_request(void *userdata, const struct probe_request *rq, const uint8_t *path)
{
	struct requests *r = userdata;

	if (r->n < ARRAY_SIZE(r->tokens))
		r->tokens[r->n] = rq->token + (path ? 100 * (uint32_t)(path[1] - '0') : 0);
	r->n++;
}

static void requests(void)
{
	uint8_t stream[256], buf[PROBE_REQUEST_MAX];
	struct probe_request ping = { .token = 1, .flags = PROBE_REQUEST_PING },
			     probe = { .token = 2, .key = 7, .path_len = 2 },
			     bad = { .token = 3, .path_len = PROBE_REQUEST_MAX };
	struct requests r = {};
	size_t len = 0, have;

	memcpy(stream, &ping, sizeof(ping));
	len += sizeof(ping);
	memcpy(stream + len, &probe, sizeof(probe));
	len += sizeof(probe);
	memcpy(stream + len, "/5", 2);
	len += 2;

	/* all but the path's last byte, then the rest */
	memcpy(buf, stream, len - 1);
	have = len - 1;
	is_int(probe_requests_take(buf, &have, on_request, &r), 0, "a partial request is no error");
	ok(r.n == 1 && r.tokens[0] == 1 && have == sizeof(probe) + 1, "the ping is taken, the partial request kept");
	buf[have++] = stream[len - 1];
	is_int(probe_requests_take(buf, &have, on_request, &r), 0, "the rest arrives");
	ok(r.n == 2 && r.tokens[1] == 502 && have == 0, "the request is taken with its path");

	memcpy(buf, &bad, sizeof(bad));
	have = sizeof(bad);
	is_int(probe_requests_take(buf, &have, on_request, &r), -EBADMSG, "a path longer than PATH_MAX is corrupt");
	bad.path_len = 0;
	memcpy(buf, &bad, sizeof(bad));
	have = sizeof(bad);
	is_int(probe_requests_take(buf, &have, on_request, &r), -EBADMSG, "so is an empty path");
	is_int(r.n, 2, "neither is handed out");
}

int main(void)
{
	records();
	front();
	front_waiting();
	requests();
	return tap_done();
}
