/* The lease-churn windows of NFSv4 mounts from one CLI run to the next:
 * one small text file, nfs-leases, in the runtime state directory, keyed
 * by mount ID and a hash of target and source (mount IDs are reused). The
 * daemon keeps its windows in memory instead (tracker.h).
 *
 * The directory gets pending_open_dir()'s checks (ours, not writable by
 * others, no symlink) and the file is opened O_NOFOLLOW and must be ours:
 * a planted file could hide churn or invent it. Concurrent runs take turns
 * through a lock taken without waiting; a run that cannot have it soon
 * goes on without churn. Lives in the state directory only; the caller
 * makes sure that directory is not below a suspect mount. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"
#include "lease-churn.h"

#define LEASE_STORE_FILE "nfs-leases"

struct lease_record {
	int mnt_id;
	uint64_t key;
	struct churn_window w;
	bool keep; /* written back by lease_store_close() */
};

struct lease_store {
	int fd;
	struct lease_record *v;
	size_t n, cap;
	struct hashmap index; /* record key ^ mount ID -> index in v */
};

/* Opens (creating) and locks the file, and reads its records; malformed
 * lines are dropped. -EBUSY when another run holds the lock too long,
 * -EPERM for a file or directory that is not ours, other -errno. */
int lease_store_open(const char *dir, struct lease_store *ret);

/* FNV-1a of target, a NUL and source: stable across versions, so an
 * upgrade keeps the windows. */
uint64_t lease_store_key(const char *target, const char *source);

/* The window of a mount, added empty if new; kept. NULL when out of memory. */
struct churn_window *lease_store_window(struct lease_store *s, int mnt_id, uint64_t key);

/* Keeps the record of a mount that exists but was not looked at in this
 * run (FILE arguments select a few): its window survives. */
void lease_store_keep(struct lease_store *s, int mnt_id, uint64_t key);

/* Writes the kept records back (the others: mounts gone), unlocks and
 * closes. Returns -errno of the write; the store is closed anyway. */
int lease_store_close(struct lease_store *s);

/* Closes without writing. */
void lease_store_abandon(struct lease_store *s);
