/* The NFSv4 warnings in every output: the WARNING column and DETAIL of the
 * table and JSON (and client_owner_hash), the Prometheus families
 * (fsprobe_mount_warning, fsprobe_nfs_identity_unique,
 * fsprobe_nfs_lease_operations_total, fsprobe_nfs_client_info), and
 * the Nagios state, first line and long output. A report without NFSv4
 * checks renders as before (the other renderer tests hold that). */
#include <errno.h>

#include "fake-report.h"
#include "nfs-health.h"
#include "render.h"
#include "tap.h"

static struct fake f;
static struct nfs_health nfs[FAKE_MAX];

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* /mnt/a: ok, hostname-only (localhost) and churning, NFSv4.2;
 * /mnt/b: ok, unique identity, NFSv4.0 counters; /mnt/c: fuse, no checks. */
static void setup(void)
{
	fake_init(&f);
	memset(nfs, 0, sizeof(nfs));
	f.report.nfs = nfs;
	fake_add(&f, "/mnt/a", "srv:/a", "nfs4", STATUS_OK);
	fake_add(&f, "/mnt/b", "old:/b", "nfs4", STATUS_OK);
	fake_add(&f, "/mnt/c", "me@host:/", "fuse.sshfs", STATUS_OK);
	nfs[0] = (struct nfs_health){
		.checked = true,
		.warnings = NFS_WARNING_HOSTNAME_ONLY_IDENTITY | NFS_WARNING_LEASE_CHURN,
		.identity = NFS_IDENTITY_HOSTNAME_ONLY,
		.identity_flags = NFS_IDENTITY_GENERIC_HOSTNAME,
		.hostname = "localhost",
		.owner_hash = "c0ffee0123456789",
		.owner_source = NFS_OWNER_HOSTNAME,
		.have_counters = true,
		.minor = 2,
		.counters = { [MOUNTSTATS_EXCHANGE_ID] = 41, [MOUNTSTATS_CREATE_SESSION] = 59,
			      [MOUNTSTATS_DESTROY_SESSION] = 18 },
		.churn = { .known = true, .churn = true, .establish = 12, .destroy = 4, .period_ns = 30 * NSEC_PER_SEC },
	};
	nfs[1] = (struct nfs_health){
		.checked = true,
		.identity = NFS_IDENTITY_UNIQUE,
		.hostname = "web1",
		.have_counters = true,
		.minor = 0,
		.counters = { [MOUNTSTATS_SETCLIENTID] = 4, [MOUNTSTATS_SETCLIENTID_CONFIRM] = 4 },
	};
}

static void words(void)
{
	char buf[128];

	is_str(nfs_warning_to_string(NFS_WARNING_HOSTNAME_ONLY_IDENTITY), "hostname-only-identity", "word 1");
	is_str(nfs_warning_to_string(NFS_WARNING_LEASE_CHURN), "lease-churn", "word 2");
	ok(nfs_warning_to_string(1 << 7) == NULL, "no other words");
	is_str(nfs_warnings_format(NFS_WARNING_LEASE_CHURN | NFS_WARNING_HOSTNAME_ONLY_IDENTITY, buf, sizeof(buf)),
	       "hostname-only-identity,lease-churn", "list in vocabulary order");
	is_str(nfs_warnings_format(0, buf, sizeof(buf)), "", "none: empty");
	is_str(nfs_warnings_format(NFS_WARNING_LEASE_CHURN, buf, 5), "leas", "truncated, still terminated");
}

