/* The helper's request stream (the daemon's long-lived helper reads it):
 * any bytes, split into reads of any size, through probe_requests_take().
 * Every request handed out lies inside the bytes read, has a path of 1 to
 * PATH_MAX bytes (pings have none), the buffer never fills (a read of 0
 * bytes would look like EOF), and the split does not matter: the same
 * requests and the same verdict on a corrupt stream as in one read.
 *
 * Input: a seed for the read sizes, then the stream. */
#include <errno.h>

#include "fuzz.h"
#include "macro.h"
#include "probe-internal.h"

#define REQUESTS_MAX 256

struct seen {
	struct probe_request rq[REQUESTS_MAX];
	uint64_t path_hash[REQUESTS_MAX];
	size_t n;
	const uint8_t *lo, *hi; /* the buffer the paths must lie in */
};

static void on_request(void *userdata, const struct probe_request *rq, const uint8_t *path)
{
	struct seen *s = userdata;
	uint64_t h = 0xcbf29ce484222325;

	if (rq->flags & PROBE_REQUEST_PING)
		fuzz_check(!path, "a ping with a path");
	else {
		fuzz_check(path && rq->path_len > 0 && rq->path_len <= PROBE_REQUEST_MAX - sizeof(*rq) - 1,
			   "path of %u bytes", rq->path_len);
		fuzz_check(path >= s->lo && path + rq->path_len <= s->hi, "path outside the bytes read");
		for (uint32_t i = 0; i < rq->path_len; i++)
			h = (h ^ path[i]) * 0x100000001b3;
	}
	if (s->n < REQUESTS_MAX) {
		s->rq[s->n] = *rq;
		s->path_hash[s->n] = h;
	}
	s->n++;
}

static bool same(const struct seen *a, const struct seen *b)
{
	size_t n = MIN(a->n, REQUESTS_MAX);

	return a->n == b->n && memcmp(a->rq, b->rq, n * sizeof(a->rq[0])) == 0 &&
	       memcmp(a->path_hash, b->path_hash, n * sizeof(a->path_hash[0])) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint32_t seed = (uint32_t)fuzz_take(&in, 4);
	static struct seen once, split;
	static uint8_t buf[PROBE_REQUEST_MAX];
	uint8_t *whole = malloc(in.left + 1);
	const uint8_t *p = in.p;
	size_t len = in.left, have = in.left;
	int r_once, r_split = 0;

	if (!whole)
		abort();
	memcpy(whole, in.p, in.left);
	once = (struct seen){ .lo = whole, .hi = whole + in.left };
	r_once = probe_requests_take(whole, &have, on_request, &once);
	fuzz_check(r_once == 0 || r_once == -EBADMSG, "r=%d", r_once);
	free(whole);

	/* As the helper reads: into a PROBE_REQUEST_MAX buffer, until the
	 * stream ends or turns out corrupt. */
	split = (struct seen){ .lo = buf, .hi = buf };
	have = 0;
	while (len > 0 && r_split == 0) {
		size_t room = PROBE_REQUEST_MAX - have, l;

		fuzz_check(room > 0, "request buffer full: a read of 0 would look like EOF");
		seed = seed * 1103515245 + 12345;
		l = MIN(MIN(len, room), (size_t)(seed >> 16) % 512 + 1);
		memcpy(buf + have, p, l);
		have += l;
		p += l;
		len -= l;
		split.hi = buf + have;
		r_split = probe_requests_take(buf, &have, on_request, &split);
		fuzz_check(r_split < 0 || have < PROBE_REQUEST_MAX - 1, "%zu bytes kept", have);
	}
	fuzz_check(r_split == r_once, "split %d, whole %d", r_split, r_once);
	fuzz_check(same(&once, &split), "%zu requests split, %zu whole", split.n, once.n);
	return 0;
}
