/* The Nagios/Icinga plugin output, as the monitoring-plugins guidelines
 * lay it out: a short first line "FSPROBE STATE - summary | perfdata",
 * then one long-output line per mount that made the state (every mount
 * with verbose). Decides the plugin state from the report and the
 * thresholds. Never touches a mount and never prints anywhere but out. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "disk.h"
#include "escape.h"
#include "macro.h"
#include "perfdata.h"
#include "render.h"
#include "size.h"
#include "util.h"

/* The first line must stay short (it is what a status page shows): name
 * this many mounts there, the long output has them all. */
#define SUMMARY_MOUNTS_MAX 3

static const char *const state_names[] = {
	[NAGIOS_OK] = "OK",
	[NAGIOS_WARNING] = "WARNING",
	[NAGIOS_CRITICAL] = "CRITICAL",
	[NAGIOS_UNKNOWN] = "UNKNOWN",
};

/* What one mount contributes. */
struct verdict {
	size_t mount;
	enum nagios_state state;
	bool unhealthy;	      /* its status, not a threshold, made it CRITICAL */
	bool have_space;      /* percent used is defined */
	bool have_inodes;
	double pct, ipct;     /* percent used, exact, for the thresholds */
	int df_pct, df_ipct;  /* the same rounded up as df shows it */
	uint64_t avail;	      /* bytes available */
	bool space_alert, inode_alert;
	unsigned warnings;    /* NFSv4 client warnings (nfs-health.h) */
};

static bool space_alerts(const struct threshold *t, const struct verdict *v)
{
	if (!t->set || !v->have_space)
		return false;
	return threshold_alerts(t, t->kind == THRESHOLD_BYTES ? (double)v->avail : v->pct);
}

static bool inode_alerts(const struct threshold *t, const struct verdict *v)
{
	return t->set && v->have_inodes && threshold_alerts(t, v->ipct);
}

static struct verdict judge_usage(const struct report *r, size_t mount, const struct nagios_options *o)
{
	const struct mount_result *res = &r->results[mount];
	const struct fs_usage *u = &res->usage;
	struct verdict v = { .mount = mount, .state = NAGIOS_OK };
	bool crit, warn;

	if (!status_is_healthy(res->status)) {
		v.state = NAGIOS_CRITICAL;
		v.unhealthy = true;
		return v;
	}
	if (res->status != STATUS_OK || !(res->flags & RESULT_HAVE_USAGE))
		return v;

	/* Percent used as df computes it: used / (used + available), so the
	 * blocks reserved for root count neither way. */
	{
		uint64_t used = usage_used_blocks(u);

		v.avail = usage_avail_bytes(u);
		if (used + u->bavail > 0) {
			v.have_space = true;
			v.pct = (double)used * 100.0 / (double)(used + u->bavail);
			v.df_pct = size_percent(used, u->bavail);
		}
	}
	if (u->files > 0) {
		uint64_t iused = usage_used_inodes(u);

		v.have_inodes = true;
		v.ipct = (double)iused * 100.0 / (double)u->files;
		v.df_ipct = size_percent(iused, u->ffree);
	}
	crit = space_alerts(&o->critical, &v) || inode_alerts(&o->icritical, &v);
	warn = space_alerts(&o->warning, &v) || inode_alerts(&o->iwarning, &v);
	v.space_alert = space_alerts(&o->critical, &v) || space_alerts(&o->warning, &v);
	v.inode_alert = inode_alerts(&o->icritical, &v) || inode_alerts(&o->iwarning, &v);
	v.state = crit ? NAGIOS_CRITICAL : warn ? NAGIOS_WARNING : NAGIOS_OK;
	return v;
}

/* The status and thresholds, then the NFSv4 warnings: a healthy mount
 * with one is WARNING at least, an unhealthy one stays CRITICAL. */
static struct verdict judge(const struct report *r, size_t mount, const struct nagios_options *o)
{
	struct verdict v = judge_usage(r, mount, o);

	v.warnings = r->nfs ? r->nfs[mount].warnings : 0;
	if (v.warnings)
		v.state = MAX(v.state, NAGIOS_WARNING);
	return v;
}

/* One verdict per distinct mount, in row order: two FILE arguments on the
 * same mount are one mount to a monitoring system. */
