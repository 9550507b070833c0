/* check_fsprobe as check_disk: how its command line maps onto check_disk's
 * model (args.c, disk.h), check_disk's threshold ranges and units, the
 * figures and states it decides on (with the numbers check_disk 2.3.3
 * printed for the same file systems), the perfdata thresholds, and the
 * selection replayed against a mount table (paths, regexes, -i, -C,
 * filters, -E), on a mountinfo file this test writes. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "disk.h"
#include "macro.h"
#include "mounts.h"
#include "report.h"
#include "tap.h"
#include "threshold.h"

#define MiB 1048576.0

/* argv strings must outlive the parse, as a process's argv does */
static char *copies[256];
static size_t ncopies;

/* parse "ARGS...": args_parse_plugin() on a fresh struct, stdout (where
 * usage errors go as an UNKNOWN line) into line. */
static int parse(struct args *a, char *line, size_t linesz, const char *argstr)
{
	char *copy = strdup(argstr), *argv[64] = { "check_fsprobe" }, *save = NULL;
	int argc = 1, r;
	FILE *old = stdout, *mem = fmemopen(line, linesz, "w");

	if (ncopies < ARRAY_SIZE(copies))
		copies[ncopies++] = copy;
	for (char *tok = strtok_r(copy, " ", &save); tok && argc < 63; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	*a = (struct args){};
	optind = 0;
	memset(line, 0, linesz);
	stdout = mem;
	r = args_parse_plugin(argc, argv, a);
	fflush(mem);
	stdout = old;
	fclose(mem);
	return r;
}

static struct args A;
static char line[512];

static void refused(const char *argstr, const char *msg)
{
	int r = parse(&A, line, sizeof(line), argstr);

	ok(r == -EINVAL && strstr(line, msg) && strncmp(line, "FSPROBE UNKNOWN - ", 18) == 0,
	   "'%s' refused: %s", argstr, msg);
	if (!strstr(line, msg))
		printf("# got: %s", line);
	args_done(&A);
}

static void test_args(void)
{
	const struct disk_limits *l;

	is_int(parse(&A, line, sizeof(line), "-w 20% -c 10% -p /a"), 1, "-w 20%% -c 10%% -p /a parses");
	is_int((int)A.disk.nops, 1, "one path");
	l = &A.disk.ops[0].limits;
	ok(A.disk.ops[0].kind == DISK_OP_PATH && streq(A.disk.ops[0].arg, "/a"), "-p: a path op");
	ok(l->free_pct[DISK_WARN].set && l->free_pct[DISK_WARN].inside && l->free_pct[DISK_WARN].end == 20 &&
		   !l->free_pct[DISK_WARN].no_end && l->free_pct[DISK_WARN].start == 0,
	   "-w 20%%: percent free, inside 0..20 (check_disk's '@20%%')");
	ok(l->free_pct[DISK_CRIT].set && l->free_pct[DISK_CRIT].end == 10, "-c 10%%: percent free");
	ok(!l->free_units[DISK_WARN].set && !l->free_inodes[DISK_WARN].set, "nothing else set");
	ok(A.disk.mult == 1048576 && streq(A.disk.unit, "MiB"), "default unit MiB, shown as check_disk shows it");
	ok(!A.disk.path_selected || A.disk.nops == 1, "selected");
	is_int((int)(A.timeout_ns / 1000000), 9500, "default -t 10: the probes get 9.5 s");
	args_done(&A);

	is_int(parse(&A, line, sizeof(line), "-w 60M -c 10MB -W 10 -K 5% -t 5 -p /a"), 1, "units and inodes parse");
	l = &A.disk.ops[0].limits;
	ok(l->free_units[DISK_WARN].end == 60 && l->free_units[DISK_CRIT].end == 10,
	   "-w 60M -c 10MB: free units, the unit letters ignored as check_disk does");
	ok(l->free_inodes[DISK_WARN].end == 10 && l->free_inodes[DISK_CRIT].end == 5 &&
		   l->free_inodes[DISK_CRIT].inside,
	   "-W 10 -K 5%%: percent of inodes free");
	is_int((int)(A.timeout_ns / 1000000), 4500, "-t 5: the probes get 4.5 s");
	args_done(&A);

	is_int(parse(&A, line, sizeof(line), "-w 20% -w 30 -c 10% -p /a"), 1, "-w twice");
	l = &A.disk.ops[0].limits;
	ok(l->free_pct[DISK_WARN].end == 20 && l->free_units[DISK_WARN].end == 30,
	   "-w 20%% -w 30: both in force, as check_disk keeps them");
	args_done(&A);

	{
		static const struct {
			const char *args;
			uint64_t mult;
			const char *shown;
		} units[] = {
			{ "-w 1 -c 1 -u bytes -p /", 1, "B" },	     { "-w 1 -c 1 -u Bytes -p /", 1, "B" },
			{ "-w 1 -c 1 -u kB -p /", 1024, "kiB" },     { "-w 1 -c 1 -u KiB -p /", 1024, "kiB" },
			{ "-w 1 -c 1 -k -p /", 1024, "kiB" },	     { "-w 1 -c 1 -u GB -p /", 1ULL << 30, "GiB" },
			{ "-w 1 -c 1 -u TiB -p /", 1ULL << 40, "TiB" }, { "-w 1 -c 1 -u kB -m -p /", 1ULL << 20, "MiB" },
		};
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			int r = parse(&A, line, sizeof(line), units[i].args);

			ok(r == 1 && A.disk.mult == units[i].mult && streq(A.disk.unit, units[i].shown), "%s: %llu, '%s'",
			   units[i].args, (unsigned long long)units[i].mult, units[i].shown);
			args_done(&A);
		}
	}

	is_int(parse(&A, line, sizeof(line), "-w 20% -c 10% -g grp -p /a -r ^/srv -C -w 1% -c 1% -p /b -A -I ^/PROC"), 1,
	       "groups, regexes, -C, -A, -I parse");
	is_int((int)A.disk.nops, 6, "six ops");
	ok(A.disk.ops[0].kind == DISK_OP_PATH && streq(A.disk.ops[0].group, "grp"), "-g applies to the paths after it");
	ok(A.disk.ops[1].kind == DISK_OP_REGEX && !A.disk.ops[1].icase && streq(A.disk.ops[1].group, "grp"),
	   "-r: case sensitive, in the group");
	ok(A.disk.ops[2].kind == DISK_OP_CLEAR && A.disk.ops[2].limits.free_pct[DISK_WARN].end == 20,
	   "-C: carries the thresholds it clears (for every mount, when no path was selected)");
	ok(A.disk.ops[3].kind == DISK_OP_PATH && !A.disk.ops[3].group &&
		   A.disk.ops[3].limits.free_pct[DISK_WARN].end == 1 && !A.disk.ops[3].limits.free_units[DISK_WARN].set,
	   "after -C: new thresholds, no group");
	ok(A.disk.ops[4].kind == DISK_OP_REGEX && A.disk.ops[4].icase && streq(A.disk.ops[4].arg, ".*"),
	   "-A: -R '.*'");
	ok(A.disk.ops[5].kind == DISK_OP_IGNORE && A.disk.ops[5].icase, "-I: ignore, case insensitive");
	args_done(&A);

	is_int(parse(&A, line, sizeof(line), "10 5 /b"), 1, "check_disk's oldest syntax: W C PATH");
	l = &A.disk.ops[0].limits;
	ok(A.disk.nops == 1 && streq(A.disk.ops[0].arg, "/b") && l->used_pct[DISK_WARN].end == 10 &&
		   !l->used_pct[DISK_WARN].inside && l->used_pct[DISK_CRIT].end == 5,
	   "10 5 /b: percent USED above 10 and 5, for /b");
	args_done(&A);

	is_int(parse(&A, line, sizeof(line), "-x /dev/sda1 -x /boot -X tmpfs,proc -N ext4 -M -e -f -P -L -v -v -E"), 1,
	       "filters and flags parse");
	ok(A.disk.exclude_devices && streq(A.disk.exclude_devices[0], "/dev/sda1") &&
		   streq(A.disk.exclude_devices[1], "/boot") && !A.disk.exclude_devices[2],
	   "-x: devices or mount points");
	ok(A.filter.exclude_types && streq(A.filter.exclude_types[1], "proc") && streq(A.filter.types[0], "ext4"),
	   "-X, -N: types");
	ok(A.disk.device_label && A.disk.errors_only && A.disk.ignore_reserved && A.disk.inode_perfdata &&
		   A.disk.local && A.disk.stat_remote && A.disk.verbose == 2 && A.disk.exact && A.nagios.verbose,
	   "-M -e -f -P -L -v -v -E");
	ok(A.disk.nops == 0, "no path: every mount");
	args_done(&A);

	is_int(parse(&A, line, sizeof(line), "--used-warning 80 --inodes-used-critical 95 -q"), 1,
	       "fsprobe's own ranges under their own names");
	ok(A.nagios.warning.set && A.nagios.warning.end == 80 && A.nagios.icritical.set && A.disk.errors_only,
	   "--used-warning, --inodes-used-critical; -q is -e");
	args_done(&A);

	is_int(parse(&A, line, sizeof(line), "--warning=20% --critical=10% --path=/a --units=kB --mountpoint"), 1,
	       "check_disk's long options");
	ok(A.disk.nops == 1 && A.disk.mult == 1024 && A.disk.device_label, "--path, --units, --mountpoint");
	args_done(&A);

	refused("-p /a", "Must set a threshold value before using -p");
	refused("-r ^/a", "Must set a threshold value before using -r/-R");
	refused("-w 20% -i x", "Paths need to be selected before using -i/-I");
	refused("-w 20% -p /a -g x", "Must set group value before selecting paths");
	refused("-w 20% -p /a -E", "Must set -E before selecting paths");
	refused("-w 20% -p /a -C -p /b", "Must set a threshold value before using -p");
	refused("-w 60:50 -p /a", "Range format incorrect");
	refused("-u foo", "unit type foo not known");
	refused("-u kb", "unit type kb not known");
	refused("-a", "unknown option -a");
	refused("--extra-opts=x", "--extra-opts is not supported");
	refused("--used-warning 10GB", "write 10GB: to alert below 10GB free");
	refused("-t 0", "invalid timeout '0'");
	refused("-w", "option -w needs an argument");
}

