/* The lease-churn windows across CLI runs; see lease-store.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "lease-store.h"
#include "macro.h"
#include "pending.h"
#include "util.h"

#define HEADER "fsprobe nfs-leases 1\n"
/* Far more NFSv4 mounts than anyone has; a bigger file is not ours to
 * trust or to spend time on. */
#define FILE_MAX (4 * 1024 * 1024)
/* Another run holds the lock for microseconds (read, compute, rewrite a
 * few lines): wait this many times this long before giving up. */
#define LOCK_TRIES 10
#define LOCK_PAUSE_NS (2 * NSEC_PER_MSEC)

uint64_t lease_store_key(const char *target, const char *source)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	const char *s[] = { target ? target : "", source ? source : "" };

	for (size_t k = 0; k < ARRAY_SIZE(s); k++) {
		for (const unsigned char *p = (const unsigned char *)s[k]; *p; p++)
			h = (h ^ *p) * UINT64_C(0x100000001b3);
		h *= UINT64_C(0x100000001b3); /* the NUL between them */
	}
	return h;
}

static int lock_briefly(int fd)
{
	for (int i = 0; i < LOCK_TRIES; i++) {
		struct timespec ts = { 0, (long)LOCK_PAUSE_NS };

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		(void)nanosleep(&ts, NULL);
	}
	return -EBUSY;
}

static uint64_t index_key(int mnt_id, uint64_t key)
{
	return key ^ ((uint64_t)(unsigned)mnt_id * UINT64_C(0x9E3779B97F4A7C15));
}

static int add(struct lease_store *s, const struct lease_record *rec)
{
	if (ARRAY_RESERVE(s->v, s->cap, s->n + 1) < 0)
		return -ENOMEM;
	if (hashmap_add(&s->index, index_key(rec->mnt_id, rec->key), (ssize_t)s->n) < 0)
		return -ENOMEM;
	s->v[s->n++] = *rec;
	return 0;
}

static bool parse_record(const char *line, struct lease_record *ret)
{
	struct lease_record r = {};
	struct churn_sample *o = &r.w.old, *n = &r.w.recent;
	int end = 0;

	if (sscanf(line, "%d %" SCNx64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			 " %" SCNu64 " %" SCNu64 "%n",
		   &r.mnt_id, &r.key, &o->at_ns, &o->establish, &o->destroy, &o->age_s, &n->at_ns, &n->establish,
		   &n->destroy, &n->age_s, &end) != 10 ||
	    line[end] != '\0' || r.mnt_id < 0)
		return false;
	*ret = r;
	return true;
}

static int read_records(struct lease_store *s)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;
	char *save = NULL;

	if (fstat(s->fd, &st) < 0)
		return -errno;
	if (st.st_size <= 0 || st.st_size > FILE_MAX)
		return 0;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (len < (size_t)st.st_size) {
		ssize_t k = pread(s->fd, buf + len, (size_t)st.st_size - len, (off_t)len);

		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	if (strncmp(buf, HEADER, strlen(HEADER)) != 0)
		return 0; /* another format: start over */
	for (char *line = strtok_r(buf + strlen(HEADER), "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct lease_record rec;
		int r;

		if (!parse_record(line, &rec))
			continue;
		rec.keep = false;
		r = add(s, &rec);
		if (r < 0)
			return r;
	}
	return 0;
}

int lease_store_open(const char *dir, struct lease_store *ret)
{
	_cleanup_close_ int dfd = -1;
	struct lease_store s = { .fd = -1 };
	struct stat st;
	int r;

	r = pending_open_dir(dir, &dfd);
	if (r < 0)
		return r;
	r = hashmap_init(&s.index, 16);
	if (r < 0)
		return r;
	s.fd = openat(dfd, LEASE_STORE_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (s.fd < 0)
		r = -errno;
	else if (fstat(s.fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_uid != geteuid())
		r = -EPERM;
	else
		r = lock_briefly(s.fd);
	if (r >= 0)
		r = read_records(&s);
	if (r < 0) {
		lease_store_abandon(&s);
		return r;
	}
	*ret = s;
	return 0;
}

static struct lease_record *find(struct lease_store *s, int mnt_id, uint64_t key)
{
	size_t pos = 0;
	ssize_t i;

	while ((i = hashmap_next(&s->index, index_key(mnt_id, key), &pos)) >= 0)
		if (s->v[i].mnt_id == mnt_id && s->v[i].key == key)
			return &s->v[i];
	return NULL;
}

struct churn_window *lease_store_window(struct lease_store *s, int mnt_id, uint64_t key)
{
	struct lease_record *rec = find(s, mnt_id, key);

	if (!rec) {
		if (add(s, &(struct lease_record){ .mnt_id = mnt_id, .key = key }) < 0)
			return NULL;
		rec = &s->v[s->n - 1];
	}
	rec->keep = true;
	return &rec->w;
}

void lease_store_keep(struct lease_store *s, int mnt_id, uint64_t key)
{
	struct lease_record *rec = find(s, mnt_id, key);

	if (rec)
		rec->keep = true;
}

static int write_records(struct lease_store *s)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, off = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -ENOMEM;
	fputs(HEADER, f);
	for (size_t i = 0; i < s->n; i++) {
		const struct lease_record *r = &s->v[i];
		const struct churn_sample *o = &r->w.old, *n = &r->w.recent;

		if (!r->keep)
			continue;
		fprintf(f,
			"%d %016" PRIx64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			" %" PRIu64 " %" PRIu64 "\n",
			r->mnt_id, r->key, o->at_ns, o->establish, o->destroy, o->age_s, n->at_ns, n->establish,
			n->destroy, n->age_s);
	}
	if (fclose(f) != 0)
		return -ENOMEM;
	/* In place, under the lock: a rename would move the lock's inode
	 * away from under a run waiting for it. A run cut short leaves a
	 * torn line at worst, which the next run drops. */
	if (ftruncate(s->fd, 0) < 0)
		return -errno;
	while (off < len) {
		ssize_t k = pwrite(s->fd, buf + off, len - off, (off_t)off);

		if (k < 0)
			return -errno;
		off += (size_t)k;
	}
	return 0;
}

int lease_store_close(struct lease_store *s)
{
	int r = s->fd >= 0 ? write_records(s) : 0;

	lease_store_abandon(s);
	return r;
}

void lease_store_abandon(struct lease_store *s)
{
	if (s->fd >= 0)
		(void)close(s->fd); /* drops the lock too */
	free(s->v);
	hashmap_done(&s->index);
	*s = (struct lease_store){ .fd = -1 };
}
