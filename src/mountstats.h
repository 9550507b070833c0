/* /proc/self/mountstats: the statistics the NFS client keeps per mount,
 * parsed from text. Only NFS blocks are kept, and of their per-operation
 * counters only those of the operations that (re)establish an NFSv4
 * client's lease and session, which is what lease-churn watches.
 *
 * A pure parser over a stream or a file named by the caller (tests feed
 * recorded texts). Reading /proc/self/mountstats never touches a mount:
 * see mountstats.c for the kernel code that answers it. Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum mountstats_op {
	MOUNTSTATS_EXCHANGE_ID,	       /* NFSv4.1+: a new client ID */
	MOUNTSTATS_CREATE_SESSION,     /* NFSv4.1+: a new session */
	MOUNTSTATS_DESTROY_SESSION,    /* NFSv4.1+: a session dropped */
	MOUNTSTATS_SETCLIENTID,	       /* NFSv4.0's EXCHANGE_ID */
	MOUNTSTATS_SETCLIENTID_CONFIRM,
	_MOUNTSTATS_OP_MAX,
};

/* The name as the per-op statistics spell it ("EXCHANGE_ID"). */
const char *mountstats_op_name(enum mountstats_op op);

struct mountstats_counter {
	uint64_t ops;	 /* calls completed (1st number of the per-op line) */
	uint64_t errors; /* of which ended in an error (9th number, Linux 5.3+) */
};

struct mountstats_entry {
	/* Decoded (\040 -> ' '), as libmount gives mountinfo's fields. */
	char *device;
	char *mountpoint;
	char *fstype;
	unsigned vers_major, vers_minor; /* "vers=4.2" of opts:, 0 if absent */
	bool have_age;
	uint64_t age_s;	     /* seconds since the superblock was mounted */
	bool have_ops;	     /* a "per-op statistics" section was read */
	bool have_errors;    /* its lines carry the error count (9 numbers) */
	unsigned seen;	     /* 1 << op for each operation found */
	struct mountstats_counter op[_MOUNTSTATS_OP_MAX];
};

struct mountstats {
	struct mountstats_entry *v;
	size_t n, cap;
};

/* Parses the whole stream. Malformed lines are skipped, never fatal: the
 * format has grown fields over the years and may again. -ENOMEM. */
int mountstats_parse(FILE *f, struct mountstats *ret);

/* path NULL reads /proc/self/mountstats. -errno of the open. */
int mountstats_load(const char *path, struct mountstats *ret);

void mountstats_done(struct mountstats *s);

/* The entry of a mount: the occurrence-th (from 0) with this mount point,
 * device and type, in file order, which is the kernel's mount list order
 * as in mountinfo; the last such one when there are fewer; NULL if none. */
const struct mountstats_entry *mountstats_find(const struct mountstats *s, const char *mountpoint,
					       const char *device, const char *fstype, size_t occurrence);
