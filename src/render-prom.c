/* The Prometheus text exposition format (version 0.0.4) of a report, as
 * node_exporter's textfile collector and promtool read it: prefix
 * fsprobe_, base units, node_exporter's label names (device, mountpoint,
 * fstype) so queries can join, a fixed set of state values, HELP and TYPE
 * once per family with all its samples together, no timestamps.
 *
 * A pure function of the report and the moment passed in: the same text
 * can be written to a file, to stdout or served by the daemon. Never
 * touches a mount. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "cleanup.h"
#include "config.h"
#include "escape.h"
#include "hashmap.h"
#include "macro.h"
#include "render.h"
#include "util.h"

/* device="...",fstype="...",mountpoint="..." of a mount, in node_exporter's
 * order. Returns a new string or NULL when out of memory. */
static char *mount_labels(const struct mount_entry *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("device=\"", f);
	escape_prom_label_value(f, m->source);
	fputs("\",fstype=\"", f);
	escape_prom_label_value(f, m->fstype);
	fputs("\",mountpoint=\"", f);
	escape_prom_label_value(f, m->target);
	fputc('"', f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct series {
	size_t mount;
	char *labels;
};

static void series_free(struct series *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].labels);
	free(s);
}

/* One series per distinct label set: two rows of one mount, or two
 * mounts stacked on one mount point from the same source, would be
 * duplicate series, which makes the textfile collector fail the whole
 * scrape. Of mounts sharing a label set the visible one wins (the one not
 * over-mounted, else the last, which is on top). */
static int collect(const struct report *r, struct series **ret, size_t *ret_n)
{
	struct series *s = calloc(MAX(r->nrows, 1U), sizeof(*s));
	/* label set -> series, by hash: comparing each label set with every
	 * earlier one took 50 million string compares at 10,000 mounts, on
	 * every textfile the daemon writes */
	_cleanup_(hashmap_done) struct hashmap seen = {};
	size_t n = 0;

	if (!s || hashmap_init(&seen, r->nrows) < 0) {
		free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->nrows; i++) {
		const struct mount_entry *m;
		uint64_t h;
		size_t pos = 0;
		ssize_t j;
		char *l;

		if (r->rows[i].placeholder)
			continue;
		m = &r->table->entries[r->rows[i].mount];
		l = mount_labels(m);
		if (!l) {
			series_free(s, n);
			return -ENOMEM;
		}
		h = hash_string(l);
		while ((j = hashmap_next(&seen, h, &pos)) >= 0 && !streq(s[j].labels, l))
			;
		if (j >= 0) {
			if (!m->shadowed)
				s[j].mount = r->rows[i].mount;
			free(l);
			continue;
		}
		if (hashmap_add(&seen, h, (ssize_t)n) < 0) {
			free(l);
			series_free(s, n);
			return -ENOMEM;
		}
		s[n++] = (struct series){ .mount = r->rows[i].mount, .labels = l };
	}
	*ret = s;
	*ret_n = n;
	return 0;
}

enum family {
	FAM_UP,
	FAM_STATE,
	FAM_DURATION,
	FAM_HUNG,
	FAM_SIZE,
	FAM_FREE,
	FAM_AVAIL,
	FAM_FILES,
	FAM_FILES_FREE,
	FAM_INFO,
	FAM_WARNING,
	FAM_NFS_IDENTITY,
	FAM_NFS_OPS,
	_FAM_MAX,
};

static const struct {
	const char *name;
	const char *help;
	const char *type; /* NULL: gauge */
} families[_FAM_MAX] = {
	[FAM_UP] = { "fsprobe_mount_up", "1 if the mount answered in time (state ok) or could not be probed (denied)." },
	[FAM_STATE] = { "fsprobe_mount_state",
			"1 for the mount's state: ok, hung, stale, disconnected, down, denied, blocked, error." },
	[FAM_DURATION] = { "fsprobe_probe_duration_seconds", "Round trip of the probe's statx, for mounts that answered." },
	[FAM_HUNG] = { "fsprobe_mount_hung_seconds",
		       "How long the mount has not answered, counting earlier runs' pending probes; 0 unless hung." },
	[FAM_SIZE] = { "fsprobe_filesystem_size_bytes", "File system size in bytes, from statfs." },
	[FAM_FREE] = { "fsprobe_filesystem_free_bytes", "Free bytes, root's reserve included." },
	[FAM_AVAIL] = { "fsprobe_filesystem_avail_bytes", "Bytes available to non-root users." },
	[FAM_FILES] = { "fsprobe_filesystem_files", "Inodes in total." },
	[FAM_FILES_FREE] = { "fsprobe_filesystem_files_free", "Free inodes." },
	[FAM_INFO] = { "fsprobe_mount_info", "Mount table facts of a mount, always 1." },
	/* NFSv4 mounts only (nfs-check.h): a warning never makes a mount
	 * down, so it has its own state set beside fsprobe_mount_state. */
	[FAM_WARNING] = { "fsprobe_mount_warning",
			  "1 for each warning of an NFSv4 mount: hostname-only-identity, lease-churn." },
	[FAM_NFS_IDENTITY] = { "fsprobe_nfs_identity_unique",
			       "1 if a uniquifier sets the NFSv4 client identity apart, 0 if it is the hostname alone." },
	[FAM_NFS_OPS] = { "fsprobe_nfs_lease_operations_total",
			  "Calls that establish or drop the NFSv4 client's lease and session, client-wide (mountstats).",
			  "counter" },
};

