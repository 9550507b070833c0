/* The registry of probes in flight, shared by every fsprobe process of a
 * user: one file in the runtime state directory with a 32-byte slot per
 * file system, each guarded by an open-file-description lock held for
 * exactly as long as a request on it is in flight. A helper stuck in the
 * kernel keeps its locks (the kernel drops them only when its files are
 * closed), so a later run sees the mount as pending and issues no second
 * request: a second lookup of a hung path would be unkillable.
 *
 * Slots are keyed by the device number mountinfo gives the mount
 * (pending_key()), not by its mount ID: a service in a mount namespace of
 * its own (systemd's ProtectSystem=, restarted into a new one each time)
 * numbers the same mounts differently, while the device number is the
 * superblock's in every namespace. Bind mounts of one file system share a
 * slot, and they hang together anyway.
 *
 * Lives in the state directory only: never touches a probed mount. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/sysmacros.h>
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

/* The slot of a file system: the kernel's own dev_t encoding (12 bits of
 * major, 20 of minor), so anonymous devices (NFS, FUSE: major 0) of one
 * boot sit close together. */
static inline uint32_t pending_key(dev_t dev)
{
	return ((uint32_t)major(dev) & 0xfffU) << 20 | ((uint32_t)minor(dev) & 0xfffffU);
}

/* 0: the slot is ours now and records this moment; -EBUSY: another
 * process holds it, *ret_busy says since when; other -errno on failure. */
int pending_acquire(int fd, uint32_t key, struct pending_info *ret_busy);

/* pending_acquire() of n slots at once: ret[i] and ret_busy[i] are what
 * it would give for keys[i]. A run of consecutive keys takes one lock
 * and one write rather than one each per mount (10,000 FUSE mounts have
 * nearly consecutive anonymous devices); where another process holds part
 * of a run, its halves are tried apart, down to the single busy slots. */
void pending_acquire_many(int fd, const uint32_t *keys, size_t n, int *ret, struct pending_info *ret_busy);

int pending_release(int fd, uint32_t key);

/* A process waiting for another's request on a slot says so, with a
 * shared lock on a byte of its own for the slot (far past the slots, in
 * the sparse part of the file): the daemon, which probes every mount
 * again and again, leaves a slot that someone waits for to them rather
 * than take it the moment it is free, every cycle (helper.c).
 * on: announce; !on: withdraw. */
int pending_wait_mark(int fd, uint32_t key, bool on);

/* Whether another process waits for any of the n slots. */
bool pending_waited_any(int fd, const uint32_t *keys, size_t n);
/* ... for this one. */
bool pending_waited(int fd, uint32_t key);

/* Releases n slots at once (keys is sorted in place): one unlock per
 * run of consecutive keys. Slots released one by one, in the order their
 * requests return, leave the lock list fragmented, and each unlock walks
 * it: 10,000 of them took 20-70 ms, in runs well under one. */
int pending_release_many(int fd, uint32_t *keys, size_t n);
