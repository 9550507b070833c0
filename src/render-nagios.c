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
		uint64_t used = u->blocks >= u->bfree ? u->blocks - u->bfree : 0;

		v.avail = usage_avail_bytes(u);
		if (used + u->bavail > 0) {
			v.have_space = true;
			v.pct = (double)used * 100.0 / (double)(used + u->bavail);
			v.df_pct = size_percent(used, u->bavail);
		}
	}
	if (u->files > 0) {
		uint64_t iused = u->files >= u->ffree ? u->files - u->ffree : 0;

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

enum nagios_state render_nagios_state(const struct report *r, const struct nagios_options *o)
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

/* Text for people: a '|' would end the text and start perfdata, and a
 * newline would start long output, so both (and other control characters)
 * are written as \xNN, as libsmartcols' raw output does. */
static void put_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '|' || *p == '\\')
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
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
			put_text(out, target_of(r, v[i].mount));
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
				put_text(out, target_of(r, v[i].mount));
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
			put_text(out, target_of(r, v[i].mount));
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
	uint64_t used = u->blocks >= u->bfree ? u->blocks - u->bfree : 0;
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

static void put_perfdata(FILE *out, const struct report *r, const struct verdict *v, size_t n,
			 char (*labels)[PERFDATA_LABEL_SIZE], const struct nagios_options *o)
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
	put_text(out, m->target);
	fprintf(out, ": %s", status_to_string(res->status));
	report_detail(r, v->mount, detail, sizeof(detail));
	if (detail[0]) {
		fputs(" (", out);
		put_text(out, detail);
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
	put_text(out, m->fstype);
	fputc(' ', out);
	put_text(out, m->source ? m->source : "none");
	if (label && !streq(label, m->target)) {
		fputs(", perfdata ", out);
		perfdata_write_label(out, label, "");
	}
	if (v->warnings) {
		fputs("; ", out);
		put_text(out, nfs_health_describe(&r->nfs[v->mount], detail, sizeof(detail)));
	}
	fputc('\n', out);
}

int render_nagios(const struct report *r, const struct nagios_options *o, FILE *out)
{
	_cleanup_free_ struct verdict *v = NULL;
	_cleanup_free_ char(*labels)[PERFDATA_LABEL_SIZE] = NULL;
	_cleanup_free_ const char **names = NULL;
	_cleanup_free_ int *ids = NULL;
	enum nagios_state s = NAGIOS_OK;
	size_t n = 0;
	int k;

	k = judge_all(r, o, &v, &n);
	if (k < 0)
		return k;
	labels = calloc(MAX(n, 1U), sizeof(*labels));
	names = calloc(MAX(n, 1U), sizeof(*names));
	ids = calloc(MAX(n, 1U), sizeof(*ids));
	if (!labels || !names || !ids)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		names[i] = target_of(r, v[i].mount);
		ids[i] = r->table->entries[v[i].mount].id;
		s = MAX(s, v[i].state);
	}
	k = perfdata_labels(names, ids, n, labels);
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
	return s;
}