/* The lease operations shown: sessions from NFSv4.1 on, SETCLIENTID
 * before. */
static const enum mountstats_op ops_v41[] = { MOUNTSTATS_EXCHANGE_ID, MOUNTSTATS_CREATE_SESSION,
					      MOUNTSTATS_DESTROY_SESSION };
static const enum mountstats_op ops_v40[] = { MOUNTSTATS_SETCLIENTID, MOUNTSTATS_SETCLIENTID_CONFIRM };

static const struct nfs_health *nfs_of(const struct report *r, size_t m)
{
	return r->nfs && r->nfs[m].checked ? &r->nfs[m] : NULL;
}

static bool has_usage(const struct report *r, size_t m)
{
	return r->results[m].flags & RESULT_HAVE_USAGE;
}

/* Whether the family has a sample for this mount: families without any
 * sample are left out whole, HELP and TYPE included. */
static bool has_sample(const struct report *r, enum family f, size_t m)
{
	/* A status the daemon cannot vouch for now is no sample at all, as
	 * an exporter leaves out what it could not collect: the mount stays
	 * listed (fsprobe_mount_info) and fsprobe_daemon_helper_up says why. */
	if ((r->results[m].flags & RESULT_OUTDATED) && f != FAM_INFO && f != FAM_WARNING && f != FAM_NFS_IDENTITY &&
	    f != FAM_NFS_OPS)
		return false;
	switch (f) {
	case FAM_DURATION:
		return r->results[m].flags & RESULT_ANSWERED;
	case FAM_SIZE:
	case FAM_FREE:
	case FAM_AVAIL:
	case FAM_FILES:
	case FAM_FILES_FREE:
		return has_usage(r, m);
	case FAM_WARNING:
		return nfs_of(r, m);
	case FAM_NFS_IDENTITY:
		return nfs_of(r, m) && r->nfs[m].identity != NFS_IDENTITY_UNKNOWN;
	case FAM_NFS_OPS:
		return nfs_of(r, m) && r->nfs[m].have_counters;
	default:
		return true;
	}
}

static void put_sample(FILE *out, const struct report *r, enum family f, const struct series *s)
{
	const struct mount_result *res = &r->results[s->mount];
	const struct mount_entry *m = &r->table->entries[s->mount];
	const struct fs_usage *u = &res->usage;
	const char *name = families[f].name;

	switch (f) {
	case FAM_UP:
		fprintf(out, "%s{%s} %d\n", name, s->labels, status_is_healthy(res->status) ? 1 : 0);
		break;
	case FAM_STATE:
		for (int st = 0; st < _STATUS_MAX; st++)
			fprintf(out, "%s{%s,state=\"%s\"} %d\n", name, s->labels, status_to_string(st),
				(int)res->status == st ? 1 : 0);
		break;
	case FAM_DURATION:
		fprintf(out, "%s{%s} %.6f\n", name, s->labels, (double)res->latency_ns / NSEC_PER_SEC);
		break;
	case FAM_HUNG:
		fprintf(out, "%s{%s} %.3f\n", name, s->labels,
			res->status == STATUS_HUNG ? (double)res->hung_ns / NSEC_PER_SEC : 0.0);
		break;
	case FAM_SIZE:
		fprintf(out, "%s{%s} %llu\n", name, s->labels, (unsigned long long)usage_size_bytes(u));
		break;
	case FAM_FREE:
		fprintf(out, "%s{%s} %llu\n", name, s->labels, (unsigned long long)(u->bfree * u->frsize));
		break;
	case FAM_AVAIL:
		fprintf(out, "%s{%s} %llu\n", name, s->labels, (unsigned long long)usage_avail_bytes(u));
		break;
	case FAM_FILES:
		fprintf(out, "%s{%s} %llu\n", name, s->labels, (unsigned long long)u->files);
		break;
	case FAM_FILES_FREE:
		fprintf(out, "%s{%s} %llu\n", name, s->labels, (unsigned long long)u->ffree);
		break;
	case FAM_INFO:
		fprintf(out, "%s{%s,major=\"%u\",minor=\"%u\",mount_id=\"%d\"} 1\n", name, s->labels,
			major(m->devno), minor(m->devno), m->id);
		break;
	case FAM_WARNING:
		for (unsigned w = 0; w < NFS_WARNING_COUNT; w++)
			fprintf(out, "%s{%s,warning=\"%s\"} %d\n", name, s->labels, nfs_warning_to_string(1U << w),
				r->nfs[s->mount].warnings & (1U << w) ? 1 : 0);
		break;
	case FAM_NFS_IDENTITY:
		fprintf(out, "%s{%s} %d\n", name, s->labels, r->nfs[s->mount].identity == NFS_IDENTITY_UNIQUE ? 1 : 0);
		break;
	case FAM_NFS_OPS: {
		const struct nfs_health *h = &r->nfs[s->mount];
		const enum mountstats_op *ops = h->minor > 0 ? ops_v41 : ops_v40;
		size_t nops = h->minor > 0 ? ARRAY_SIZE(ops_v41) : ARRAY_SIZE(ops_v40);

		for (size_t i = 0; i < nops; i++)
			fprintf(out, "%s{%s,operation=\"%s\"} %llu\n", name, s->labels, mountstats_op_name(ops[i]),
				(unsigned long long)h->counters[ops[i]]);
		break;
	}
	case _FAM_MAX:
		break;
	}
}

