/* The registry of probes in flight; see pending.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"
#include "pending.h"
#include "util.h"

#define PENDING_FILE "pending"
#define PENDING_MAGIC UINT32_C(0x66737072) /* "fspr" */

struct pending_slot {
	uint64_t since_boot_ns;
	int64_t since_real_ns;
	uint32_t pid;
	uint32_t magic;
	uint64_t reserved;
};

_Static_assert(sizeof(struct pending_slot) == 32, "slot layout is on disk");

char *pending_default_dir(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char *s;

	if (geteuid() == 0)
		return strdup("/run/fsprobe");
	if (xdg && xdg[0] == '/') {
		if (asprintf(&s, "%s/fsprobe", xdg) < 0)
			return NULL;
		return s;
	}
	if (asprintf(&s, "/tmp/fsprobe-%u", (unsigned)geteuid()) < 0)
		return NULL;
	return s;
}

int pending_open_dir(const char *dir, int *ret_dfd)
{
	_cleanup_close_ int dfd = -1;
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (fstat(dfd, &st) < 0)
		return -errno;
	/* Someone else's directory (a planted /tmp/fsprobe-UID) could fake
	 * pending probes and hide a hung mount. */
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return -EPERM;
	*ret_dfd = TAKE_FD(dfd);
	return 0;
}

