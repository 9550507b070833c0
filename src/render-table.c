/* The table renderer: human table, JSON, raw and NAME="value" pairs, all
 * through libsmartcols from one column table. */
#include <errno.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arena.h"
#include "cleanup.h"
#include "escape.h"
#include "macro.h"
#include "render-fast.h"
#include "render.h"
#include "size.h"
#include "util.h"

enum {
	COL_STATUS,
	COL_LATENCY,
	COL_FSTYPE,
	COL_SOURCE,
	COL_SIZE,
	COL_USED,
	COL_AVAIL,
	COL_USEP,
	COL_ITOTAL,
	COL_IUSED,
	COL_IFREE,
	COL_IUSEP,
	COL_TARGET,
	COL_DETAIL,
	COL_ERROR,
	COL_HUNG,
	COL_SINCE,
	COL_ID,
	COL_PARENT,
	COL_ENGINE,
	COL_FILE,
	COL_WARNING,
	COL_CLIENT_OWNER_HASH,
	_COL_MAX,
};

struct colinfo {
	const char *name;
	double whint;
	int flags;
	int json_type;
	const char *help;
};

static const struct colinfo infos[_COL_MAX] = {
	[COL_STATUS] = { "STATUS", 6, 0, SCOLS_JSON_STRING,
			 "health: ok, hung, stale, disconnected, down, denied, blocked, error" },
	[COL_LATENCY] = { "LATENCY", 7, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "statx round trip (JSON: seconds)" },
	[COL_FSTYPE] = { "FSTYPE", 0.10, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "file system type" },
	[COL_SOURCE] = { "SOURCE", 0.25, 0, SCOLS_JSON_STRING, "mounted device or export" },
	[COL_SIZE] = { "SIZE", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "size (JSON: bytes)" },
	[COL_USED] = { "USED", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "used (JSON: bytes)" },
	[COL_AVAIL] = { "AVAIL", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "available (JSON: bytes)" },
	[COL_USEP] = { "USE%", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "used percentage, as df" },
	[COL_ITOTAL] = { "ITOTAL", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "inodes" },
	[COL_IUSED] = { "IUSED", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "inodes used" },
	[COL_IFREE] = { "IFREE", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "inodes free" },
	[COL_IUSEP] = { "IUSE%", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "inodes used percentage, as df" },
	[COL_TARGET] = { "TARGET", 0.30, 0, SCOLS_JSON_STRING, "mount point" },
	[COL_DETAIL] = { "DETAIL", 0.20, 0, SCOLS_JSON_STRING, "why the mount is not ok, what its warnings mean" },
	[COL_ERROR] = { "ERROR", 6, 0, SCOLS_JSON_STRING, "errno name behind the status" },
	[COL_HUNG] = { "HUNG", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "how long hung (JSON: seconds)" },
	[COL_SINCE] = { "SINCE", 19, 0, SCOLS_JSON_STRING, "hung since (local time; JSON: RFC 3339)" },
	[COL_ID] = { "ID", 4, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "mount ID" },
	[COL_PARENT] = { "PARENT", 4, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "parent mount ID" },
	[COL_ENGINE] = { "ENGINE", 7, 0, SCOLS_JSON_STRING, "probe engine that ran: uring or threads" },
	[COL_FILE] = { "FILE", 0.20, 0, SCOLS_JSON_STRING, "FILE argument that selected the mount" },
	[COL_WARNING] = { "WARNING", 0.10, 0, SCOLS_JSON_STRING,
			  "NFSv4 client warnings: hostname-only-identity, lease-churn (comma separated)" },
	[COL_CLIENT_OWNER_HASH] = { "CLIENT_OWNER_HASH", 16, 0, SCOLS_JSON_STRING,
				    "NFSv4 client owner string, SHA-256 prefix (same on two hosts: shared identity)" },
};

static const int default_human[] = { COL_STATUS, COL_LATENCY, COL_FSTYPE, COL_SOURCE, COL_SIZE,
				     COL_USED, COL_AVAIL, COL_USEP, COL_TARGET, COL_DETAIL };
