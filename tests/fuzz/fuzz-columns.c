/* render_table_check_columns() (-o, --columns): it accepts exactly the
 * lists render_table() can print, and a refused list names a piece of
 * itself. Every accepted list is printed, in every mode, for a report of
 * two mounts, one ok and one hung. The first byte picks the mode. */
#include <errno.h>

#include "fuzz.h"
#include "render.h"

static struct mount_entry entries[2] = {
	{ .id = 40, .parent_id = 1, .source = "srv:/export", .target = "/srv/data", .fstype = "nfs4", .parent = -1 },
	{ .id = 41, .parent_id = 1, .source = "me@host:/", .target = "/mnt/box", .fstype = "fuse.sshfs", .parent = -1 },
};
static struct mount_result results[2] = {
	{ .status = STATUS_OK, .flags = RESULT_ANSWERED | RESULT_HAVE_USAGE, .latency_ns = 1234567,
	  .usage = { .frsize = 4096, .blocks = 1000, .bfree = 400, .bavail = 300, .files = 100, .ffree = 90 },
	  .blocked_by = -1 },
	{ .status = STATUS_HUNG, .hung_ns = 2000000000, .since_real_ns = 1700000000000000000, .blocked_by = -1 },
};
static bool probed[2] = { true, true };
static struct report_row rows[2] = { { .mount = 0, .usage_from = -1 }, { .mount = 1, .usage_from = -1 } };
static struct mount_table table = { .entries = entries, .n = 2 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct table_options o = { .mode = (enum table_mode)(fuzz_take(&in, 1) % 4) };
	struct report rep = { .table = &table, .rows = rows, .nrows = 2, .results = results, .probed = probed,
			      .probe = { .engine = PROBE_ENGINE_URING } };
	char *s = fuzz_string(in.p, in.left);
	const char *bad = NULL;
	size_t len = 0;
	int r = render_table_check_columns(s, &bad, &len), k;
	FILE *out;

	fuzz_check(r == 0 || r == -EINVAL, "'%s': r=%d", s, r);
	if (r < 0)
		fuzz_check(bad >= s && bad + len <= s + strlen(s), "'%s': bad name outside the list", s);

	out = fopen("/dev/null", "w");
	if (!out)
		abort();
	o.columns = s;
	o.bytes = in.left & 1;
	k = render_table(&rep, &o, out);
	fuzz_check((k == -EINVAL) == (r < 0), "'%s': checked %d, rendered %d", s, r, k);
	fuzz_check(r < 0 || k == 0, "'%s': rendering failed: %d", s, k);
	fclose(out);
	free(s);
	return 0;
}
