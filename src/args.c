/* Command-line parsing of fsprobe and check_fsprobe (see args.h). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "args.h"
#include "macro.h"
#include "parse.h"
#include "pending.h"
#include "size.h"
#include "util.h"

static void free_types(char **l)
{
	for (size_t i = 0; l && l[i]; i++)
		free(l[i]);
}

void args_done(struct args *a)
{
	free_types(a->filter.types);
	free_types(a->filter.exclude_types);
	free(a->filter.types);
	free(a->filter.exclude_types);
	free(a->state_dir);
	disk_options_done(&a->disk);
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
	      "      --exact-match         each FILE must be a mount point: one that is not\n"
	      "                            (its mount is gone) is reported, exit status 1\n"
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

/* How a parser says what is wrong: fsprobe in one line on stderr (exit 2),
 * check_fsprobe in an UNKNOWN line on stdout (exit 3). */
typedef void (*complain_fn)(const char *fmt, ...) _printf_(1, 2);

_printf_(1, 2) static void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("fsprobe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The options both parsers take, each with the caller's spelling of the
 * option (shown) for its messages. 0, or -EINVAL (said) or -ENOMEM. */
static int take_types(struct args *a, bool exclude, const char *shown, const char *arg, complain_fn complain)
{
	int r = append_types(exclude ? &a->filter.exclude_types : &a->filter.types, arg);

	if (r == -EINVAL)
		complain("%s needs a file system type", shown);
	return r;
}

static int take_engine(struct args *a, const char *arg, complain_fn complain)
{
	a->engine = probe_engine_from_string(arg);
	if (a->engine < 0) {
		complain("invalid --engine '%s': expected auto, uring or threads", arg);
		return -EINVAL;
	}
	return 0;
}

static int take_state_dir(struct args *a, const char *arg, complain_fn complain)
{
	if (arg[0] != '/') {
		complain("--state-dir '%s' must be an absolute path", arg);
		return -EINVAL;
	}
	free(a->state_dir);
	a->state_dir = strdup(arg);
	return a->state_dir ? 0 : -ENOMEM;
}

static int take_threshold(struct args *a, const char *name, const char *shown, const char *arg, complain_fn complain)
{
	int r = set_threshold(&a->nagios, name, arg);

	if (r < 0) {
		complain("invalid %s '%s': %s", shown, arg, threshold_error(r, name[0] == 'i'));
		return -EINVAL;
	}
	return 0;
}

/* After the options: what both parsers check and settle the same way. */
static int finish_common(struct args *a, complain_fn complain)
{
	for (char **t = a->filter.types; t && *t; t++)
		if (mounts_type_in(a->filter.exclude_types, *t)) {
			complain("file system type '%s' both selected and excluded", *t);
			return -EINVAL;
		}
	if (!a->no_state && !a->state_dir) {
		a->state_dir = pending_default_dir();
		if (!a->state_dir)
			return -ENOMEM;
	}
	return 0;
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
	OPT_EXACT_MATCH,
};

/* The long options both parsers take alike (--engine, --state-dir,
 * --no-state, --mountinfo, --exact-match): 1 taken, 0 not one of them, or -EINVAL (said)
 * or -ENOMEM. */
static int take_common_long(struct args *a, int c, const char *arg, complain_fn complain)
{
	int r = 0;

	switch (c) {
	case OPT_ENGINE:
		r = take_engine(a, arg, complain);
		break;
	case OPT_STATE_DIR:
		r = take_state_dir(a, arg, complain);
		break;
	case OPT_NO_STATE:
		a->no_state = true;
		break;
	case OPT_MOUNTINFO:
		a->mountinfo = arg;
		break;
	case OPT_EXACT_MATCH:
		a->exact_match = true;
		break;
	default:
		return 0;
	}
	return r < 0 ? r : 1;
}

/* Returns 1 to go on, 0 to exit successfully (help, version), -EINVAL on a
 * usage error (already reported). */
int args_parse(int argc, char *argv[], struct args *a)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "type", required_argument, NULL, 't' },
		{ "exclude-type", required_argument, NULL, 'x' },
		{ "mountinfo", required_argument, NULL, OPT_MOUNTINFO },
		{ "exact-match", no_argument, NULL, OPT_EXACT_MATCH },
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
		r = take_common_long(a, c, optarg, cli_error);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		switch (c) {
		case 'a':
			a->filter.all = true;
			break;
		case 't':
		case 'x':
			r = take_types(a, c == 'x', c == 't' ? "-t" : "-x", optarg, cli_error);
			if (r < 0)
				return r;
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
			const char *shown = c == OPT_WARNING    ? "--warning"
					  : c == OPT_CRITICAL ? "--critical"
					  : c == OPT_IWARNING ? "--iwarning"
							      : "--icritical";

			r = take_threshold(a, shown + 2, shown, optarg, cli_error);
			if (r < 0)
				return r;
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
	r = finish_common(a, cli_error);
	if (r < 0)
		return r;
	if (a->df.enabled && a->format == OUTPUT_TABLE && a->table.mode == TABLE_HUMAN && !a->table.columns) {
		a->format = OUTPUT_DF;
		(void)df_finish(&a->df);
	}
	a->files = argv + optind;
	a->nfiles = (size_t)(argc - optind);
	return 1;
}

