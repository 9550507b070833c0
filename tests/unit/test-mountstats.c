/* The mountstats parser on texts in the kernel's formats: Linux 4.x-5.2
 * (per-op lines with 8 numbers) and 5.3+ (9, the last the errors),
 * escaped mount points, NFSv3 and NFSv4.0 blocks, stacked mounts, and
 * malformed input that must be skipped, never trusted.
 *
 * mountstats-recorded-*.txt are the kernel's own texts, copied unchanged
 * from the VM suite's "identity" boot (tests/vm/guest/identity.sh): one
 * client of two that shared an NFSv4 identity, 25-35 s apart, under
 * Debian's 6.1 and 5.10 kernels. The counts asserted below were read off
 * those files. The other fixtures are built by hand in the kernel's format
 * for what a VM does not easily show (escapes, NFSv3, NFSv4.0, 4.x
 * kernels). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "lease-churn.h"
#include "macro.h"
#include "mountstats.h"
#include "nfs-check.h"
#include "tap.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static char *fixture(const char *name)
{
	const char *top = getenv("TOP_SRCDIR");
	char *p;

	if (asprintf(&p, "%s/tests/unit/files/%s", top && *top ? top : TOP_SRCDIR, name) < 0)
		abort();
	return p;
}

static int parse_text(const char *text, struct mountstats *s)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	if (!f)
		abort();
	r = mountstats_parse(f, s);
	fclose(f);
	return r;
}

static void linux_6(void)
{
	struct mountstats s = {};
	const struct mountstats_entry *e;
	char *path = fixture("mountstats-6.1.txt");

	is_int(mountstats_load(path, &s), 0, "6.1: loads");
	is_int(s.n, 4, "6.1: the four NFS blocks, nothing else");
	e = mountstats_find(&s, "/mnt/my data", "srv:/export/data", "nfs4", 0);
	ok(e != NULL, "6.1: \\040 in the mount point decoded");
	if (e) {
		is_int(e->vers_major, 4, "6.1: vers=4.2 major");
		is_int(e->vers_minor, 2, "6.1: vers=4.2 minor");
		ok(e->have_age && e->age_s == 3600, "6.1: age");
		ok(e->have_ops, "6.1: per-op section seen");
		ok(e->have_errors, "6.1: 9 numbers: errors present");
		is_int(e->op[MOUNTSTATS_EXCHANGE_ID].ops, 41, "6.1: EXCHANGE_ID ops");
		is_int(e->op[MOUNTSTATS_EXCHANGE_ID].errors, 2, "6.1: EXCHANGE_ID errors");
		is_int(e->op[MOUNTSTATS_CREATE_SESSION].ops, 59, "6.1: CREATE_SESSION ops (name wider than %%12s)");
		is_int(e->op[MOUNTSTATS_CREATE_SESSION].errors, 19, "6.1: CREATE_SESSION errors");
		is_int(e->op[MOUNTSTATS_DESTROY_SESSION].ops, 18, "6.1: DESTROY_SESSION ops");
		is_int(e->op[MOUNTSTATS_SETCLIENTID].ops, 0, "6.1: SETCLIENTID listed, 0");
		is_int(e->seen, (1 << _MOUNTSTATS_OP_MAX) - 1, "6.1: every op of interest found");
	}
	e = mountstats_find(&s, "/home", "srv:/export/home", "nfs4", 0);
	ok(e && e->op[MOUNTSTATS_EXCHANGE_ID].ops == 41, "6.1: a second mount of the server: the same client-wide counts");
	e = mountstats_find(&s, "/mnt/v40", "old:/srv", "nfs4", 0);
	ok(e && e->vers_minor == 0 && e->op[MOUNTSTATS_SETCLIENTID].ops == 4 &&
		   e->op[MOUNTSTATS_SETCLIENTID_CONFIRM].ops == 4,
	   "6.1: NFSv4.0: SETCLIENTID and its CONFIRM");
	e = mountstats_find(&s, "/mnt/v3", "v3srv:/vol", "nfs", 0);
	ok(e && e->vers_major == 3 && e->have_ops && e->seen == 0, "6.1: NFSv3: kept, no session ops");
	ok(mountstats_find(&s, "/mnt/my data", "other:/x", "nfs4", 0) == NULL, "6.1: another source is another mount");
	ok(mountstats_find(&s, "/mnt/bind", "none", "tmpfs", 0) == NULL, "6.1: other types are not kept");
	mountstats_done(&s);
	free(path);
}

static void linux_5(void)
{
	struct mountstats s = {};
	const struct mountstats_entry *e;
	char *path = fixture("mountstats-5.0.txt");

	is_int(mountstats_load(path, &s), 0, "5.0: loads");
	is_int(s.n, 2, "5.0: two NFS blocks");
	e = mountstats_find(&s, "/mnt/data", "srv:/export/data", "nfs4", 0);
	ok(e != NULL, "5.0: found");
	if (e) {
		ok(!e->have_errors, "5.0: 8 numbers: no error count");
		is_int(e->vers_minor, 1, "5.0: vers=4.1");
		is_int(e->op[MOUNTSTATS_EXCHANGE_ID].ops, 2, "5.0: EXCHANGE_ID");
		is_int(e->op[MOUNTSTATS_CREATE_SESSION].ops, 3, "5.0: CREATE_SESSION");
		is_int(e->op[MOUNTSTATS_DESTROY_SESSION].ops, 1, "5.0: DESTROY_SESSION");
		is_int(e->op[MOUNTSTATS_CREATE_SESSION].errors, 0, "5.0: errors 0 when not printed");
		ok(e->have_age && e->age_s == 86400, "5.0: age");
	}
	mountstats_done(&s);
	free(path);
}

struct recorded {
	const char *kernel;
	const char *server;		/* the client's own address of the VM */
	uint64_t age[2];		/* "age:" of the two snapshots */
	uint64_t exchange_id[2], create_session[2], destroy_session[2];
	uint64_t create_session_errors[2];
};

