/* The df renderer: GNU df's layout, byte for byte for healthy rows (-P,
 * --output), with "-" in the number columns of an unhealthy mount and its
 * error on stderr as df reports a failed statfs. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "arena.h"
#include "cleanup.h"
#include "df.h"
#include "escape.h"
#include "macro.h"
#include "render.h"
#include "size.h"
#include "util.h"

struct df_column {
	enum df_field field;
	const char *header;
	int width;
	bool right;
};

/* Values df cannot know are all ones (or all ones but one on AIX). */
static bool known(uint64_t v)
{
	return v < UINT64_MAX - 1;
}

struct df_values {
	uint64_t from_units, to_units;
	uint64_t total, avail, used;
	bool negate_used, negate_avail;
};

static void block_values(const struct fs_usage *u, const struct df_options *o, struct df_values *v)
{
	*v = (struct df_values){ .from_units = u->frsize, .to_units = o->block_size, .total = u->blocks,
				 .avail = u->bavail, .used = UINT64_MAX };
	/* statfs reports a negative f_bavail (reserved blocks in use) as a
	 * huge unsigned number */
	v->negate_avail = (int64_t)u->bavail < 0 && known(u->bavail);
	if (known(u->blocks) && known(u->bfree)) {
		v->used = u->blocks - u->bfree;
		v->negate_used = u->blocks < u->bfree;
	}
}

static void inode_values(const struct fs_usage *u, struct df_values *v)
{
	*v = (struct df_values){ .from_units = 1, .to_units = 1, .total = u->files, .avail = u->ffree,
				 .used = UINT64_MAX };
	if (known(u->files) && known(u->ffree)) {
		v->used = u->files - u->ffree;
		v->negate_used = u->files < u->ffree;
	}
}

static const char *number(bool negative, uint64_t n, const struct df_values *v, unsigned flags, char *buf,
			  size_t sz)
{
	if (!known(n) && !negative)
		return "-";
	size_format(negative ? -n : n, flags, v->from_units, v->to_units, buf + negative, sz - 1);
	if (negative)
		buf[0] = '-';
	return buf;
}

static const char *percent(const struct df_values *v, char *buf, size_t sz)
{
	double pct = -1;

	if (!known(v->used) || !known(v->avail))
		;
	else if (!v->negate_used && v->used <= UINT64_MAX / 100 && v->used + v->avail != 0 &&
		 (v->used + v->avail < v->used) == v->negate_avail) {
		uint64_t u100 = v->used * 100, total = v->used + v->avail;
		pct = (double)(u100 / total + (u100 % total != 0));
	} else {
		double u = v->negate_used ? -(double)-v->used : (double)v->used;
		double a = v->negate_avail ? -(double)-v->avail : (double)v->avail;
		if (u + a != 0) {
			long ip;
			pct = u * 100 / (u + a);
			ip = (long)pct;
			if ((double)ip - 1 < pct && pct <= (double)ip + 1)
				pct = (double)ip + ((double)ip < pct);
		}
	}
	if (pct < 0)
		return "-";
	/* A whole number below 2^53, as it nearly always is, without
	 * snprintf(); its "%.0f" is the same digits. */
	if (pct < 9007199254740992.0 && pct == (double)(uint64_t)pct) {
		uint64_t p = (uint64_t)pct;
		char tmp[24], *q = tmp + sizeof(tmp);

		*--q = '\0';
		*--q = '%';
		do
			*--q = (char)('0' + p % 10);
		while (p /= 10);
		return memcpy(buf, q, (size_t)(tmp + sizeof(tmp) - q));
	}
	(void)snprintf(buf, sz, "%.0f%%", pct);
	return buf;
}

/* Display width as df's mbswidth(): -1 for invalid or unprintable text
 * in a multibyte locale. */