/* check_fsprobe's -t: the monitoring-plugins default. */
#define PLUGIN_DEFAULT_TIMEOUT_NS (10 * NSEC_PER_SEC)
/* The plugin must have printed its answer by -t: the probes get a tenth
 * less, at most 0.5 s, for starting, printing and being reaped (measured
 * at well under 100 ms, see the scenario tests). */
#define PLUGIN_MARGIN_MAX_NS (500 * NSEC_PER_MSEC)

bool args_invoked_as_plugin(const char *argv0)
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
	fputs("Checks the free space of mounted file systems as check_disk (monitoring-plugins\n"
	      "2.3) does, with check_disk's command line and meaning, and answers within the\n"
	      "timeout whatever the mounts do: CRITICAL when a mount is hung, stale,\n"
	      "disconnected, down, blocked or in error; WARNING for an NFSv4 client identity\n"
	      "or lease churn warning.\n"
	      "\n"
	      "Usage: check_fsprobe -w LIMIT -c LIMIT [-W LIMIT] [-K LIMIT] {-p PATH | -x DEVICE}\n"
	      "                     [-C] [-E] [-e] [-f] [-g GROUP] [-k] [-l] [-L] [-M] [-m] [-P]\n"
	      "                     [-R RE] [-r RE] [-A] [-i RE] [-I RE] [-t TIMEOUT] [-u UNIT]\n"
	      "                     [-v] [-X TYPE] [-N TYPE]\n"
	      "\n"
	      "  -h, --help               this help\n"
	      "  -V, --version            version\n"
	      "  -w, --warning=N          WARNING when N units or fewer are free (-u)\n"
	      "  -w, --warning=PERCENT%   WARNING when PERCENT or less is free\n"
	      "  -c, --critical=N|PERCENT%  CRITICAL likewise\n"
	      "  -W, --iwarning=PERCENT%  WARNING when PERCENT or less of the inodes are free\n"
	      "  -K, --icritical=PERCENT% CRITICAL likewise\n"
	      "  -p, --path=PATH, --partition=PATH  the mount holding PATH, or the mount of\n"
	      "                           the device PATH (repeatable; thresholds first)\n"
	      "  -x, --exclude_device=PATH  not this device or mount point\n"
	      "  -C, --clear              clear the thresholds: the next ones apply to the\n"
	      "                           paths selected after; without a path before it,\n"
	      "                           every mount gets the thresholds in force\n"
	      "  -E, --exact-match        each -p PATH must be a mount point (CRITICAL if not)\n"
	      "  -e, --errors-only        name only the mounts with a problem\n"
	      "  -f, --freespace-ignore-reserved  size without the blocks reserved for root\n"
	      "  -P, --iperfdata          inode use in perfdata too\n"
	      "  -g, --group=NAME         the paths selected after add up into one: NAME\n"
	      "  -k, --kilobytes          as -u kB\n"
	      "  -m, --megabytes          as -u MB\n"
	      "  -u, --units=UNIT         bytes, kB, MB (default), GB, TB, PB (powers of 1024;\n"
	      "                           KiB, MiB, ... too)\n"
	      "  -l, --local              no network file systems\n"
	      "  -L, --stat-remote-fs     network file systems for health only, no thresholds\n"
	      "  -M, --mountpoint         label a mount by its device, not its mount point\n"
	      "  -A, --all                every mount, as -R '.*'\n"
	      "  -R, --eregi-path=RE      the mounts whose mount point or device matches RE,\n"
	      "                           ignoring case (repeatable)\n"
	      "  -r, --ereg-path=RE       likewise, case sensitive\n"
	      "  -I, --ignore-eregi-path=RE  drop the paths selected so far that match RE,\n"
	      "                           ignoring case\n"
	      "  -i, --ignore-ereg-path=RE   likewise, case sensitive\n"
	      "  -X, --exclude-type=TYPE  no mounts of this type (repeatable, comma lists)\n"
	      "  -N, --include-type=TYPE  only mounts of this type (repeatable, comma lists)\n"
	      "  -t, --timeout=TIMEOUT    answer within TIMEOUT: seconds or 2s, 500ms, 1m\n"
	      "                           (default 10); the probes get a tenth less, at most 0.5s\n"
	      "  -v, --verbose            a long-output line for every mount\n"
	      "\n"
	      "fsprobe's own:\n"
	      "      --used-warning=RANGE, --used-critical=RANGE  monitoring-plugins ranges on\n"
	      "                           percent used (80, @90:100) or bytes free (10GB:)\n"
	      "      --inodes-used-warning=RANGE, --inodes-used-critical=RANGE  on percent of\n"
	      "                           inodes used\n"
	      "      --engine ENGINE      auto (default), uring or threads\n"
	      "      --state-dir DIR      registry of probes still pending from earlier runs\n"
	      "      --no-state           do not use the registry\n"
	      "\n"
	      "Without -p, -r, -R or -A every mount with a size is checked, as check_disk.\n"
	      "Perfdata per mount: 'MOUNT POINT'=USED_BYTES;WARN;CRIT;0;SIZE (thresholds\n"
	      "as used bytes), then 'MOUNT POINT latency'=SECONDS; U where unknown.\n"
	      "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (fsprobe failed, bad\n"
	      "arguments, nothing to check, --help, --version). See check_fsprobe(1).\n",
	      out);
}

