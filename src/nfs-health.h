/* What fsprobe knows about a mount's NFSv4 client besides its status: the
 * warnings (a fixed vocabulary, like the statuses of state.h but apart
 * from them: a warning never makes a mount unhealthy), the identity
 * verdict, the lease and session counters and the churn seen over the last
 * window, and the one line that explains them to people.
 *
 * Pure data and text: never touches a file system. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lease-churn.h"
#include "mountstats.h"
#include "nfs-owner.h"

/* Warnings, in the order they are listed. */
enum nfs_warning {
	NFS_WARNING_HOSTNAME_ONLY_IDENTITY = 1 << 0,
	NFS_WARNING_LEASE_CHURN = 1 << 1,
};
#define NFS_WARNING_COUNT 2

/* "hostname-only-identity", "lease-churn"; NULL for anything else. */
const char *nfs_warning_to_string(enum nfs_warning w);

/* The warnings as a comma separated list ("" for none). */
char *nfs_warnings_format(unsigned warnings, char *buf, size_t bufsz);

enum nfs_identity {
	NFS_IDENTITY_UNKNOWN,	    /* could not be told (unreadable, other namespace) */
	NFS_IDENTITY_UNIQUE,	    /* a uniquifier sets this client apart */
	NFS_IDENTITY_HOSTNAME_ONLY, /* nothing but the hostname tells it apart */
};

/* Why a hostname-only identity is likely to collide. */
enum {
	NFS_IDENTITY_GENERIC_HOSTNAME = 1 << 0, /* localhost, a distribution's default */
	NFS_IDENTITY_CONTAINER = 1 << 1,	/* fsprobe runs in a container */
	NFS_IDENTITY_HOST_WIDE = 1 << 2,	/* only nfs.nfs4_unique_id, which every
						 * network namespace of the host shares */
	NFS_IDENTITY_NET_NS = 1 << 3,		/* ... and fsprobe runs in a network
						 * namespace other than the initial one */
};

struct nfs_health {
	bool checked;	   /* an NFSv4 mount the checks ran on */
	unsigned warnings; /* enum nfs_warning bits */
	enum nfs_identity identity;
	unsigned identity_flags;
	char hostname[65]; /* the UTS nodename the identity is built from */
	/* the owner string's hash (nfs-owner.h), "" when it cannot be
	 * rebuilt; owner_source says where its uniquifier came from */
	char owner_hash[NFS_OWNER_HASH_LEN + 1];
	enum nfs_owner_source owner_source;
	bool have_counters; /* the mount's block was found in mountstats */
	unsigned minor;	    /* NFSv4 minor version (0: SETCLIENTID, else sessions) */
	uint64_t counters[_MOUNTSTATS_OP_MAX]; /* calls completed, client-wide */
	struct churn_verdict churn;	       /* over the last window */
};

/* A collision is likely, not just possible: say so louder. */
bool nfs_health_identity_is_risky(const struct nfs_health *h);

/* The warnings explained in one line ("" without warnings), e.g.
 * "lease-churn: 12 new NFSv4 client IDs and sessions in 30.0s (...); ..." */
char *nfs_health_describe(const struct nfs_health *h, char *buf, size_t bufsz);
