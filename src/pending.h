/* The registry of probes in flight, shared by every fsprobe process of a
 * user: one file in the runtime state directory with a 32-byte slot per
 * mount ID, each guarded by an open-file-description lock held for exactly
 * as long as a request on that mount is in flight. A helper stuck in the
 * kernel keeps its locks (the kernel drops them only when its files are
 * closed), so a later run sees the mount as pending and issues no second
 * request: a second lookup of a hung path would be unkillable.
 *
 * Lives in the state directory only: never touches a probed mount. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

struct pending_info {
	uint64_t since_boot_ns;	/* CLOCK_BOOTTIME when the request was issued */
	int64_t since_real_ns;	/* the same moment on the wall clock */
	pid_t pid;		/* process that issued it */
};

/* The default directory: /run/fsprobe for root, else
 * $XDG_RUNTIME_DIR/fsprobe, else /tmp/fsprobe-UID. Returns a new string. */
char *pending_default_dir(void);

/* Creates dir (0700) if needed, refuses one that is a symlink or that
 * another user owns or can write, and opens its registry file. */
int pending_open(const char *dir, int *ret_fd);

/* The same checks, then the directory itself, for the other files of the
 * state directory (lease-store.c). */
int pending_open_dir(const char *dir, int *ret_dfd);

/* 0: the slot is ours now and records this moment; -EBUSY: another
 * process holds it, *ret_busy says since when; other -errno on failure. */
int pending_acquire(int fd, int mnt_id, struct pending_info *ret_busy);

/* pending_acquire() of n slots at once: ret[i] and ret_busy[i] are what
 * it would give for mnt_ids[i]. A run of consecutive IDs takes one lock
 * and one write rather than one each per mount (10,000 bind mounts have
 * nearly consecutive IDs); where another process holds part of a run,
 * its halves are tried apart, down to the single busy slots. */
void pending_acquire_many(int fd, const int *mnt_ids, size_t n, int *ret, struct pending_info *ret_busy);

int pending_release(int fd, int mnt_id);

/* Releases n slots at once (mnt_ids is sorted in place): one unlock per
 * run of consecutive IDs. Slots released one by one, in the order their
 * requests return, leave the lock list fragmented, and each unlock walks
 * it: 10,000 of them took 20-70 ms, in runs well under one. */
int pending_release_many(int fd, int *mnt_ids, size_t n);
