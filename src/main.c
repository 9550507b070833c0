/* fsprobe: a file system health check that never blocks on a mount.
 *
 * Parses the command line, runs one probe over the selected mounts and
 * renders it. The only place where an error becomes an exit status, and
 * the only place (with the daemon) that prints diagnostics. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cleanup.h"
#include "daemon.h"
#include "df.h"
#include "macro.h"
#include "mounts.h"
#include "nfs-check.h"
#include "parse.h"
#include "pending.h"
#include "probe.h"
#include "render.h"
#include "report.h"
#include "size.h"
#include "textfile.h"
#include "util.h"

enum {
	EXIT_HEALTHY = 0,
	EXIT_UNHEALTHY = 1, /* a selected mount is not ok (nor merely denied) */
	EXIT_TROUBLE = 2,   /* usage errors and fsprobe's own failures */
};

/* Long enough for a healthy server under load to answer, short enough
 * for a monitoring check: node_exporter's mount-timeout default is 5 s. */
#define DEFAULT_TIMEOUT_NS (5 * NSEC_PER_SEC)

enum output_format {
	OUTPUT_TABLE, /* libsmartcols: table, JSON, raw, pairs */
	OUTPUT_DF,    /* GNU df's layout */
	OUTPUT_NAGIOS,	   /* monitoring plugin: first line, perfdata, exit 0-3 */
	OUTPUT_PROMETHEUS, /* exposition format, to stdout or --textfile */
};

struct args {
	enum output_format format;
	uint64_t timeout_ns;
	enum probe_engine engine;
	struct mount_filter filter;
	struct table_options table;
	struct df_options df;
	const char *mountinfo;
	char *state_dir;
	bool no_state;
	bool quiet;
	bool quiet_empty; /* an error about the arguments was printed already */
	bool verbose;
	char **files;
	size_t nfiles;
	struct nagios_options nagios;
	const char *textfile;	/* --textfile: written atomically, not stdout */
	char **plugin_paths;	/* check_fsprobe's -p and FILE arguments */
	struct daemon_options daemon;
	bool daemon_mode;
	struct nfs_check_options nfs; /* NFSv4 client identity and lease churn */
};

static void free_types(char **l)
{
	for (size_t i = 0; l && l[i]; i++)
		free(l[i]);
}

static void args_done(struct args *a)
{
	free_types(a->filter.types);
	free_types(a->filter.exclude_types);
	free(a->filter.types);
	free(a->filter.exclude_types);
	free(a->state_dir);
	free(a->plugin_paths);
}

static void usage(FILE *out)
{
	fputs("Usage: fsprobe [options] [FILE...]\n"
	      "\n"
	      "Probe every NFS, CIFS/SMB and FUSE mount (or the mounts holding FILEs)\n"
	      "and report its health, returning within the timeout whatever the mounts do.\n"
	      "\n"
	      "Selection:\n"
	      "  -a, --all                 all mounts, local and pseudo ones too\n"
	      "  -t, --type TYPE[,...]     only mounts of these types\n"
	      "  -x, --exclude-type TYPE[,...]  no mounts of these types\n"
	      "      --mountinfo FILE      read the mount table from FILE\n"
	      "      --mountstats FILE     read NFS statistics from FILE\n"
	      "\n"
	      "Probing:\n"
	      "      --timeout DURATION    deadline for the whole run (default 5s;\n"
	      "                            e.g. 2s, 500ms, 1.5s, 1m or bare seconds)\n"
	      "      --engine ENGINE       auto (default), uring or threads\n"
	      "      --state-dir DIR       registry of probes still pending from earlier runs\n"
	      "      --no-state            do not use the registry\n"
	      "      --lease-churn-threshold N  NFSv4 lease re-establishments per 10 minutes\n"
	      "                            that make the lease-churn warning (default 6;\n"
	      "                            0: no such check)\n"
	      "\n"
	      "Daemon:\n"
	      "      --daemon              probe continuously (systemd Type=notify, watchdog)\n"
	      "      --interval DURATION   between cycles (default 15s); --timeout is per request\n"
	      "      --exec-on-change PROGRAM  run PROGRAM on each change of a mount's status\n"
	      "      --exec-timeout DURATION   kill PROGRAM after this long (default 30s)\n"
	      "      --abort-fuse-after DURATION  abort FUSE connections hung that long\n"
	      "\n"
	      "Output:\n"
	      "  -J, --json                JSON\n"
	      "  -r, --raw                 raw table\n"
	      "      --pairs               NAME=\"value\" pairs\n"
	      "  -o, --columns LIST        columns to show (see --list-columns)\n"
	      "      --list-columns        list the columns\n"
	      "  -n, --noheadings          no header line\n"
	      "  -b, --bytes               sizes in bytes\n"
	      "  -q, --quiet               print nothing; the exit status tells\n"
	      "  -v, --verbose             say which engine ran and why\n"
	      "\n"
	      "df-compatible output (GNU df's layout; healthy rows as df prints them):\n"
	      "  -h, --human-readable      sizes in powers of 1024 (e.g. 1023M)\n"
	      "  -H, --si                  sizes in powers of 1000 (e.g. 1.1G)\n"
	      "  -k                        like --block-size=1K\n"
	      "  -B, --block-size SIZE     scale sizes by SIZE (1K, 1M, 1MB, ...)\n"
	      "  -P, --portability         POSIX output format\n"
	      "  -T, --print-type          print the file system type\n"
	      "  -i, --inodes              inode counts instead of blocks\n"
	      "  -l, --local               only local file systems\n"
	      "      --total               a grand total\n"
	      "      --output[=FIELDS]     df's fields (source, fstype, itotal, iused, iavail,\n"
	      "                            ipcent, size, used, avail, pcent, file, target) and\n"
	      "                            status, latency, error\n"
	      "With these, the mounts are df's (every real file system, one per device)\n"
	      "and an unhealthy one shows '-' and is named on stderr.\n"
	      "\n"
	      "Monitoring (see also check_fsprobe --help):\n"
	      "      --nagios              Nagios/Icinga plugin output; exit 0 OK, 1 WARNING,\n"
	      "                            2 CRITICAL, 3 UNKNOWN\n"
	      "      --warning RANGE       with --nagios: WARNING on percent used (80, ~:80)\n"
	      "                            or bytes available (10GB:)\n"
	      "      --critical RANGE      with --nagios: CRITICAL likewise\n"
	      "      --iwarning RANGE      with --nagios: WARNING on percent of inodes used\n"
	      "      --icritical RANGE     with --nagios: CRITICAL likewise\n"
	      "      --prometheus          Prometheus exposition format\n"
	      "      --textfile PATH       write it to PATH atomically, for node_exporter's\n"
	      "                            textfile collector\n"
	      "\n"
	      "      --help                this help\n"
	      "  -V, --version             version\n"
	      "\n"
	      "Exit status: 0 all selected mounts ok (or denied), 1 any unhealthy,\n"
	      "2 usage error or fsprobe's own failure. Warnings (NFSv4 client identity,\n"
	      "lease churn) do not change it; with --nagios they make WARNING.\n",
	      out);
}