static void describe(void)
{
	char buf[1024];

	setup();
	nfs_health_describe(&nfs[0], buf, sizeof(buf));
	ok(strncmp(buf, "lease-churn: the NFSv4 client established its lease 12 times in 30.0", 68) == 0 ||
		   strncmp(buf, "lease-churn: the NFSv4 client established its lease 12 times in 30", 66) == 0,
	   "churn first, with count and period");
	ok(strstr(buf, "4 sessions destroyed") != NULL, "sessions destroyed");
	ok(strstr(buf, "; hostname-only-identity: the NFSv4 client identity is the hostname 'localhost' alone, a common default hostname") != NULL,
	   "then the identity, why it is risky");
	ok(strstr(buf, "/sys/fs/nfs/net/nfs_client/identifier") != NULL, "and the fix");
	ok(nfs_health_identity_is_risky(&nfs[0]), "localhost is risky");
	nfs_health_describe(&nfs[1], buf, sizeof(buf));
	is_str(buf, "", "no warnings: nothing");
	nfs_health_describe(&nfs[0], buf, 20);
	is_int(strlen(buf), 19, "a small buffer is filled, not overrun");
	nfs[0].minor = 0;
	nfs_health_describe(&nfs[0], buf, sizeof(buf));
	ok(strstr(buf, "(SETCLIENTID)") != NULL, "NFSv4.0 names SETCLIENTID");

	/* the module parameter in a network namespace of its own */
	nfs[0].warnings = NFS_WARNING_HOSTNAME_ONLY_IDENTITY;
	nfs[0].hostname[0] = 'w';
	nfs[0].identity_flags = NFS_IDENTITY_HOST_WIDE | NFS_IDENTITY_NET_NS;
	nfs_health_describe(&nfs[0], buf, sizeof(buf));
	is_str(buf,
	       "hostname-only-identity: the NFSv4 client identity is the hostname 'wocalhost' and nfs.nfs4_unique_id: "
	       "the uniquifier is host-wide and this network namespace is not the initial one: another client with "
	       "the same hostname would steal its lease; set a unique /sys/fs/nfs/net/nfs_client/identifier",
	       "host-wide uniquifier in another network namespace: says so");
}

static void table(void)
{
	struct table_options o = { .mode = TABLE_JSON };
	int r;
	char *s;

	setup();
	s = CAPTURE(&r, render_table(&f.report, &o, capture_out));
	is_int(r, 0, "JSON renders");
	ok(strstr(s, "\"warning\": \"hostname-only-identity,lease-churn\"") != NULL, "JSON: warning field");
	is_int(count(s, "\"warning\": null"), 2, "JSON: null without warnings");
	ok(strstr(s, "\"detail\": \"lease-churn: ") != NULL, "JSON: an ok mount's detail explains its warnings");
	ok(strstr(s, "\"status\": \"ok\"") != NULL, "JSON: the status stays ok");
	is_int(count(s, "\"client_owner_hash\": \"c0ffee0123456789\""), 1, "JSON: client_owner_hash");
	is_int(count(s, "\"client_owner_hash\": null"), 2, "JSON: null where unknown or not NFSv4");
	free(s);

	o = (struct table_options){ .mode = TABLE_RAW, .columns = "TARGET,WARNING", .noheadings = true };
	s = CAPTURE(&r, render_table(&f.report, &o, capture_out));
	is_str(s, "/mnt/a hostname-only-identity,lease-churn\n/mnt/b \n/mnt/c \n", "raw WARNING column");
	free(s);

	/* An unhealthy mount: its detail stays what is wrong, the warnings
	 * are in WARNING. A denied (healthy) one explains its warnings after
	 * why it was not probed. */
	f.results[0] = (struct mount_result){ .status = STATUS_ERROR, .err = EIO, .flags = RESULT_ANSWERED,
					      .blocked_by = -1 };
	o = (struct table_options){ .mode = TABLE_RAW, .columns = "DETAIL,WARNING", .noheadings = true };
	s = CAPTURE(&r, render_table(&f.report, &o, capture_out));
	ok(strncmp(s, "Input/output\\x20error hostname-only-identity,lease-churn\n", 57) == 0,
	   "an unhealthy mount: the error in DETAIL, the warnings in WARNING");
	free(s);
	f.results[0] = (struct mount_result){ .status = STATUS_DENIED, .err = EACCES, .blocked_by = -1 };
	s = CAPTURE(&r, render_table(&f.report, &o, capture_out));
	ok(strncmp(s, "Permission\\x20denied hostname-only-identity", 42) == 0, "denied: its reason stays");
	free(s);

	f.report.nfs = NULL;
	o = (struct table_options){ .mode = TABLE_JSON };
	s = CAPTURE(&r, render_table(&f.report, &o, capture_out));
	is_int(count(s, "\"warning\": null"), 3, "no checks ran: warning null everywhere");
	free(s);
}

