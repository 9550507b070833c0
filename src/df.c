/* GNU df compatibility: modes, fields, selection; see df.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "df.h"
#include "hashmap.h"
#include "macro.h"
#include "size.h"

static const char *const field_names[_DF_FIELD_MAX] = {
	[DF_SOURCE] = "source", [DF_FSTYPE] = "fstype", [DF_SIZE] = "size",	  [DF_USED] = "used",
	[DF_AVAIL] = "avail",	[DF_PCENT] = "pcent",	[DF_ITOTAL] = "itotal",	  [DF_IUSED] = "iused",
	[DF_IAVAIL] = "iavail", [DF_IPCENT] = "ipcent", [DF_TARGET] = "target",	  [DF_FILE] = "file",
	[DF_STATUS] = "status", [DF_LATENCY] = "latency", [DF_ERROR] = "error",
};

/* --output without a list: df's fields in df's order. */
static const enum df_field all_fields[] = {
	DF_SOURCE, DF_FSTYPE, DF_ITOTAL, DF_IUSED, DF_IAVAIL, DF_IPCENT,
	DF_SIZE,   DF_USED,   DF_AVAIL,	 DF_PCENT, DF_FILE,   DF_TARGET,
};

enum df_field df_field_from_string(const char *s, size_t len)
{
	for (int i = 0; i < _DF_FIELD_MAX; i++)
		if (strlen(field_names[i]) == len && strncmp(field_names[i], s, len) == 0)
			return (enum df_field)i;
	return _DF_FIELD_INVALID;
}

static int add_field(struct df_options *o, enum df_field f)
{
	for (size_t i = 0; i < o->nfields; i++)
		if (o->fields[i] == f)
			return -EEXIST;
	if (o->nfields >= _DF_FIELD_MAX)
		return -E2BIG;
	o->fields[o->nfields++] = f;
	return 0;
}

int df_parse_output(struct df_options *o, const char *list, const char **ret_bad, size_t *ret_len)
{
	const char *p = list;

	o->output = true;
	for (;;) {
		size_t l = strcspn(p, ",");
		enum df_field f = df_field_from_string(p, l);
		int r = f < 0 ? -EINVAL : add_field(o, f);

		if (r < 0) {
			*ret_bad = p;
			*ret_len = l;
			return r;
		}
		if (!p[l])
			return 0;
		p += l + 1;
	}
}

static void set_fields(struct df_options *o, const enum df_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)add_field(o, f[i]);
}

int df_finish(struct df_options *o)
{
	if (!o->block_size_set) {
		const char *env = getenv("DF_BLOCK_SIZE");

		if (!env)
			env = getenv("BLOCK_SIZE");
		if (!env)
			env = getenv("BLOCKSIZE");
		o->size_flags = 0;
		o->block_size = (o->posix || !env) && getenv("POSIXLY_CORRECT") ? 512 : 1024;
		if (!o->posix && env && size_parse_block_size(env, &o->block_size, &o->size_flags) < 0) {
			/* df falls back to the default for a bad variable */
			o->block_size = getenv("POSIXLY_CORRECT") ? 512 : 1024;
			o->size_flags = 0;
		}
	}

	if (o->output) {
		o->mode = DF_MODE_OUTPUT;
		if (o->nfields == 0)
			set_fields(o, all_fields, ARRAY_SIZE(all_fields));
		return 0;
	}
	if (o->inodes)
		o->mode = DF_MODE_INODES;
	else if (o->size_flags & SIZE_AUTOSCALE)
		o->mode = DF_MODE_HUMAN;
	else if (o->posix)
		o->mode = DF_MODE_POSIX;
	else
		o->mode = DF_MODE_DEFAULT;

	(void)add_field(o, DF_SOURCE);
	if (o->print_type)
		(void)add_field(o, DF_FSTYPE);
	if (o->mode == DF_MODE_INODES) {
		static const enum df_field f[] = { DF_ITOTAL, DF_IUSED, DF_IAVAIL, DF_IPCENT };
		set_fields(o, f, ARRAY_SIZE(f));
	} else {
		static const enum df_field f[] = { DF_SIZE, DF_USED, DF_AVAIL, DF_PCENT };
		set_fields(o, f, ARRAY_SIZE(f));
	}
	(void)add_field(o, DF_TARGET);
	/* Only -P and --output promise df's exact bytes; the human layouts
	 * carry the health of each row too. */
	if (!o->posix) {
		(void)add_field(o, DF_STATUS);
		o->status_column = true;
	}
	return 0;
}

bool df_is_dummy(const struct mount_entry *m)
{
	static const char *const dummy[] = {
		"autofs", "proc",   "subfs",	  "debugfs", "devpts", "fusectl", "fuse.portal",
		"mqueue", "rpc_pipefs", "sysfs", "devfs",   "kernfs", "ignore",  "none",
	};

	for (size_t i = 0; i < ARRAY_SIZE(dummy); i++)
		if (streq(m->fstype, dummy[i]))
			return true;
	return false;
}