static int judge_all(const struct report *r, const struct nagios_options *o, struct verdict **ret, size_t *ret_n)
{
	_cleanup_free_ struct verdict *v = NULL;
	_cleanup_free_ bool *seen = NULL;
	size_t n = 0;

	if (!r->table || r->nrows == 0) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	v = calloc(r->nrows, sizeof(*v));
	seen = calloc(MAX(r->table->n, 1U), sizeof(*seen));
	if (!v || !seen)
		return -ENOMEM;
	for (size_t i = 0; i < r->nrows; i++) {
		size_t m = r->rows[i].mount;

		if (r->rows[i].placeholder || seen[m])
			continue;
		seen[m] = true;
		v[n++] = judge(r, m, o);
	}
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

static enum nagios_state fsprobe_state(const struct report *r, const struct nagios_options *o)
{
	_cleanup_free_ struct verdict *v = NULL;
	enum nagios_state s = NAGIOS_OK;
	size_t n = 0;

	if (judge_all(r, o, &v, &n) < 0)
		return NAGIOS_UNKNOWN;
	for (size_t i = 0; i < n; i++)
		s = MAX(s, v[i].state);
	return s;
}

static const char *target_of(const struct report *r, size_t m)
{
	return r->table->entries[m].target;
}

/* "hung 3.0s", "stale", "error EIO": the status with what tells most. */
static void put_status(FILE *out, const struct report *r, size_t m)
{
	const struct mount_result *res = &r->results[m];
	char buf[64];

	fputs(status_to_string(res->status), out);
	if (res->status == STATUS_HUNG) {
		if (res->hung_ns < 60 * NSEC_PER_SEC)
			fprintf(out, " %.1fs", (double)res->hung_ns / NSEC_PER_SEC);
		else
			fprintf(out, " %s", format_duration(res->hung_ns, buf, sizeof(buf)));
	} else if (res->status == STATUS_ERROR && res->err)
		fprintf(out, " %s", errno_name(res->err, buf, sizeof(buf)));
}

/* "85% used", "1.2G free", "inodes 97% used": what crossed a threshold. */
static void put_alerts(FILE *out, const struct verdict *v, const struct nagios_options *o)
{
	bool bytes = (o->critical.set && o->critical.kind == THRESHOLD_BYTES) ||
		     (o->warning.set && o->warning.kind == THRESHOLD_BYTES);
	char buf[32];

	if (v->space_alert) {
		if (bytes)
			fprintf(out, "%s free", size_human(v->avail, 1024, buf, sizeof(buf)));
		else
			fprintf(out, "%d%% used", v->df_pct);
	}
	if (v->inode_alert)
		fprintf(out, "%sinodes %d%% used", v->space_alert ? ", " : "", v->df_ipct);
}

static void put_summary(FILE *out, const struct report *r, const struct verdict *v, size_t n,
			const struct nagios_options *o)
{
	size_t unhealthy = 0, alerting = 0, warned = 0, denied = 0, shown;

	for (size_t i = 0; i < n; i++) {
		unhealthy += v[i].unhealthy;
		alerting += !v[i].unhealthy && (v[i].space_alert || v[i].inode_alert);
		warned += !v[i].unhealthy && v[i].warnings;
		denied += r->results[v[i].mount].status == STATUS_DENIED;
	}
	if (n == 0) {
		fputs("no mounts selected", out);
		return;
	}
	if (unhealthy == 0 && alerting == 0 && warned == 0) {
		fprintf(out, "%zu mount%s ok", n - denied, n - denied == 1 ? "" : "s");
		if (denied > 0)
			fprintf(out, ", %zu denied (not probed)", denied);
		return;
	}
	if (unhealthy > 0) {
		fprintf(out, "%zu of %zu mount%s unhealthy: ", unhealthy, n, n == 1 ? "" : "s");
		shown = 0;
		for (size_t i = 0; i < n && shown < SUMMARY_MOUNTS_MAX; i++) {
			if (!v[i].unhealthy)
				continue;
			fputs(shown++ ? ", " : "", out);
			escape_nagios_text(out, target_of(r, v[i].mount));
			fputc(' ', out);
			put_status(out, r, v[i].mount);
		}
		if (unhealthy > shown)
			fprintf(out, ", %zu more", unhealthy - shown);
	}
	if (alerting > 0) {
		if (unhealthy > 0)
			fprintf(out, "; %zu over a threshold: ", alerting);
		else
			fprintf(out, "%zu of %zu mount%s over a threshold: ", alerting, n, n == 1 ? "" : "s");
		shown = 0;
		/* the critical ones first: they are what pages someone */
		for (int pass = NAGIOS_CRITICAL; pass >= NAGIOS_WARNING; pass--)
			for (size_t i = 0; i < n && shown < SUMMARY_MOUNTS_MAX; i++) {
				if (v[i].unhealthy || !(v[i].space_alert || v[i].inode_alert) ||
				    (int)v[i].state != pass)
					continue;
				fputs(shown++ ? ", " : "", out);
				escape_nagios_text(out, target_of(r, v[i].mount));
				fputc(' ', out);
				put_alerts(out, &v[i], o);
			}
		if (alerting > shown)
			fprintf(out, ", %zu more", alerting - shown);
	}
	if (warned > 0) {
		char w[64];

		if (unhealthy > 0 || alerting > 0)
			fprintf(out, "; %zu with warnings: ", warned);
		else
			fprintf(out, "%zu of %zu mount%s with warnings: ", warned, n, n == 1 ? "" : "s");
		shown = 0;
		for (size_t i = 0; i < n && shown < SUMMARY_MOUNTS_MAX; i++) {
			if (v[i].unhealthy || !v[i].warnings)
				continue;
			fputs(shown++ ? ", " : "", out);
			escape_nagios_text(out, target_of(r, v[i].mount));
			fputc(' ', out);
			fputs(nfs_warnings_format(v[i].warnings, w, sizeof(w)), out);
		}
		if (warned > shown)
			fprintf(out, ", %zu more", warned - shown);
	}
}

/* -0 would print as "-0". */
static double unsigned_zero(double x)
{
	return x == 0 ? 0 : x;
}

/* The space threshold as a range on used bytes, the value perfdata
 * carries (as check_disk's): percent used scales by used + available,
 * bytes available turn around. "" where no range on used bytes says it:
 * '@' ranges, which Monitoring::Plugin cannot read in perfdata either. */
static void perf_range(const struct threshold *t, const struct fs_usage *u, char *buf, size_t bufsz)
{
	uint64_t used = usage_used_blocks(u);
	double total = (double)(used + u->bavail) * (double)u->frsize, s, e;
	bool no_s, no_e;

	buf[0] = '\0';
	if (!t->set || t->inside || total <= 0)
		return;
	if (t->kind == THRESHOLD_PERCENT) {
		s = t->start * total / 100;
		e = t->end * total / 100;
		no_s = t->no_start;
		no_e = t->no_end;
	} else {
		s = total - t->end;
		e = total - t->start;
		no_s = t->no_end;
		no_e = t->no_start;
	}
	if (no_s && no_e)
		return;
	if (no_e)
		(void)snprintf(buf, bufsz, "%.0f:", unsigned_zero(round(s)));
	else if (no_s || s <= 0)
		/* used bytes are never negative: "0:E" is just "E" */
		(void)snprintf(buf, bufsz, "%.0f", unsigned_zero(round(e)));
	else
		(void)snprintf(buf, bufsz, "%.0f:%.0f", unsigned_zero(round(s)), unsigned_zero(round(e)));
}

static void put_perfdata(FILE *out, const struct report *r, const struct verdict *v, size_t n, char **labels,
			 const struct nagios_options *o)
{
	for (size_t i = 0; i < n; i++) {
		const struct mount_result *res = &r->results[v[i].mount];
		char w[64], c[64];

		fputc(' ', out);
		perfdata_write_label(out, labels[i], "");
		if (res->flags & RESULT_HAVE_USAGE) {
			perf_range(&o->warning, &res->usage, w, sizeof(w));
			perf_range(&o->critical, &res->usage, c, sizeof(c));
			fprintf(out, "=%lluB;%s;%s;0;%llu", (unsigned long long)usage_used_bytes(&res->usage), w, c,
				(unsigned long long)usage_size_bytes(&res->usage));
		} else
			fputs("=U", out);
		fputc(' ', out);
		perfdata_write_label(out, labels[i], PERFDATA_LATENCY_SUFFIX);
		if (res->flags & RESULT_ANSWERED)
			fprintf(out, "=%.6fs", (double)res->latency_ns / NSEC_PER_SEC);
		else
			fputs("=U", out);
	}
}

/* "[CRITICAL] /mnt/a: hung (no answer in 3.00s), fuse.sshfs me@host:/" */
static void put_long_line(FILE *out, const struct report *r, const struct verdict *v, const char *label)
{
	const struct mount_entry *m = &r->table->entries[v->mount];
	const struct mount_result *res = &r->results[v->mount];
	char detail[4096], buf[64];

	fprintf(out, "[%s] ", state_names[v->state]);
	escape_nagios_text(out, m->target);
	fprintf(out, ": %s", status_to_string(res->status));
	report_detail(r, v->mount, detail, sizeof(detail));
	if (detail[0]) {
		fputs(" (", out);
		escape_nagios_text(out, detail);
		fputc(')', out);
	} else if (res->flags & RESULT_ANSWERED)
		fprintf(out, " in %s", format_duration(res->latency_ns, buf, sizeof(buf)));
	if (v->have_space)
		fprintf(out, ", %d%% used, %s free", v->df_pct, size_human(v->avail, 1024, buf, sizeof(buf)));
	if (v->have_inodes)
		fprintf(out, ", inodes %d%% used", v->df_ipct);
	/* The type is text too: whoever mounts a FUSE file system names its
	 * subtype, and the kernel passes any byte but whitespace through. */
	fputs(", ", out);
	escape_nagios_text(out, m->fstype);
	fputc(' ', out);
	escape_nagios_text(out, m->source);
	if (label && !streq(label, m->target)) {
		fputs(", perfdata ", out);
		perfdata_write_label(out, label, "");
	}
	if (v->warnings) {
		fputs("; ", out);
		escape_nagios_text(out, nfs_health_describe(&r->nfs[v->mount], detail, sizeof(detail)));
	}
	fputc('\n', out);
}

/* Labels for n items; ids tell stacked mounts apart. */
static int make_labels(const char *const *names, const int *ids, size_t n, char ***ret)
{
	char **labels = calloc(MAX(n, 1U), sizeof(*labels));
	int k;

	if (!labels)
		return -ENOMEM;
	k = perfdata_labels(names, ids, n, labels);
	if (k < 0) {
		free(labels);
		return k;
	}
	*ret = labels;
	return 0;
}

static void free_labels(char **labels, size_t n)
{
	perfdata_labels_free(labels, n);
	free(labels);
}

/* fsprobe --nagios: fsprobe's mounts and ranges. */
static int render_fsprobe(const struct report *r, const struct nagios_options *o, FILE *out)
{
	_cleanup_free_ struct verdict *v = NULL;
	_cleanup_free_ const char **names = NULL;
	_cleanup_free_ int *ids = NULL;
	char **labels = NULL;
	enum nagios_state s = NAGIOS_OK;
	size_t n = 0;
	int k;

	k = judge_all(r, o, &v, &n);
	if (k < 0)
		return k;
	names = calloc(MAX(n, 1U), sizeof(*names));
	ids = calloc(MAX(n, 1U), sizeof(*ids));
	if (!names || !ids)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		names[i] = target_of(r, v[i].mount);
		ids[i] = r->table->entries[v[i].mount].id;
		s = MAX(s, v[i].state);
	}
	k = make_labels(names, ids, n, &labels);
	if (k < 0)
		return k;

	fprintf(out, "FSPROBE %s - ", state_names[s]);
	put_summary(out, r, v, n, o);
	if (n > 0) {
		fputs(" |", out);
		put_perfdata(out, r, v, n, labels, o);
	}
	fputc('\n', out);
	for (size_t i = 0; i < n; i++)
		if (o->verbose || v[i].state != NAGIOS_OK)
			put_long_line(out, r, &v[i], o->verbose ? labels[i] : NULL);
	if (o->verbose && n > 0)
		fprintf(out, "probed by the %s engine\n", probe_engine_to_string(r->probe.engine));
	free_labels(labels, n);
	return s;
}