#define LA "device=\"srv:/a\",fstype=\"nfs4\",mountpoint=\"/mnt/a\""
#define LB "device=\"old:/b\",fstype=\"nfs4\",mountpoint=\"/mnt/b\""

static void prom(void)
{
	int r;
	char *s;

	setup();
	s = CAPTURE(&r, render_prom(&f.report, 1700000000000000000, capture_out));
	is_int(r, 0, "Prometheus renders");
	ok(strstr(s, "# HELP fsprobe_mount_warning ") && strstr(s, "# TYPE fsprobe_mount_warning gauge\n"),
	   "warning family: HELP and TYPE gauge");
	ok(strstr(s, "fsprobe_mount_warning{" LA ",warning=\"hostname-only-identity\"} 1\n") &&
		   strstr(s, "fsprobe_mount_warning{" LA ",warning=\"lease-churn\"} 1\n"),
	   "both warnings of /mnt/a are 1");
	ok(strstr(s, "fsprobe_mount_warning{" LB ",warning=\"lease-churn\"} 0\n") != NULL, "/mnt/b: 0");
	is_int(count(s, "fsprobe_mount_warning{"), 4, "only NFSv4 mounts that were checked");
	ok(strstr(s, "fsprobe_nfs_identity_unique{" LA "} 0\n") && strstr(s, "fsprobe_nfs_identity_unique{" LB "} 1\n"),
	   "identity: 0 for hostname-only, 1 for unique");
	ok(strstr(s, "# TYPE fsprobe_nfs_lease_operations_total counter\n") != NULL, "operations: a counter");
	ok(strstr(s, "fsprobe_nfs_lease_operations_total{" LA ",operation=\"EXCHANGE_ID\"} 41\n") &&
		   strstr(s, "fsprobe_nfs_lease_operations_total{" LA ",operation=\"CREATE_SESSION\"} 59\n") &&
		   strstr(s, "fsprobe_nfs_lease_operations_total{" LA ",operation=\"DESTROY_SESSION\"} 18\n"),
	   "NFSv4.2: the three session operations");
	ok(strstr(s, "fsprobe_nfs_lease_operations_total{" LB ",operation=\"SETCLIENTID\"} 4\n") &&
		   !strstr(s, "{" LB ",operation=\"EXCHANGE_ID\"}"),
	   "NFSv4.0: SETCLIENTID and its CONFIRM only");
	ok(!strstr(s, "mountpoint=\"/mnt/c\",warning"), "the FUSE mount has no NFS series");
	is_int(count(s, "# TYPE fsprobe_nfs_lease_operations_total"), 1, "TYPE once per family");
	is_int(count(s, "fsprobe_nfs_client_info{"), 1, "one client with a known owner");
	ok(strstr(s, "# TYPE fsprobe_nfs_client_info gauge\nfsprobe_nfs_client_info{identity_source=\"hostname\","
		     "nfs_version=\"4.2\",owner_hash=\"c0ffee0123456789\"} 1\n") != NULL,
	   "fsprobe_nfs_client_info: its hash, source and version, no mount labels");
	free(s);

	/* a second mount of the same client: still one series; another
	 * client (4.0, identifier): a second one */
	nfs[2] = nfs[0];
	f.entries[2].fstype = "nfs4";
	nfs[1].owner_source = NFS_OWNER_IDENTIFIER;
	memcpy(nfs[1].owner_hash, "0123456789abcdef", 17);
	s = CAPTURE(&r, render_prom(&f.report, 1700000000000000000, capture_out));
	is_int(count(s, "fsprobe_nfs_client_info{"), 2, "two mounts of one client: one series; another client: one more");
	ok(strstr(s, "fsprobe_nfs_client_info{identity_source=\"identifier\",nfs_version=\"4.0\","
		     "owner_hash=\"0123456789abcdef\"} 1\n") != NULL,
	   "the NFSv4.0 client with its identifier");
	is_int(count(s, "# HELP fsprobe_nfs_client_info "), 1, "HELP once");
	free(s);
	setup();

	nfs[1].identity = NFS_IDENTITY_UNKNOWN;
	nfs[1].have_counters = false;
	s = CAPTURE(&r, render_prom(&f.report, 1700000000000000000, capture_out));
	ok(!strstr(s, "fsprobe_nfs_identity_unique{" LB) && !strstr(s, "operations_total{" LB),
	   "unknown identity and no counters: no sample, not a made-up 0");
	free(s);

	f.report.nfs = NULL;
	s = CAPTURE(&r, render_prom(&f.report, 1700000000000000000, capture_out));
	ok(!strstr(s, "fsprobe_mount_warning") && !strstr(s, "fsprobe_nfs_"), "no checks: the families are left out");
	free(s);
}