enum {
	OPT_USED_WARNING = 0x200,
	OPT_USED_CRITICAL,
	OPT_INODES_USED_WARNING,
	OPT_INODES_USED_CRITICAL,
	OPT_EXTRA_OPTS,
};

/* check_disk's -w/-c/-W/-K: free space in units, free percent, or free
 * inode percent, each into the thresholds now in force. */
static int take_disk_threshold(struct disk_options *d, int c, const char *arg)
{
	enum disk_level lv = c == 'w' || c == 'W' ? DISK_WARN : DISK_CRIT;
	struct disk_range *r = c == 'W' || c == 'K' ? &d->limits.free_inodes[lv]
			       : strchr(arg, '%')   ? &d->limits.free_pct[lv]
						    : &d->limits.free_units[lv];

	if (threshold_parse_disk(arg, true, r) < 0) {
		plugin_error("Range format incorrect: -%c '%s'", c, arg);
		return -EINVAL;
	}
	return 0;
}

/* "check_disk W C [PATH]": bare non-negative integers are thresholds on
 * percent USED, alerting above them (check_disk's oldest syntax). */
static bool is_count(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int take_disk_positional(struct args *a, int argc, char *argv[])
{
	struct disk_options *d = &a->disk;
	int i = optind, r;

	if (i < argc && !d->limits.used_pct[DISK_WARN].set && is_count(argv[i]))
		(void)threshold_parse_disk(argv[i++], false, &d->limits.used_pct[DISK_WARN]);
	if (i < argc && !d->limits.used_pct[DISK_CRIT].set && is_count(argv[i]))
		(void)threshold_parse_disk(argv[i++], false, &d->limits.used_pct[DISK_CRIT]);
	/* check_disk takes one PATH here; more are paths too */
	for (; i < argc; i++) {
		r = disk_options_add_op(d, DISK_OP_PATH, argv[i], false);
		if (r < 0)
			return r;
		d->path_selected = true;
	}
	return 0;
}

/* check_fsprobe: check_disk's options with check_disk's meaning (see
 * disk.h), the monitoring-plugins conventions (usage errors as an UNKNOWN
 * line), and fsprobe's own under long options check_disk does not have.
 * Returns 1 to go on, 0 after help or version, -EINVAL or -ENOMEM. */
int args_parse_plugin(int argc, char *argv[], struct args *a)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "timeout", required_argument, NULL, 't' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "iwarning", required_argument, NULL, 'W' },
		{ "icritical", required_argument, NULL, 'K' },
		{ "kilobytes", no_argument, NULL, 'k' },
		{ "megabytes", no_argument, NULL, 'm' },
		{ "units", required_argument, NULL, 'u' },
		{ "path", required_argument, NULL, 'p' },
		{ "partition", required_argument, NULL, 'p' },
		{ "exclude_device", required_argument, NULL, 'x' },
		{ "exclude-type", required_argument, NULL, 'X' },
		{ "include-type", required_argument, NULL, 'N' },
		{ "type", required_argument, NULL, 'N' },
		{ "group", required_argument, NULL, 'g' },
		{ "eregi-path", required_argument, NULL, 'R' },
		{ "eregi-partition", required_argument, NULL, 'R' },
		{ "ereg-path", required_argument, NULL, 'r' },
		{ "ereg-partition", required_argument, NULL, 'r' },
		{ "freespace-ignore-reserved", no_argument, NULL, 'f' },
		{ "ignore-ereg-path", required_argument, NULL, 'i' },
		{ "ignore-ereg-partition", required_argument, NULL, 'i' },
		{ "ignore-eregi-path", required_argument, NULL, 'I' },
		{ "ignore-eregi-partition", required_argument, NULL, 'I' },
		{ "local", no_argument, NULL, 'l' },
		{ "stat-remote-fs", no_argument, NULL, 'L' },
		{ "iperfdata", no_argument, NULL, 'P' },
		{ "mountpoint", no_argument, NULL, 'M' },
		{ "errors-only", no_argument, NULL, 'e' },
		{ "exact-match", no_argument, NULL, 'E' },
		{ "all", no_argument, NULL, 'A' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "clear", no_argument, NULL, 'C' },
		{ "extra-opts", optional_argument, NULL, OPT_EXTRA_OPTS },
		{ "used-warning", required_argument, NULL, OPT_USED_WARNING },
		{ "used-critical", required_argument, NULL, OPT_USED_CRITICAL },
		{ "inodes-used-warning", required_argument, NULL, OPT_INODES_USED_WARNING },
		{ "inodes-used-critical", required_argument, NULL, OPT_INODES_USED_CRITICAL },
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "no-state", no_argument, NULL, OPT_NO_STATE },
		{ "mountinfo", required_argument, NULL, OPT_MOUNTINFO },
		{}
	};
	struct disk_options *d = &a->disk;
	uint64_t timeout = PLUGIN_DEFAULT_TIMEOUT_NS;
	int c, r;

	a->format = OUTPUT_NAGIOS;
	a->engine = PROBE_ENGINE_AUTO;
	a->nfs.churn_threshold = CHURN_DEFAULT_THRESHOLD;
	d->enabled = true;
	(void)disk_parse_unit("MB", &d->mult, &d->unit);
	opterr = 0; /* our UNKNOWN line instead of getopt's message */
	while ((c = getopt_long(argc, argv, ":hVt:w:c:W:K:kmu:p:x:X:N:g:R:r:fi:I:lLPMeEAvqC", opts, NULL)) >= 0) {
		r = take_common_long(a, c, optarg, plugin_error);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
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
		case 'K':
			r = take_disk_threshold(d, c, optarg);
			if (r < 0)
				return r;
			break;
		case OPT_USED_WARNING:
		case OPT_USED_CRITICAL:
		case OPT_INODES_USED_WARNING:
		case OPT_INODES_USED_CRITICAL: {
			const char *shown = c == OPT_USED_WARNING    ? "--used-warning"
					  : c == OPT_USED_CRITICAL ? "--used-critical"
					  : c == OPT_INODES_USED_WARNING ? "--inodes-used-warning"
									 : "--inodes-used-critical";
			const char *name = c == OPT_USED_WARNING    ? "warning"
					 : c == OPT_USED_CRITICAL ? "critical"
					 : c == OPT_INODES_USED_WARNING ? "iwarning"
									: "icritical";

			r = take_threshold(a, name, shown, optarg, plugin_error);
			if (r < 0)
				return r;
			break;
		}
		case 'k':
		case 'm':
			(void)disk_parse_unit(c == 'k' ? "kB" : "MB", &d->mult, &d->unit);
			break;
		case 'u':
			if (disk_parse_unit(optarg, &d->mult, &d->unit) < 0) {
				plugin_error("unit type %s not known", optarg);
				return -EINVAL;
			}
			break;
		case 'p':
		case 'r':
		case 'R':
		case 'A':
			if (!disk_limits_any(&d->limits) && !a->nagios.warning.set && !a->nagios.critical.set &&
			    !a->nagios.iwarning.set && !a->nagios.icritical.set) {
				plugin_error("Must set a threshold value before using %s", c == 'p' ? "-p" : "-r/-R");
				return -EINVAL;
			}
			r = disk_options_add_op(d, c == 'p' ? DISK_OP_PATH : DISK_OP_REGEX, c == 'A' ? ".*" : optarg,
						c == 'R' || c == 'A');
			if (r < 0)
				return r;
			d->path_selected = true;
			break;
		case 'i':
		case 'I':
			if (!d->path_selected) {
				plugin_error("Paths need to be selected before using -i/-I. Use -A to select all paths explicitly");
				return -EINVAL;
			}
			r = disk_options_add_op(d, DISK_OP_IGNORE, optarg, c == 'I');
			if (r < 0)
				return r;
			break;
		case 'C':
			r = disk_options_add_op(d, DISK_OP_CLEAR, NULL, false);
			if (r < 0)
				return r;
			d->limits = (struct disk_limits){};
			d->path_selected = false;
			d->group = NULL;
			break;
		case 'g':
			if (d->path_selected) {
				plugin_error("Must set group value before selecting paths");
				return -EINVAL;
			}
			d->group = optarg;
			break;
		case 'E':
			if (d->path_selected) {
				plugin_error("Must set -E before selecting paths");
				return -EINVAL;
			}
			d->exact = true;
			break;
		case 'x': {
			size_t n = 0;
			char **l;

			while (d->exclude_devices && d->exclude_devices[n])
				n++;
			l = reallocarray(d->exclude_devices, n + 2, sizeof(*l));
			if (!l)
				return -ENOMEM;
			d->exclude_devices = l;
			l[n + 1] = NULL;
			l[n] = strdup(optarg);
			if (!l[n])
				return -ENOMEM;
			break;
		}
		case 'N':
		case 'X':
			r = take_types(a, c == 'X', c == 'N' ? "-N" : "-X", optarg, plugin_error);
			if (r < 0)
				return r;
			break;
		case 'f':
			d->ignore_reserved = true;
			break;
		case 'P':
			d->inode_perfdata = true;
			break;
		case 'M':
			d->device_label = true;
			break;
		case 'e':
		case 'q':
			d->errors_only = true;
			break;
		case 'L':
			d->stat_remote = true;
			/* fall through */
		case 'l':
			d->local = true;
			break;
		case 'v':
			d->verbose++;
			a->nagios.verbose = true;
			break;
		case OPT_EXTRA_OPTS:
			plugin_error("--extra-opts is not supported: give the options on the command line");
			return -EINVAL;
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
	r = finish_common(a, plugin_error);
	if (r < 0)
		return r;
	r = take_disk_positional(a, argc, argv);
	if (r < 0)
		return r;
	a->timeout_ns = timeout - MIN(timeout / 10, PLUGIN_MARGIN_MAX_NS);
	return 1;
}

bool args_want_nagios(int argc, char *argv[])
{
	for (int i = 1; i < argc && !streq(argv[i], "--"); i++)
		if (streq(argv[i], "--nagios"))
			return true;
	return false;
}