/* ---- check_fsprobe: check_disk's items, first line and perfdata */

/* One item of check_disk's output: a mount, or a group of mounts. */
struct disk_verdict {
	const struct disk_item *item; /* its (first) path */
	size_t member0, nmembers;     /* its mounts, in the members array */
	enum nagios_state state;
	bool unhealthy;		      /* a mount's status made it CRITICAL */
	bool known;		      /* figures for every mount */
	uint64_t blocks;	      /* check_disk leaves out what has none */
	struct disk_usage u;
	bool latency_known;
	uint64_t latency_ns;	      /* the slowest mount's */
	unsigned warnings;	      /* NFSv4 client warnings */
};

struct disk_judgement {
	struct disk_verdict *v;
	size_t n;
	size_t *members;
};

static void disk_judgement_done(struct disk_judgement *j)
{
	free(j->v);
	free(j->members);
}

static void disk_evaluate(const struct report *r, const struct nagios_options *o, const size_t *members,
			  struct disk_verdict *dv)
{
	const struct disk_options *d = o->disk->o;

	dv->known = dv->latency_known = true;
	for (size_t k = 0; k < dv->nmembers; k++) {
		size_t m = members[dv->member0 + k];
		const struct mount_result *res = &r->results[m];
		const struct fs_usage *u = &res->usage;

		if (!status_is_healthy(res->status))
			dv->unhealthy = true;
		else if (res->status != STATUS_OK || !(res->flags & RESULT_HAVE_USAGE))
			dv->known = false;
		else {
			disk_usage_add(&dv->u, u->blocks, u->bfree, u->bavail, u->frsize, u->files, u->ffree, d->mult,
				       d->ignore_reserved);
			dv->blocks += u->blocks;
		}
		if (res->flags & RESULT_ANSWERED)
			dv->latency_ns = MAX(dv->latency_ns, res->latency_ns);
		else
			dv->latency_known = false;
		dv->warnings |= r->nfs ? r->nfs[m].warnings : 0;
	}
	if (dv->unhealthy) {
		dv->state = NAGIOS_CRITICAL;
		dv->known = false;
		return;
	}
	if (dv->item->health_only)
		dv->known = false;
	if (dv->known) {
		dv->state = (enum nagios_state)disk_state(&dv->item->limits, &dv->u);
		/* fsprobe's own ranges, per mount */
		if (dv->nmembers == 1)
			dv->state = MAX(dv->state, judge_usage(r, members[dv->member0], o).state);
	}
	if (dv->warnings)
		dv->state = MAX(dv->state, NAGIOS_WARNING);
}

