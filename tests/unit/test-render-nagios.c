/* The plugin output of hand-made reports: state, first line, perfdata
 * (used bytes with thresholds turned into used bytes, latency, U) and the
 * long output, for healthy, unhealthy, threshold and odd-name cases. */
#include <errno.h>

#include "fake-report.h"
#include "render.h"
#include "tap.h"

#define OKPERF(l) "'" l "'=2457600B;;;0;4096000 '" l " latency'=0.001235s"

static struct fake f;

static char *render(const struct nagios_options *o, int *ret_state)
{
	char *s = CAPTURE(ret_state, render_nagios(&f.report, o, capture_out));

	is_int(render_nagios_state(&f.report, o), *ret_state, "render_nagios_state() agrees");
	return s;
}

static void check(const struct nagios_options *o, int want_state, const char *want, const char *what)
{
	int st = -1;
	char *s = render(o, &st);

	is_int(st, want_state, "%s: state", what);
	is_str(s, want, "%s: output", what);
	free(s);
}

static struct nagios_options thresholds(const char *w, const char *c, const char *iw, const char *ic)
{
	struct nagios_options o = {};
	unsigned all = THRESHOLD_ALLOW_PERCENT | THRESHOLD_ALLOW_BYTES;

	if (w)
		ok(threshold_parse(w, all, &o.warning) == 0, "warning %s", w);
	if (c)
		ok(threshold_parse(c, all, &o.critical) == 0, "critical %s", c);
	if (iw)
		ok(threshold_parse(iw, THRESHOLD_ALLOW_PERCENT, &o.iwarning) == 0, "iwarning %s", iw);
	if (ic)
		ok(threshold_parse(ic, THRESHOLD_ALLOW_PERCENT, &o.icritical) == 0, "icritical %s", ic);
	return o;
}

/* one ok mount /d: 67% used, 1.2M available, inodes 10% used */
static void one_ok(void)
{
	fake_init(&f);
	fake_add(&f, "/d", "s:/d", "nfs4", STATUS_OK);
}