static int text_width(const char *s)
{
	mbstate_t st = {};
	size_t ascii = 0, n;
	const char *p = s;
	wchar_t *w;
	int width;

	/* Mount points are nearly always ASCII: no conversion needed. */
	while (s[ascii] && (unsigned char)s[ascii] < 0x80)
		ascii++;
	if (!s[ascii])
		return (int)ascii;
	/* A single-byte locale (C, POSIX): mbswidth() counts each byte that
	 * is no control character as one cell, whatever it means. */
	if (MB_CUR_MAX == 1) {
		for (const unsigned char *q = (const unsigned char *)s + ascii; *q; q++)
			ascii += !iscntrl(*q);
		return (int)ascii;
	}
	n = mbsrtowcs(NULL, &p, 0, &st);
	if (n == (size_t)-1)
		return -1;
	w = calloc(n + 1, sizeof(*w));
	if (!w)
		return -1;
	p = s;
	memset(&st, 0, sizeof(st));
	(void)mbsrtowcs(w, &p, n + 1, &st);
	width = wcswidth(w, n);
	free(w);
	return width;
}

static const char *header_of(enum df_field f, const struct df_options *o, char *buf, size_t sz)
{
	switch (f) {
	case DF_SOURCE:
		return "Filesystem";
	case DF_FSTYPE:
		return "Type";
	case DF_SIZE:
		if (o->mode == DF_MODE_DEFAULT || (o->mode == DF_MODE_OUTPUT && !(o->size_flags & SIZE_AUTOSCALE))) {
			char h[64];
			(void)snprintf(buf, sz, "%s-blocks", size_block_header(o->block_size, o->size_flags, h, sizeof(h)));
			return buf;
		}
		if (o->mode == DF_MODE_POSIX) {
			(void)snprintf(buf, sz, "%llu-blocks", (unsigned long long)o->block_size);
			return buf;
		}
		return "Size";
	case DF_USED:
		return "Used";
	case DF_AVAIL:
		return o->mode == DF_MODE_HUMAN || o->mode == DF_MODE_OUTPUT ? "Avail" : "Available";
	case DF_PCENT:
		return o->mode == DF_MODE_POSIX ? "Capacity" : "Use%";
	case DF_ITOTAL:
		return "Inodes";
	case DF_IUSED:
		return "IUsed";
	case DF_IAVAIL:
		return "IFree";
	case DF_IPCENT:
		return "IUse%";
	case DF_TARGET:
		return "Mounted on";
	case DF_FILE:
		return "File";
	case DF_STATUS:
		return "Status";
	case DF_LATENCY:
		return "Latency";
	case DF_ERROR:
		return "Error";
	default:
		return "?";
	}
}

static const int min_width[_DF_FIELD_MAX] = {
	[DF_SOURCE] = 14, [DF_FSTYPE] = 4, [DF_SIZE] = 5,   [DF_USED] = 5,   [DF_AVAIL] = 5,
	[DF_PCENT] = 4,	  [DF_ITOTAL] = 5, [DF_IUSED] = 5, [DF_IAVAIL] = 5, [DF_IPCENT] = 4,
};

static bool right_aligned(enum df_field f)
{
	return (f >= DF_SIZE && f <= DF_IPCENT) || f == DF_LATENCY;
}

struct df_row_in {
	const char *source, *fstype, *target, *file;
	const struct fs_usage *usage; /* NULL: "-" in every number */
	const struct mount_result *res; /* NULL for the total row */
};