/* The plan's items in check_disk's order, each mount point once, a group
 * as one item where its first path stands; items with no size (proc,
 * sysfs, ...) left out, as check_disk does. */
static int disk_judge_all(const struct report *r, const struct nagios_options *o, struct disk_judgement *ret)
{
	const struct disk_plan *p = o->disk;
	_cleanup_free_ bool *seen = calloc(MAX(r->table->n, 1U), sizeof(*seen));
	struct disk_judgement j = {
		.v = calloc(MAX(p->n, 1U), sizeof(*j.v)),
		.members = calloc(MAX(p->n, 1U), sizeof(*j.members)),
	};
	size_t nm = 0;

	if (!seen || !j.v || !j.members) {
		disk_judgement_done(&j);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct disk_item *it = &p->items[i];
		struct disk_verdict *dv = &j.v[j.n];

		if (seen[it->mount])
			continue;
		*dv = (struct disk_verdict){ .item = it, .member0 = nm };
		/* a group gathers its paths from here on; a path is itself */
		for (size_t k = i; k < (it->group ? p->n : i + 1); k++) {
			const struct disk_item *mk = &p->items[k];
			bool dup = false;

			if (k != i && (!it->group || !mk->group || !streq(it->group, mk->group)))
				continue;
			for (size_t q = dv->member0; q < nm; q++)
				dup |= j.members[q] == mk->mount;
			if (!dup) {
				j.members[nm++] = mk->mount;
				seen[mk->mount] = true;
			}
		}
		dv->nmembers = nm - dv->member0;
		disk_evaluate(r, o, j.members, dv);
		if (dv->known && dv->blocks == 0)
			continue;
		j.n++;
	}
	*ret = j;
	return 0;
}

