/* The helper's result records as the front reads them: any bytes, split
 * into reads of any size, through probe_records_take() into the CLI's
 * bookkeeping (probe_front_apply/finish) and the daemon's (tracker_apply),
 * then every renderer on the results. Records come from a forked copy of
 * fsprobe, so they are trusted to be well formed; the front must still
 * not read or write out of bounds, whatever a record names, and must
 * not let a record put a value no renderer can show into a result.
 *
 * Input: the number of jobs, their want_usage bits, a seed for the read
 * sizes, then the stream. */
#include <errno.h>

#include "df.h"
#include "fuzz.h"
#include "macro.h"
#include "probe-internal.h"
#include "render.h"
#include "report.h"
#include "tracker.h"
#include "util.h"

#define JOBS_MAX 8
#define RECORDS_MAX 512

/* What the decoder handed out, to compare two splits of one stream. */
struct seen {
	struct probe_record rec[RECORDS_MAX];
	size_t n;
	struct probe_front *front;
	struct tracker *tracker;
};

static void on_record(void *userdata, const struct probe_record *rec)
{
	struct seen *s = userdata;
	struct transition tr;

	if (s->n < RECORDS_MAX)
		s->rec[s->n] = *rec;
	s->n++;
	if (s->front)
		probe_front_apply(s->front, rec);
	if (s->tracker && tracker_apply(s->tracker, rec, 5 * NSEC_PER_SEC, &tr) > 0) {
		fuzz_check(tr.idx < s->tracker->n, "transition of %zu", tr.idx);
		fuzz_check(status_to_string(tr.to), "transition to status %d", tr.to);
	}
}

/* Feeds the stream as reads of the sizes a small generator picks, into a
 * buffer as big as the front's: a read never has more room than that. */
static void feed(const uint8_t *p, size_t len, uint32_t seed, struct seen *s)
{
	uint8_t buf[sizeof(struct probe_record) * 64];
	size_t have = 0;

	while (len > 0) {
		size_t room = sizeof(buf) - have, l;

		seed = seed * 1103515245 + 12345;
		l = MIN(MIN(len, room), (size_t)(seed >> 16) % (2 * sizeof(struct probe_record)) + 1);
		fuzz_check(room > 0, "buffer full: a read of 0 would look like EOF");
		memcpy(buf + have, p, l);
		have += l;
		p += l;
		len -= l;
		probe_records_take(buf, &have, on_record, s);
		fuzz_check(have < sizeof(struct probe_record), "%zu bytes left undecoded", have);
	}
}

static void check_result(const struct mount_result *res, size_t i)
{
	char buf[64];

	fuzz_check(status_to_string(res->status), "job %zu: status %d", i, res->status);
	fuzz_check(res->status != STATUS_OK || res->err == 0, "job %zu: ok with errno %d", i, res->err);
	fuzz_check(res->err >= 0, "job %zu: errno %d", i, res->err);
	(void)errno_name(res->err, buf, sizeof(buf));
}

