/* The Prometheus exposition of hand-made reports: the whole text for a
 * small case, families left out when they have no sample, HELP/TYPE once
 * per family, label escaping (\, ", newline, invalid UTF-8), one series
 * per label set, and the timestamp. promtool and node_exporter read the
 * real thing in tests/ts/prometheus.sh. */
#include <errno.h>

#include "fake-report.h"
#include "render.h"
#include "tap.h"

static struct fake f;

static char *render(int64_t now)
{
	int r;
	char *s = CAPTURE(&r, render_prom(&f.report, now, capture_out));

	is_int(r, 0, "render_prom() succeeds");
	return s;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

#define L "device=\"srv:/a\",fstype=\"nfs4\",mountpoint=\"/mnt/a\""
#define TAIL                                                                                              \
	"# HELP fsprobe_last_run_timestamp_seconds When fsprobe last ran, in seconds since the epoch.\n"   \
	"# TYPE fsprobe_last_run_timestamp_seconds gauge\n"                                               \
	"fsprobe_last_run_timestamp_seconds 1700000000.123\n"                                             \
	"# HELP fsprobe_build_info fsprobe's version and the probe engine that ran, always 1.\n"           \
	"# TYPE fsprobe_build_info gauge\n"                                                               \
	"fsprobe_build_info{engine=\"uring\",version=\"" PACKAGE_VERSION "\"} 1\n"

int main(void)
{
	const int64_t now = INT64_C(1700000000123456789);
	char *s;

	fake_init(&f);
	s = render(now);
	is_str(s, TAIL, "no mounts: the run's own metrics only");
	free(s);

	fake_init(&f);
	fake_add(&f, "/mnt/a", "srv:/a", "nfs4", STATUS_OK);
	s = render(now);
	is_str(s,
	       "# HELP fsprobe_mount_up 1 if the mount answered in time (state ok) or could not be probed (denied).\n"
	       "# TYPE fsprobe_mount_up gauge\n"
	       "fsprobe_mount_up{" L "} 1\n"
	       "# HELP fsprobe_mount_state 1 for the mount's state: ok, hung, stale, disconnected, down, denied, blocked, error.\n"
	       "# TYPE fsprobe_mount_state gauge\n"
	       "fsprobe_mount_state{" L ",state=\"ok\"} 1\n"
	       "fsprobe_mount_state{" L ",state=\"hung\"} 0\n"
	       "fsprobe_mount_state{" L ",state=\"stale\"} 0\n"
	       "fsprobe_mount_state{" L ",state=\"disconnected\"} 0\n"
	       "fsprobe_mount_state{" L ",state=\"down\"} 0\n"
	       "fsprobe_mount_state{" L ",state=\"denied\"} 0\n"
	       "fsprobe_mount_state{" L ",state=\"blocked\"} 0\n"
	       "fsprobe_mount_state{" L ",state=\"error\"} 0\n"
	       "# HELP fsprobe_probe_duration_seconds Round trip of the probe's statx, for mounts that answered.\n"
	       "# TYPE fsprobe_probe_duration_seconds gauge\n"
	       "fsprobe_probe_duration_seconds{" L "} 0.001235\n"
	       "# HELP fsprobe_mount_hung_seconds How long the mount has not answered, counting earlier runs' pending probes; 0 unless hung.\n"
	       "# TYPE fsprobe_mount_hung_seconds gauge\n"
	       "fsprobe_mount_hung_seconds{" L "} 0.000\n"
	       "# HELP fsprobe_filesystem_size_bytes File system size in bytes, from statfs.\n"
	       "# TYPE fsprobe_filesystem_size_bytes gauge\n"
	       "fsprobe_filesystem_size_bytes{" L "} 4096000\n"
	       "# HELP fsprobe_filesystem_free_bytes Free bytes, root's reserve included.\n"
	       "# TYPE fsprobe_filesystem_free_bytes gauge\n"
	       "fsprobe_filesystem_free_bytes{" L "} 1638400\n"
	       "# HELP fsprobe_filesystem_avail_bytes Bytes available to non-root users.\n"
	       "# TYPE fsprobe_filesystem_avail_bytes gauge\n"
	       "fsprobe_filesystem_avail_bytes{" L "} 1228800\n"
	       "# HELP fsprobe_filesystem_files Inodes in total.\n"
	       "# TYPE fsprobe_filesystem_files gauge\n"
	       "fsprobe_filesystem_files{" L "} 100\n"
	       "# HELP fsprobe_filesystem_files_free Free inodes.\n"
	       "# TYPE fsprobe_filesystem_files_free gauge\n"
	       "fsprobe_filesystem_files_free{" L "} 90\n"
	       "# HELP fsprobe_mount_info Mount table facts of a mount, always 1.\n"
	       "# TYPE fsprobe_mount_info gauge\n"
	       "fsprobe_mount_info{" L ",major=\"0\",minor=\"40\",mount_id=\"40\"} 1\n" TAIL,
	       "one healthy mount: every family");
	free(s);

	/* A hung mount: no duration, no sizes; families without any sample
	 * are left out whole. */
	fake_init(&f);
	fake_add(&f, "/mnt/h", "h", "fuse.x", STATUS_HUNG)->hung_ns = 2500 * NSEC_PER_MSEC;
	fake_add(&f, "/mnt/d", "d", "fuse.x", STATUS_DISCONNECTED)->err = ENOTCONN;
	s = render(now);
	ok(strstr(s, "fsprobe_mount_up{device=\"h\",fstype=\"fuse.x\",mountpoint=\"/mnt/h\"} 0\n") != NULL, "hung: up 0");
	ok(strstr(s, "fsprobe_mount_state{device=\"h\",fstype=\"fuse.x\",mountpoint=\"/mnt/h\",state=\"hung\"} 1\n") != NULL,
	   "hung: state hung 1");
	is_int(count(s, ",state=\"hung\"} 1\n") + count(s, ",state=\"disconnected\"} 1\n"), 2, "one-hot: one 1 per mount");
	is_int(count(s, "} 1\n") - count(s, "fsprobe_mount_info{") - 1, 2, "and no other state is 1");
	ok(strstr(s, "fsprobe_mount_hung_seconds{device=\"h\",fstype=\"fuse.x\",mountpoint=\"/mnt/h\"} 2.500\n") != NULL,
	   "hung seconds");
	ok(strstr(s, "fsprobe_mount_hung_seconds{device=\"d\",fstype=\"fuse.x\",mountpoint=\"/mnt/d\"} 0.000\n") != NULL,
	   "not hung: 0 seconds");
	ok(!strstr(s, "duration") && !strstr(s, "filesystem_"), "no duration, no size families at all");
	free(s);

	/* Escaping, and one series per label set. */
	fake_init(&f);
	fake_add(&f, "/mnt/a \"b\"\\c\nd", "x\xff" "y", "fuse.x", STATUS_OK);
	fake_add(&f, "/mnt/\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xbe", "ok", "nfs", STATUS_OK);
	fake_add(&f, "/mnt/bad\xc0\xaf\xed\xa0\x80", "ok", "nfs", STATUS_OK);
	fake_row(&f, 1);
	fake_add(&f, "/srv/s", "srv:/s", "nfs", STATUS_DENIED)->err = EXDEV;
	f.entries[3].shadowed = true;
	fake_add(&f, "/srv/s", "srv:/s", "nfs", STATUS_OK);
	s = render(now);
	ok(strstr(s, "fsprobe_mount_up{device=\"x\xef\xbf\xbdy\",fstype=\"fuse.x\",mountpoint=\"/mnt/a \\\"b\\\"\\\\c\\nd\"} 1\n") !=
		   NULL,
	   "\\, \" and newline escaped, an invalid byte replaced");
	ok(strstr(s, "mountpoint=\"/mnt/\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xbe\"") != NULL, "valid UTF-8 kept as it is");
	ok(strstr(s, "mountpoint=\"/mnt/bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"") != NULL,
	   "overlong forms and surrogates are no UTF-8");
	is_int(count(s, "fsprobe_mount_up{"), 4, "a mount named twice and a stacked pair: one series each");
	ok(strstr(s, "fsprobe_mount_up{device=\"srv:/s\",fstype=\"nfs\",mountpoint=\"/srv/s\"} 1\n") &&
		   strstr(s, "fsprobe_mount_info{device=\"srv:/s\",fstype=\"nfs\",mountpoint=\"/srv/s\",major=\"0\",minor=\"44\","
			     "mount_id=\"44\"} 1\n"),
	   "of a stacked pair the visible mount is shown");
	{
		const char *fams[] = { "fsprobe_mount_up", "fsprobe_mount_state", "fsprobe_probe_duration_seconds",
				       "fsprobe_filesystem_size_bytes", "fsprobe_mount_info", "fsprobe_build_info" };
		bool once = true;

		for (size_t i = 0; i < ARRAY_SIZE(fams); i++) {
			char h[128], t[128];

			(void)snprintf(h, sizeof(h), "# HELP %s ", fams[i]);
			(void)snprintf(t, sizeof(t), "# TYPE %s gauge\n", fams[i]);
			once &= count(s, h) == 1 && count(s, t) == 1;
		}
		ok(once, "HELP and TYPE once per family");
	}
	{
		/* a family's samples follow its TYPE line without a break */
		const char *p = strstr(s, "# TYPE fsprobe_mount_up gauge\n");
		size_t run = 0;

		for (p = p ? strchr(p, '\n') + 1 : s; strncmp(p, "fsprobe_mount_up{", 17) == 0; p = strchr(p, '\n') + 1)
			run++;
		is_int(run, 4, "samples of a family together");
	}
	ok(!strstr(s, "} 1 1") && !strstr(s, "e+") && !strstr(s, "e-"), "no timestamps, no exponents");
	free(s);

	fake_init(&f);
	s = render(INT64_C(1700000000000999999));
	ok(strstr(s, "fsprobe_last_run_timestamp_seconds 1700000000.000\n") != NULL, "milliseconds, zero-padded");
	free(s);

	/* The daemon before its first complete cycle: no run to date. */
	fake_init(&f);
	s = render(0);
	ok(!strstr(s, "fsprobe_last_run_timestamp_seconds") && strstr(s, "fsprobe_build_info{"),
	   "no run completed yet: no last run sample, HELP or TYPE");
	free(s);

	/* A status from before the daemon lost its helper: no state sample,
	 * only the mount's listing (and its NFSv4 facts, read without it). */
	fake_init(&f);
	fake_add(&f, "/mnt/a", "srv:/a", "nfs4", STATUS_OK)->flags |= RESULT_OUTDATED;
	fake_add(&f, "/mnt/b", "srv:/b", "nfs4", STATUS_OK);
	s = render(now);
	is_int(count(s, "fsprobe_mount_up{"), 1, "outdated: one fsprobe_mount_up, the fresh mount's");
	ok(!strstr(s, "fsprobe_mount_up{" L "}"), "outdated: no up sample");
	ok(!strstr(s, "fsprobe_mount_state{" L) && !strstr(s, "fsprobe_mount_hung_seconds{" L) &&
		   !strstr(s, "fsprobe_probe_duration_seconds{" L) && !strstr(s, "fsprobe_filesystem_size_bytes{" L),
	   "outdated: no state, hung, duration or size sample");
	ok(strstr(s, "fsprobe_mount_info{" L ",major=") != NULL, "outdated: still listed in fsprobe_mount_info");
	ok(strstr(s, "fsprobe_mount_state{device=\"srv:/b\"") != NULL, "the fresh mount keeps its samples");
	free(s);
	return tap_done();
}