static enum nagios_state disk_overall(const struct disk_judgement *j)
{
	enum nagios_state s = NAGIOS_OK;

	if (j->n == 0)
		return NAGIOS_UNKNOWN;
	for (size_t i = 0; i < j->n; i++)
		s = MAX(s, j->v[i].state);
	return s;
}

/* What names an item: its group, its device with -M (or where the mount
 * point is "none"), else its mount point. */
static const char *disk_name(const struct report *r, const struct nagios_options *o, const struct disk_judgement *j,
			     const struct disk_verdict *dv)
{
	const struct mount_entry *m = &r->table->entries[j->members[dv->member0]];

	if (dv->item->group)
		return dv->item->group;
	if (o->disk->o->device_label || streq(m->target, "none"))
		return m->source;
	return m->target;
}

static void put_number(FILE *out, double x)
{
	if (x >= 0)
		fprintf(out, "%.0f", x);
}

static void put_disk_perfdata(FILE *out, const struct report *r, const struct nagios_options *o,
			      const struct disk_judgement *j, char **labels)
{
	const struct disk_options *d = o->disk->o;

	for (size_t i = 0; i < j->n; i++) {
		const struct disk_verdict *dv = &j->v[i];

		if (!dv->item->health_only) {
			fputc(' ', out);
			perfdata_write_label(out, labels[i], "");
			if (dv->known) {
				const struct mount_result *res = &r->results[j->members[dv->member0]];
				char w[64] = "", c[64] = "";
				double tw = disk_perf_threshold(&dv->item->limits, &dv->u, d->mult, DISK_WARN);
				double tc = disk_perf_threshold(&dv->item->limits, &dv->u, d->mult, DISK_CRIT);

				if (tw >= 0)
					(void)snprintf(w, sizeof(w), "%.0f", tw);
				else if (dv->nmembers == 1)
					perf_range(&o->warning, &res->usage, w, sizeof(w));
				if (tc >= 0)
					(void)snprintf(c, sizeof(c), "%.0f", tc);
				else if (dv->nmembers == 1)
					perf_range(&o->critical, &res->usage, c, sizeof(c));
				fprintf(out, "=%lluB;%s;%s;0;%llu", (unsigned long long)dv->u.used, w, c,
					(unsigned long long)dv->u.total);
			} else
				fputs("=U", out);
			if (d->inode_perfdata) {
				fputc(' ', out);
				perfdata_write_label(out, labels[i], PERFDATA_INODES_SUFFIX);
				if (dv->known) {
					fprintf(out, "=%llu;", (unsigned long long)(dv->u.files - MIN(dv->u.ffree, dv->u.files)));
					put_number(out, disk_perf_inode_threshold(&dv->item->limits, &dv->u, DISK_WARN));
					fputc(';', out);
					put_number(out, disk_perf_inode_threshold(&dv->item->limits, &dv->u, DISK_CRIT));
					fprintf(out, ";0;%llu", (unsigned long long)dv->u.files);
				} else
					fputs("=U", out);
			}
		}
		fputc(' ', out);
		perfdata_write_label(out, labels[i], PERFDATA_LATENCY_SUFFIX);
		if (dv->latency_known)
			fprintf(out, "=%.6fs", (double)dv->latency_ns / NSEC_PER_SEC);
		else
			fputs("=U", out);
	}
}

