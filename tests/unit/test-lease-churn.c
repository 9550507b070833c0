/* Lease churn: the threshold over the sliding window (daemon cycles of
 * 15 s, CLI runs minutes or hours apart), a server restart that must not
 * count as churn, starting over on a new mount or counters going back,
 * and the state-directory store the CLI keeps the windows in. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lease-churn.h"
#include "lease-store.h"
#include "tap.h"

#define SEC NSEC_PER_SEC
#define T0 (1000 * SEC) /* CLOCK_MONOTONIC is never 0 in practice */

static struct churn_sample at(uint64_t t_s, uint64_t establish, uint64_t age_s)
{
	return (struct churn_sample){ .at_ns = T0 + t_s * SEC, .establish = establish, .destroy = establish / 3,
				      .age_s = age_s };
}

static void window(void)
{
	struct churn_window w = {};
	struct churn_verdict v;
	struct churn_sample s;

	s = at(0, 3, 100);
	churn_observe(&w, &s, 6, &v);
	ok(!v.known, "first observation: nothing to judge");

	s = at(15, 12, 115);
	churn_observe(&w, &s, 6, &v);
	ok(v.known && v.churn, "9 establishments in 15 s: churn");
	is_int(v.establish, 9, "count in the period");
	is_int(v.period_ns, 15 * SEC, "period");
	is_int(v.destroy, 3, "sessions destroyed in the period");

	/* A server restart: three establishments, then quiet. */
	w = (struct churn_window){};
	s = at(0, 3, 100);
	churn_observe(&w, &s, 6, &v);
	s = at(15, 6, 115);
	churn_observe(&w, &s, 6, &v);
	ok(v.known && !v.churn, "one server restart (3) is no churn");
	for (unsigned t = 30; t <= 900; t += 15) {
		s = at(t, 6, 100 + t);
		churn_observe(&w, &s, 6, &v);
		if (v.churn)
			break;
	}
	ok(!v.churn, "quiet afterwards: never churn");

	/* Slow churn of idle clients: one theft a minute, three each. */
	w = (struct churn_window){};
	{
		bool seen = false;
		uint64_t first = 0;

		for (unsigned t = 0, e = 3; t <= 900; t += 15) {
			if (t % 60 == 0 && t)
				e += 3;
			s = at(t, e, 100 + t);
			churn_observe(&w, &s, 6, &v);
			if (v.churn && !seen) {
				seen = true;
				first = t;
			}
			if (seen && t > first && !v.churn)
				break;
		}
		ok(seen, "one theft a minute: churn once enough piled up in the window");
		ok(first <= 240, "... within four minutes");
		ok(v.churn, "... and it stays while it goes on (the window never restarts from zero)");
		ok(v.period_ns >= CHURN_WINDOW_NS / 2 && v.period_ns <= CHURN_WINDOW_NS,
		   "in steady state the period is between half a window and a window");
	}

	/* Counters back to fewer: another client (remount), start over. */
	s = at(1000, 2, 5);
	churn_observe(&w, &s, 6, &v);
	ok(!v.known, "counters went back: start over, no verdict");
	s = at(1010, 2, 15);
	churn_observe(&w, &s, 6, &v);
	ok(v.known && !v.churn && v.period_ns == 10 * SEC, "then judged from the new start");

	/* Age that does not match the time passed: another mount under a
	 * reused mount ID, with counters that happen to be higher. */
	s = at(1020, 40, 3);
	churn_observe(&w, &s, 6, &v);
	ok(!v.known, "age does not follow the clock: another mount, start over");
	s = at(1021, 40, 4);
	churn_observe(&w, &s, 6, &v);
	ok(v.known, "age within the slack: same mount");

	/* Unknown ages are not compared. */
	w = (struct churn_window){};
	s = at(0, 0, CHURN_AGE_UNKNOWN);
	churn_observe(&w, &s, 6, &v);
	s = at(60, 6, CHURN_AGE_UNKNOWN);
	churn_observe(&w, &s, 6, &v);
	ok(v.known && v.churn, "ages unknown: judged on counters alone");

	/* Threshold 0: nothing judged, but the window is kept. */
	w = (struct churn_window){};
	s = at(0, 0, 100);
	churn_observe(&w, &s, 0, &v);
	s = at(10, 100, 110);
	churn_observe(&w, &s, 0, &v);
	ok(!v.known && w.recent.at_ns == T0, "threshold 0: no verdict, samples kept");

	/* CLI runs an hour apart: the rate over the period counts. */
	w = (struct churn_window){};
	s = at(0, 10, 100);
	churn_observe(&w, &s, 6, &v);
	s = at(3600, 40, 3700);
	churn_observe(&w, &s, 6, &v);
	ok(v.known && !v.churn, "30 in an hour (5 per window on average): not churn");
	s = at(7200, 80, 7300);
	churn_observe(&w, &s, 6, &v);
	ok(v.known && v.churn && v.period_ns == 3600 * SEC, "40 in the next hour (6.7 per window): churn, over the last hour");

	/* The same instant twice: no period. */
	w = (struct churn_window){};
	s = at(0, 0, 100);
	churn_observe(&w, &s, 6, &v);
	churn_observe(&w, &s, 6, &v);
	ok(!v.known, "no time passed: no verdict");
	s = (struct churn_sample){};
	churn_observe(&w, &s, 6, &v);
	ok(!v.known && w.recent.at_ns == T0, "a sample without time is ignored");
}

