/* check_disk's model: selection and figures; see disk.h. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "df.h"
#include "hashmap.h"
#include "disk.h"
#include "macro.h"
#include "util.h"

bool disk_limits_any(const struct disk_limits *l)
{
	for (size_t lv = 0; lv < _DISK_LEVEL_MAX; lv++)
		if (l->free_units[lv].set || l->free_pct[lv].set || l->free_inodes[lv].set || l->used_pct[lv].set)
			return true;
	return false;
}

void disk_options_done(struct disk_options *o)
{
	free(o->ops);
	for (char **p = o->exclude_devices; p && *p; p++)
		free(*p);
	free(o->exclude_devices);
	*o = (struct disk_options){};
}

int disk_options_add_op(struct disk_options *o, enum disk_op_kind kind, const char *arg, bool icase)
{
	if (ARRAY_RESERVE(o->ops, o->ops_cap, o->nops + 1) < 0)
		return -ENOMEM;
	o->ops[o->nops++] = (struct disk_op){
		.kind = kind,
		.arg = arg,
		.icase = icase,
		.group = o->group,
		.limits = o->limits,
	};
	return 0;
}

int disk_parse_unit(const char *name, uint64_t *ret_mult, const char **ret_shown)
{
	static const struct {
		const char *name, *alias, *shown;
		unsigned shift;
	} units[] = {
		{ "kB", "KiB", "kiB", 10 }, { "MB", "MiB", "MiB", 20 }, { "GB", "GiB", "GiB", 30 },
		{ "TB", "TiB", "TiB", 40 }, { "PB", "PiB", "PiB", 50 },
	};

	if (strcasecmp(name, "bytes") == 0) {
		*ret_mult = 1;
		*ret_shown = "B";
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (streq(name, units[i].name) || streq(name, units[i].alias)) {
			*ret_mult = UINT64_C(1) << units[i].shift;
			*ret_shown = units[i].shown;
			return 0;
		}
	return -EINVAL;
}

void disk_plan_done(struct disk_plan *p)
{
	free(p->items);
	*p = (struct disk_plan){};
}

/* check_disk's parameter list: a name is there once, and selecting it
 * again gives it the group and thresholds in force now. Names are looked
 * up by hash: every mount of a table of 60,000 is put, one by one. */
struct plan_builder {
	struct disk_plan p;
	struct hashmap by_name; /* hash of name -> index in p.items */
};

static void plan_builder_done(struct plan_builder *b)
{
	disk_plan_done(&b->p);
	hashmap_done(&b->by_name);
}

static int plan_reindex(struct plan_builder *b)
{
	hashmap_done(&b->by_name);
	if (hashmap_init(&b->by_name, MAX(b->p.n, 16U)) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < b->p.n; i++)
		if (hashmap_add(&b->by_name, hash_string(b->p.items[i].name), (ssize_t)i) < 0)
			return -ENOMEM;
	return 0;
}

static int plan_put(struct plan_builder *b, const char *name, size_t mount, const char *group,
		    const struct disk_limits *l)
{
	struct disk_plan *p = &b->p;
	struct disk_item *it = NULL;
	uint64_t h = hash_string(name);
	size_t pos = 0;
	ssize_t j;

	while (!it && (j = hashmap_next(&b->by_name, h, &pos)) >= 0)
		if (streq(p->items[j].name, name))
			it = &p->items[j];
	if (!it) {
		if (ARRAY_RESERVE(p->items, p->cap, p->n + 1) < 0 || hashmap_add(&b->by_name, h, (ssize_t)p->n) < 0)
			return -ENOMEM;
		it = &p->items[p->n++];
		*it = (struct disk_item){ .name = name };
	}
	it->mount = mount;
	it->group = group;
	it->limits = *l;
	return 0;
}

/* Every mount point of the table, each once (its top mount), as check_disk
 * adds its whole mount list where no path was selected. */
static int plan_put_all(struct plan_builder *p, const struct mount_table *t, const char *group,
			const struct disk_limits *l)
{
	for (size_t i = 0; i < t->n; i++) {
		ssize_t top = mounts_top_at(t, t->entries[i].target);
		int r = plan_put(p, t->entries[i].target, top >= 0 ? (size_t)top : i, group, l);

		if (r < 0)
			return r;
	}
	return 0;
}

static bool entry_matches(const regex_t *re, const struct mount_entry *m)
{
	return (m->source && regexec(re, m->source, 0, NULL, 0) == 0) || regexec(re, m->target, 0, NULL, 0) == 0;
}