/* ranges: which of 0, 10, 19.5, 20, 20.5, 100 alert */
static void alerts(const char *s, const char *want)
{
	static const double v[] = { 0, 10, 19.5, 20, 20.5, 100 };
	struct disk_range r = {};
	char got[8] = "";

	is_int(threshold_parse_disk(s, true, &r), 0, "'%s' parses", s);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		got[i] = threshold_disk_alerts(&r, v[i]) ? 'A' : '.';
	is_str(got, want, "'%s' alerts as check_disk's", s);
}

static void test_ranges(void)
{
	struct disk_range r = { .end = 42 };

	alerts("20", "AAAA..");	   /* free 20 or less, the edge included */
	alerts("20%", "AAAA..");
	alerts("@20", "AAAA..");
	alerts("10:20", ".AAA..");
	alerts("20:", "...AAA");
	alerts("~:20", "AAAA..");
	alerts("20GB", "AAAA..");  /* the unit ignored */
	alerts("abc", "A.....");   /* strtod's 0 */
	alerts("19.5", "AAA...");
	is_int(threshold_parse_disk("60:50", true, &r), -EINVAL, "60:50: start above end");
	ok(r.end == 42, "left untouched");
	is_int(threshold_parse_disk("10", false, &r), 0, "a used-percent range, not inside");
	ok(!threshold_disk_alerts(&r, 10) && threshold_disk_alerts(&r, 10.5), "alerts above 10 only");
	ok(!threshold_disk_alerts(NULL, 1), "no range, no alert");
}