static void store(void)
{
	char dir[] = "/tmp/fsprobe-leases.XXXXXX", path[256];
	struct lease_store s;
	struct churn_window *w;
	uint64_t k1 = lease_store_key("/mnt/a", "srv:/a"), k2 = lease_store_key("/mnt/b", "srv:/b");
	struct stat st;
	int fd;

	ok(k1 != k2, "keys differ by target and source");
	ok(lease_store_key("/mnt/a", "srv:/a") == k1, "keys are stable");
	ok(lease_store_key("/mnt/ab", "") != lease_store_key("/mnt/a", "b"), "the NUL separates target and source");
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	is_int(lease_store_open(dir, &s), 0, "open an empty store");
	is_int(s.n, 0, "empty");
	w = lease_store_window(&s, 41, k1);
	ok(w && !w->recent.at_ns, "a new window is empty");
	w->recent = (struct churn_sample){ .at_ns = 5 * SEC, .establish = 7, .destroy = 2, .age_s = CHURN_AGE_UNKNOWN };
	w->old = (struct churn_sample){ .at_ns = 1 * SEC, .establish = 3, .destroy = 1, .age_s = 99 };
	w = lease_store_window(&s, 42, k2);
	w->recent = (struct churn_sample){ .at_ns = 6 * SEC, .establish = 1 };
	is_int(lease_store_close(&s), 0, "write back");

	(void)snprintf(path, sizeof(path), "%s/%s", dir, LEASE_STORE_FILE);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "the file is 0600");

	is_int(lease_store_open(dir, &s), 0, "read again");
	is_int(s.n, 2, "two records");
	w = lease_store_window(&s, 41, k1);
	ok(w && w->recent.establish == 7 && w->recent.destroy == 2 && w->recent.age_s == CHURN_AGE_UNKNOWN &&
		   w->old.at_ns == SEC && w->old.age_s == 99,
	   "a window survives the round trip");
	ok(lease_store_window(&s, 41, k2) && s.n == 3, "the same mount ID with another target is another record");
	/* 42 is neither looked at nor kept: a vanished mount. */
	is_int(lease_store_close(&s), 0, "write back");
	is_int(lease_store_open(dir, &s), 0, "read again");
	is_int(s.n, 2, "the vanished mount's record is gone");
	lease_store_keep(&s, 41, k1);
	lease_store_keep(&s, 41, k2);
	is_int(lease_store_close(&s), 0, "kept without a look");
	is_int(lease_store_open(dir, &s), 0, "read again");
	is_int(s.n, 2, "kept records stay");

	/* While one run holds the store, another gives up soon. */
	{
		struct lease_store other;

		is_int(lease_store_open(dir, &other), -EBUSY, "a second run cannot have it while held: -EBUSY");
	}
	lease_store_abandon(&s);

	/* Garbage and a torn line are dropped, the rest kept. */
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd >= 0) {
		const char *t = "fsprobe nfs-leases 1\n"
				"41 0123 1 2 3 4 5 6 7 8\n"
				"nonsense\n"
				"-3 0123 1 2 3 4 5 6 7 8\n"
				"43 0124 1 2 3 4 5 6 7\n";
		(void)!write(fd, t, strlen(t));
		close(fd);
	}
	is_int(lease_store_open(dir, &s), 0, "a damaged file opens");
	is_int(s.n, 1, "only the well-formed record is read");
	lease_store_abandon(&s);

	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd >= 0) {
		(void)!write(fd, "something else\n41 0123 1 2 3 4 5 6 7 8\n", 39);
		close(fd);
	}
	is_int(lease_store_open(dir, &s), 0, "another format opens");
	is_int(s.n, 0, "another format: started over");
	lease_store_abandon(&s);

	/* A symlink planted in its place is refused. */
	(void)unlink(path);
	ok(symlink("/etc/passwd", path) == 0, "plant a symlink");
	ok(lease_store_open(dir, &s) == -ELOOP, "a symlink is not followed");
	(void)unlink(path);

	/* A directory others can write is refused (pending_open_dir()). */
	(void)chmod(dir, 0777);
	is_int(lease_store_open(dir, &s), -EPERM, "a directory writable by others: -EPERM");
	(void)chmod(dir, 0700);

	(void)unlink(path);
	ok(rmdir(dir) == 0, "cleaned up");
}

int main(void)
{
	window();
	store();
	return tap_done();
}