static int append_types(char ***list, const char *arg)
{
	/* Comma separated as findmnt, and repeatable as df. */
	size_t n = 0, added = 0;
	char **l = *list;

	while (l && l[n])
		n++;
	for (const char *p = arg; *p;) {
		size_t len = strcspn(p, ",");
		if (len > 0) {
			char **nl = reallocarray(l, n + 2, sizeof(*nl));
			if (!nl)
				return -ENOMEM;
			/* The list has moved: the caller must free the new one
			 * whatever happens next. */
			*list = l = nl;
			l[n] = strndup(p, len);
			if (!l[n])
				return -ENOMEM;
			l[++n] = NULL;
			added++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (added == 0) {
		/* "-t ''" or "-t ,": no type at all is surely a mistake */
		return -EINVAL;
	}
	*list = l;
	return 0;
}

/* What is wrong with a range threshold_parse() refused. */
static const char *threshold_error(int r, bool inodes)
{
	if (r == -EDOM)
		return "as a range a bare size alerts when MORE is free; write 10GB: to alert below 10GB free";
	if (r == -ERANGE)
		return "the range starts above its end";
	return inodes ? "expected a range of percent used such as 90, ~:90 or @95:100"
		      : "expected a range of percent used such as 80 or @90:100, or of bytes free such as 10GB:";
}

/* Sets the threshold of --warning, --critical, --iwarning or --icritical
 * (check_fsprobe's -w, -c, -W, -K): the inode ones take percent only. */
static int set_threshold(struct nagios_options *n, const char *name, const char *arg)
{
	struct threshold *t = streq(name, "warning")    ? &n->warning
			    : streq(name, "critical") ? &n->critical
			    : streq(name, "iwarning") ? &n->iwarning
						      : &n->icritical;

	return threshold_parse(arg, name[0] == 'i' ? THRESHOLD_ALLOW_PERCENT
						   : THRESHOLD_ALLOW_PERCENT | THRESHOLD_ALLOW_BYTES,
			       t);
}

enum {
	OPT_TIMEOUT = 0x100,
	OPT_ENGINE,
	OPT_STATE_DIR,
	OPT_NO_STATE,
	OPT_MOUNTINFO,
	OPT_PAIRS,
	OPT_LIST_COLUMNS,
	OPT_HELP,
	OPT_DAEMON,
	OPT_INTERVAL,
	OPT_EXEC_ON_CHANGE,
	OPT_ABORT_FUSE_AFTER,
	OPT_MAX_CYCLES,
	OPT_EXEC_TIMEOUT,
	OPT_TOTAL,
	OPT_OUTPUT,
	OPT_SYNC,
	OPT_NAGIOS,
	OPT_PROMETHEUS,
	OPT_TEXTFILE,
	OPT_WARNING,
	OPT_CRITICAL,
	OPT_IWARNING,
	OPT_ICRITICAL,
	OPT_MOUNTSTATS,
	OPT_SYSROOT,
	OPT_LEASE_CHURN,
};

/* Returns 1 to go on, 0 to exit successfully (help, version), -EINVAL on a
 * usage error (already reported). */
static int parse_argv(int argc, char *argv[], struct args *a)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "type", required_argument, NULL, 't' },
		{ "exclude-type", required_argument, NULL, 'x' },
		{ "mountinfo", required_argument, NULL, OPT_MOUNTINFO },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "no-state", no_argument, NULL, OPT_NO_STATE },
		{ "json", no_argument, NULL, 'J' },
		{ "raw", no_argument, NULL, 'r' },
		{ "pairs", no_argument, NULL, OPT_PAIRS },
		{ "columns", required_argument, NULL, 'o' },
		{ "list-columns", no_argument, NULL, OPT_LIST_COLUMNS },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "human-readable", no_argument, NULL, 'h' },
		{ "si", no_argument, NULL, 'H' },
		{ "block-size", required_argument, NULL, 'B' },
		{ "portability", no_argument, NULL, 'P' },
		{ "print-type", no_argument, NULL, 'T' },
		{ "inodes", no_argument, NULL, 'i' },
		{ "local", no_argument, NULL, 'l' },
		{ "total", no_argument, NULL, OPT_TOTAL },
		{ "output", optional_argument, NULL, OPT_OUTPUT },
		{ "sync", no_argument, NULL, OPT_SYNC },
		{ "no-sync", no_argument, NULL, OPT_SYNC },
		{ "nagios", no_argument, NULL, OPT_NAGIOS },
		{ "warning", required_argument, NULL, OPT_WARNING },
		{ "critical", required_argument, NULL, OPT_CRITICAL },
		{ "iwarning", required_argument, NULL, OPT_IWARNING },
		{ "icritical", required_argument, NULL, OPT_ICRITICAL },
		{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
		{ "textfile", required_argument, NULL, OPT_TEXTFILE },
		{ "daemon", no_argument, NULL, OPT_DAEMON },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "exec-on-change", required_argument, NULL, OPT_EXEC_ON_CHANGE },
		{ "abort-fuse-after", required_argument, NULL, OPT_ABORT_FUSE_AFTER },
		{ "max-cycles", required_argument, NULL, OPT_MAX_CYCLES },
		{ "mountstats", required_argument, NULL, OPT_MOUNTSTATS },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "lease-churn-threshold", required_argument, NULL, OPT_LEASE_CHURN },
		{ "exec-timeout", required_argument, NULL, OPT_EXEC_TIMEOUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c, r;

	a->timeout_ns = DEFAULT_TIMEOUT_NS;
	a->engine = PROBE_ENGINE_AUTO;
	a->nfs.churn_threshold = CHURN_DEFAULT_THRESHOLD;
	while ((c = getopt_long(argc, argv, "at:x:Jro:nbqvVhHkB:PTil", opts, NULL)) >= 0) {
		switch (c) {
		case 'a':
			a->filter.all = true;
			break;
		case 't':
		case 'x':
			r = append_types(c == 't' ? &a->filter.types : &a->filter.exclude_types, optarg);
			if (r == -EINVAL) {
				fprintf(stderr, "fsprobe: -%c needs a file system type\n", c);
				return r;
			}
			if (r < 0)
				return r;
			break;
		case OPT_MOUNTINFO:
			a->mountinfo = optarg;
			break;
		case OPT_TIMEOUT:
			r = parse_duration(optarg, &a->timeout_ns);
			if (r < 0) {
				fprintf(stderr, "fsprobe: invalid --timeout '%s': %s\n", optarg,
					r == -ERANGE ? "must be between 1us and 24h"
						     : "expected a duration such as 2s, 500ms, 1.5s or 1m");
				return -EINVAL;
			}
			break;
		case OPT_ENGINE:
			a->engine = probe_engine_from_string(optarg);
			if (a->engine < 0) {
				fprintf(stderr, "fsprobe: invalid --engine '%s': expected auto, uring or threads\n",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_STATE_DIR:
			if (optarg[0] != '/') {
				fprintf(stderr, "fsprobe: --state-dir '%s' must be an absolute path\n", optarg);
				return -EINVAL;
			}
			free(a->state_dir);
			a->state_dir = strdup(optarg);
			if (!a->state_dir)
				return -ENOMEM;
			break;
		case OPT_NO_STATE:
			a->no_state = true;
			break;
		case 'J':
			a->table.mode = TABLE_JSON;
			break;
		case 'r':
			a->table.mode = TABLE_RAW;
			break;
		case OPT_PAIRS:
			a->table.mode = TABLE_PAIRS;
			break;
		case 'o': {
			const char *bad = NULL;
			size_t len = 0;
			if (render_table_check_columns(optarg, &bad, &len) < 0) {
				fprintf(stderr, "fsprobe: unknown column '%.*s' (see --list-columns)\n", (int)len,
					bad ? bad : "");
				return -EINVAL;
			}
			a->table.columns = optarg;
			break;
		}
		case OPT_LIST_COLUMNS:
			render_table_list_columns(stdout);
			return 0;
		case 'n':
			a->table.noheadings = true;
			break;
		case 'b':
			a->table.bytes = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
		case 'H':
			a->df.enabled = a->df.block_size_set = true;
			a->df.block_size = 1;
			a->df.size_flags = SIZE_AUTOSCALE | SIZE_SI | (c == 'h' ? SIZE_BASE_1024 : 0);
			break;
		case 'k':
			a->df.enabled = a->df.block_size_set = true;
			a->df.block_size = 1024;
			a->df.size_flags = 0;
			break;
		case 'B':
			r = size_parse_block_size(optarg, &a->df.block_size, &a->df.size_flags);
			if (r < 0) {
				fprintf(stderr, "fsprobe: invalid --block-size '%s'\n", optarg);
				return -EINVAL;
			}
			a->df.enabled = a->df.block_size_set = true;
			break;
		case 'P':
		case 'T':
		case 'i':
			if (a->df.output) {
				fprintf(stderr, "fsprobe: options -%c and --output are mutually exclusive\n", c);
				return -EINVAL;
			}
			a->df.enabled = true;
			*(c == 'P' ? &a->df.posix : c == 'T' ? &a->df.print_type : &a->df.inodes) = true;
			break;
		case 'l':
			a->df.enabled = a->df.local = true;
			break;
		case OPT_TOTAL:
			a->df.enabled = a->df.total = true;
			break;
		case OPT_OUTPUT: {
			const char *bad = NULL;
			size_t len = 0;

			if (a->df.posix || a->df.print_type || a->df.inodes) {
				fprintf(stderr, "fsprobe: options -%c and --output are mutually exclusive\n",
					a->df.posix ? 'P' : a->df.print_type ? 'T' : 'i');
				return -EINVAL;
			}
			a->df.enabled = a->df.output = true;
			if (optarg && (r = df_parse_output(&a->df, optarg, &bad, &len)) < 0) {
				fprintf(stderr, "fsprobe: option --output: field '%.*s' %s\n", (int)len, bad,
					r == -EEXIST ? "used more than once" : "unknown");
				return -EINVAL;
			}
			break;
		}
		case OPT_SYNC:
			/* sync(2) would block on every dead mount: never. */
			break;
		case OPT_DAEMON:
			a->daemon_mode = true;
			break;
		case OPT_INTERVAL:
		case OPT_ABORT_FUSE_AFTER:
		case OPT_EXEC_TIMEOUT:
			r = parse_duration(optarg, c == OPT_INTERVAL	    ? &a->daemon.interval_ns
						   : c == OPT_EXEC_TIMEOUT ? &a->daemon.exec_timeout_ns
									 : &a->daemon.abort_fuse_after_ns);
			if (r < 0) {
				fprintf(stderr, "fsprobe: invalid --%s '%s': expected a duration such as 15s or 2m\n",
					c == OPT_INTERVAL ? "interval" : c == OPT_EXEC_TIMEOUT ? "exec-timeout" : "abort-fuse-after",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_EXEC_ON_CHANGE:
			if (optarg[0] != '/') {
				fprintf(stderr, "fsprobe: --exec-on-change '%s' must be an absolute path (it is run without a shell)\n",
					optarg);
				return -EINVAL;
			}
			a->daemon.exec_on_change = optarg;
			break;
		case OPT_MAX_CYCLES: {
			char *end;
			errno = 0;
			a->daemon.max_cycles = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-') {
				fprintf(stderr, "fsprobe: invalid --max-cycles '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		}
		case OPT_MOUNTSTATS:
			a->nfs.mountstats = optarg;
			break;
		case OPT_SYSROOT:
			/* Tests: where the NFSv4 identity sources (sys/,
			 * proc/sys/kernel/hostname, run/) are read. */
			a->nfs.sysroot = optarg;
			break;
		case OPT_LEASE_CHURN: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' || v > 1000000) {
				fprintf(stderr, "fsprobe: invalid --lease-churn-threshold '%s': expected a count from 0 to 1000000\n",
					optarg);
				return -EINVAL;
			}
			a->nfs.churn_threshold = (unsigned)v;
			break;
		}
		case OPT_NAGIOS:
		case OPT_PROMETHEUS:
		case OPT_TEXTFILE: {
			enum output_format f = c == OPT_NAGIOS ? OUTPUT_NAGIOS : OUTPUT_PROMETHEUS;

			if ((a->format == OUTPUT_NAGIOS || a->format == OUTPUT_PROMETHEUS) && a->format != f) {
				fprintf(stderr, "fsprobe: options --nagios and --prometheus are mutually exclusive\n");
				return -EINVAL;
			}
			a->format = f;
			if (c == OPT_TEXTFILE) {
				if (!*optarg) {
					fprintf(stderr, "fsprobe: --textfile needs a file name\n");
					return -EINVAL;
				}
				a->textfile = optarg;
			}
			break;
		}
		case OPT_WARNING:
		case OPT_CRITICAL:
		case OPT_IWARNING:
		case OPT_ICRITICAL: {
			const char *name = c == OPT_WARNING    ? "warning"
					 : c == OPT_CRITICAL ? "critical"
					 : c == OPT_IWARNING ? "iwarning"
							     : "icritical";

			r = set_threshold(&a->nagios, name, optarg);
			if (r < 0) {
				fprintf(stderr, "fsprobe: invalid --%s '%s': %s\n", name, optarg,
					threshold_error(r, name[0] == 'i'));
				return -EINVAL;
			}
			break;
		}
		case OPT_HELP:
			usage(stdout);
			return 0;
		case 'V':
			printf("fsprobe %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'fsprobe --help' for more information.\n");
			return -EINVAL;
		}
	}
	if (a->format != OUTPUT_NAGIOS && (a->nagios.warning.set || a->nagios.critical.set ||
					   a->nagios.iwarning.set || a->nagios.icritical.set)) {
		fprintf(stderr, "fsprobe: --warning, --critical, --iwarning and --icritical need --nagios\n");
		return -EINVAL;
	}
	for (char **t = a->filter.types; t && *t; t++)
		if (mounts_type_in(a->filter.exclude_types, *t)) {
			fprintf(stderr, "fsprobe: file system type '%s' both selected and excluded\n", *t);
			return -EINVAL;
		}
	if (a->df.enabled && a->format == OUTPUT_TABLE && a->table.mode == TABLE_HUMAN && !a->table.columns) {
		a->format = OUTPUT_DF;
		(void)df_finish(&a->df);
	}
	a->files = argv + optind;
	a->nfiles = (size_t)(argc - optind);
	if (!a->no_state && !a->state_dir) {
		a->state_dir = pending_default_dir();
		if (!a->state_dir)
			return -ENOMEM;
	}
	return 1;
}

/* check_fsprobe's -t: the monitoring-plugins default. */
#define PLUGIN_DEFAULT_TIMEOUT_NS (10 * NSEC_PER_SEC)
/* The plugin must have printed its answer by -t: the probes get a tenth
 * less, at most 0.5 s, for starting, printing and being reaped (measured
 * at well under 100 ms, see the scenario tests). */
#define PLUGIN_MARGIN_MAX_NS (500 * NSEC_PER_MSEC)

static bool invoked_as_plugin(const char *argv0)
{
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;

	base = base ? base + 1 : argv0;
	return base && streq(base, "check_fsprobe");
}

/* A usage error of check_fsprobe: the plugin's UNKNOWN line, on stdout,
 * which is all Nagios reads. */
_printf_(1, 2) static void plugin_error(const char *fmt, ...)
{
	va_list ap;

	fputs("FSPROBE UNKNOWN - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs(" (check_fsprobe --help)\n", stdout);
}

static void plugin_usage(FILE *out)
{
	fprintf(out, "check_fsprobe v%s (fsprobe %s)\n", PACKAGE_VERSION, PACKAGE_VERSION);
	fputs("Checks NFS, CIFS/SMB and FUSE mounts (or the mounts holding PATHs) and answers\n"
	      "within the timeout whatever the mounts do: CRITICAL when a mount is hung, stale,\n"
	      "disconnected, down, blocked or in error, WARNING/CRITICAL from the thresholds,\n"
	      "WARNING for an NFSv4 client identity or lease churn warning.\n"
	      "\n"
	      "Usage: check_fsprobe [-t TIMEOUT] [-w RANGE] [-c RANGE] [-W RANGE] [-K RANGE]\n"
	      "                     [-p PATH]... [-a] [-N TYPE] [-X TYPE] [-v] [PATH...]\n"
	      "\n"
	      "  -h, --help               this help\n"
	      "  -V, --version            version\n"
	      "  -t, --timeout TIMEOUT    answer within TIMEOUT: seconds or 2s, 500ms, 1m\n"
	      "                           (default 10); the probes get a tenth less, at most 0.5s\n"
	      "  -w, --warning RANGE      WARNING when a mount's use is outside RANGE\n"
	      "  -c, --critical RANGE     CRITICAL likewise\n"
	      "                           RANGE on percent used: 80 (alert above 80%), 80%,\n"
	      "                           @90:100; on bytes free with a unit (B, KB, MB, GB, TB,\n"
	      "                           powers of 1024): 10GB: (alert below 10GB free)\n"
	      "  -W, --iwarning RANGE     WARNING on percent of inodes used\n"
	      "  -K, --icritical RANGE    CRITICAL likewise\n"
	      "  -p, --path PATH          the mount holding PATH (repeatable; PATH arguments too)\n"
	      "  -a, --all                all mounts, local and pseudo ones too\n"
	      "  -N, --type TYPE[,...]    only mounts of these types (--include-type)\n"
	      "  -X, --exclude-type TYPE[,...]  no mounts of these types\n"
	      "      --engine ENGINE      auto (default), uring or threads\n"
	      "      --state-dir DIR      registry of probes still pending from earlier runs\n"
	      "      --no-state           do not use the registry\n"
	      "  -v, --verbose            a long-output line for every mount\n"
	      "\n"
	      "Ranges follow the monitoring-plugins guidelines: N alerts outside 0..N, N: below\n"
	      "N, ~:N above N, N:M outside N..M, @N:M inside. Perfdata per mount: used bytes\n"
	      "with warn;crit;0;size and the probe latency in seconds, U where unknown.\n"
	      "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (fsprobe failed, bad\n"
	      "arguments, --help, --version).\n",
	      out);
}

/* check_fsprobe: the monitoring-plugins conventions (-h, -V, -t, -w, -c,
 * -W, -K, -v; usage errors as an UNKNOWN line) and fsprobe's selection
 * where it does not clash with them: check_disk's -p PATH and
 * -N/-X for --type/--exclude-type (fsprobe's -t is the timeout here).
 * Returns 1 to go on, 0 after help or version, -EINVAL or -ENOMEM. */
static int parse_argv_plugin(int argc, char *argv[], struct args *a)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "timeout", required_argument, NULL, 't' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "iwarning", required_argument, NULL, 'W' },
		{ "icritical", required_argument, NULL, 'K' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "path", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "type", required_argument, NULL, 'N' },
		{ "include-type", required_argument, NULL, 'N' },
		{ "exclude-type", required_argument, NULL, 'X' },
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "no-state", no_argument, NULL, OPT_NO_STATE },
		{ "mountinfo", required_argument, NULL, OPT_MOUNTINFO },
		{}
	};
	uint64_t timeout = PLUGIN_DEFAULT_TIMEOUT_NS;
	size_t npaths = 0;
	int c, r;

	a->format = OUTPUT_NAGIOS;
	a->engine = PROBE_ENGINE_AUTO;
	a->nfs.churn_threshold = CHURN_DEFAULT_THRESHOLD;
	a->plugin_paths = calloc((size_t)argc + 1, sizeof(*a->plugin_paths));
	if (!a->plugin_paths)
		return -ENOMEM;
	opterr = 0; /* our UNKNOWN line instead of getopt's message */
	while ((c = getopt_long(argc, argv, ":hVt:w:c:W:K:vp:aN:X:", opts, NULL)) >= 0) {
		switch (c) {
		case 'h':
			plugin_usage(stdout);
			return 0;
		case 'V':
			printf("check_fsprobe v%s (fsprobe %s)\n", PACKAGE_VERSION, PACKAGE_VERSION);
			return 0;
		case 't':
			r = parse_duration(optarg, &timeout);
			if (r < 0) {
				plugin_error("invalid timeout '%s': %s", optarg,
					     r == -ERANGE ? "must be between 1us and 24h"
							  : "expected seconds or a duration such as 2s, 500ms, 1m");
				return -EINVAL;
			}
			break;
		case 'w':
		case 'c':
		case 'W':
		case 'K': {
			const char *name = c == 'w' ? "warning" : c == 'c' ? "critical" : c == 'W' ? "iwarning" : "icritical";

			r = set_threshold(&a->nagios, name, optarg);
			if (r < 0) {
				plugin_error("invalid -%c '%s': %s", c, optarg, threshold_error(r, c == 'W' || c == 'K'));
				return -EINVAL;
			}
			break;
		}
		case 'v':
			a->nagios.verbose = true;
			break;
		case 'p':
			a->plugin_paths[npaths++] = optarg;
			break;
		case 'a':
			a->filter.all = true;
			break;
		case 'N':
		case 'X':
			r = append_types(c == 'N' ? &a->filter.types : &a->filter.exclude_types, optarg);
			if (r == -EINVAL) {
				plugin_error("-%c needs a file system type", c);
				return r;
			}
			if (r < 0)
				return r;
			break;
		case OPT_ENGINE:
			a->engine = probe_engine_from_string(optarg);
			if (a->engine < 0) {
				plugin_error("invalid --engine '%s': expected auto, uring or threads", optarg);
				return -EINVAL;
			}
			break;
		case OPT_STATE_DIR:
			if (optarg[0] != '/') {
				plugin_error("--state-dir '%s' must be an absolute path", optarg);
				return -EINVAL;
			}
			free(a->state_dir);
			a->state_dir = strdup(optarg);
			if (!a->state_dir)
				return -ENOMEM;
			break;
		case OPT_NO_STATE:
			a->no_state = true;
			break;
		case OPT_MOUNTINFO:
			a->mountinfo = optarg;
			break;
		case ':':
			if (optopt)
				plugin_error("option -%c needs an argument", optopt);
			else
				plugin_error("option %s needs an argument", argv[optind - 1]);
			return -EINVAL;
		default:
			if (optopt)
				plugin_error("unknown option -%c", optopt);
			else
				plugin_error("unknown option %s", argv[optind - 1]);
			return -EINVAL;
		}
	}
	for (char **t = a->filter.types; t && *t; t++)
		if (mounts_type_in(a->filter.exclude_types, *t)) {
			plugin_error("file system type '%s' both selected and excluded", *t);
			return -EINVAL;
		}
	while (optind < argc)
		a->plugin_paths[npaths++] = argv[optind++];
	a->files = a->plugin_paths;
	a->nfiles = npaths;
	a->timeout_ns = timeout - MIN(timeout / 10, PLUGIN_MARGIN_MAX_NS);
	if (!a->no_state && !a->state_dir) {
		a->state_dir = pending_default_dir();
		if (!a->state_dir)
			return -ENOMEM;
	}
	return 1;
}

/* --textfile: rendered in memory first, so that no failure, of rendering
 * or of writing, leaves anything but the old file behind. */
static int write_textfile(const struct args *a, const struct report *rep)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	if (!f)
		r = -ENOMEM;
	else {
		r = render_prom(rep, now_real_ns(), f);
		if (fclose(f) != 0 && r == 0)
			r = -ENOMEM;
	}
	if (r == 0)
		r = textfile_write(a->textfile, buf, len);
	if (r < 0)
		fprintf(stderr, "fsprobe: cannot write %s: %s\n", a->textfile, strerror(-r));
	return r;
}