int pending_open(const char *dir, int *ret_fd)
{
	_cleanup_close_ int dfd = -1, fd = -1;
	struct stat st;
	int r;

	r = pending_open_dir(dir, &dfd);
	if (r < 0)
		return r;
	fd = openat(dfd, PENDING_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid())
		return -EPERM;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static int range_lock(int fd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	if (fcntl(fd, F_OFD_SETLK, &fl) < 0)
		return -errno;
	return 0;
}

static int slot_lock(int fd, uint32_t key, short type)
{
	return range_lock(fd, type, (off_t)key * (off_t)sizeof(struct pending_slot), sizeof(struct pending_slot));
}

int pending_acquire(int fd, uint32_t key, struct pending_info *ret_busy)
{
	off_t off = (off_t)key * (off_t)sizeof(struct pending_slot);
	struct pending_slot s;
	int r;

	r = slot_lock(fd, key, F_WRLCK);
	if (r == -EAGAIN || r == -EACCES) {
		/* The holder writes its slot right after locking it; a reader
		 * racing that write sees a zero or older slot and reports an
		 * unknown start, which is still "pending". */
		if (pread(fd, &s, sizeof(s), off) != (ssize_t)sizeof(s) || s.magic != PENDING_MAGIC)
			s = (struct pending_slot){};
		*ret_busy = (struct pending_info){
			.since_boot_ns = s.since_boot_ns,
			.since_real_ns = s.since_real_ns,
			.pid = (pid_t)s.pid,
		};
		return -EBUSY;
	}
	if (r < 0)
		return r;
	s = (struct pending_slot){
		.since_boot_ns = now_boot_ns(),
		.since_real_ns = now_real_ns(),
		.pid = (uint32_t)getpid(),
		.magic = PENDING_MAGIC,
	};
	if (pwrite(fd, &s, sizeof(s), off) != (ssize_t)sizeof(s)) {
		r = errno ? -errno : -EIO;
		(void)slot_lock(fd, key, F_UNLCK);
		return r;
	}
	return 0;
}

struct id_at {
	uint32_t id;
	size_t at; /* index in the caller's array */
};

static int id_at_cmp(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Acquires the run o[a..b) of consecutive IDs: one lock and one write
 * for all of it; when another process holds part of it, each half on its
 * own, down to single slots, which tell their holder. A few busy mounts
 * among 10,000 so cost a few dozen calls, not 10,000. */
static void acquire_run(int fd, const struct id_at *o, size_t a, size_t b, struct pending_slot *run, int *ret,
			struct pending_info *ret_busy)
{
	size_t len = (b - a) * sizeof(struct pending_slot);
	struct flock fl = {
		.l_type = F_WRLCK,
		.l_whence = SEEK_SET,
		.l_start = (off_t)o[a].id * (off_t)sizeof(struct pending_slot),
		.l_len = (off_t)len,
	};

	if (b - a == 1) {
		ret[o[a].at] = pending_acquire(fd, o[a].id, &ret_busy[o[a].at]);
		return;
	}
	if (fcntl(fd, F_OFD_SETLK, &fl) == 0) {
		/* The whole run is ours: one write records it. */
		run[0] = (struct pending_slot){
			.since_boot_ns = now_boot_ns(),
			.since_real_ns = now_real_ns(),
			.pid = (uint32_t)getpid(),
			.magic = PENDING_MAGIC,
		};
		for (size_t k = 1; k < b - a; k++)
			run[k] = run[0];
		if (pwrite(fd, run, len, fl.l_start) == (ssize_t)len) {
			for (size_t k = a; k < b; k++)
				ret[o[k].at] = 0;
			return;
		}
		fl.l_type = F_UNLCK;
		(void)fcntl(fd, F_OFD_SETLK, &fl);
	}
	acquire_run(fd, o, a, a + (b - a) / 2, run, ret, ret_busy);
	acquire_run(fd, o, a + (b - a) / 2, b, run, ret, ret_busy);
}

void pending_acquire_many(int fd, const uint32_t *keys, size_t n, int *ret, struct pending_info *ret_busy)
{
	_cleanup_free_ struct id_at *o = calloc(MAX(n, 1U), sizeof(*o)), *u = calloc(MAX(n, 1U), sizeof(*u));
	_cleanup_free_ struct pending_slot *run = calloc(MAX(n, 1U), sizeof(*run));
	size_t a, b, m = 0;

	if (!o || !u || !run) {
		for (size_t i = 0; i < n; i++)
			ret[i] = pending_acquire(fd, keys[i], &ret_busy[i]);
		return;
	}
	for (size_t i = 0; i < n; i++)
		o[i] = (struct id_at){ keys[i], i };
	qsort(o, n, sizeof(*o), id_at_cmp);
	/* Bind mounts of one file system share its slot: locked once, for the
	 * first of them, the others given its result (10,000 binds of one
	 * tmpfs are one lock, not 10,000). */
	for (size_t i = 0; i < n; i++)
		if (i == 0 || o[i].id != o[i - 1].id)
			u[m++] = o[i];
	for (a = 0; a < m; a = b) {
		for (b = a + 1; b < m && u[b].id == u[b - 1].id + 1; b++)
			;
		acquire_run(fd, u, a, b, run, ret, ret_busy);
	}
	for (size_t i = 1, first = 0; i < n; i++) {
		if (o[i].id != o[first].id) {
			first = i;
			continue;
		}
		ret[o[i].at] = ret[o[first].at];
		ret_busy[o[i].at] = ret_busy[o[first].at];
	}
}

int pending_release(int fd, uint32_t key)
{
	return slot_lock(fd, key, F_UNLCK);
}

static int key_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

int pending_release_many(int fd, uint32_t *keys, size_t n)
{
	int r = 0;

	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		struct flock fl = {
			.l_type = F_UNLCK,
			.l_whence = SEEK_SET,
			.l_start = (off_t)keys[i] * (off_t)sizeof(struct pending_slot),
		};

		for (j = i + 1; j < n && keys[j] - keys[j - 1] <= 1; j++)
			;
		fl.l_len = ((off_t)keys[j - 1] - (off_t)keys[i] + 1) * (off_t)sizeof(struct pending_slot);
		if (fcntl(fd, F_OFD_SETLK, &fl) < 0 && r == 0)
			r = -errno;
	}
	return r;
}

/* The waiter bytes: one per slot, at 1 TiB, past the last slot (4 GiB
 * slots of 32 bytes end at 128 GiB). Nothing is ever written there. */
#define WAITERS_AT ((off_t)1 << 40)

int pending_wait_mark(int fd, uint32_t key, bool on)
{
	return range_lock(fd, on ? F_RDLCK : F_UNLCK, WAITERS_AT + (off_t)key, 1);
}

/* Whether another description holds a waiter byte in [first, last]: our
 * own shared locks never conflict with the exclusive one asked about. */
static bool waited_range(int fd, uint32_t first, uint32_t last)
{
	struct flock fl = {
		.l_type = F_WRLCK,
		.l_whence = SEEK_SET,
		.l_start = WAITERS_AT + (off_t)first,
		.l_len = (off_t)last - (off_t)first + 1,
	};

	if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return false;
	return fl.l_type != F_UNLCK;
}

bool pending_waited(int fd, uint32_t key)
{
	return waited_range(fd, key, key);
}

bool pending_waited_any(int fd, const uint32_t *keys, size_t n)
{
	uint32_t lo = UINT32_MAX, hi = 0;

	for (size_t i = 0; i < n; i++) {
		lo = MIN(lo, keys[i]);
		hi = MAX(hi, keys[i]);
	}
	/* Waiters are rare: one call over the whole span answers "none". */
	return n > 0 && waited_range(fd, lo, hi);
}