/* A cell's text: the row's own strings, a constant, or buf. */
static const char *cell(enum df_field f, const struct df_row_in *in, const struct df_options *o, char *buf,
			size_t bufsz)
{
	struct df_values bv, iv;

	if (in->usage) {
		block_values(in->usage, o, &bv);
		inode_values(in->usage, &iv);
	}
	switch (f) {
	case DF_SOURCE:
	case DF_FSTYPE:
	case DF_TARGET:
		return f == DF_SOURCE ? in->source : f == DF_FSTYPE ? in->fstype : in->target;
	case DF_FILE:
		return in->file ? in->file : "-";
	case DF_SIZE:
		return in->usage ? number(false, bv.total, &bv, o->size_flags, buf, bufsz) : "-";
	case DF_USED:
		return in->usage ? number(bv.negate_used, bv.used, &bv, o->size_flags, buf, bufsz) : "-";
	case DF_AVAIL:
		return in->usage ? number(bv.negate_avail, bv.avail, &bv, o->size_flags, buf, bufsz)
				 : "-";
	case DF_PCENT:
		return in->usage ? percent(&bv, buf, bufsz) : "-";
	case DF_ITOTAL:
		return in->usage ? number(false, iv.total, &iv, o->size_flags, buf, bufsz) : "-";
	case DF_IUSED:
		return in->usage ? number(iv.negate_used, iv.used, &iv, o->size_flags, buf, bufsz) : "-";
	case DF_IAVAIL:
		return in->usage ? number(false, iv.avail, &iv, o->size_flags, buf, bufsz) : "-";
	case DF_IPCENT:
		return in->usage ? percent(&iv, buf, bufsz) : "-";
	case DF_STATUS:
		return in->res ? status_to_string(in->res->status) : "-";
	case DF_LATENCY:
		if (!in->res || !(in->res->flags & RESULT_ANSWERED))
			return "-";
		return format_duration(in->res->latency_ns, buf, bufsz);
	case DF_ERROR:
		if (!in->res || !in->res->err)
			return "-";
		return errno_name(in->res->err, buf, bufsz);
	default:
		return "?";
	}
}

struct df_table {
	struct df_column cols[_DF_FIELD_MAX];
	size_t ncols;
	char **cells; /* rows x ncols, in the arena */
	int *widths;  /* of each cell, text_width() */
	size_t nrows, alloc;
	struct arena arena;
};

static void table_free(struct df_table *t)
{
	free(t->cells);
	free(t->widths);
	arena_done(&t->arena);
}

/* Adds a row of the cells' texts, copied (and sanitized in the copy). */
static int table_add(struct df_table *t, const char *const *row)
{
	if (t->nrows == t->alloc) {
		size_t n = t->alloc ? t->alloc * 2 : 16;
		char **c = reallocarray(t->cells, n * t->ncols, sizeof(*c));
		int *w;

		if (!c)
			return -ENOMEM;
		t->cells = c;
		w = reallocarray(t->widths, n * t->ncols, sizeof(*w));
		if (!w)
			return -ENOMEM;
		t->widths = w;
		t->alloc = n;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		char *s = row[c] ? arena_dup(&t->arena, row[c]) : NULL;
		int w;

		if (!s)
			return -ENOMEM;
		escape_df_controls(s);
		w = text_width(s);
		t->cols[c].width = MAX(t->cols[c].width, w);
		t->cells[t->nrows * t->ncols + c] = s;
		t->widths[t->nrows * t->ncols + c] = w;
	}
	t->nrows++;
	return 0;
}

static void put_spaces(int n, FILE *out)
{
	static const char blank[] = "                                                                ";

	while (n > 0) {
		int k = MIN(n, (int)sizeof(blank) - 1);

		(void)fwrite_unlocked(blank, 1, (size_t)k, out);
		n -= k;
	}
}

static void table_print(const struct df_table *t, FILE *out)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			int w = t->widths[r * t->ncols + c], fill = w < 0 ? 0 : t->cols[c].width - w;

			if (c)
				(void)putc_unlocked(' ', out);
			if (t->cols[c].right)
				put_spaces(fill, out);
			(void)fputs_unlocked(s, out);
			if (c + 1 < t->ncols && !t->cols[c].right)
				put_spaces(fill, out);
		}
		(void)putc_unlocked('\n', out);
	}
}

static int add_row(struct df_table *t, const struct df_row_in *in, const struct df_options *o)
{
	const char *row[_DF_FIELD_MAX];
	char bufs[_DF_FIELD_MAX][128];

	for (size_t c = 0; c < t->ncols; c++)
		row[c] = cell(t->cols[c].field, in, o, bufs[c], sizeof(bufs[c]));
	return table_add(t, row);
}