/* Writes the report in the chosen format; 0 or a negative errno (already
 * reported). */
static int render_output(struct args *a, const struct report *rep, int *ret_failed)
{
	int r = 0;

	/* The plugin's state is its exit status, printed or not. */
	if (a->format == OUTPUT_NAGIOS)
		*ret_failed = (int)render_nagios_state(rep, &a->nagios);
	if (a->quiet && !a->textfile)
		return 0;
	switch (a->format) {
	case OUTPUT_TABLE:
		r = render_table(rep, &a->table, stdout);
		break;
	case OUTPUT_DF: {
		size_t shown = 0;

		(void)fflush(stderr);
		r = render_df(rep, &a->df, a->filter.all, stdout, stderr, &shown);
		if (r >= 0) {
			*ret_failed = r;
			/* As df: an empty listing is a failure, said only if
			 * nothing else was said already. */
			if (shown == 0) {
				if (r == 0 && !a->quiet_empty)
					fprintf(stderr, "fsprobe: no file systems processed\n");
				*ret_failed = r + 1;
			}
			r = 0;
		}
		break;
	}
	case OUTPUT_NAGIOS: {
		/* fsprobe --nagios -v: every mount in the long output too */
		struct nagios_options o = a->nagios;

		o.verbose |= a->verbose;
		r = render_nagios(rep, &o, stdout);
		break;
	}
	case OUTPUT_PROMETHEUS:
		if (a->textfile)
			return write_textfile(a, rep);
		r = render_prom(rep, now_real_ns(), stdout);
		break;
	}
	if (r < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		if (r >= 0)
			r = errno ? -errno : -EIO;
		fprintf(stderr, "fsprobe: cannot write the output: %s\n", strerror(-r));
		return r;
	}
	return 0;
}