static const int default_json[] = { COL_ID, COL_PARENT, COL_STATUS, COL_LATENCY, COL_ERROR, COL_HUNG,
				    COL_SINCE, COL_FSTYPE, COL_SOURCE, COL_TARGET, COL_SIZE, COL_USED,
				    COL_AVAIL, COL_USEP, COL_ITOTAL, COL_IUSED, COL_IFREE, COL_IUSEP,
				    COL_DETAIL, COL_WARNING, COL_CLIENT_OWNER_HASH, COL_ENGINE };

static int column_id(const char *name, size_t len)
{
	for (int i = 0; i < _COL_MAX; i++)
		if (strlen(infos[i].name) == len && strncasecmp(infos[i].name, name, len) == 0)
			return i;
	/* df's and findmnt's spellings of the same things */
	if (len == 4 && strncasecmp(name, "TYPE", len) == 0)
		return COL_FSTYPE;
	if (len == 5 && strncasecmp(name, "PCENT", len) == 0)
		return COL_USEP;
	return -EINVAL;
}

/* Splits list at commas into ids; returns the count or -EINVAL. */
static int parse_columns(const char *list, int *ids, size_t max, const char **ret_bad, size_t *ret_len)
{
	const char *p = list;
	size_t n = 0;

	while (*p) {
		size_t l = strcspn(p, ",");
		int id = column_id(p, l);

		if (id < 0 || n >= max) {
			if (ret_bad)
				*ret_bad = p;
			if (ret_len)
				*ret_len = l;
			return -EINVAL;
		}
		ids[n++] = id;
		p += l;
		if (*p == ',')
			p++;
	}
	return n == 0 ? -EINVAL : (int)n;
}

int render_table_check_columns(const char *list, const char **ret_bad, size_t *ret_len)
{
	int ids[64];
	int r = parse_columns(list, ids, ARRAY_SIZE(ids), ret_bad, ret_len);

	if (r == -EINVAL && ret_bad && !*list) {
		*ret_bad = list;
		*ret_len = 0;
	}
	return r < 0 ? r : 0;
}

void render_table_list_columns(FILE *out)
{
	for (int i = 0; i < _COL_MAX; i++)
		fprintf(out, " %8s  %s\n", infos[i].name, infos[i].help);
}

/* Decimal digits of v into buf (at least 21 bytes): the cells of 10,000
 * rows hold 100,000 numbers, and snprintf() was a tenth of JSON's cost. */
static char *u64_dec(uint64_t v, char *buf)
{
	char tmp[21], *p = tmp + sizeof(tmp);

	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return memcpy(buf, p, (size_t)(tmp + sizeof(tmp) - p));
}

static char *int_dec(int v, char *buf)
{
	if (v >= 0)
		return u64_dec((uint64_t)v, buf);
	buf[0] = '-';
	(void)u64_dec((uint64_t)-(int64_t)v, buf + 1);
	return buf;
}

/* LATENCY and HUNG: "1.2ms", in JSON seconds with the given decimals. */
static const char *duration_cell(uint64_t ns, bool json, int decimals, char *buf, size_t bufsz)
{
	if (json)
		(void)snprintf(buf, bufsz, "%.*f", decimals, (double)ns / NSEC_PER_SEC);
	else
		format_duration(ns, buf, bufsz);
	return buf;
}

/* USE% and IUSE%: "42%", 42 in JSON; "-" (JSON: null) where df shows none. */
static const char *percent_cell(int pct, bool json, char *buf)
{
	if (pct < 0)
		return json ? NULL : "-";
	(void)int_dec(pct, buf);
	if (!json)
		strcat(buf, "%");
	return buf;
}

/* A cell's text, NULL when empty: a string of the report's, a constant,
 * or buf. */