/* autofs answers statfs with simple_statfs(): every count 0, the page
 * size as block size. */
static const struct fs_usage automount_usage = { .frsize = 4096 };

int render_df(const struct report *r, const struct df_options *o, bool all, FILE *out, FILE *err,
	      size_t *ret_shown)
{
	_cleanup_(table_free) struct df_table t = {};
	struct fs_usage total = { .frsize = 1 };
	const char *hdr[_DF_FIELD_MAX];
	char hbuf[_DF_FIELD_MAX][96];
	size_t shown = 0;
	int failed = 0, k;

	t.ncols = o->nfields;
	for (size_t c = 0; c < t.ncols; c++) {
		t.cols[c] = (struct df_column){ .field = o->fields[c], .width = min_width[o->fields[c]],
						.right = right_aligned(o->fields[c]) };
		hdr[c] = header_of(o->fields[c], o, hbuf[c], sizeof(hbuf[c]));
	}
	k = table_add(&t, hdr);
	if (k < 0)
		return k;

	for (size_t i = 0; i < r->nrows; i++) {
		const struct report_row *row = &r->rows[i];
		const struct mount_entry *m = &r->table->entries[row->mount];
		size_t from = row->usage_from >= 0 ? (size_t)row->usage_from : row->mount;
		const struct mount_result *res = &r->results[from];
		struct df_row_in in = { .source = m->source, .fstype = m->fstype,
					.target = m->target, .file = row->file, .res = res };
		bool listed = row->file != NULL;

		if (row->placeholder) {
			in.fstype = "-";
		} else if (res->flags & (RESULT_HAVE_USAGE | RESULT_AUTOMOUNT)) {
			/* An automount point shows what a statfs of the autofs
			 * file system itself says, all zeros, as df does when
			 * its statfs does not trigger the mount; no call. */
			in.usage = res->flags & RESULT_HAVE_USAGE ? &res->usage : &automount_usage;
			/* df leaves out empty file systems unless asked */
			if (in.usage->blocks == 0 && !all && !listed)
				continue;
			if (o->total) {
				total.blocks += known(in.usage->blocks) ? in.usage->blocks * in.usage->frsize : 0;
				total.bfree += known(in.usage->bfree) ? in.usage->bfree * in.usage->frsize : 0;
				total.bavail += known(in.usage->bavail) ? in.usage->bavail * in.usage->frsize : 0;
				total.files += known(in.usage->files) ? in.usage->files : 0;
				total.ffree += known(in.usage->ffree) ? in.usage->ffree : 0;
			}
		} else if (res->status == STATUS_DENIED && !listed) {
			/* df skips what it may not read when listing everything */
			if (!all)
				continue;
			in.fstype = "-";
		} else if (!status_is_healthy(res->status) || res->status == STATUS_DENIED) {
			char d[512];
			const char *what = row->file ? row->file : m->target;

			report_detail(r, from, d, sizeof(d));
			if (res->status == STATUS_HUNG || res->status == STATUS_BLOCKED)
				fprintf(err, "fsprobe: %s: %s: %s\n", what, status_to_string(res->status), d);
			else
				fprintf(err, "fsprobe: %s: %s\n", what, d);
			failed++;
		}
		k = add_row(&t, &in, o);
		if (k < 0)
			return k;
		shown++;
	}
	*ret_shown = shown;
	if (shown == 0)
		return failed;
	if (o->total) {
		bool has_source = false;
		struct df_row_in in = { .source = "total", .fstype = "-", .file = NULL, .usage = &total };

		for (size_t c = 0; c < t.ncols; c++)
			has_source |= t.cols[c].field == DF_SOURCE;
		in.target = has_source ? "-" : "total";
		k = add_row(&t, &in, o);
		if (k < 0)
			return k;
	}
	table_print(&t, out);
	return failed;
}
