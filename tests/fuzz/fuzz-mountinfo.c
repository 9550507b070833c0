/* mounts_load() of any mountinfo text, and what fsprobe builds on it:
 * src/mountinfo.c splits and unescapes the lines (\040 and friends); the parent
 * links, over-mount flags, target lookups, selection, df's one row per
 * device, the daemon's tracker and the renderers are ours. Mount points
 * and types are attacker-chosen text (any user can mount a FUSE file
 * system with any subtype, at any path it owns), so the plugin output
 * must keep them from forging perfdata or lines, and the Prometheus text
 * must stay parseable. */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "df.h"
#include "fuzz.h"
#include "macro.h"
#include "mounts.h"
#include "render.h"
#include "report.h"
#include "tracker.h"

static int memfd = -1;
static char memfd_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc _unused_, char ***argv _unused_)
{
	memfd = memfd_create("mountinfo", MFD_CLOEXEC);
	if (memfd < 0)
		abort();
	(void)snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

static void check_table(const struct mount_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct mount_entry *m = &t->entries[i];
		bool covered = false;
		ssize_t top, at;

		fuzz_check(m->target && m->target[0] == '/' && m->fstype, "entry %zu", i);
		fuzz_check(m->parent >= -1 && m->parent < (ssize_t)t->n && m->parent != (ssize_t)i, "entry %zu: parent %zd",
			   i, m->parent);
		if (m->parent >= 0)
			fuzz_check(t->entries[m->parent].id == m->parent_id, "entry %zu: parent has id %d, not %d", i,
				   t->entries[m->parent].id, m->parent_id);
		for (size_t j = 0; j < t->n; j++)
			covered |= t->entries[j].parent == (ssize_t)i && streq(t->entries[j].target, m->target);
		fuzz_check(m->shadowed == covered, "entry %zu '%s': shadowed %d, covered %d", i, m->target, m->shadowed,
			   covered);

		/* The one on top: same target, not covered if any is not, and
		 * the last of its kind. */
		top = mounts_top_at(t, m->target);
		fuzz_check(top >= 0 && streq(t->entries[top].target, m->target), "'%s': top %zd", m->target, top);
		for (size_t j = 0; j < t->n; j++)
			if (streq(t->entries[j].target, m->target))
				fuzz_check(t->entries[top].shadowed < t->entries[j].shadowed ||
						   (t->entries[top].shadowed == t->entries[j].shadowed && (size_t)top >= j),
					   "'%s': %zd on top rather than %zu", m->target, top, j);
		at = mounts_lookup_path(t, m->target);
		fuzz_check(at == top, "'%s': lookup %zd, top %zd", m->target, at, top);
	}
}

/* Lines of the plugin output: the first holds the only '|', none holds a
 * control character, and there is one line per mount and one more. */
static void check_nagios(const char *s, size_t nmounts)
{
	size_t lines = 0, bars = 0;

	for (const char *p = s; *p; p++) {
		if (*p == '\n') {
			lines++;
			continue;
		}
		fuzz_check((unsigned char)*p >= 0x20 && *p != 0x7f, "control character %#x on line %zu:\n%s", *p,
			   lines + 1, s);
		if (*p == '|') {
			fuzz_check(lines == 0, "'|' on long output line %zu: forged perfdata:\n%s", lines + 1, s);
			bars++;
		}
	}
	fuzz_check(bars == (nmounts > 0), "%zu '|' on the first line:\n%s", bars, s);
	fuzz_check(lines == 1 + nmounts + (nmounts > 0), "%zu lines for %zu mounts:\n%s", lines, nmounts, s);
}

/* A label value: "..." with \\, \" and \n escapes only, valid UTF-8. */
static const char *prom_label_value(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if (!*p || *p == '\n')
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p != '\\' && *p != '"' && *p != 'n')
				return NULL;
		}
		p++;
	}
	return p + 1;
}

static bool name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

static void check_prom_line(const char *l)
{
	const char *p = l;

	if (l[0] == '#')
		return;
	fuzz_check(name_char(*p, true), "metric name: %s", l);
	while (name_char(*p, false))
		p++;
	if (*p == '{') {
		do {
			p++;
			fuzz_check(name_char(*p, true), "label name: %s", l);
			while (name_char(*p, false))
				p++;
			fuzz_check(*p == '=', "label: %s", l);
			p = prom_label_value(p + 1);
			fuzz_check(p, "label value: %s", l);
		} while (*p == ',');
		fuzz_check(*p == '}', "labels: %s", l);
		p++;
	}
	fuzz_check(*p == ' ' && p[1], "value: %s", l);
	for (p++; *p; p++)
		fuzz_check((*p >= '0' && *p <= '9') || *p == '.' || *p == '-', "value: %s", l);
}

