/* The registry of requests in flight: slots keyed by device number, held
 * by open file description locks. Two opens of the registry file are two
 * descriptions, which is what two fsprobe processes are to each other. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "pending.h"
#include "tap.h"

int main(void)
{
	char dir[] = "/tmp/fsprobe-test-pending.XXXXXX", *sub = NULL;
	struct pending_info busy = {};
	int a = -1, b = -1, ret[5];
	struct pending_info busy_many[5];

	is_int((int)pending_key(makedev(0, 53)), 53, "key: anonymous device 0:53");
	ok(pending_key(makedev(8, 1)) == (8U << 20 | 1U), "key: block device 8:1");
	ok(pending_key(makedev(4095, 0xfffff)) == UINT32_MAX, "key: the largest device the kernel encodes");
	ok(pending_key(makedev(0, 53)) != pending_key(makedev(0, 54)), "key: neighbours differ");

	if (!mkdtemp(dir) || asprintf(&sub, "%s/state", dir) < 0)
		abort();
	is_int(pending_open(sub, &a), 0, "open the registry");
	is_int(pending_open(sub, &b), 0, "open it again: a second description");

	is_int(pending_acquire(a, 53, &busy), 0, "a takes slot 53");
	is_int(pending_acquire(a, 53, &busy), 0, "a takes it again: its own lock (a bind mount of the same file system)");
	is_int(pending_acquire(b, 53, &busy), -EBUSY, "b finds slot 53 busy");
	is_int(busy.pid, getpid(), "busy: the holder's pid");
	ok(busy.since_real_ns > 0 && busy.since_boot_ns > 0, "busy: since when");
	is_int(pending_acquire(b, UINT32_MAX, &busy), 0, "b takes the last slot (offset past 4 GiB x 32)");

	/* keys out of order, a duplicate, a busy one and the far end */
	uint32_t keys[5] = { 55, 53, 54, 55, UINT32_MAX };
	pending_acquire_many(b, keys, 5, ret, busy_many);
	is_int(ret[0], 0, "many: 55");
	is_int(ret[1], -EBUSY, "many: 53 is a's");
	is_int(busy_many[1].pid, getpid(), "many: 53's holder");
	is_int(ret[2], 0, "many: 54");
	is_int(ret[3], 0, "many: 55 twice");
	is_int(ret[4], 0, "many: the last slot, held by b already");

	is_int(pending_release(a, 53), 0, "a releases 53");
	is_int(pending_acquire(b, 53, &busy), 0, "b takes 53 now");
	uint32_t rel[4] = { 55, 53, 54, 55 };
	is_int(pending_release_many(b, rel, 4), 0, "b releases 53-55 in one go");
	is_int(pending_acquire(a, 54, &busy), 0, "a takes 54 after it");
	is_int(pending_acquire(a, 55, &busy), 0, "a takes 55 after it");
	is_int(pending_acquire(a, UINT32_MAX, &busy), -EBUSY, "the last slot is still b's");

	/* Bind mounts of one file system: one slot, every one of them told */
	{
		uint32_t dup[4] = { 60, 61, 60, 60 };
		int dret[4];
		struct pending_info dbusy[4];

		is_int(pending_acquire(a, 60, &busy), 0, "a takes 60");
		pending_acquire_many(b, dup, 4, dret, dbusy);
		ok(dret[0] == -EBUSY && dret[2] == -EBUSY && dret[3] == -EBUSY,
		   "many: 60 three times, busy for each");
		ok(dbusy[2].pid == getpid() && dbusy[3].pid == getpid(), "many: each told the holder");
		is_int(dret[1], 0, "many: 61 taken");
		uint32_t r61 = 61;
		(void)pending_release_many(b, &r61, 1);
		(void)pending_release(a, 60);
	}

	/* Waiters: a shared mark of their own, seen by others, never by the
	 * description that set it, and apart from the slot's lock. */
	{
		uint32_t span[3] = { 70, 90, 80 }, far[2] = { 10, 20 };

		ok(!pending_waited(a, 80) && !pending_waited_any(a, span, 3), "no waiter yet");
		is_int(pending_wait_mark(b, 80, true), 0, "b waits for 80");
		is_int(pending_wait_mark(a, 80, true), 0, "a waits for 80 too (a shared mark)");
		ok(pending_waited(a, 80) && pending_waited(b, 80), "each sees the other waiting");
		ok(pending_waited_any(a, span, 3), "any: 80 among 70-90 is waited for");
		ok(!pending_waited_any(a, far, 2) && !pending_waited(a, 79) && !pending_waited(a, 81),
		   "any: not 10-20, not its neighbours");
		is_int(pending_acquire(a, 80, &busy), 0, "the slot itself is free to take");
		(void)pending_release(a, 80);
		is_int(pending_wait_mark(a, 80, false), 0, "a waits no more");
		ok(!pending_waited(b, 80), "b's own mark does not count for b");
		ok(pending_waited(a, 80), "b still waits, as a sees");
		is_int(pending_wait_mark(b, UINT32_MAX, true), 0, "a mark for the last slot");
		ok(pending_waited(a, UINT32_MAX), "seen (past 4 GiB x 32, no file size needed)");
		(void)pending_wait_mark(b, UINT32_MAX, false);
		(void)pending_wait_mark(b, 80, false);
		ok(!pending_waited(a, 80) && !pending_waited(a, UINT32_MAX), "withdrawn: no waiter");
	}

	/* A slot lives as long as the description: closing it frees all. */
	close(b);
	is_int(pending_acquire(a, UINT32_MAX, &busy), 0, "b closed: its slots are free");
	is_int(pending_release(a, UINT32_MAX), 0, "a releases the last slot");

	/* Under a file size limit (the helper ignores SIGXFSZ, as here) a far
	 * slot cannot be written: an error, the lock not kept, no signal. */
	{
		struct rlimit rl = { 1 << 20, 1 << 20 };

		(void)signal(SIGXFSZ, SIG_IGN);
		ok(setrlimit(RLIMIT_FSIZE, &rl) == 0, "file size limit 1 MiB");
		is_int(pending_acquire(a, UINT32_MAX, &busy), -EFBIG, "a slot past the limit: -EFBIG");
		is_int(pending_acquire(a, 53, &busy), 0, "a slot within it still works");
		b = -1;
		is_int(pending_open(sub, &b), 0, "a second description again");
		is_int(pending_acquire(b, UINT32_MAX, &busy), -EFBIG, "the failed slot was not left locked");
		close(b);
	}
	close(a);

	char path[256];
	(void)snprintf(path, sizeof(path), "%s/pending", sub);
	(void)unlink(path);
	(void)rmdir(sub);
	(void)rmdir(dir);
	free(sub);
	return tap_done();
}