static void render_all(struct report *r)
{
	struct nagios_options no = { .verbose = true };
	struct table_options to = { .mode = TABLE_JSON };
	struct df_options dfo = { .enabled = true, .block_size_set = true, .block_size = 1024 };
	FILE *out = fopen("/dev/null", "w");
	size_t shown;

	if (!out)
		abort();
	(void)threshold_parse("10GB:", THRESHOLD_ALLOW_BYTES, &no.warning);
	(void)threshold_parse("95", THRESHOLD_ALLOW_PERCENT, &no.critical);
	(void)threshold_parse("90", THRESHOLD_ALLOW_PERCENT, &no.iwarning);
	fuzz_check(render_nagios(r, &no, out) >= 0, "render_nagios");
	fuzz_check(render_prom(r, 1700000000 * (int64_t)NSEC_PER_SEC, out) == 0, "render_prom");
	fuzz_check(render_table(r, &to, out) == 0, "render_table");
	to.mode = TABLE_HUMAN;
	fuzz_check(render_table(r, &to, out) == 0, "render_table");
	(void)df_finish(&dfo);
	fuzz_check(render_df(r, &dfo, true, out, out, &shown) >= 0, "render_df");
	dfo = (struct df_options){ .enabled = true, .inodes = true, .block_size_set = true, .block_size = 512 };
	(void)df_finish(&dfo);
	fuzz_check(render_df(r, &dfo, true, out, out, &shown) >= 0, "render_df -i");
	fclose(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const targets[JOBS_MAX] = { "/a", "/a/b", "/c", "/d", "/e", "/f", "/g", "/h" };
	struct fuzz_input in = { data, size };
	size_t n = fuzz_take(&in, 1) % (JOBS_MAX + 1);
	unsigned usage = (unsigned)fuzz_take(&in, 1);
	uint32_t seed = (uint32_t)fuzz_take(&in, 4);
	struct probe_job jobs[JOBS_MAX];
	struct mount_result results[JOBS_MAX];
	struct mount_entry entries[JOBS_MAX];
	struct report_row rows[JOBS_MAX];
	bool statx_done[JOBS_MAX] = {}, final[JOBS_MAX] = {}, probed[JOBS_MAX];
	uint64_t waiting_since[JOBS_MAX] = {};
	struct probe_report prep = { .engine = PROBE_ENGINE_AUTO };
	struct probe_front f = { .jobs = jobs, .n = n, .results = results, .report = &prep,
				 .statx_done = statx_done, .final = final, .waiting_since = waiting_since };
	struct mount_table table = { .entries = entries, .n = n };
	bool selected[JOBS_MAX];
	struct tracker tracker = {};
	static struct seen once, split;
	struct report rep;
	size_t finals = 0;

	for (size_t i = 0; i < n; i++) {
		jobs[i] = (struct probe_job){ .path = targets[i], .mnt_id = 40 + (int)i, .dep = i == 1 ? 0 : -1,
					      .want_usage = usage & (1U << i) };
		results[i] = (struct mount_result){ .blocked_by = -1 };
		entries[i] = (struct mount_entry){ .id = 40 + (int)i, .parent_id = i == 1 ? 40 : 1, .source = "srv:/x",
						   .target = targets[i], .fstype = "nfs4", .parent = i == 1 ? 0 : -1,
						   .suspect = true };
		rows[i] = (struct report_row){ .mount = i, .usage_from = -1 };
		probed[i] = selected[i] = true;
	}

	/* The whole stream in one read, then split: the same records. */
	once = (struct seen){};
	{
		uint8_t *copy = malloc(in.left + 1);
		size_t have = in.left;

		if (!copy)
			abort();
		memcpy(copy, in.p, in.left);
		probe_records_take(copy, &have, on_record, &once);
		fuzz_check(have == in.left % sizeof(struct probe_record), "%zu bytes kept", have);
		free(copy);
	}

	fuzz_check(tracker_sync(&tracker, &table, selected) >= 0, "tracker_sync");
	for (size_t i = 0; i < tracker.n; i++)
		tracker_issue(&tracker, i, NSEC_PER_SEC, 1700000000 * (int64_t)NSEC_PER_SEC, 2 * NSEC_PER_SEC);
	split = (struct seen){ .front = &f, .tracker = &tracker };
	feed(in.p, in.left, seed, &split);
	fuzz_check(split.n == once.n && memcmp(split.rec, once.rec, MIN(once.n, RECORDS_MAX) * sizeof(once.rec[0])) == 0,
		   "%zu records split, %zu whole", split.n, once.n);

	probe_front_finish(&f, 0);
	for (size_t i = 0; i < n; i++) {
		finals += final[i];
		check_result(&results[i], i);
	}
	fuzz_check(f.done == finals && f.done <= n, "done %zu, final %zu, jobs %zu", f.done, finals, n);
	fuzz_check(probe_engine_to_string(prep.engine), "engine %d", prep.engine);
	fuzz_check(prep.engine_err >= 0 && prep.state_err >= 0, "errno %d %d", prep.engine_err, prep.state_err);
	for (size_t i = 0; i < tracker.n; i++)
		if (tracker.v[i].used && tracker.v[i].known)
			check_result(&tracker.v[i].result, i);

	rep = (struct report){ .table = &table, .rows = rows, .nrows = n, .results = results, .probed = probed,
			       .probe = prep };
	render_all(&rep);
	tracker_done(&tracker);
	return 0;
}
