/* Per-mount health: the fixed status vocabulary, how errnos map onto it,
 * and the per-mount result every renderer reads. Pure data: never touches a
 * file system. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum mount_status {
	STATUS_OK,
	STATUS_HUNG,	     /* no answer by the deadline */
	STATUS_STALE,	     /* ESTALE */
	STATUS_DISCONNECTED, /* ENOTCONN, ECONNABORTED: FUSE daemon gone */
	STATUS_DOWN,	     /* server unreachable or timed out */
	STATUS_DENIED,	     /* could not be probed (no permission, over-mounted):
			      * not a failure of the mount */
	STATUS_BLOCKED,	     /* below an unhealthy mount: not probed through it */
	STATUS_ERROR,	     /* anything else, with its errno */
	_STATUS_MAX,
	_STATUS_INVALID = -EINVAL,
};

const char *status_to_string(enum mount_status s);
enum mount_status status_from_string(const char *s);

/* err is a positive errno, 0 for success. */
enum mount_status status_from_errno(int err);

/* ok and denied do not make fsprobe's exit status fail. */
bool status_is_healthy(enum mount_status s);

/* Block counts as statfs(2) gives them; sizes are multiples of frsize. */
struct fs_usage {
	uint64_t frsize;
	uint64_t blocks, bfree, bavail;
	uint64_t files, ffree;
};

enum result_flags {
	RESULT_ANSWERED = 1 << 0,     /* statx came back, latency is set */
	RESULT_HAVE_USAGE = 1 << 1,   /* statfs came back with numbers */
	RESULT_PENDING_EARLIER = 1 << 2, /* an earlier run's probe is still pending */
	RESULT_MNT_ID_MISMATCH = 1 << 3, /* path reached another mount */
	RESULT_STATFS_HUNG = 1 << 4,  /* statx answered, statfs did not */
	RESULT_AUTOMOUNT = 1 << 5,    /* an autofs trigger: ok from the mount
				       * table alone, never probed */
	RESULT_OUTDATED = 1 << 6,     /* the daemon's last answer predates its
				       * outage (no helper): status not known */
};

struct mount_result {
	enum mount_status status;
	unsigned flags;
	int err;		/* positive errno behind status, 0 if none */
	uint64_t latency_ns;	/* statx round trip */
	uint64_t hung_ns;	/* how long hung, counting earlier runs */
	int64_t since_real_ns;	/* hung since (wall clock), 0 if unknown */
	int pending_pid;	/* helper that holds the pending probe */
	uint64_t seen_mnt_id;	/* stx_mnt_id when it differs */
	ssize_t blocked_by;	/* mount index, for STATUS_BLOCKED */
	struct fs_usage usage;
};

static inline uint64_t usage_size_bytes(const struct fs_usage *u)
{
	return u->blocks * u->frsize;
}

/* Used as df counts it: total less free (not less available: the blocks
 * reserved for root are used), never below 0 when a file system reports
 * more free than total. */
static inline uint64_t usage_used_blocks(const struct fs_usage *u)
{
	return u->blocks >= u->bfree ? u->blocks - u->bfree : 0;
}

static inline uint64_t usage_used_inodes(const struct fs_usage *u)
{
	return u->files >= u->ffree ? u->files - u->ffree : 0;
}

static inline uint64_t usage_used_bytes(const struct fs_usage *u)
{
	return usage_used_blocks(u) * u->frsize;
}

static inline uint64_t usage_avail_bytes(const struct fs_usage *u)
{
	return u->bavail * u->frsize;
}