static bool valid_utf8(const unsigned char *p)
{
	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;

		if (n == 0 || (n == 2 && *p < 0xc2) || (n == 4 && *p > 0xf4))
			return false;
		for (size_t k = 1; k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

static void check_prom(char *s)
{
	fuzz_check(valid_utf8((const unsigned char *)s), "invalid UTF-8:\n%s", s);
	for (char *l = s, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		fuzz_check(nl, "unterminated line: %s", l);
		*nl = '\0';
		check_prom_line(l);
	}
}

/* Every status in turn, usage for the ok ones, so every renderer shows
 * every kind of row. */
static void fake_results(struct report *r)
{
	for (size_t i = 0; i < r->table->n; i++) {
		struct mount_result *res = &r->results[i];

		*res = (struct mount_result){ .status = (enum mount_status)(i % _STATUS_MAX), .blocked_by = -1 };
		switch (res->status) {
		case STATUS_OK:
			res->flags = RESULT_ANSWERED | RESULT_HAVE_USAGE;
			res->usage = (struct fs_usage){ .frsize = 4096, .blocks = 1000 * i, .bfree = 400, .bavail = 300,
							.files = 100, .ffree = 90 };
			break;
		case STATUS_HUNG:
			res->hung_ns = 3 * NSEC_PER_SEC;
			res->since_real_ns = 1700000000 * (int64_t)NSEC_PER_SEC;
			break;
		case STATUS_BLOCKED:
			res->blocked_by = r->table->entries[i].parent >= 0 ? r->table->entries[i].parent : 0;
			break;
		default:
			res->err = i % 2 ? EIO : ESTALE;
			break;
		}
		r->probed[i] = true;
	}
}

static void render_all(const struct mount_table *t)
{
	struct mount_filter all = { .all = true };
	struct report r = {};
	struct nagios_options no = { .verbose = true };
	struct table_options to = { .mode = TABLE_JSON };
	struct df_options dfo = { .enabled = true, .block_size_set = true, .block_size = 1024 };
	char *buf = NULL;
	size_t len = 0, shown;
	FILE *out, *devnull = fopen("/dev/null", "w");

	if (!devnull)
		abort();
	fuzz_check(report_select(&r, t, &all) == 0, "report_select");
	fuzz_check(r.nrows == t->n, "-a selects %zu of %zu", r.nrows, t->n);
	r.probe.engine = PROBE_ENGINE_THREADS;
	fake_results(&r);
	(void)threshold_parse("80", THRESHOLD_ALLOW_PERCENT, &no.warning);

	out = open_memstream(&buf, &len);
	fuzz_check(out && render_nagios(&r, &no, out) >= 0, "render_nagios");
	fclose(out);
	check_nagios(buf, r.nrows);
	free(buf);

	out = open_memstream(&buf, &len);
	fuzz_check(out && render_prom(&r, 1700000000 * (int64_t)NSEC_PER_SEC, out) == 0, "render_prom");
	fclose(out);
	check_prom(buf);
	free(buf);

	fuzz_check(render_table(&r, &to, devnull) == 0, "render_table json");
	to.mode = TABLE_RAW;
	fuzz_check(render_table(&r, &to, devnull) == 0, "render_table raw");
	(void)df_finish(&dfo);
	fuzz_check(render_df(&r, &dfo, true, devnull, devnull, &shown) >= 0, "render_df");
	report_done(&r);
	fclose(devnull);
}

static void select_and_track(const struct mount_table *t)
{
	struct mount_filter def = {}, all = { .all = true };
	struct df_options dfo = { .enabled = true, .block_size_set = true, .block_size = 1024 };
	struct report r = {};
	struct tracker tr = {};
	bool *selected = calloc(MAX(t->n, 1U), sizeof(bool));

	if (!selected)
		abort();
	(void)df_finish(&dfo);
	for (int pass = 0; pass < 2; pass++) {
		fuzz_check(df_select(&r, t, pass ? &all : &def, &dfo) == 0, "df_select");
		for (size_t i = 0; i < r.nrows; i++) {
			fuzz_check(r.rows[i].mount < t->n, "df row %zu: mount %zu", i, r.rows[i].mount);
			fuzz_check(r.rows[i].usage_from < (ssize_t)t->n, "df row %zu: usage from %zd", i, r.rows[i].usage_from);
		}
		report_done(&r);
	}

	for (size_t i = 0; i < t->n; i++)
		selected[i] = mounts_filter_match(&def, &t->entries[i]);
	fuzz_check(tracker_sync(&tr, t, selected) >= 0, "tracker_sync");
	for (size_t i = 0; i < tr.n; i++) {
		ssize_t g = tracker_gate(&tr, i), blocked;

		fuzz_check(g >= -1 && g < (ssize_t)tr.n && g != (ssize_t)i, "gate of %zu: %zd", i, g);
		(void)tracker_ready(&tr, i, &blocked);
	}
	fuzz_check(tracker_sync(&tr, t, selected) == 0, "the same table again changes the tracker");
	tracker_done(&tr);
	free(selected);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mount_table t = {};
	int r;

	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	r = mounts_load(memfd_path, &t);
	if (r < 0) {
		fuzz_check(!t.entries && t.n == 0, "a failed load leaves a table behind");
		return 0;
	}
	check_table(&t);
	select_and_track(&t);
	render_all(&t);
	mounts_done(&t);
	return 0;
}