int main(void)
{
	struct nagios_options none = {}, o;
	struct mount_result *res;

	fake_init(&f);
	check(&none, NAGIOS_OK, "FSPROBE OK - no mounts selected\n", "no mounts");

	fake_init(&f);
	fake_add(&f, "/mnt/a", "srv:/a", "nfs4", STATUS_OK);
	fake_add(&f, "/srv/b", "srv:/b", "nfs4", STATUS_OK);
	check(&none, NAGIOS_OK, "FSPROBE OK - 2 mounts ok | " OKPERF("/mnt/a") " " OKPERF("/srv/b") "\n", "healthy");
	fake_row(&f, 0);
	check(&none, NAGIOS_OK, "FSPROBE OK - 2 mounts ok | " OKPERF("/mnt/a") " " OKPERF("/srv/b") "\n",
	      "a mount named twice counts once");
	o = (struct nagios_options){ .verbose = true };
	check(&o, NAGIOS_OK,
	      "FSPROBE OK - 2 mounts ok | " OKPERF("/mnt/a") " " OKPERF("/srv/b") "\n"
	      "[OK] /mnt/a: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 srv:/a\n"
	      "[OK] /srv/b: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 srv:/b\n"
	      "probed by the uring engine\n",
	      "verbose: a line for every mount");

	fake_init(&f);
	res = fake_add(&f, "/mnt/a", "me@host:/", "fuse.sshfs", STATUS_HUNG);
	res->hung_ns = 3 * NSEC_PER_SEC;
	res = fake_add(&f, "/srv/b", "srv:/b", "nfs4", STATUS_STALE);
	res->err = ESTALE;
	res->flags = RESULT_ANSWERED;
	res->latency_ns = 500000;
	fake_add(&f, "/srv/c", "srv:/c", "nfs4", STATUS_OK);
	check(&none, NAGIOS_CRITICAL,
	      "FSPROBE CRITICAL - 2 of 3 mounts unhealthy: /mnt/a hung 3.0s, /srv/b stale | "
	      "'/mnt/a'=U '/mnt/a latency'=U '/srv/b'=U '/srv/b latency'=0.000500s " OKPERF("/srv/c") "\n"
	      "[CRITICAL] /mnt/a: hung (no answer in 3.00s), fuse.sshfs me@host:/\n"
	      "[CRITICAL] /srv/b: stale (Stale file handle), nfs4 srv:/b\n",
	      "hung and stale: CRITICAL, U where nothing is known");

	/* every unhealthy status is CRITICAL; only the first three are named */
	fake_init(&f);
	res = fake_add(&f, "/a", "x", "nfs", STATUS_HUNG);
	res->hung_ns = 310 * NSEC_PER_SEC;
	res = fake_add(&f, "/b", "x", "nfs", STATUS_ERROR);
	res->err = EIO;
	fake_add(&f, "/c", "x", "nfs", STATUS_DISCONNECTED);
	fake_add(&f, "/d", "x", "nfs", STATUS_DOWN);
	res = fake_add(&f, "/a/e", "x", "nfs", STATUS_BLOCKED);
	res->blocked_by = 0;
	{
		int st;
		char *s = render(&none, &st);

		is_int(st, NAGIOS_CRITICAL, "error, disconnected, down, blocked: CRITICAL");
		ok(strncmp(s, "FSPROBE CRITICAL - 5 of 5 mounts unhealthy: /a hung 5m10s, /b error EIO, /c disconnected, 2 more | ",
			   strlen("FSPROBE CRITICAL - 5 of 5 mounts unhealthy: /a hung 5m10s, /b error EIO, /c disconnected, 2 more | ")) == 0,
		   "the first line names three and counts the rest");
		ok(strstr(s, "\n[CRITICAL] /d: down") && strstr(s, "\n[CRITICAL] /a/e: blocked (below hung /a), nfs x\n"),
		   "the long output has them all");
		free(s);
	}

	/* denied is no failure */
	fake_init(&f);
	fake_add(&f, "/ok", "s", "nfs", STATUS_OK);
	res = fake_add(&f, "/no", "s", "nfs", STATUS_DENIED);
	res->err = EACCES;
	check(&none, NAGIOS_OK, "FSPROBE OK - 1 mount ok, 1 denied (not probed) | " OKPERF("/ok") " '/no'=U '/no latency'=U\n",
	      "denied: OK");

	/* thresholds on percent used: 66.7% used of 3686400 bytes used + available */
	one_ok();
	o = thresholds("60", "70", NULL, NULL);
	check(&o, NAGIOS_WARNING,
	      "FSPROBE WARNING - 1 of 1 mount over a threshold: /d 67% used | '/d'=2457600B;2211840;2580480;0;4096000 "
	      "'/d latency'=0.001235s\n"
	      "[WARNING] /d: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 s:/d\n",
	      "-w 60 -c 70");
	o = thresholds("50", "60", NULL, NULL);
	check(&o, NAGIOS_CRITICAL,
	      "FSPROBE CRITICAL - 1 of 1 mount over a threshold: /d 67% used | '/d'=2457600B;1843200;2211840;0;4096000 "
	      "'/d latency'=0.001235s\n"
	      "[CRITICAL] /d: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 s:/d\n",
	      "-w 50 -c 60");
	o = thresholds("70", "80", NULL, NULL);
	check(&o, NAGIOS_OK, "FSPROBE OK - 1 mount ok | '/d'=2457600B;2580480;2949120;0;4096000 '/d latency'=0.001235s\n",
	      "under both");
	o = thresholds("66.7", "80%", NULL, NULL);
	check(&o, NAGIOS_OK, "FSPROBE OK - 1 mount ok | '/d'=2457600B;2458829;2949120;0;4096000 '/d latency'=0.001235s\n",
	      "the exact percentage counts, not df's rounded-up one");
	o = thresholds("~:60", "10:20", NULL, NULL);
	check(&o, NAGIOS_CRITICAL,
	      "FSPROBE CRITICAL - 1 of 1 mount over a threshold: /d 67% used | '/d'=2457600B;2211840;368640:737280;0;4096000 "
	      "'/d latency'=0.001235s\n"
	      "[CRITICAL] /d: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 s:/d\n",
	      "~:N and N:M in perfdata");
	o = thresholds("90:", "@60:70", NULL, NULL);
	check(&o, NAGIOS_CRITICAL,
	      "FSPROBE CRITICAL - 1 of 1 mount over a threshold: /d 67% used | '/d'=2457600B;3317760:;;0;4096000 "
	      "'/d latency'=0.001235s\n"
	      "[CRITICAL] /d: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 s:/d\n",
	      "N: in perfdata; @ ranges left out of it");

	/* thresholds on bytes available: 1228800 available */
	o = thresholds("2MB:", "1MB:", NULL, NULL);
	check(&o, NAGIOS_WARNING,
	      "FSPROBE WARNING - 1 of 1 mount over a threshold: /d 1.2M free | '/d'=2457600B;1589248;2637824;0;4096000 "
	      "'/d latency'=0.001235s\n"
	      "[WARNING] /d: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 s:/d\n",
	      "-w 2MB: -c 1MB:");
	o = thresholds(NULL, "4MB:", NULL, NULL);
	check(&o, NAGIOS_CRITICAL,
	      "FSPROBE CRITICAL - 1 of 1 mount over a threshold: /d 1.2M free | '/d'=2457600B;;-507904;0;4096000 "
	      "'/d latency'=0.001235s\n"
	      "[CRITICAL] /d: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 s:/d\n",
	      "more free wanted than the file system holds");

	/* inodes: 10% used */
	o = thresholds(NULL, NULL, "5", "20");
	check(&o, NAGIOS_WARNING,
	      "FSPROBE WARNING - 1 of 1 mount over a threshold: /d inodes 10% used | " OKPERF("/d") "\n"
	      "[WARNING] /d: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 s:/d\n",
	      "-W 5 -K 20");
	o = thresholds("50", NULL, NULL, "5");
	check(&o, NAGIOS_CRITICAL,
	      "FSPROBE CRITICAL - 1 of 1 mount over a threshold: /d 67% used, inodes 10% used | "
	      "'/d'=2457600B;1843200;;0;4096000 '/d latency'=0.001235s\n"
	      "[CRITICAL] /d: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs4 s:/d\n",
	      "space and inodes together");
	f.results[0].usage.files = 0;
	o = thresholds(NULL, NULL, NULL, "5");
	check(&o, NAGIOS_OK, "FSPROBE OK - 1 mount ok | " OKPERF("/d") "\n", "no inode counts: no inode threshold");

	/* unhealthy mounts and thresholds together */
	fake_init(&f);
	fake_add(&f, "/hung", "s", "nfs", STATUS_HUNG)->hung_ns = NSEC_PER_SEC / 2;
	fake_add(&f, "/full", "s", "nfs", STATUS_OK);
	o = thresholds("50", NULL, NULL, NULL);
	{
		int st;
		char *s = render(&o, &st);

		is_int(st, NAGIOS_CRITICAL, "hung and over a threshold: CRITICAL");
		const char *want = "FSPROBE CRITICAL - 1 of 2 mounts unhealthy: /hung hung 0.5s; 1 over a threshold: /full 67% used | ";

		ok(strncmp(s, want, strlen(want)) == 0, "both named on the first line");
		ok(strstr(s, "\n[CRITICAL] /hung: hung") && strstr(s, "\n[WARNING] /full: ok"), "long output: both");
		free(s);
	}

	/* names that would break the format */
	fake_init(&f);
	fake_add(&f, "/mnt/it's a|b\nc", "src", "fuse.x", STATUS_HUNG)->hung_ns = NSEC_PER_SEC;
	{
		int st;
		char *s = render(&none, &st);

		is_str(s,
		       "FSPROBE CRITICAL - 1 of 1 mount unhealthy: /mnt/it's a\\x7cb\\x0ac hung 1.0s | '/mnt/it_s a_b_c'=U "
		       "'/mnt/it_s a_b_c latency'=U\n"
		       "[CRITICAL] /mnt/it's a\\x7cb\\x0ac: hung (no answer in 1.00s), fuse.x src\n",
		       "| and newline escaped in text, label sanitized");
		free(s);
	}

	/* A FUSE subtype is the mounter's text (found by fuzz-mountinfo):
	 * raw, it forged a long output line and a '|' that starts perfdata. */
	fake_init(&f);
	fake_add(&f, "/mnt/x", "src", "fuse.a|x\n[OK] /fake\b", STATUS_HUNG)->hung_ns = NSEC_PER_SEC;
	{
		int st;
		char *s = render(&none, &st);

		is_str(s,
		       "FSPROBE CRITICAL - 1 of 1 mount unhealthy: /mnt/x hung 1.0s | '/mnt/x'=U '/mnt/x latency'=U\n"
		       "[CRITICAL] /mnt/x: hung (no answer in 1.00s), fuse.a\\x7cx\\x0a[OK] /fake\\x08 src\n",
		       "| and control characters in the fstype escaped");
		free(s);
	}

	/* long mount points keep their whole mount point as label, as
	 * check_disk; two mounts stacked on one get the mount ID */
	fake_init(&f);
	fake_add(&f, "/home/alice/remote/data", "s", "nfs", STATUS_OK);
	fake_add(&f, "/home/carol/remote/data", "s", "nfs", STATUS_OK);
	fake_add(&f, "/srv/share", "s", "nfs", STATUS_OK);
	fake_add(&f, "/srv/share", "s", "nfs", STATUS_OK);
	o = (struct nagios_options){ .verbose = true };
	{
		int st;
		char *s = render(&o, &st);

		ok(strstr(s, "'/home/alice/remote/data'=2457600B") &&
			   strstr(s, "'/home/carol/remote/data latency'=0.001235s"),
		   "long mount points whole");
		ok(strstr(s, "'/srv/share#42'=") && strstr(s, "'/srv/share#43 latency'="), "stacked: the mount ID added");
		ok(strstr(s, "[OK] /srv/share: ok in 1.2ms, 67% used, 1.2M free, inodes 10% used, nfs s, "
			     "perfdata '/srv/share#42'\n"),
		   "verbose long output says which label is which mount");
		free(s);
	}
	return tap_done();
}