static void recorded(const struct recorded *r)
{
	struct churn_window w = {};
	struct churn_verdict v = {};

	for (int k = 0; k < 2; k++) {
		struct mountstats s = {};
		const struct mountstats_entry *e;
		_cleanup_free_ char *name = NULL, *path = NULL;

		if (asprintf(&name, "mountstats-recorded-%s-%d.txt", r->kernel, k + 1) < 0)
			abort();
		path = fixture(name);
		is_int(mountstats_load(path, &s), 0, "%s: loads", name);
		/* the VM's other mounts (9p, tmpfs, proc...) are not NFS */
		is_int(s.n, 1, "%s: one NFS block among %s's mounts", name, "the VM");
		e = mountstats_find(&s, "/mnt/c", r->server, "nfs4", 0);
		ok(e != NULL, "%s: %s on /mnt/c", name, r->server);
		if (!e) {
			mountstats_done(&s);
			continue;
		}
		ok(e->vers_major == 4 && e->vers_minor == 2, "%s: vers=4.2 from opts", name);
		ok(e->have_age && e->age_s == r->age[k], "%s: age %llu", name, (unsigned long long)r->age[k]);
		ok(e->have_ops && e->have_errors, "%s: per-op lines with 9 numbers", name);
		is_int(e->op[MOUNTSTATS_EXCHANGE_ID].ops, r->exchange_id[k], "%s: EXCHANGE_ID", name);
		is_int(e->op[MOUNTSTATS_CREATE_SESSION].ops, r->create_session[k], "%s: CREATE_SESSION", name);
		is_int(e->op[MOUNTSTATS_CREATE_SESSION].errors, r->create_session_errors[k],
		       "%s: CREATE_SESSION errors (refused: the other client had the lease)", name);
		is_int(e->op[MOUNTSTATS_DESTROY_SESSION].ops, r->destroy_session[k], "%s: DESTROY_SESSION", name);
		is_int(e->op[MOUNTSTATS_SETCLIENTID].ops, 0, "%s: SETCLIENTID (NFSv4.0 only) 0", name);
		{
			/* observed as often as the mount's age says */
			struct churn_sample cs = nfs_churn_sample(e, e->age_s * NSEC_PER_SEC);

			churn_observe(&w, &cs, CHURN_DEFAULT_THRESHOLD, &v);
		}
		mountstats_done(&s);
	}
	ok(v.known && v.churn, "%s: the two snapshots are lease churn", r->kernel);
	is_int(v.establish,
	       (r->exchange_id[1] + r->create_session[1]) - (r->exchange_id[0] + r->create_session[0]),
	       "%s: establishments between them", r->kernel);
	is_int(v.period_ns, (r->age[1] - r->age[0]) * NSEC_PER_SEC, "%s: over the time between them", r->kernel);
}