/* check_disk's listing: " /data 52MiB (52% inode=99%);" per item. */
static void put_free_space(FILE *out, const struct report *r, const struct nagios_options *o,
			   const struct disk_judgement *j, const struct disk_verdict *dv)
{
	double used_pct = disk_percent_used(dv->u.used, dv->u.used + dv->u.avail);
	double used_ipct = disk_percent_used(dv->u.files - MIN(dv->u.ffree, dv->u.files), dv->u.files);

	fputc(' ', out);
	escape_nagios_text(out, disk_name(r, o, j, dv));
	fprintf(out, " %llu%s (%.0f%%", (unsigned long long)dv->u.free_units, o->disk->o->unit, 100 - used_pct);
	if (used_ipct < 0)
		fputs(" inode=-);", out);
	else
		fprintf(out, " inode=%.0f%%);", 100 - used_ipct);
}

static void put_disk_summary(FILE *out, const struct report *r, const struct nagios_options *o,
			     const struct disk_judgement *j)
{
	const struct disk_options *d = o->disk->o;
	size_t mounts = 0, unhealthy = 0, warned = 0, listed = 0, shown;
	bool said = false;

	if (j->n == 0) {
		fputs("no mounts selected", out);
		return;
	}
	for (size_t i = 0; i < j->n; i++) {
		const struct disk_verdict *dv = &j->v[i];

		mounts += dv->nmembers;
		for (size_t k = 0; k < dv->nmembers; k++)
			unhealthy += !status_is_healthy(r->results[j->members[dv->member0 + k]].status);
		warned += !dv->unhealthy && dv->warnings;
		listed += dv->known && (!d->errors_only || d->verbose || dv->state != NAGIOS_OK);
	}
	if (unhealthy > 0) {
		fprintf(out, "%zu of %zu mount%s unhealthy: ", unhealthy, mounts, mounts == 1 ? "" : "s");
		shown = 0;
		for (size_t i = 0; i < j->n; i++)
			for (size_t k = 0; k < j->v[i].nmembers; k++) {
				size_t m = j->members[j->v[i].member0 + k];

				if (status_is_healthy(r->results[m].status))
					continue;
				if (shown++ >= SUMMARY_MOUNTS_MAX)
					continue;
				fputs(shown > 1 ? ", " : "", out);
				escape_nagios_text(out, target_of(r, m));
				fputc(' ', out);
				put_status(out, r, m);
			}
		if (shown > SUMMARY_MOUNTS_MAX)
			fprintf(out, ", %zu more", shown - SUMMARY_MOUNTS_MAX);
		said = true;
	}
	if (warned > 0) {
		char w[64];

		fprintf(out, "%s%zu with warnings: ", said ? "; " : "", warned);
		shown = 0;
		for (size_t i = 0; i < j->n && shown < SUMMARY_MOUNTS_MAX; i++) {
			const struct disk_verdict *dv = &j->v[i];

			if (dv->unhealthy || !dv->warnings)
				continue;
			fputs(shown++ ? ", " : "", out);
			escape_nagios_text(out, disk_name(r, o, j, dv));
			fputc(' ', out);
			fputs(nfs_warnings_format(dv->warnings, w, sizeof(w)), out);
		}
		if (warned > shown)
			fprintf(out, ", %zu more", warned - shown);
		said = true;
	}
	if (listed > 0) {
		fprintf(out, "%sfree space:", said ? "; " : "");
		for (size_t i = 0; i < j->n; i++) {
			const struct disk_verdict *dv = &j->v[i];

			if (dv->known && (!d->errors_only || d->verbose || dv->state != NAGIOS_OK))
				put_free_space(out, r, o, j, dv);
		}
		said = true;
	}
	if (!said)
		fprintf(out, "%zu mount%s ok", mounts, mounts == 1 ? "" : "s");
}