/* The file systems of the side-by-side test, as statfs gives them. */
static struct disk_usage usage(uint64_t blocks, uint64_t bfree, uint64_t bavail, uint64_t files, uint64_t ffree,
			       uint64_t mult, bool ignore_reserved)
{
	struct disk_usage u = {};

	disk_usage_add(&u, blocks, bfree, bavail, 4096, files, ffree, mult, ignore_reserved);
	return u;
}

static struct disk_limits limits(const char *w, const char *c, const char *iw, const char *ic)
{
	struct disk_limits l = {};

	if (w)
		(void)threshold_parse_disk(w, true, strchr(w, '%') ? &l.free_pct[DISK_WARN] : &l.free_units[DISK_WARN]);
	if (c)
		(void)threshold_parse_disk(c, true, strchr(c, '%') ? &l.free_pct[DISK_CRIT] : &l.free_units[DISK_CRIT]);
	if (iw)
		(void)threshold_parse_disk(iw, true, &l.free_inodes[DISK_WARN]);
	if (ic)
		(void)threshold_parse_disk(ic, true, &l.free_inodes[DISK_CRIT]);
	return l;
}

static void test_figures(void)
{
	/* 10 MiB, 2407 of 2560 blocks used: check_disk "0MiB (5% ...)" */
	struct disk_usage a = usage(2560, 153, 153, 3085456, 3085454, 1 << 20, false);
	/* 100 MiB, 48% used: "52MiB (52% inode=99%)" */
	struct disk_usage b = usage(25600, 13312, 13312, 3085456, 3085454, 1 << 20, false);
	/* 20 MiB, 80% used, 81 of 100 inodes: "4MiB (20% inode=19%)" */
	struct disk_usage e = usage(5120, 1024, 1024, 100, 19, 1 << 20, false);
	struct disk_limits l;

	is_int((int)a.free_units, 0, "a: 0 MiB free, rounded down");
	is_int((int)disk_percent_used(a.used, a.used + a.avail), 95, "a: 95%% used, rounded up");
	is_int((int)b.free_units, 52, "b: 52 MiB free");
	is_int((int)(100 - disk_percent_used(e.files - e.ffree, e.files)), 19, "e: 19%% of the inodes free");
	ok(disk_percent_used(1, 0) == -1, "nothing to divide by: -1, as check_disk");

	l = limits("20%", "10%", NULL, NULL);
	is_int(disk_state(&l, &a), 2, "a, -w 20%% -c 10%%: CRITICAL");
	is_int(disk_state(&l, &b), 0, "b, -w 20%% -c 10%%: OK");
	is_int(disk_perf_threshold(&l, &a, 1 << 20, DISK_WARN), 8388608, "a: warn at 8 MiB used");
	is_int(disk_perf_threshold(&l, &a, 1 << 20, DISK_CRIT), 9437184, "a: crit at 9 MiB used");
	l = limits("52%", "10%", NULL, NULL);
	is_int(disk_state(&l, &b), 1, "b, -w 52%%: WARNING (the edge)");
	is_int(disk_perf_threshold(&l, &b, 1 << 20, DISK_WARN), 50331648, "b, -w 52%%: warn at 48 MiB used");
	l = limits("51%", "10%", NULL, NULL);
	is_int(disk_state(&l, &b), 0, "b, -w 51%%: OK");
	l = limits("52", "10", NULL, NULL);
	is_int(disk_state(&l, &b), 1, "b, -w 52 (MiB): WARNING (the edge)");
	is_int(disk_perf_threshold(&l, &b, 1 << 20, DISK_WARN), 50331648, "b, -w 52: warn at 100 - 52 MiB used");
	l = limits("51", "10", NULL, NULL);
	is_int(disk_state(&l, &b), 0, "b, -w 51: OK");
	l = limits("20%", "30", NULL, NULL);
	l.free_units[DISK_WARN] = l.free_units[DISK_CRIT];
	ok(fabs(disk_perf_threshold(&l, &b, 1 << 20, DISK_WARN) - 70 * MiB) < 1,
	   "b, -w 20%% and -w 30: the lower of 80 and 70 MiB used");
	l = limits("200", "10", NULL, NULL);
	is_int(disk_perf_threshold(&l, &b, 1 << 20, DISK_WARN), 0, "a threshold past the size: 0, not 2^64 - N");
	l = limits(NULL, NULL, NULL, NULL);
	ok(disk_perf_threshold(&l, &b, 1 << 20, DISK_WARN) < 0, "none set: none in perfdata");

	l = limits("20%", "10%", "20", "10");
	is_int(disk_state(&l, &e), 1, "e, -W 20 -K 10: WARNING (19%% free)");
	is_int(disk_perf_inode_threshold(&l, &e, DISK_WARN), 80, "e: inode warn at 80 used");
	is_int(disk_perf_inode_threshold(&l, &e, DISK_CRIT), 90, "e: inode crit at 90 used");
	l = limits(NULL, NULL, "21", "19");
	is_int(disk_state(&l, &e), 2, "e, -K 19: CRITICAL (the edge)");

	{
		/* -g: summed, units per file system first */
		struct disk_usage g = a;

		disk_usage_add(&g, 25600, 13312, 13312, 4096, 3085456, 3085454, 1 << 20, false);
		l = limits("20%", "10%", NULL, NULL);
		is_int((int)(100 - disk_percent_used(g.used, g.used + g.avail)), 47, "a+b grouped: 47%% free");
		is_int(disk_state(&l, &g), 0, "a+b grouped: OK");
		is_int(disk_perf_threshold(&l, &g, 1 << 20, DISK_WARN), 92274688, "a+b grouped: warn at 88 MiB used");
	}
	{
		/* -f: the reserved blocks out of the size */
		struct disk_usage r = usage(1000, 300, 250, 10, 5, 1, true);

		is_int((int)r.total, (700 + 250) * 4096, "-f: size = used + available");
		r = usage(1000, 300, 250, 10, 5, 1, false);
		is_int((int)r.total, 1000 * 4096, "without -f: every block");
	}
}

