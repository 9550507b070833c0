/* The direct printers (render-fast.c) against libsmartcols: the same
 * reports, hostile names included, printed both ways as a stream that is
 * no terminal gets them, must give the same bytes, in a UTF-8 locale and
 * in C, for the human table and JSON, with every column. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"
#include "render.h"
#include "report.h"
#include "tap.h"

/* Names a mount may carry: what mountinfo decodes can hold any byte but
 * NUL, and libsmartcols encodes some of them. */
static const char *const names[] = {
	"/mnt/plain",
	"/mnt/with space",
	"/mnt/new\nline",
	"/mnt/tab\there",
	"/mnt/esc\033[31mred",
	"/mnt/back\\slash",
	"/mnt/back\\x41slash-x",
	"/mnt/\\x",
	"/mnt/quote\"d",
	"/mnt/del\x7f",
	"/mnt/caf\xc3\xa9",
	"/mnt/\xe6\x97\xa5\xe6\x9c\xac",		/* wide characters */
	"/mnt/e\xcc\x81",				/* combining accent */
	"/mnt/bad\xff\xfeutf8",
	"/mnt/cut\xc3",
	"/mnt/c1\xc2\x85",				/* U+0085, a C1 control */
	"/mnt/zw\xe2\x80\x8b",				/* zero-width space */
	"/mnt/all\x01\x02\x03\x1f",
	"\xe2\x80\x8b",					/* nothing but zero width */
	"/mnt/very/long/path/that/is/wider/than/any/other/cell/in/the/table/by/far",
	"",
};

/* Sizes from 0 to petabytes, and statuses with and without numbers. */
static void fill(struct mount_table *t, struct mount_result *res, bool *probed, struct report *r, size_t n)
{
	static const enum mount_status st[] = { STATUS_OK, STATUS_HUNG, STATUS_DENIED, STATUS_OK, STATUS_STALE };

	for (size_t i = 0; i < n; i++) {
		const char *a = names[i % ARRAY_SIZE(names)], *b = names[(i * 7 + 3) % ARRAY_SIZE(names)];

		t->entries[i] = (struct mount_entry){ .id = 20 + (int)i * 37, .parent_id = 1, .target = a[0] ? a : "/",
						      .source = b, .fstype = i % 3 ? "tmpfs" : names[(i + 5) % 9],
						      .parent = -1, .suspect = i % 2 };
		res[i] = (struct mount_result){ .status = st[i % ARRAY_SIZE(st)], .blocked_by = -1,
						.err = i % 5 == 2 ? 13 : 0 };
		if (res[i].status == STATUS_OK) {
			res[i].flags = RESULT_ANSWERED | RESULT_HAVE_USAGE;
			res[i].latency_ns = 1000 * (i + 1) * (i + 1) * (i + 1);
			res[i].usage = (struct fs_usage){ .frsize = 4096, .blocks = (uint64_t)1 << (i * 3 % 40),
							  .bfree = i, .bavail = i / 2, .files = i * 100, .ffree = i };
		} else if (res[i].status == STATUS_HUNG) {
			res[i].hung_ns = 1500000000ULL * i;
			res[i].since_real_ns = 1700000000LL * 1000000000LL;
		}
		probed[i] = i % 4 != 3;
		r->rows[r->nrows++] = (struct report_row){ .mount = i, .usage_from = -1 };
	}
	t->n = n;
}

static char *print(const struct report *r, const struct table_options *o, enum render_via via, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*ret = render_table_via(r, o, f, via);
	fclose(f);
	return buf;
}

static void compare(const struct report *r, const struct table_options *o, const char *what)
{
	int rs, rd;
	char *s = print(r, o, RENDER_VIA_SCOLS, &rs), *d = print(r, o, RENDER_VIA_DIRECT, &rd);
	bool same = rs == 0 && rd == 0 && s && d && streq(s, d);

	ok(same, "%s: the same bytes (%zu)", what, s ? strlen(s) : 0);
	if (!same && s && d) {
		size_t i = 0;
		while (s[i] && s[i] == d[i])
			i++;
		printf("#   first difference at byte %zu: libsmartcols '%.40s' direct '%.40s'\n", i, s + i, d + i);
	}
	free(s);
	free(d);
}

int main(void)
{
	static const char *const locales[] = { "C.UTF-8", "C" };
	static const size_t counts[] = { 0, 1, 2, ARRAY_SIZE(names), 3 * ARRAY_SIZE(names) };
	const char *all = "status,latency,fstype,source,size,used,avail,use%,itotal,iused,ifree,iuse%,target,"
			  "detail,error,hung,since,id,parent,engine,file,warning";

	/* Both printers write to a memstream, never a terminal (render-table.c
	 * tells libsmartcols so), so this holds wherever the TAP goes. */
	for (size_t l = 0; l < ARRAY_SIZE(locales); l++) {
		ok(setlocale(LC_CTYPE, locales[l]) != NULL, "locale %s", locales[l]);
		for (size_t k = 0; k < ARRAY_SIZE(counts); k++) {
			size_t n = counts[k];
			struct mount_entry entries[3 * ARRAY_SIZE(names)];
			struct mount_result res[3 * ARRAY_SIZE(names)];
			bool probed[3 * ARRAY_SIZE(names)];
			struct report_row rows[3 * ARRAY_SIZE(names)];
			struct mount_table t = { .entries = entries };
			struct report r = { .table = &t, .rows = rows, .results = res, .probed = probed,
					    .probe = { .engine = PROBE_ENGINE_THREADS } };
			char what[128];

			fill(&t, res, probed, &r, n);
			for (int mode = 0; mode < 2; mode++) {
				struct table_options o = { .mode = mode ? TABLE_JSON : TABLE_HUMAN };
				const char *m = mode ? "json" : "table";

				snprintf(what, sizeof(what), "%s, %zu rows, %s, default columns", locales[l], n, m);
				compare(&r, &o, what);
				o.columns = all;
				snprintf(what, sizeof(what), "%s, %zu rows, %s, every column", locales[l], n, m);
				compare(&r, &o, what);
				o.bytes = true;
				o.noheadings = true;
				snprintf(what, sizeof(what), "%s, %zu rows, %s, bytes, no headings", locales[l], n, m);
				compare(&r, &o, what);
			}
		}
	}
	{
		struct report r = {};
		struct table_options o = { .mode = TABLE_RAW };
		int rc;
		char *s = print(&r, &o, RENDER_VIA_DIRECT, &rc);

		ok(rc == -EINVAL, "raw output has no direct printer");
		free(s);
	}
	return tap_done();
}