static int render_disk(const struct report *r, const struct nagios_options *o, FILE *out)
{
	_cleanup_(disk_judgement_done) struct disk_judgement j = {};
	_cleanup_free_ const char **names = NULL;
	_cleanup_free_ int *ids = NULL;
	char **labels = NULL;
	enum nagios_state s;
	int k;

	k = disk_judge_all(r, o, &j);
	if (k < 0)
		return k;
	names = calloc(MAX(j.n, 1U), sizeof(*names));
	ids = calloc(MAX(j.n, 1U), sizeof(*ids));
	if (!names || !ids)
		return -ENOMEM;
	for (size_t i = 0; i < j.n; i++) {
		names[i] = disk_name(r, o, &j, &j.v[i]);
		ids[i] = r->table->entries[j.members[j.v[i].member0]].id;
	}
	k = make_labels(names, ids, j.n, &labels);
	if (k < 0)
		return k;
	s = disk_overall(&j);

	fprintf(out, "FSPROBE %s - ", state_names[s]);
	put_disk_summary(out, r, o, &j);
	if (j.n > 0) {
		fputs(" |", out);
		put_disk_perfdata(out, r, o, &j, labels);
	}
	fputc('\n', out);
	for (size_t i = 0; i < j.n; i++) {
		const struct disk_verdict *dv = &j.v[i];

		if (!o->verbose && dv->state == NAGIOS_OK)
			continue;
		for (size_t q = 0; q < dv->nmembers; q++) {
			struct verdict v = judge(r, j.members[dv->member0 + q], o);

			v.state = dv->state;
			put_long_line(out, r, &v, o->verbose ? labels[i] : NULL);
		}
	}
	if (o->verbose && j.n > 0)
		fprintf(out, "probed by the %s engine\n", probe_engine_to_string(r->probe.engine));
	free_labels(labels, j.n);
	return s;
}

enum nagios_state render_nagios_state(const struct report *r, const struct nagios_options *o)
{
	_cleanup_(disk_judgement_done) struct disk_judgement j = {};

	if (!o->disk)
		return fsprobe_state(r, o);
	if (disk_judge_all(r, o, &j) < 0)
		return NAGIOS_UNKNOWN;
	return disk_overall(&j);
}

int render_nagios(const struct report *r, const struct nagios_options *o, FILE *out)
{
	return o->disk ? render_disk(r, o, out) : render_fsprobe(r, o, out);
}