_printf_(3, 4) static int fail(struct disk_failure *f, int state, const char *fmt, ...)
{
	va_list ap;

	f->state = state;
	va_start(ap, fmt);
	(void)vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int compile(regex_t *re, const struct disk_op *op, struct disk_failure *f)
{
	int r = regcomp(re, op->arg, REG_EXTENDED | REG_NOSUB | (op->icase ? REG_ICASE : 0));
	char buf[256];

	if (r == 0)
		return 0;
	(void)regerror(r, re, buf, sizeof(buf));
	return fail(f, 3, "Could not compile regular expression - %s", buf);
}

/* -p PATH: the mount holding it, resolved without touching a suspect
 * mount; a mount whose device is PATH comes first, as in check_disk. */
static int resolve_path(const struct disk_options *o, const struct mount_table *t, const char *name,
			ssize_t *ret, struct disk_failure *f)
{
	_cleanup_free_ char *path = NULL;
	ssize_t idx = mounts_resolve_file_path(t, name, &path), dev = -1;

	if (idx < 0 && !(o->exact && idx == -ENOENT))
		return fail(f, 2, "%s is not accessible: %s", name, strerror((int)-idx));
	for (size_t i = 0; i < t->n; i++)
		if (t->entries[i].source && streq(t->entries[i].source, name))
			dev = (ssize_t)i;
	if (dev >= 0)
		idx = dev;
	else if (idx >= 0 && o->exact && !streq(path, t->entries[idx].target))
		idx = -ENOENT;
	*ret = idx;
	return 0;
}

/* check_disk's filters, which spare grouped paths. */
static bool filtered_out(const struct disk_options *o, const struct mount_filter *flt, const struct mount_entry *m)
{
	if (o->local && !o->stat_remote && df_is_remote(m))
		return true;
	/* check_disk's exclusion list starts with iso9660, and is looked at
	 * before -N: CD-ROMs are left out, -N iso9660 or not */
	if (streq(m->fstype, "iso9660"))
		return true;
	if (mounts_type_in(flt->exclude_types, m->fstype))
		return true;
	for (char **d = o->exclude_devices; d && *d; d++)
		if ((m->source && streq(*d, m->source)) || streq(*d, m->target))
			return true;
	if (flt->types && !mounts_type_in(flt->types, m->fstype))
		return true;
	return false;
}

int disk_select(const struct disk_options *o, const struct mount_filter *flt, const struct mount_table *t,
		struct report *r, struct disk_plan *ret, struct disk_failure *f)
{
	_cleanup_(plan_builder_done) struct plan_builder b = { .p = { .o = o } };
	struct disk_plan *pp = &b.p;
	_cleanup_free_ bool *rowed = NULL;
	const char *not_found = NULL;
	bool selected = false;
	int k;

	k = report_init(r, t);
	if (k == 0)
		k = plan_reindex(&b);
	if (k < 0)
		return k;
	for (size_t i = 0; i < o->nops; i++) {
		const struct disk_op *op = &o->ops[i];
		regex_t re;
		bool found = false;
		ssize_t idx = -1;

		switch (op->kind) {
		case DISK_OP_PATH:
			k = resolve_path(o, t, op->arg, &idx, f);
			if (k < 0)
				return k;
			if (idx < 0) {
				/* check_disk says so once every option is read */
				not_found = not_found ? not_found : op->arg;
				break;
			}
			k = plan_put(&b, op->arg, (size_t)idx, op->group, &op->limits);
			if (k < 0)
				return k;
			selected = true;
			break;
		case DISK_OP_REGEX:
			k = compile(&re, op, f);
			if (k < 0)
				return k;
			for (size_t m = 0; m < t->n && k == 0; m++) {
				ssize_t top;

				if (!entry_matches(&re, &t->entries[m]))
					continue;
				found = true;
				top = mounts_top_at(t, t->entries[m].target);
				k = plan_put(&b, t->entries[m].target, top >= 0 ? (size_t)top : m, op->group, &op->limits);
			}
			regfree(&re);
			if (k < 0)
				return k;
			if (!found)
				return fail(f, 3, "Regular expression did not match any path or disk - %s", op->arg);
			selected = true;
			break;
		case DISK_OP_IGNORE: {
			size_t n = 0;

			k = compile(&re, op, f);
			if (k < 0)
				return k;
			for (size_t j = 0; j < pp->n; j++)
				if (!entry_matches(&re, &t->entries[pp->items[j].mount]))
					pp->items[n++] = pp->items[j];
			pp->n = n;
			regfree(&re);
			k = plan_reindex(&b);
			if (k < 0)
				return k;
			break;
		}
		case DISK_OP_CLEAR:
			if (!selected) {
				k = plan_put_all(&b, t, op->group, &op->limits);
				if (k < 0)
					return k;
			}
			selected = false;
			break;
		}
	}
	if (not_found)
		return fail(f, 2, "%s not found", not_found);
	if (!selected) {
		k = plan_put_all(&b, t, o->group, &o->limits);
		if (k < 0)
			return k;
	}

	/* The filters, then a report row per mount to probe. */
	rowed = calloc(MAX(t->n, 1U), sizeof(*rowed));
	if (!rowed)
		return -ENOMEM;
	{
		size_t n = 0;

		for (size_t i = 0; i < pp->n; i++) {
			struct disk_item *it = &pp->items[i];
			const struct mount_entry *m = &t->entries[it->mount];

			if (!it->group && filtered_out(o, flt, m))
				continue;
			it->health_only = !it->group && o->stat_remote && df_is_remote(m);
			pp->items[n++] = *it;
			if (!rowed[pp->items[n - 1].mount]) {
				rowed[pp->items[n - 1].mount] = true;
				k = report_add_row(r, pp->items[n - 1].mount, NULL);
				if (k < 0)
					return k;
			}
		}
		pp->n = n;
	}
	*ret = b.p;
	b.p = (struct disk_plan){};
	return 0;
}

void disk_usage_add(struct disk_usage *u, uint64_t blocks, uint64_t bfree, uint64_t bavail, uint64_t frsize,
		    uint64_t files, uint64_t ffree, uint64_t mult, bool ignore_reserved)
{
	/* As check_disk: more available than free means a broken figure */
	uint64_t avail = bavail > bfree ? 0 : bavail;
	uint64_t used = blocks >= bfree ? blocks - bfree : 0;
	uint64_t total = ignore_reserved ? used + avail : blocks;

	mult = mult ? mult : 1;
	u->used += used * frsize;
	u->avail += avail * frsize;
	u->total += total * frsize;
	u->used_units += used * frsize / mult;
	u->free_units += avail * frsize / mult;
	u->total_units += total * frsize / mult;
	u->files += files;
	u->ffree += ffree;
}

double disk_percent_used(uint64_t part, uint64_t whole)
{
	if (whole == 0)
		return -1;
	if (part <= UINT64_MAX / 100) {
		uint64_t p100 = part * 100;

		return (double)(p100 / whole + (p100 % whole != 0));
	}
	return ceil((double)part * 100 / (double)whole);
}

static int level_state(const struct disk_range *r, double value)
{
	if (threshold_disk_alerts(&r[DISK_CRIT], value))
		return 2;
	if (threshold_disk_alerts(&r[DISK_WARN], value))
		return 1;
	return 0;
}

int disk_state(const struct disk_limits *l, const struct disk_usage *u)
{
	double used_pct = disk_percent_used(u->used, u->used + u->avail);
	double used_ipct = disk_percent_used(u->files >= u->ffree ? u->files - u->ffree : 0, u->files);
	int s = 0;

	s = MAX(s, level_state(l->free_units, (double)u->free_units));
	s = MAX(s, level_state(l->free_pct, 100 - used_pct));
	s = MAX(s, level_state(l->used_pct, used_pct));
	s = MAX(s, level_state(l->free_inodes, 100 - used_ipct));
	return s;
}

double disk_perf_threshold(const struct disk_limits *l, const struct disk_usage *u, uint64_t mult, enum disk_level lv)
{
	double h = -1, total = (double)u->total;

	if (l->free_units[lv].set)
		h = total - l->free_units[lv].end * (double)mult;
	if (l->free_pct[lv].set) {
		double v = (1.0 - l->free_pct[lv].end / 100) * total;

		h = l->free_units[lv].set ? MIN(h, v) : v;
	}
	if (!l->free_units[lv].set && !l->free_pct[lv].set)
		return -1;
	/* check_disk wraps a negative one around to 2^64 - N */
	return h < 0 ? 0 : floor(h);
}

double disk_perf_inode_threshold(const struct disk_limits *l, const struct disk_usage *u, enum disk_level lv)
{
	double h;

	if (!l->free_inodes[lv].set)
		return -1;
	h = (1.0 - l->free_inodes[lv].end / 100) * (double)u->files;
	return h < 0 ? 0 : floor(h);
}
