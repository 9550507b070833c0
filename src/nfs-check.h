/* The NFSv4 client checks of a CLI run or a daemon cycle: reads
 * /proc/self/mountstats and the identity sources once, then judges each
 * NFSv4 mount: its client identity (hostname-only or not), its lease and
 * session counters, and how often they grew over the window the caller
 * keeps (lease churn).
 *
 * Reads procfs, sysfs and (the CLI) the state directory; never touches a
 * mount. Failures only leave checks undone: a warning is never invented
 * from what could not be read. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lease-churn.h"
#include "mounts.h"
#include "mountstats.h"
#include "nfs-health.h"
#include "nfs-identity.h"

struct report;

struct nfs_check_options {
	const char *mountstats;	  /* NULL: /proc/self/mountstats */
	const char *sysroot;	  /* NULL: "/"; where the identity sources are read */
	unsigned churn_threshold; /* establishments per window; 0: no lease-churn check */
};

struct nfs_context {
	const struct nfs_check_options *o;
	struct mountstats stats;
	int stats_err; /* why mountstats could not be read, 0 */
	struct nfs_identity_facts facts;
};

/* The lease-churn sample of a mount's mountstats entry, observed at at_ns
 * (CLOCK_MONOTONIC). */
struct churn_sample nfs_churn_sample(const struct mountstats_entry *e, uint64_t at_ns);

/* Whether a mount of this type may be NFSv4, before mountstats is read:
 * "nfs4", or "nfs" with vers=4 in its options (or options unknown). */
bool nfs_check_candidate(const char *fstype, const char *fs_options);

/* Reads mountstats and the identity facts. -ENOMEM only; a mountstats
 * that cannot be read is recorded in stats_err. */
int nfs_context_load(struct nfs_context *c, const struct nfs_check_options *o);
void nfs_context_done(struct nfs_context *c);

/* The mount's mountstats block: occurrence counts the mounts before it in
 * table order with the same target, source and type (stacked mounts). */
const struct mountstats_entry *nfs_check_stats_of(const struct nfs_context *c, const struct mount_entry *e,
						  size_t occurrence);

/* Whether the mount speaks NFSv4 (its type, else mountstats' vers=). */
bool nfs_check_is_v4(const struct mount_entry *e, const struct mountstats_entry *se);

/* Judges one NFSv4 mount: se its mountstats block (NULL if not found), w
 * its churn window, updated with this observation (NULL: no churn check),
 * now_ns CLOCK_MONOTONIC. ret->checked is false for a mount that is not
 * NFSv4. */
void nfs_check_mount(const struct nfs_context *c, const struct mount_entry *e, const struct mountstats_entry *se,
		     struct churn_window *w, uint64_t now_ns, struct nfs_health *ret);

/* The CLI: every NFSv4 row of the report, the churn windows kept in the
 * state directory (NULL: no churn), unless that directory lies on or below
 * a network or FUSE mount, which the front process never touches. Sets
 * r->nfs (per mount index) when there is an NFSv4 row. Returns -ENOMEM,
 * or the -errno of a state directory that could not be used (the rest is
 * done), for -v to tell. */
int nfs_check_report(struct report *r, const struct nfs_check_options *o, const char *state_dir);
