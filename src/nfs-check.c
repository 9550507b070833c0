/* The NFSv4 client checks; see nfs-check.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "lease-store.h"
#include "macro.h"
#include "nfs-check.h"
#include "report.h"
#include "util.h"

/* "vers=4", "vers=4.1", "nfsvers=4.2" among comma separated options. */
static bool options_say_v4(const char *opts, unsigned *ret_minor)
{
	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		const char *v = strncmp(p, "vers=", 5) == 0 ? p + 5 : strncmp(p, "nfsvers=", 8) == 0 ? p + 8 : NULL;

		if (v && v[0] == '4' && (v[1] == '\0' || v[1] == ',' || v[1] == '.')) {
			if (ret_minor)
				*ret_minor = v[1] == '.' ? (unsigned)strtoul(v + 2, NULL, 10) : 0;
			return true;
		}
	}
	return false;
}

struct churn_sample nfs_churn_sample(const struct mountstats_entry *e, uint64_t at_ns)
{
	return (struct churn_sample){
		.at_ns = at_ns,
		/* NFSv4.1+ establishes with EXCHANGE_ID and CREATE_SESSION,
		 * NFSv4.0 with SETCLIENTID and its CONFIRM; the other pair
		 * stays 0. */
		.establish = e->op[MOUNTSTATS_EXCHANGE_ID].ops + e->op[MOUNTSTATS_CREATE_SESSION].ops +
			     e->op[MOUNTSTATS_SETCLIENTID].ops + e->op[MOUNTSTATS_SETCLIENTID_CONFIRM].ops,
		.destroy = e->op[MOUNTSTATS_DESTROY_SESSION].ops,
		.age_s = e->have_age ? e->age_s : CHURN_AGE_UNKNOWN,
	};
}

bool nfs_check_candidate(const char *fstype, const char *fs_options)
{
	if (streq(fstype, "nfs4"))
		return true;
	return streq(fstype, "nfs") && (!fs_options || options_say_v4(fs_options, NULL));
}

int nfs_context_load(struct nfs_context *c, const struct nfs_check_options *o)
{
	int r;

	*c = (struct nfs_context){ .o = o };
	r = mountstats_load(o->mountstats, &c->stats);
	if (r == -ENOMEM)
		return r;
	c->stats_err = r < 0 ? -r : 0;
	return nfs_identity_gather(o->sysroot, &c->facts);
}

void nfs_context_done(struct nfs_context *c)
{
	mountstats_done(&c->stats);
}

const struct mountstats_entry *nfs_check_stats_of(const struct nfs_context *c, const struct mount_entry *e,
						  size_t occurrence)
{
	return mountstats_find(&c->stats, e->target, e->source, e->fstype, occurrence);
}

bool nfs_check_is_v4(const struct mount_entry *e, const struct mountstats_entry *se)
{
	if (streq(e->fstype, "nfs4"))
		return true;
	if (!streq(e->fstype, "nfs"))
		return false;
	if (se && se->vers_major)
		return se->vers_major == 4;
	return e->fs_options && options_say_v4(e->fs_options, NULL);
}

void nfs_check_mount(const struct nfs_context *c, const struct mount_entry *e, const struct mountstats_entry *se,
		     struct churn_window *w, uint64_t now_ns, struct nfs_health *ret)
{
	struct nfs_health h = {};
	enum nfs_netns netns;
	bool have_minor = false;

	*ret = h;
	if (!nfs_check_is_v4(e, se))
		return;
	h.checked = true;
	if (se && se->vers_major == 4) {
		h.minor = se->vers_minor;
		have_minor = true;
	} else if (e->fs_options)
		have_minor = options_say_v4(e->fs_options, &h.minor);

	netns = nfs_identity_netns(c->o->sysroot, &c->facts, e->devno);
	h.identity = nfs_identity_decide(&c->facts, netns, &h.identity_flags);
	(void)snprintf(h.hostname, sizeof(h.hostname), "%s", c->facts.hostname);
	if (!have_minor ||
	    nfs_identity_owner(&c->facts, netns, h.minor, e->fs_options, h.owner_hash, &h.owner_source) < 0)
		h.owner_hash[0] = '\0';
	if (h.identity == NFS_IDENTITY_HOSTNAME_ONLY)
		h.warnings |= NFS_WARNING_HOSTNAME_ONLY_IDENTITY;