static void nagios(void)
{
	struct nagios_options o = {};
	int r;
	char *s;

	setup();
	is_int(render_nagios_state(&f.report, &o), NAGIOS_WARNING, "warnings on an ok mount: WARNING");
	s = CAPTURE(&r, render_nagios(&f.report, &o, capture_out));
	is_int(r, NAGIOS_WARNING, "render_nagios returns WARNING");
	ok(strncmp(s, "FSPROBE WARNING - 1 of 3 mounts with warnings: /mnt/a hostname-only-identity,lease-churn |", 90) == 0,
	   "first line names the mount and its warnings");
	ok(strstr(s, "\n[WARNING] /mnt/a: ok in ") != NULL, "long output: [WARNING], still ok");
	ok(strstr(s, "nfs4 srv:/a; lease-churn: the NFSv4 client established") != NULL, "long output explains");
	ok(!strstr(s, "[OK]"), "the others have no long line");
	free(s);

	/* With a mount over a threshold and one unhealthy too. */
	o.critical = (struct threshold){ .set = true, .kind = THRESHOLD_PERCENT, .start = 0, .end = 50 };
	f.results[2] = (struct mount_result){ .status = STATUS_HUNG, .hung_ns = 3 * NSEC_PER_SEC, .blocked_by = -1 };
	s = CAPTURE(&r, render_nagios(&f.report, &o, capture_out));
	is_int(r, NAGIOS_CRITICAL, "CRITICAL wins");
	ok(strstr(s, "1 of 3 mounts unhealthy: /mnt/c hung 3.0s; 2 over a threshold: ") != NULL,
	   "unhealthy, then thresholds");
	ok(strstr(s, "; 1 with warnings: /mnt/a hostname-only-identity,lease-churn |") != NULL, "then warnings");
	free(s);

	/* An unhealthy mount with warnings is CRITICAL, counted once. */
	setup();
	f.results[0] = (struct mount_result){ .status = STATUS_ERROR, .err = EIO, .blocked_by = -1 };
	o = (struct nagios_options){};
	s = CAPTURE(&r, render_nagios(&f.report, &o, capture_out));
	is_int(r, NAGIOS_CRITICAL, "an unhealthy mount with warnings: CRITICAL");
	ok(strstr(s, "with warnings") == NULL, "not listed again among the warnings");
	ok(strstr(s, "[CRITICAL] /mnt/a: error (Input/output error), nfs4 srv:/a; lease-churn:") != NULL,
	   "its long line still explains the warnings");
	free(s);

	setup();
	nfs[0].warnings = 0;
	is_int(render_nagios_state(&f.report, &o), NAGIOS_OK, "no warnings: OK");
}

int main(void)
{
	words();
	describe();
	table();
	prom();
	nagios();
	return tap_done();
}