/* A failure of fsprobe itself: one line on stderr, or in Nagios mode the
 * plugin's UNKNOWN line on stdout, which is all Nagios reads. */
_printf_(2, 3) static void failure(const struct args *a, const char *fmt, ...)
{
	FILE *out = a->format == OUTPUT_NAGIOS ? stdout : stderr;
	va_list ap;

	fputs(a->format == OUTPUT_NAGIOS ? "FSPROBE UNKNOWN - " : "fsprobe: ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* Whether fsprobe's own command line asks for --nagios, looked up before
 * parsing so that a usage error of it ends as UNKNOWN too. */
static bool argv_wants_nagios(int argc, char *argv[])
{
	for (int i = 1; i < argc && !streq(argv[i], "--"); i++)
		if (streq(argv[i], "--nagios"))
			return true;
	return false;
}

/* Default probe cycle of the daemon: frequent enough for alerting within
 * a minute, rare enough to cost nothing (a statx and a statfs per mount). */
#define DEFAULT_INTERVAL_NS (15 * NSEC_PER_SEC)
/* Hooks run on transitions: at most this many at once, each killed after
 * this long, so a hook that hangs on the mount it is told about cannot
 * pile up. */
#define EXEC_MAX 4
#define EXEC_TIMEOUT_NS (30 * NSEC_PER_SEC)

static int run_daemon(struct args *a)
{
	struct daemon_options *o = &a->daemon;
	int r;

	if (a->nfiles > 0 || (a->format != OUTPUT_TABLE && a->format != OUTPUT_PROMETHEUS)) {
		fprintf(stderr, "fsprobe: --daemon takes no FILE arguments and no output format but --textfile\n");
		return EXIT_TROUBLE;
	}
	if (a->format == OUTPUT_PROMETHEUS && !a->textfile) {
		fprintf(stderr, "fsprobe: --daemon writes Prometheus metrics only to a --textfile\n");
		return EXIT_TROUBLE;
	}
	o->interval_ns = o->interval_ns ? o->interval_ns : DEFAULT_INTERVAL_NS;
	o->timeout_ns = a->timeout_ns;
	o->engine = a->engine;
	o->filter = a->filter;
	o->mountinfo = a->mountinfo;
	o->state_dir = a->no_state ? NULL : a->state_dir;
	o->textfile = a->textfile;
	o->exec_max = EXEC_MAX;
	o->exec_timeout_ns = o->exec_timeout_ns ? o->exec_timeout_ns : EXEC_TIMEOUT_NS;
	o->nfs = a->nfs;
	r = daemon_run(o);
	return r < 0 ? EXIT_TROUBLE : EXIT_HEALTHY;
}

static int run(int argc, char *argv[])
{
	_cleanup_(args_done) struct args a = {};
	_cleanup_(mounts_done) struct mount_table t = {};
	_cleanup_(report_done) struct report rep = {};
	struct probe_options po;
	uint64_t start = process_start_mono_ns();
	bool trouble = false, plugin = invoked_as_plugin(argv[0]);
	int r, failed = 0;

	r = plugin ? parse_argv_plugin(argc, argv, &a) : parse_argv(argc, argv, &a);
	if (r <= 0) {
		if (!plugin && !argv_wants_nagios(argc, argv)) {
			if (r == -ENOMEM)
				fprintf(stderr, "fsprobe: out of memory\n");
			return r == 0 ? EXIT_HEALTHY : EXIT_TROUBLE;
		}
		/* check_fsprobe's own errors are on stdout already, fsprobe's
		 * on stderr */
		if (r == -ENOMEM)
			printf("FSPROBE UNKNOWN - out of memory\n");
		else if (r < 0 && !plugin)
			printf("FSPROBE UNKNOWN - invalid arguments (fsprobe's message is on stderr)\n");
		/* help and version: UNKNOWN by the plugin, as check_disk */
		return plugin || r < 0 ? NAGIOS_UNKNOWN : EXIT_HEALTHY;
	}
	if (a.daemon_mode)
		return run_daemon(&a);

	r = mounts_load(a.mountinfo, &t);
	if (r < 0) {
		failure(&a, "cannot read the mount table %s: %s", a.mountinfo ? a.mountinfo : "/proc/self/mountinfo",
			strerror(-r));
		goto fail;
	}
	if (a.nfiles > 0) {
		for (size_t i = 0; i < a.nfiles; i++) {
			r = report_add_file(&rep, &t, a.files[i]);
			if (r < 0) {
				/* As df: name the argument, go on with the rest;
				 * but a plugin has one line to say it on. */
				failure(&a, "%s: %s", a.files[i], strerror(-r));
				if (a.format == OUTPUT_NAGIOS)
					goto fail;
				trouble = a.quiet_empty = true;
			}
		}
	} else if (a.df.enabled) {
		/* df's options bring df's choice of mounts, in JSON too */
		r = df_select(&rep, &t, &a.filter, &a.df);
		if (r < 0) {
			failure(&a, "%s", strerror(-r));
			goto fail;
		}
	} else {
		r = report_select(&rep, &t, &a.filter);
		if (r < 0) {
			failure(&a, "%s", strerror(-r));
			goto fail;
		}
	}

	/* Before the probes, so that its cost counts within the deadline. It
	 * reads procfs and sysfs only; df's output and a quiet table show no
	 * warnings, so they skip it. */
	if (a.format != OUTPUT_DF && !(a.quiet && a.format == OUTPUT_TABLE)) {
		r = nfs_check_report(&rep, &a.nfs, a.no_state ? NULL : a.state_dir);
		if (r == -ENOMEM) {
			failure(&a, "out of memory");
			goto fail;
		}
		if (r < 0 && a.verbose)
			fprintf(stderr, "fsprobe: NFSv4 checks incomplete: %s\n",
				r == -EREMOTE ? "the state directory is on a network or FUSE mount, no lease-churn check"
					      : strerror(-r));
	}

	po = (struct probe_options){
		.engine = a.engine,
		.start_ns = start,
		.deadline_ns = start + a.timeout_ns,
		.state_dir = a.no_state ? NULL : a.state_dir,
	};
	r = report_probe(&rep, &po, true);
	if (r < 0) {
		failure(&a, "cannot run the probes: %s", strerror(-r));
		goto fail;
	}
	if (rep.probe.engine == PROBE_ENGINE_URING && rep.probe.engine_err) {
		failure(&a, "io_uring engine unavailable: %s", strerror(rep.probe.engine_err));
		goto fail;
	}
	if (rep.probe.helper_failed) {
		failure(&a, "the probe helper died before answering");
		goto fail;
	}
	if (rep.probe.state_err)
		fprintf(stderr, "fsprobe: state directory %s unusable (%s): probes pending from earlier runs "
				"cannot be seen\n", a.state_dir, strerror(rep.probe.state_err));
	if (a.verbose && rep.nrows > 0) {
		fprintf(stderr, "fsprobe: engine %s", probe_engine_to_string(rep.probe.engine));
		if (rep.probe.engine == PROBE_ENGINE_THREADS && rep.probe.engine_err)
			fprintf(stderr, " (io_uring unavailable: %s)", strerror(rep.probe.engine_err));
		fputc('\n', stderr);
	}

	r = render_output(&a, &rep, &failed);
	if (r < 0)
		goto fail;
	if (a.format == OUTPUT_NAGIOS)
		return failed; /* the plugin state */
	if (trouble)
		return EXIT_TROUBLE;
	if (a.format == OUTPUT_DF)
		return failed > 0 ? EXIT_UNHEALTHY : EXIT_HEALTHY;
	return report_count_unhealthy(&rep) > 0 ? EXIT_UNHEALTHY : EXIT_HEALTHY;
fail:
	return a.format == OUTPUT_NAGIOS ? NAGIOS_UNKNOWN : EXIT_TROUBLE;
}

int main(int argc, char *argv[])
{
	/* Character widths for df's column alignment; numbers stay in the C
	 * locale so JSON and Prometheus output keep their decimal points. */
	(void)setlocale(LC_CTYPE, "");
	return run(argc, argv);
}