static void edge_cases(void)
{
	struct mountstats s = {};
	const struct mountstats_entry *e;

	is_int(mountstats_load("/nonexistent/mountstats", &s), -ENOENT, "missing file: -ENOENT");

	is_int(parse_text("", &s), 0, "empty text");
	is_int(s.n, 0, "empty text: nothing");
	mountstats_done(&s);

	/* Stacked: the same export twice on one mount point; the counts of
	 * the upper one differ so the occurrence shows. */
	is_int(parse_text("device a:/x mounted on /m with fstype nfs4 statvers=1.1\n"
			  "\tper-op statistics\n"
			  "\t EXCHANGE_ID: 1 1 0 0 0 0 0 0 0\n"
			  "device a:/x mounted on /m with fstype nfs4 statvers=1.1\n"
			  "\tper-op statistics\n"
			  "\t EXCHANGE_ID: 7 7 0 0 0 0 0 0 0\n",
			  &s),
	       0, "stacked mounts parse");
	e = mountstats_find(&s, "/m", "a:/x", "nfs4", 0);
	ok(e && e->op[MOUNTSTATS_EXCHANGE_ID].ops == 1, "stacked: occurrence 0 is the first");
	e = mountstats_find(&s, "/m", "a:/x", "nfs4", 1);
	ok(e && e->op[MOUNTSTATS_EXCHANGE_ID].ops == 7, "stacked: occurrence 1 the second");
	e = mountstats_find(&s, "/m", "a:/x", "nfs4", 5);
	ok(e && e->op[MOUNTSTATS_EXCHANGE_ID].ops == 7, "stacked: past the end, the last");
	mountstats_done(&s);

	is_int(parse_text("device a:/x mounted on /m with fstype nfs4 statvers=1.1\n"
			  "\tage:\tlots\n"
			  "\t EXCHANGE_ID: 9 9 0 0 0 0 0 0 0\n" /* before the section: not an op line */
			  "\tper-op statistics\n"
			  "\t EXCHANGE_ID: 5 5 0\n"			    /* too few numbers */
			  "\tCREATE_SESSION: x 1 0 0 0 0 0 0 0\n"	    /* not a number */
			  "\tDESTROY_SESSION: 99999999999999999999999 1 0 0 0 0 0 0\n" /* overflow */
			  "\tSETCLIENTID: 3 3 0 0 0 0 0 0 0 0 0\n"	    /* more fields: fine */
			  "\tSEQUENCE 1 1 0 0 0 0 0 0\n"		    /* no colon */
			  "no device mounted on /n with fstype nfs4\n"
			  "\topts:\trw,vers=4.1\n"
			  "device broken line\n"
			  "\t EXCHANGE_ID: 4 4 0 0 0 0 0 0\n",
			  &s),
	       0, "malformed lines are skipped");
	e = mountstats_find(&s, "/m", "a:/x", "nfs4", 0);
	ok(e && !e->have_age, "unparsable age: unknown");
	ok(e && e->seen == (1U << MOUNTSTATS_SETCLIENTID), "only the well-formed op line counts");
	ok(e && e->op[MOUNTSTATS_SETCLIENTID].ops == 3, "a line with more than 9 numbers still gives ops");
	ok(e && e->have_errors && e->op[MOUNTSTATS_SETCLIENTID].errors == 0, "11 numbers: errors from the 9th");
	e = mountstats_find(&s, "/n", NULL, "nfs4", 0);
	ok(e && streq(e->device, "none") && e->vers_minor == 1, "'no device' of old kernels");
	ok(e && e->seen == 0, "the op line after a broken device line belongs to no mount");
	mountstats_done(&s);

	is_int(parse_text("device a\\134b\\011c:/x mounted on /m\\012n with fstype nfs4\n", &s), 0, "escapes");
	ok(s.n == 1 && streq(s.v[0].device, "a\\b\tc:/x") && streq(s.v[0].mountpoint, "/m\nn"),
	   "backslash, tab and newline decoded");
	mountstats_done(&s);

	is_int(parse_text("device a:/x mounted on /m with fstype nfs4", &s), 0, "no newline at the end");
	is_int(s.n, 1, "no newline at the end: the block is kept");
	mountstats_done(&s);

	/* The kernel ends each NFS block with an empty line (show_vfsstat()'s
	 * newline after nfs_show_stats()'s own): nothing after it belongs to
	 * the block. */
	is_int(parse_text("device a:/x mounted on /m with fstype nfs4\n"
			  "\tper-op statistics\n"
			  "\t EXCHANGE_ID: 1 1 0 0 0 0 0 0 0\n"
			  "\n"
			  "\tCREATE_SESSION: 5 5 0 0 0 0 0 0 0\n",
			  &s),
	       0, "empty line");
	ok(s.n == 1 && s.v[0].seen == (1U << MOUNTSTATS_EXCHANGE_ID), "an empty line ends the block");
	mountstats_done(&s);

	is_str(mountstats_op_name(MOUNTSTATS_CREATE_SESSION), "CREATE_SESSION", "op names");
	ok(mountstats_op_name(_MOUNTSTATS_OP_MAX) == NULL, "op name out of range: NULL");
}

int main(void)
{
	static const struct recorded rec[] = {
		{ "6.1", "10.99.1.1:/hard", { 5, 38 }, { 9, 34 }, { 17, 78 }, { 7, 32 }, { 9, 45 } },
		{ "5.10", "10.99.1.1:/hard", { 7, 40 }, { 9, 36 }, { 19, 74 }, { 7, 34 }, { 11, 40 } },
	};

	linux_6();
	linux_5();
	for (size_t i = 0; i < ARRAY_SIZE(rec); i++)
		recorded(&rec[i]);
	edge_cases();
	return tap_done();
}