bool df_is_remote(const struct mount_entry *m)
{
	const char *s = m->source;

	return strchr(s, ':') ||
	       (s[0] == '/' && s[1] == '/' &&
		(streq(m->fstype, "smbfs") || streq(m->fstype, "smb3") || streq(m->fstype, "cifs"))) ||
	       streq(s, "-hosts");
}

static bool wanted(const struct mount_entry *m, const struct mount_filter *f, const struct df_options *o)
{
	if (o->local && df_is_remote(m))
		return false;
	if (df_is_dummy(m) && !f->all)
		return false;
	if (f->types && !mounts_type_in(f->types, m->fstype))
		return false;
	if (f->exclude_types && mounts_type_in(f->exclude_types, m->fstype))
		return false;
	return true;
}

/* The mount a stat() of m's mount point would reach: the one on top. */
static size_t top_of(const struct mount_table *t, size_t m)
{
	ssize_t top = mounts_top_at(t, t->entries[m].target);

	return top >= 0 ? (size_t)top : m;
}

/* -a: every entry, but one whose mount point now leads to a different
 * device's entry shows placeholders, as df does after its stat(). */
static int select_all(struct report *r, const struct mount_table *t, const struct mount_filter *f,
		      const struct df_options *o)
{
	_cleanup_free_ ssize_t *last_of = calloc(MAX(t->n, 1U), sizeof(ssize_t));
	_cleanup_(hashmap_done) struct hashmap last_by_dev = {};
	int k;

	/* For each device as stat() would see it, the last wanted entry on
	 * it: df's "seen_last" after its pass over the whole list. */
	if (!last_of || hashmap_init(&last_by_dev, t->n) < 0)
		return -ENOMEM;
	for (size_t j = 0; j < t->n; j++) {
		dev_t dev = t->entries[top_of(t, j)].devno;
		size_t pos = 0;
		ssize_t hit = hashmap_next(&last_by_dev, dev, &pos);

		last_of[j] = -1;
		if (!wanted(&t->entries[j], f, o))
			continue;
		if (hit >= 0)
			hashmap_set_at(&last_by_dev, pos, (ssize_t)j);
		else if ((k = hashmap_add(&last_by_dev, dev, (ssize_t)j)) < 0)
			return k;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct mount_entry *m = &t->entries[i];
		size_t top, pos = 0;
		ssize_t last;

		if (!wanted(m, f, o))
			continue;
		k = report_add_row(r, i, NULL);
		if (k < 0)
			return k;
		top = top_of(t, i);
		last = hashmap_next(&last_by_dev, t->entries[top].devno, &pos);
		if (last >= 0 && !streq(t->entries[last].source, m->source) &&
		    !(df_is_remote(&t->entries[last]) && df_is_remote(m)))
			r->rows[r->nrows - 1].placeholder = true;
		else if (top != i)
			r->rows[r->nrows - 1].usage_from = (ssize_t)top;
	}
	return 0;
}

int df_select(struct report *r, const struct mount_table *t, const struct mount_filter *f,
	      const struct df_options *o)
{
	_cleanup_(hashmap_done) struct hashmap row_by_dev = {};
	int k = report_init(r, t);

	if (k < 0)
		return k;
	if (f->all)
		return select_all(r, t, f, o);
	/* device -> its latest row, df's "seen_last" */
	k = hashmap_init(&row_by_dev, t->n);
	if (k < 0)
		return k;

	for (size_t i = 0; i < t->n; i++) {
		/* A hidden mount's path leads to the one on top, whose device
		 * and numbers df would see: treat it as that one. */
		size_t mi = top_of(t, i);
		const struct mount_entry *m = &t->entries[mi];
		ssize_t seen;
		size_t pos = 0;

		if (!wanted(&t->entries[i], f, o))
			continue;
		seen = hashmap_next(&row_by_dev, m->devno, &pos);
		if (seen < 0) {
			k = report_add_row(r, mi, NULL);
			if (k >= 0)
				k = hashmap_add(&row_by_dev, m->devno, (ssize_t)r->nrows - 1);
		} else {
			const struct mount_entry *s = &t->entries[r->rows[seen].mount];
			bool nearer_root = strlen(s->target) > strlen(m->target);
			bool below_root = s->root && m->root && strlen(s->root) < strlen(m->root);

			if (s == m)
				continue;
			if (!o->total && df_is_remote(m) && df_is_remote(s) && !streq(s->source, m->source)) {
				k = report_add_row(r, mi, NULL); /* distinct exports: keep both */
				hashmap_set_at(&row_by_dev, pos, (ssize_t)r->nrows - 1);
			} else if ((strchr(m->source, '/') && !strchr(s->source, '/')) || (nearer_root && !below_root) ||
				 (!streq(s->source, m->source) && streq(m->target, s->target)))
				r->rows[seen].mount = mi;
			else
				continue;
		}
		if (k < 0)
			return k;
	}
	return 0;
}