	if (se && se->have_ops) {
		struct churn_sample s;

		h.have_counters = true;
		for (int op = 0; op < _MOUNTSTATS_OP_MAX; op++)
			h.counters[op] = se->op[op].ops;
		s = nfs_churn_sample(se, now_ns);
		if (w)
			churn_observe(w, &s, c->o->churn_threshold, &h.churn);
		if (h.churn.churn)
			h.warnings |= NFS_WARNING_LEASE_CHURN;
	}
	*ret = h;
}

/* How many mounts before index i share its target, source and type. */
static size_t occurrence_of(const struct mount_table *t, size_t i)
{
	const struct mount_entry *e = &t->entries[i];
	size_t n = 0, pos = 0;
	ssize_t k;

	if (!t->by_target.cap) {
		for (size_t j = 0; j < i; j++)
			n += streq(t->entries[j].target, e->target) &&
			     streq(t->entries[j].source, e->source) &&
			     streq(t->entries[j].fstype, e->fstype);
		return n;
	}
	while ((k = hashmap_next(&t->by_target, hash_string(e->target), &pos)) >= 0)
		n += (size_t)k < i && streq(t->entries[k].target, e->target) &&
		     streq(t->entries[k].source, e->source) &&
		     streq(t->entries[k].fstype, e->fstype);
	return n;
}

/* Whether the path walk to dir crosses no network or FUSE mount. */
static bool is_local(const struct mount_table *t, const char *dir)
{
	_cleanup_free_ char *p = path_normalize(dir);
	ssize_t m = p ? mounts_lookup_path(t, p) : -1;

	if (m < 0)
		return false;
	for (size_t depth = 0; m >= 0 && depth <= t->n; m = t->entries[m].parent, depth++)
		if (t->entries[m].suspect)
			return false;
	return true;
}

int nfs_check_report(struct report *r, const struct nfs_check_options *o, const char *state_dir)
{
	const struct mount_table *t = r->table;
	struct nfs_context c;
	struct lease_store store = { .fd = -1 };
	bool any = false, have_store = false;
	uint64_t now = now_mono_ns();
	int k, err = 0;

	if (!t)
		return 0;
	for (size_t i = 0; i < r->nrows && !any; i++)
		any = !r->rows[i].placeholder &&
		      nfs_check_candidate(t->entries[r->rows[i].mount].fstype, t->entries[r->rows[i].mount].fs_options);
	if (!any)
		return 0;
	if (!r->nfs) {
		r->nfs = calloc(MAX(t->n, 1U), sizeof(*r->nfs));
		if (!r->nfs)
			return -ENOMEM;
	}
	k = nfs_context_load(&c, o);
	if (k < 0)
		return k;
	if (state_dir && o->churn_threshold > 0) {
		if (!is_local(t, state_dir))
			err = -EREMOTE;
		else if ((k = lease_store_open(state_dir, &store)) < 0)
			err = k;
		else
			have_store = true;
	}

	for (size_t i = 0; i < r->nrows; i++) {
		size_t m = r->rows[i].mount;
		const struct mount_entry *e = &t->entries[m];
		const struct mountstats_entry *se;
		struct churn_window *w = NULL;

		if (r->rows[i].placeholder || r->nfs[m].checked || !nfs_check_candidate(e->fstype, e->fs_options))
			continue;
		se = nfs_check_stats_of(&c, e, occurrence_of(t, m));
		if (!nfs_check_is_v4(e, se))
			continue;
		if (have_store && !(w = lease_store_window(&store, e->id, lease_store_key(e->target, e->source)))) {
			err = -ENOMEM;
			break;
		}
		nfs_check_mount(&c, e, se, w, now, &r->nfs[m]);
	}
	if (have_store) {
		/* The windows of NFS mounts this run did not look at (FILE
		 * arguments, -t) stay; those of vanished mounts go. */
		for (size_t i = 0; i < t->n; i++)
			if (nfs_check_candidate(t->entries[i].fstype, t->entries[i].fs_options))
				lease_store_keep(&store, t->entries[i].id,
						 lease_store_key(t->entries[i].target, t->entries[i].source));
		if (err == -ENOMEM)
			lease_store_abandon(&store);
		else if ((k = lease_store_close(&store)) < 0 && !err)
			err = k;
	}
	nfs_context_done(&c);
	if (!err && c.stats_err)
		err = -c.stats_err;
	return err;
}