static const char *cell(const struct report *r, const struct report_row *row, int col, bool json, bool bytes,
			char *buf, size_t bufsz)
{
	const struct mount_entry *m = &r->table->entries[row->mount];
	const struct mount_result *res = &r->results[row->mount];
	bool usage = res->flags & RESULT_HAVE_USAGE;
	uint64_t v = 0;

	switch (col) {
	case COL_STATUS:
		return status_to_string(res->status);
	case COL_LATENCY:
		if (!(res->flags & RESULT_ANSWERED))
			return NULL;
		return duration_cell(res->latency_ns, json, 6, buf, bufsz);
	case COL_FSTYPE:
		return m->fstype;
	case COL_SOURCE:
		return m->source;
	case COL_TARGET:
		return m->target;
	case COL_FILE:
		return row->file;
	case COL_DETAIL:
		/* Why a mount is not ok; for a healthy one, what its warnings
		 * mean. An unhealthy mount's detail stays what is wrong (scripts
		 * match it); its warnings are in WARNING. */
		if (status_is_healthy(res->status) && r->nfs && r->nfs[row->mount].warnings &&
		    !report_detail(r, row->mount, buf, bufsz)[0])
			nfs_health_describe(&r->nfs[row->mount], buf, bufsz);
		else
			report_detail(r, row->mount, buf, bufsz);
		return buf[0] ? buf : NULL;
	case COL_WARNING:
		if (!r->nfs || !r->nfs[row->mount].warnings)
			return NULL;
		return nfs_warnings_format(r->nfs[row->mount].warnings, buf, bufsz);
	case COL_CLIENT_OWNER_HASH:
		if (!r->nfs || !r->nfs[row->mount].checked || !r->nfs[row->mount].owner_hash[0])
			return NULL;
		return r->nfs[row->mount].owner_hash;
	case COL_ERROR:
		return res->err ? errno_name(res->err, buf, bufsz) : NULL;
	case COL_HUNG:
		if (res->status != STATUS_HUNG)
			return NULL;
		return duration_cell(res->hung_ns, json, 3, buf, bufsz);
	case COL_SINCE:
		if (res->status != STATUS_HUNG || !res->since_real_ns)
			return NULL;
		return json ? format_time_rfc3339(res->since_real_ns, buf, bufsz)
				   : format_time(res->since_real_ns, buf, bufsz);
	case COL_ID:
		return int_dec(m->id, buf);
	case COL_PARENT:
		return int_dec(m->parent_id, buf);
	case COL_ENGINE:
		return r->probed[row->mount] ? probe_engine_to_string(r->probe.engine) : NULL;
	case COL_USEP:
		if (!usage)
			return NULL;
		return percent_cell(size_percent(usage_used_bytes(&res->usage) / MAX(res->usage.frsize, 1U),
						 res->usage.bavail),
				    json, buf);
	case COL_ITOTAL:
	case COL_IUSED:
	case COL_IFREE:
		if (!usage)
			return NULL;
		v = col == COL_ITOTAL ? res->usage.files
		  : col == COL_IFREE  ? res->usage.ffree
				      : usage_used_inodes(&res->usage);
		return u64_dec(v, buf);
	case COL_IUSEP:
		if (!usage)
			return NULL;
		return percent_cell(size_percent(usage_used_inodes(&res->usage), res->usage.ffree), json, buf);
	case COL_SIZE:
	case COL_USED:
	case COL_AVAIL:
		if (!usage)
			return NULL;
		v = col == COL_SIZE ? usage_size_bytes(&res->usage)
		  : col == COL_USED ? usage_used_bytes(&res->usage)
				    : usage_avail_bytes(&res->usage);
		if (json || bytes)
			return u64_dec(v, buf);
		size_human(v, 1024, buf, bufsz);
		return buf;
	}
	return NULL;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(struct libscols_table *, scols_unref_table);

/* Through libsmartcols: a terminal (its width reduction and wrapping),
 * raw and NAME="value" output. */
static int print_scols(const struct table_options *o, const int *ids, size_t ncols, const char *const *cells, size_t nrows,
		       FILE *out)
{
	_cleanup_(scols_unref_tablep) struct libscols_table *tb = NULL;
	bool json = o->mode == TABLE_JSON;

	tb = scols_new_table();
	if (!tb)
		return -ENOMEM;
	scols_table_set_stream(tb, out);
	/* A terminal is the stream written to, not whatever fd 1 is (a
	 * memstream is never one): the layout follows what the bytes meet. */
	scols_table_set_termforce(tb, isatty(fileno(out)) ? SCOLS_TERMFORCE_ALWAYS : SCOLS_TERMFORCE_NEVER);
	scols_table_enable_json(tb, json);
	scols_table_enable_raw(tb, o->mode == TABLE_RAW);
	scols_table_enable_export(tb, o->mode == TABLE_PAIRS);
	scols_table_enable_noheadings(tb, o->noheadings);
	if (json)
		scols_table_set_name(tb, "mounts");

	for (size_t c = 0; c < ncols; c++) {
		const struct colinfo *ci = &infos[ids[c]];
		struct libscols_column *cl = scols_table_new_column(tb, ci->name, ci->whint, ci->flags);

		if (!cl)
			return -ENOMEM;
		if (json)
			scols_column_set_json_type(cl, ci->json_type);
	}
	for (size_t i = 0; i < nrows; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			return -ENOMEM;
		for (size_t c = 0; c < ncols; c++) {
			const char *v = cells[i * ncols + c];

			if (v && scols_line_set_data(ln, c, v) < 0)
				return -ENOMEM;
		}
	}
	return scols_print_table(tb);
}

static int print_direct(const struct table_options *o, const int *ids, size_t ncols, const char *const *cells,
			size_t nrows,
			FILE *out)
{
	struct fast_column cols[64];

	for (size_t c = 0; c < ncols; c++) {
		const struct colinfo *ci = &infos[ids[c]];

		cols[c] = (struct fast_column){ .name = ci->name,
						.width_hint = ci->whint,
						.right = ci->flags & SCOLS_FL_RIGHT,
						.number = ci->json_type == SCOLS_JSON_NUMBER };
	}
	if (o->mode == TABLE_JSON)
		return render_fast_json("mounts", cols, ncols, cells, nrows, out);
	return render_fast_aligned(cols, ncols, cells, nrows, o->noheadings, out);
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

int render_table_via(const struct report *r, const struct table_options *o, FILE *out, enum render_via via)
{
	bool json = o->mode == TABLE_JSON;
	_cleanup_free_ const char **cells = NULL;
	_cleanup_(arena_done) struct arena arena = {};
	int ids[64], k = 0;
	size_t ncols, n;
	char buf[4096];

	if (o->columns) {
		k = parse_columns(o->columns, ids, ARRAY_SIZE(ids), NULL, NULL);
		if (k < 0)
			return k;
		ncols = (size_t)k;
	} else if (json) {
		memcpy(ids, default_json, sizeof(default_json));
		ncols = ARRAY_SIZE(default_json);
	} else {
		memcpy(ids, default_human, sizeof(default_human));
		ncols = ARRAY_SIZE(default_human);
	}
	/* A terminal gets libsmartcols' own layout (print_scols tells it
	 * the stream is one); anything else the same bytes, printed directly. */
	if (via == RENDER_VIA_AUTO)
		via = json || (o->mode == TABLE_HUMAN && !isatty(fileno(out))) ? RENDER_VIA_DIRECT
										 : RENDER_VIA_SCOLS;
	if (via == RENDER_VIA_DIRECT && o->mode != TABLE_JSON && o->mode != TABLE_HUMAN)
		return -EINVAL;

	n = r->nrows * ncols;
	cells = calloc(MAX(n, 1U), sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	for (size_t i = 0; i < r->nrows; i++)
		for (size_t c = 0; c < ncols; c++) {
			const char *v = cell(r, &r->rows[i], ids[c], json, o->bytes, buf, sizeof(buf));

			if (v && json && !is_ascii(v)) {
				/* JSON must be UTF-8; a mount point need not be. */
				_cleanup_free_ char *clean = utf8_sanitized_dup(v);

				v = clean ? arena_dup(&arena, clean) : NULL;
				if (!v)
					return -ENOMEM;
			} else if (v == buf) {
				/* cell()'s buffer is the next cell's too */
				v = arena_dup(&arena, buf);
				if (!v)
					return -ENOMEM;
			}
			cells[i * ncols + c] = v;
		}
	return via == RENDER_VIA_DIRECT ? print_direct(o, ids, ncols, cells, r->nrows, out)
					: print_scols(o, ids, ncols, cells, r->nrows, out);
}

int render_table(const struct report *r, const struct table_options *o, FILE *out)
{
	return render_table_via(r, o, out, RENDER_VIA_AUTO);
}