static char dir[] = "/tmp/fsprobe-test-checkdisk-XXXXXX";

/* The mount points a command line selects, or "STATE:message". */
static void selects(const struct mount_table *t, const char *argstr, const char *want, const char *what)
{
	struct report rep = {};
	struct disk_plan p = {};
	struct disk_failure f = {};
	char got[1024] = "";
	int r = parse(&A, line, sizeof(line), argstr);

	if (r == 1)
		r = disk_select(&A.disk, &A.filter, t, &rep, &p, &f);
	if (r == 0)
		for (size_t i = 0; i < p.n; i++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? "," : "",
				 t->entries[p.items[i].mount].target);
	else
		snprintf(got, sizeof(got), "%d:%s", f.state, f.msg);
	if (want[0] && want[strlen(want) - 1] == '*')
		ok(strncmp(got, want, strlen(want) - 1) == 0, "%s: %s (%s)", argstr, what, got);
	else
		is_str(got, want, "%s: %s", argstr, what);
	disk_plan_done(&p);
	report_done(&rep);
	args_done(&A);
}

static void test_select(void)
{
	struct mount_table t = {};
	char mi[600];
	FILE *f;

	snprintf(mi, sizeof(mi), "%s/mountinfo", dir);
	f = fopen(mi, "w");
	if (!f)
		return;
	fprintf(f, "21 1 254:0 / / rw - ext4 /dev/vda rw\n"
		   "22 21 0:4 / /proc rw - proc proc rw\n"
		   "30 21 0:40 / /srv/a rw - nfs4 srv:/a rw,vers=4.2,hard\n"
		   "31 21 0:41 / /srv/b rw - tmpfs cdtest_b rw\n"
		   "32 21 0:42 / /mnt/x rw - fuse.sshfs me@host:/ rw\n"
		   "33 21 0:43 / /srv/b rw - tmpfs cdtest_b2 rw\n"
		   "34 21 0:44 / /media/cd ro - iso9660 /dev/sr0 ro\n"
		   "35 21 0:45 / /srv/dev rw - ext4 /dev/null rw\n");
	fclose(f);
	if (mounts_load(mi, &t) < 0) {
		ok(false, "mountinfo fixture loads");
		return;
	}

	selects(&t, "-w 1 -r ^/srv/[ab]", "/srv/a,/srv/b", "-r: every mount point or device that matches");
	selects(&t, "-w 1 -R ^/SRV/B$", "/srv/b", "-R: ignoring case; stacked mounts once, the top one");
	selects(&t, "-w 1 -r cdtest", "/srv/b", "-r: devices match too");
	selects(&t, "-w 1 -r ^/srv/[ab] -I CDTEST_B2", "/srv/a", "-I: drops what matches, device included");
	selects(&t, "-w 1 -r ^/srv -i ^/srv/a$ -r ^/mnt", "/srv/b,/srv/dev,/mnt/x", "-i drops only what was selected before it");
	selects(&t, "-w 1", "/,/proc,/srv/a,/srv/b,/mnt/x,/srv/dev", "no path: every mount point (sizes decide later)");
	selects(&t, "-w 1 -l", "/,/proc,/srv/b,/srv/dev", "-l: no network mounts (a ':' in the device, as check_disk)");
	selects(&t, "-w 1 -L", "/,/proc,/srv/a,/srv/b,/mnt/x,/srv/dev", "-L: network mounts kept, for health only");
	selects(&t, "-w 1 -X tmpfs -X proc", "/,/srv/a,/mnt/x,/srv/dev", "-X");
	selects(&t, "-w 1 -N nfs4", "/srv/a", "-N");
	selects(&t, "-w 1 -N iso9660", "", "iso9660 never, -N or not, as check_disk");
	selects(&t, "-w 1 -g cd -r ^/media", "/media/cd", "iso9660 in a group, as check_disk");
	selects(&t, "-w 1 -N nfs4 -p /mnt/x", "", "-N applies to -p paths too, as check_disk's filters");
	selects(&t, "-w 1 -g g -N nfs4 -p /mnt/x", "/mnt/x", "but not to grouped paths");
	selects(&t, "-w 1 -x cdtest_b2 -x /srv/a", "/,/proc,/mnt/x,/srv/dev", "-x: a device or a mount point");
	selects(&t, "-w 1 -p /dev/null", "/srv/dev", "-p DEVICE: the mount of that device, as check_disk");
	selects(&t, "-w 1 -p /srv/a/deep/file", "/srv/a", "-p: the mount holding a path, lexically inside a network mount");
	selects(&t, "-w 1 -E -p /srv/a/deep", "2:/srv/a/deep not found", "-E: only mount points");
	selects(&t, "-w 1 -E -p /mnt/x/", "/mnt/x", "-E: a trailing slash is the same mount point");
	selects(&t, "-w 1 -p /srv/a -p /srv/a", "/srv/a", "a path given twice is one");
	selects(&t, "-w 1 -p /srv/a -C", "/srv/a,/,/proc,/srv/b,/mnt/x,/srv/dev",
		"-C resets the selection: with no path after it, every mount, as check_disk");
	selects(&t, "-w 1 -C -w 2 -p /srv/a", "/,/proc,/srv/a,/srv/b,/mnt/x,/srv/dev", "-C with no path before: every mount");
	selects(&t, "-w 1 -r ^/nothing", "3:Regular expression did not match any path or disk - ^/nothing",
		"a regex that matches nothing");
	selects(&t, "-w 1 -r (", "3:Could not compile regular expression - *",
		"a regex that does not compile");

	{
		struct report rep = {};
		struct disk_plan p = {};
		struct disk_failure fl = {};

		(void)parse(&A, line, sizeof(line), "-w 1 -p /srv/a -C -w 5% -p /mnt/x -C -w 7");
		is_int(disk_select(&A.disk, &A.filter, &t, &rep, &p, &fl), 0, "-C: thresholds per path");
		ok(p.n == 6 && p.items[0].limits.free_units[DISK_WARN].end == 7 &&
			   p.items[1].limits.free_units[DISK_WARN].end == 7 && p.items[2].limits.free_units[DISK_WARN].end == 7 &&
			   !p.items[1].limits.free_pct[DISK_WARN].set,
		   "the last thresholds, with no path after them, go to every mount, those selected before too (as check_disk)");
		is_int((int)rep.nrows, 6, "a report row per mount to probe");
		disk_plan_done(&p);
		report_done(&rep);
		args_done(&A);
	}
	mounts_done(&t);
	unlink(mi);
}

int main(void)
{
	test_args();
	test_ranges();
	test_figures();
	if (mkdtemp(dir)) {
		test_select();
		rmdir(dir);
	} else
		ok(false, "a temporary directory");
	for (size_t i = 0; i < ncopies; i++)
		free(copies[i]);
	return tap_done();
}