/* fsprobe_nfs_client_info: one series per NFSv4 client owner string, not
 * per mount (the mounts of one server and version share a client and its
 * owner string), labelled only with what tells owners apart, so that
 * count by (owner_hash) over the fleet counts hosts. */
static void put_nfs_clients(FILE *out, const struct report *r, const struct series *s, size_t n)
{
	bool head = false;

	for (size_t i = 0; i < n; i++) {
		const struct nfs_health *h = nfs_of(r, s[i].mount);
		bool dup = false;

		if (!h || !h->owner_hash[0])
			continue;
		for (size_t j = 0; j < i && !dup; j++) {
			const struct nfs_health *o = nfs_of(r, s[j].mount);

			dup = o && streq(o->owner_hash, h->owner_hash) && o->owner_source == h->owner_source &&
			      o->minor == h->minor;
		}
		if (dup)
			continue;
		if (!head)
			fputs("# HELP fsprobe_nfs_client_info The NFSv4 client owner string this host sends, as a SHA-256 "
			      "prefix; the same owner_hash on two hosts means they steal each other's lease.\n"
			      "# TYPE fsprobe_nfs_client_info gauge\n",
			      out);
		head = true;
		fprintf(out, "fsprobe_nfs_client_info{identity_source=\"%s\",nfs_version=\"4.%u\",owner_hash=\"%s\"} 1\n",
			nfs_owner_source_to_string(h->owner_source), h->minor, h->owner_hash);
	}
}

int render_prom(const struct report *r, int64_t now_real_ns, FILE *out)
{
	struct series *s = NULL;
	size_t n = 0;
	int k;

	if (r->table && r->nrows > 0) {
		k = collect(r, &s, &n);
		if (k < 0)
			return k;
	}
	for (int f = 0; f < _FAM_MAX; f++) {
		bool any = false;

		for (size_t i = 0; i < n && !any; i++)
			any = has_sample(r, f, s[i].mount);
		if (!any)
			continue;
		fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", families[f].name, families[f].help, families[f].name,
			families[f].type ? families[f].type : "gauge");
		for (size_t i = 0; i < n; i++)
			if (has_sample(r, f, s[i].mount))
				put_sample(out, r, f, &s[i]);
	}
	put_nfs_clients(out, r, s, n);
	series_free(s, n);

	if (now_real_ns > 0) {
		fputs("# HELP fsprobe_last_run_timestamp_seconds When fsprobe last ran, in seconds since the epoch.\n"
		      "# TYPE fsprobe_last_run_timestamp_seconds gauge\n",
		      out);
		fprintf(out, "fsprobe_last_run_timestamp_seconds %lld.%03lld\n", (long long)(now_real_ns / 1000000000),
			(long long)(now_real_ns % 1000000000 / 1000000));
	}
	fputs("# HELP fsprobe_build_info fsprobe's version and the probe engine that ran, always 1.\n"
	      "# TYPE fsprobe_build_info gauge\n",
	      out);
	fprintf(out, "fsprobe_build_info{engine=\"%s\",version=\"%s\"} 1\n", probe_engine_to_string(r->probe.engine),
		PACKAGE_VERSION);
	return ferror(out) ? -EIO : 0;
}
