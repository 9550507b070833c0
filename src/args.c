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
	OPT_MAX_ID, /* every id of fsprobe's options is below */
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

/* ------------------------------------------------------------ fsprobe
 * Every option of fsprobe is one row of cli_options[]: its names, its
 * argument, the group --help shows it under and its help text. The getopt
 * array, the short option string and --help are derived from the table,
 * and each group's handler takes the group's options; the conflicting
 * pairs are cli_conflicts[]. */

enum cli_group {
	GROUP_SELECTION,
	GROUP_PROBING,
	GROUP_DAEMON,
	GROUP_OUTPUT,
	GROUP_DF,
	GROUP_MONITORING,
	GROUP_INFO,
	/* Accepted, shown nowhere on purpose (the row says why). */
	GROUP_HIDDEN,
	_GROUP_MAX,
};

struct cli_option {
	const char *name; /* long name; NULL: a short option only */
	int id;		  /* the short option's letter, or OPT_* */
	int has_arg;	  /* getopt's no_argument, required_ or optional_argument */
	int group;	  /* enum cli_group (fsprobe), enum plugin_group */
	const char *arg;  /* what --help shows after the names */
	const char *help; /* one line, or several separated by \n */
};

static const struct cli_option cli_options[] = {
	{ "all", 'a', no_argument, GROUP_SELECTION, NULL, "all mounts, local and pseudo ones too" },
	{ "type", 't', required_argument, GROUP_SELECTION, "TYPE[,...]", "only mounts of these types" },
	{ "exclude-type", 'x', required_argument, GROUP_SELECTION, "TYPE[,...]", "no mounts of these types" },
	{ "exact-match", OPT_EXACT_MATCH, no_argument, GROUP_SELECTION, NULL,
	  "each FILE must be a mount point: one that is not\n(its mount is gone) is reported, exit status 1" },
	{ "mountinfo", OPT_MOUNTINFO, required_argument, GROUP_SELECTION, "FILE", "read the mount table from FILE" },
	{ "mountstats", OPT_MOUNTSTATS, required_argument, GROUP_SELECTION, "FILE", "read NFS statistics from FILE" },

	{ "timeout", OPT_TIMEOUT, required_argument, GROUP_PROBING, "DURATION",
	  "deadline for the whole run (default 5s;\ne.g. 2s, 500ms, 1.5s, 1m or bare seconds)" },
	{ "engine", OPT_ENGINE, required_argument, GROUP_PROBING, "ENGINE", "auto (default), uring or threads" },
	{ "state-dir", OPT_STATE_DIR, required_argument, GROUP_PROBING, "DIR",
	  "registry of probes still pending from earlier runs" },
	{ "no-state", OPT_NO_STATE, no_argument, GROUP_PROBING, NULL, "do not use the registry" },
	{ "lease-churn-threshold", OPT_LEASE_CHURN, required_argument, GROUP_PROBING, "N",
	  "NFSv4 lease re-establishments per 10 minutes\nthat make the lease-churn warning (default 6;\n0: no such check)" },

	{ "daemon", OPT_DAEMON, no_argument, GROUP_DAEMON, NULL, "probe continuously (systemd Type=notify, watchdog)" },
	{ "interval", OPT_INTERVAL, required_argument, GROUP_DAEMON, "DURATION",
	  "between cycles (default 15s); --timeout is per request" },
	{ "exec-on-change", OPT_EXEC_ON_CHANGE, required_argument, GROUP_DAEMON, "PROGRAM",
	  "run PROGRAM on each change of a mount's status" },
	{ "exec-timeout", OPT_EXEC_TIMEOUT, required_argument, GROUP_DAEMON, "DURATION",
	  "kill PROGRAM after this long (default 30s)" },
	{ "abort-fuse-after", OPT_ABORT_FUSE_AFTER, required_argument, GROUP_DAEMON, "DURATION",
	  "abort FUSE connections hung that long" },
	{ "max-cycles", OPT_MAX_CYCLES, required_argument, GROUP_DAEMON, "N",
	  "exit once the Nth cycle has settled (tests,\nbenchmarks; default: run until stopped)" },

	{ "json", 'J', no_argument, GROUP_OUTPUT, NULL, "JSON" },
	{ "raw", 'r', no_argument, GROUP_OUTPUT, NULL, "raw table" },
	{ "pairs", OPT_PAIRS, no_argument, GROUP_OUTPUT, NULL, "NAME=\"value\" pairs" },
	{ "columns", 'o', required_argument, GROUP_OUTPUT, "LIST", "columns to show (see --list-columns)" },
	{ "list-columns", OPT_LIST_COLUMNS, no_argument, GROUP_OUTPUT, NULL, "list the columns" },
	{ "noheadings", 'n', no_argument, GROUP_OUTPUT, NULL, "no header line" },
	{ "bytes", 'b', no_argument, GROUP_OUTPUT, NULL, "sizes in bytes" },
	{ "quiet", 'q', no_argument, GROUP_OUTPUT, NULL, "print nothing; the exit status tells" },
	{ "verbose", 'v', no_argument, GROUP_OUTPUT, NULL, "say which engine ran and why" },

	{ "human-readable", 'h', no_argument, GROUP_DF, NULL, "sizes in powers of 1024 (e.g. 1023M)" },
	{ "si", 'H', no_argument, GROUP_DF, NULL, "sizes in powers of 1000 (e.g. 1.1G)" },
	{ NULL, 'k', no_argument, GROUP_DF, NULL, "like --block-size=1K" },
	{ "block-size", 'B', required_argument, GROUP_DF, "SIZE", "scale sizes by SIZE (1K, 1M, 1MB, ...)" },
	{ "portability", 'P', no_argument, GROUP_DF, NULL, "POSIX output format" },
	{ "print-type", 'T', no_argument, GROUP_DF, NULL, "print the file system type" },
	{ "inodes", 'i', no_argument, GROUP_DF, NULL, "inode counts instead of blocks" },
	{ "local", 'l', no_argument, GROUP_DF, NULL, "only local file systems" },
	{ "total", OPT_TOTAL, no_argument, GROUP_DF, NULL, "a grand total" },
	{ "output", OPT_OUTPUT, optional_argument, GROUP_DF, "[=FIELDS]",
	  "df's fields (source, fstype, itotal, iused, iavail,\nipcent, size, used, avail, pcent, file, target) and\n"
	  "status, latency, error" },

	{ "nagios", OPT_NAGIOS, no_argument, GROUP_MONITORING, NULL,
	  "Nagios/Icinga plugin output; exit 0 OK, 1 WARNING,\n2 CRITICAL, 3 UNKNOWN" },
	{ "warning", OPT_WARNING, required_argument, GROUP_MONITORING, "RANGE",
	  "with --nagios: WARNING on percent used (80, ~:80)\nor bytes available (10GB:)" },
	{ "critical", OPT_CRITICAL, required_argument, GROUP_MONITORING, "RANGE", "with --nagios: CRITICAL likewise" },
	{ "iwarning", OPT_IWARNING, required_argument, GROUP_MONITORING, "RANGE",
	  "with --nagios: WARNING on percent of inodes used" },
	{ "icritical", OPT_ICRITICAL, required_argument, GROUP_MONITORING, "RANGE", "with --nagios: CRITICAL likewise" },
	{ "prometheus", OPT_PROMETHEUS, no_argument, GROUP_MONITORING, NULL, "Prometheus exposition format" },
	{ "textfile", OPT_TEXTFILE, required_argument, GROUP_MONITORING, "PATH",
	  "write it to PATH atomically, for node_exporter's\ntextfile collector" },

	{ "help", OPT_HELP, no_argument, GROUP_INFO, NULL, "this help" },
	{ "version", 'V', no_argument, GROUP_INFO, NULL, "version" },

	/* df's --sync and --no-sync: accepted for df's command lines and
	 * ignored, as the man page says (sync(2) would block on every dead
	 * mount); nothing to choose, so nothing in --help. */
	{ "sync", OPT_SYNC, no_argument, GROUP_HIDDEN, NULL, NULL },
	{ "no-sync", OPT_SYNC, no_argument, GROUP_HIDDEN, NULL, NULL },
	/* Tests only: the root under which the NFSv4 identity sources (sys/,
	 * proc/sys/kernel/hostname, run/) are read, to feed recorded ones. */
	{ "sysroot", OPT_SYSROOT, required_argument, GROUP_HIDDEN, "DIR", NULL },
};

/* Pairs that cannot go together, checked as the second one is met (its
 * message first, before anything later on the line). */
static const struct {
	int a, b;
} cli_conflicts[] = {
	{ 'P', OPT_OUTPUT },
	{ 'T', OPT_OUTPUT },
	{ 'i', OPT_OUTPUT },
	{ OPT_NAGIOS, OPT_PROMETHEUS },
	{ OPT_NAGIOS, OPT_TEXTFILE },
};

/* How a message names an option: -P, or --output. A --textfile counts as
 * the --prometheus it implies. */
static const char *cli_option_shown(int id, char *buf, size_t bufsz)
{
	if (id == OPT_TEXTFILE)
		id = OPT_PROMETHEUS;
	for (size_t i = 0; i < ARRAY_SIZE(cli_options); i++)
		if (cli_options[i].id == id) {
			if (id < 0x80)
				(void)snprintf(buf, bufsz, "-%c", id);
			else
				(void)snprintf(buf, bufsz, "--%s", cli_options[i].name);
			break;
		}
	return buf;
}

/* getopt_long()'s array and short option string (after prefix) from a
 * table of options; a short option named by several rows (aliases) once. */
static void getopt_tables(const struct cli_option *opts, size_t n_opts, const char *prefix, struct option *longs,
			  char *shorts)
{
	size_t n = 0;

	shorts = stpcpy(shorts, prefix);
	for (size_t i = 0; i < n_opts; i++) {
		const struct cli_option *o = &opts[i];
		bool again = false;

		if (o->name)
			longs[n++] = (struct option){ o->name, o->has_arg, NULL, o->id };
		for (size_t j = 0; j < i; j++)
			again |= opts[j].id == o->id;
		if (o->id < 0x80 && !again) {
			*shorts++ = (char)o->id;
			if (o->has_arg != no_argument)
				*shorts++ = ':';
			if (o->has_arg == optional_argument)
				*shorts++ = ':';
		}
	}
	longs[n] = (struct option){};
	*shorts = '\0';
}

/* Each group's options. 1 taken, 0 to exit successfully (--help,
 * --version, --list-columns), -EINVAL (said) or -ENOMEM. */

static int take_selection(struct args *a, int c, const char *arg)
{
	switch (c) {
	case 'a':
		a->filter.all = true;
		return 1;
	case 't':
	case 'x': {
		int r = take_types(a, c == 'x', c == 't' ? "-t" : "-x", arg, cli_error);
		return r < 0 ? r : 1;
	}
	case OPT_MOUNTSTATS:
		a->nfs.mountstats = arg;
		return 1;
	}
	return 1; /* --exact-match, --mountinfo: take_common_long() */
}

static int take_probing(struct args *a, int c, const char *arg)
{
	int r;

	switch (c) {
	case OPT_TIMEOUT:
		r = parse_duration(arg, &a->timeout_ns);
		if (r < 0) {
			fprintf(stderr, "fsprobe: invalid --timeout '%s': %s\n", arg,
				r == -ERANGE ? "must be between 1us and 24h"
					     : "expected a duration such as 2s, 500ms, 1.5s or 1m");
			return -EINVAL;
		}
		return 1;
	case OPT_LEASE_CHURN: {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || *end || !*arg || arg[0] == '-' || v > 1000000) {
			fprintf(stderr, "fsprobe: invalid --lease-churn-threshold '%s': expected a count from 0 to 1000000\n",
				arg);
			return -EINVAL;
		}
		a->nfs.churn_threshold = (unsigned)v;
		return 1;
	}
	}
	return 1; /* --engine, --state-dir, --no-state: take_common_long() */
}

static int take_daemon(struct args *a, int c, const char *arg)
{
	switch (c) {
	case OPT_DAEMON:
		a->daemon_mode = true;
		return 1;
	case OPT_INTERVAL:
	case OPT_ABORT_FUSE_AFTER:
	case OPT_EXEC_TIMEOUT:
		if (parse_duration(arg, c == OPT_INTERVAL	  ? &a->daemon.interval_ns
					: c == OPT_EXEC_TIMEOUT ? &a->daemon.exec_timeout_ns
								: &a->daemon.abort_fuse_after_ns) < 0) {
			fprintf(stderr, "fsprobe: invalid --%s '%s': expected a duration such as 15s or 2m\n",
				c == OPT_INTERVAL ? "interval" : c == OPT_EXEC_TIMEOUT ? "exec-timeout" : "abort-fuse-after",
				arg);
			return -EINVAL;
		}
		return 1;
	case OPT_EXEC_ON_CHANGE:
		if (arg[0] != '/') {
			fprintf(stderr, "fsprobe: --exec-on-change '%s' must be an absolute path (it is run without a shell)\n",
				arg);
			return -EINVAL;
		}
		a->daemon.exec_on_change = arg;
		return 1;
	case OPT_MAX_CYCLES: {
		char *end;

		errno = 0;
		a->daemon.max_cycles = strtoull(arg, &end, 10);
		if (errno || *end || !*arg || arg[0] == '-') {
			fprintf(stderr, "fsprobe: invalid --max-cycles '%s'\n", arg);
			return -EINVAL;
		}
		return 1;
	}
	}
	return 1;
}

static int take_output(struct args *a, int c, const char *arg)
{
	switch (c) {
	case 'J':
	case 'r':
	case OPT_PAIRS:
		a->table.mode = c == 'J' ? TABLE_JSON : c == 'r' ? TABLE_RAW : TABLE_PAIRS;
		break;
	case 'o': {
		const char *bad = NULL;
		size_t len = 0;

		if (render_table_check_columns(arg, &bad, &len) < 0) {
			fprintf(stderr, "fsprobe: unknown column '%.*s' (see --list-columns)\n", (int)len, bad ? bad : "");
			return -EINVAL;
		}
		a->table.columns = arg;
		break;
	}
	case OPT_LIST_COLUMNS:
		render_table_list_columns(stdout);
		return 0;
	case 'n':
	case 'b':
	case 'q':
	case 'v':
		*(c == 'n' ? &a->table.noheadings : c == 'b' ? &a->table.bytes : c == 'q' ? &a->quiet : &a->verbose) = true;
		break;
	}
	return 1;
}

static int take_df(struct args *a, int c, const char *arg)
{
	const char *bad = NULL;
	size_t len = 0;
	int r;

	a->df.enabled = true;
	switch (c) {
	case 'h':
	case 'H':
		a->df.block_size_set = true;
		a->df.block_size = 1;
		a->df.size_flags = SIZE_AUTOSCALE | SIZE_SI | (c == 'h' ? SIZE_BASE_1024 : 0);
		break;
	case 'k':
		a->df.block_size_set = true;
		a->df.block_size = 1024;
		a->df.size_flags = 0;
		break;
	case 'B':
		if (size_parse_block_size(arg, &a->df.block_size, &a->df.size_flags) < 0) {
			fprintf(stderr, "fsprobe: invalid --block-size '%s'\n", arg);
			return -EINVAL;
		}
		a->df.block_size_set = true;
		break;
	case 'P':
	case 'T':
	case 'i':
	case 'l':
	case OPT_TOTAL:
		*(c == 'P'   ? &a->df.posix
		  : c == 'T' ? &a->df.print_type
		  : c == 'i' ? &a->df.inodes
		  : c == 'l' ? &a->df.local
			     : &a->df.total) = true;
		break;
	case OPT_OUTPUT:
		a->df.output = true;
		if (arg && (r = df_parse_output(&a->df, arg, &bad, &len)) < 0) {
			fprintf(stderr, "fsprobe: option --output: field '%.*s' %s\n", (int)len, bad,
				r == -EEXIST ? "used more than once" : "unknown");
			return -EINVAL;
		}
		break;
	}
	return 1;
}

static int take_monitoring(struct args *a, int c, const char *arg)
{
	char shown[32];

	switch (c) {
	case OPT_NAGIOS:
		a->format = OUTPUT_NAGIOS;
		return 1;
	case OPT_TEXTFILE:
		if (!*arg) {
			fprintf(stderr, "fsprobe: --textfile needs a file name\n");
			return -EINVAL;
		}
		a->textfile = arg;
		a->format = OUTPUT_PROMETHEUS;
		return 1;
	case OPT_PROMETHEUS:
		a->format = OUTPUT_PROMETHEUS;
		return 1;
	}
	/* --warning, --critical, --iwarning, --icritical */
	(void)cli_option_shown(c, shown, sizeof(shown));
	return take_threshold(a, shown + 2, shown, arg, cli_error) < 0 ? -EINVAL : 1;
}

static void usage(FILE *out);

static int take_info(struct args *a _unused_, int c, const char *arg _unused_)
{
	if (c == OPT_HELP)
		usage(stdout);
	else
		printf("fsprobe %s\n", PACKAGE_VERSION);
	return 0;
}

static int take_hidden(struct args *a, int c, const char *arg)
{
	if (c == OPT_SYSROOT)
		a->nfs.sysroot = arg;
	/* OPT_SYNC: sync(2) would block on every dead mount: never. */
	return 1;
}

/* Each group: its heading and closing note in --help, and its handler. */
static const struct {
	const char *heading, *footer;
	int (*take)(struct args *a, int c, const char *arg);
} groups[_GROUP_MAX] = {
	[GROUP_SELECTION] = { "Selection:\n", NULL, take_selection },
	[GROUP_PROBING] = { "Probing:\n", NULL, take_probing },
	[GROUP_DAEMON] = { "Daemon:\n", NULL, take_daemon },
	[GROUP_OUTPUT] = { "Output:\n", NULL, take_output },
	[GROUP_DF] = { "df-compatible output (GNU df's layout; healthy rows as df prints them):\n",
		       "With these, the mounts are df's (every real file system, one per device)\n"
		       "and an unhealthy one shows '-' and is named on stderr.\n",
		       take_df },
	[GROUP_MONITORING] = { "Monitoring (see also check_fsprobe --help):\n", NULL, take_monitoring },
	[GROUP_INFO] = { "", NULL, take_info },
	[GROUP_HIDDEN] = { NULL, NULL, take_hidden },
};

static void usage(FILE *out)
{
	/* Help texts start in this column; a longer left side gets two
	 * spaces. */
	enum { HELP_COLUMN = 28 };

	fputs("Usage: fsprobe [options] [FILE...]\n"
	      "\n"
	      "Probe every NFS, CIFS/SMB and FUSE mount (or the mounts holding FILEs)\n"
	      "and report its health, returning within the timeout whatever the mounts do.\n",
	      out);
	for (int g = 0; g < GROUP_HIDDEN; g++) {
		fprintf(out, "\n%s", groups[g].heading);
		for (size_t i = 0; i < ARRAY_SIZE(cli_options); i++) {
			const struct cli_option *o = &cli_options[i];
			int w;

			if ((int)o->group != g)
				continue;
			if (o->id < 0x80)
				w = fprintf(out, "  -%c%s", o->id, o->name ? ", " : "");
			else
				w = fprintf(out, "      ");
			if (o->name)
				w += fprintf(out, "--%s", o->name);
			if (o->arg)
				w += fprintf(out, "%s%s", o->arg[0] == '[' ? "" : " ", o->arg);
			fprintf(out, "%*s", w < HELP_COLUMN - 1 ? HELP_COLUMN - w : 2, "");
			for (const char *h = o->help; *h;) {
				size_t l = strcspn(h, "\n");

				fprintf(out, "%.*s\n", (int)l, h);
				h += l;
				if (*h == '\n' && *++h)
					fprintf(out, "%*s", HELP_COLUMN, "");
			}
		}
		if (groups[g].footer)
			fputs(groups[g].footer, out);
	}
	fputs("\n"
	      "Exit status: 0 all selected mounts ok (or denied), 1 any unhealthy,\n"
	      "2 usage error or fsprobe's own failure. Warnings (NFSv4 client identity,\n"
	      "lease churn) do not change it; with --nagios they make WARNING.\n",
	      out);
}

static const struct cli_option *cli_option_of(int id)
{
	for (size_t i = 0; i < ARRAY_SIZE(cli_options); i++)
		if (cli_options[i].id == id)
			return &cli_options[i];
	return NULL;
}

/* The option met now against those met before: -EINVAL (said) when a
 * pair of cli_conflicts[] is complete. */
static int check_conflicts(const bool *seen, int c)
{
	char x[32], y[32];

	for (size_t i = 0; i < ARRAY_SIZE(cli_conflicts); i++) {
		int a = cli_conflicts[i].a, b = cli_conflicts[i].b;

		if ((c == a && seen[b]) || (c == b && seen[a])) {
			fprintf(stderr, "fsprobe: options %s and %s are mutually exclusive\n",
				cli_option_shown(a, x, sizeof(x)), cli_option_shown(b, y, sizeof(y)));
			return -EINVAL;
		}
	}
	return 0;
}

/* Returns 1 to go on, 0 to exit successfully (help, version), -EINVAL on a
 * usage error (already reported). */
int args_parse(int argc, char *argv[], struct args *a)
{
	struct option longs[ARRAY_SIZE(cli_options) + 1];
	char shorts[3 * ARRAY_SIZE(cli_options) + 1];
	bool seen[OPT_MAX_ID] = {};
	int c, r;

	getopt_tables(cli_options, ARRAY_SIZE(cli_options), "", longs, shorts);
	a->timeout_ns = DEFAULT_TIMEOUT_NS;
	a->engine = PROBE_ENGINE_AUTO;
	a->nfs.churn_threshold = CHURN_DEFAULT_THRESHOLD;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) >= 0) {
		const struct cli_option *o = cli_option_of(c);

		if (!o) {
			fprintf(stderr, "Try 'fsprobe --help' for more information.\n");
			return -EINVAL;
		}
		r = check_conflicts(seen, c);
		if (r < 0)
			return r;
		seen[c] = true;
		r = take_common_long(a, c, optarg, cli_error);
		if (r < 0)
			return r;
		r = groups[o->group].take(a, c, optarg);
		if (r <= 0)
			return r;
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

/* check_fsprobe's options in the same style: one row each in
 * plugin_options[] (aliases, as check_disk has them, are rows of their
 * own), the getopt arrays derived from it, one handler per group. Its
 * --help (plugin_usage()) stays written out: it follows check_disk's, which
 * shows several spellings of one option on one line. */
enum plugin_group {
	PLUGIN_INFO,	  /* -h, -V, --extra-opts */
	PLUGIN_LIMITS,	  /* thresholds and units */
	PLUGIN_PATHS,	  /* which mounts, in check_disk's order */
	PLUGIN_REPORTING, /* what is shown and how */
	PLUGIN_PROBING,	  /* fsprobe's own: -t, --engine, the registry */
	_PLUGIN_GROUP_MAX,
};

static const struct cli_option plugin_options[] = {
	{ "help", 'h', no_argument, PLUGIN_INFO, NULL, NULL },
	{ "version", 'V', no_argument, PLUGIN_INFO, NULL, NULL },
	{ "extra-opts", OPT_EXTRA_OPTS, optional_argument, PLUGIN_INFO, NULL, NULL },
	{ "warning", 'w', required_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "critical", 'c', required_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "iwarning", 'W', required_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "icritical", 'K', required_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "used-warning", OPT_USED_WARNING, required_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "used-critical", OPT_USED_CRITICAL, required_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "inodes-used-warning", OPT_INODES_USED_WARNING, required_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "inodes-used-critical", OPT_INODES_USED_CRITICAL, required_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "kilobytes", 'k', no_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "megabytes", 'm', no_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "units", 'u', required_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "freespace-ignore-reserved", 'f', no_argument, PLUGIN_LIMITS, NULL, NULL },
	{ "path", 'p', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "partition", 'p', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "exclude_device", 'x', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "exclude-type", 'X', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "include-type", 'N', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "type", 'N', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "group", 'g', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "eregi-path", 'R', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "eregi-partition", 'R', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "ereg-path", 'r', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "ereg-partition", 'r', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "ignore-ereg-path", 'i', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "ignore-ereg-partition", 'i', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "ignore-eregi-path", 'I', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "ignore-eregi-partition", 'I', required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "local", 'l', no_argument, PLUGIN_PATHS, NULL, NULL },
	{ "stat-remote-fs", 'L', no_argument, PLUGIN_PATHS, NULL, NULL },
	{ "exact-match", 'E', no_argument, PLUGIN_PATHS, NULL, NULL },
	{ "all", 'A', no_argument, PLUGIN_PATHS, NULL, NULL },
	{ "clear", 'C', no_argument, PLUGIN_PATHS, NULL, NULL },
	{ "mountinfo", OPT_MOUNTINFO, required_argument, PLUGIN_PATHS, NULL, NULL },
	{ "iperfdata", 'P', no_argument, PLUGIN_REPORTING, NULL, NULL },
	{ "mountpoint", 'M', no_argument, PLUGIN_REPORTING, NULL, NULL },
	{ "errors-only", 'e', no_argument, PLUGIN_REPORTING, NULL, NULL },
	{ "quiet", 'q', no_argument, PLUGIN_REPORTING, NULL, NULL },
	{ "verbose", 'v', no_argument, PLUGIN_REPORTING, NULL, NULL },
	{ "timeout", 't', required_argument, PLUGIN_PROBING, NULL, NULL },
	{ "engine", OPT_ENGINE, required_argument, PLUGIN_PROBING, NULL, NULL },
	{ "state-dir", OPT_STATE_DIR, required_argument, PLUGIN_PROBING, NULL, NULL },
	{ "no-state", OPT_NO_STATE, no_argument, PLUGIN_PROBING, NULL, NULL },
};

static int take_plugin_info(struct args *a _unused_, int c, const char *arg _unused_)
{
	if (c == OPT_EXTRA_OPTS) {
		plugin_error("--extra-opts is not supported: give the options on the command line");
		return -EINVAL;
	}
	if (c == 'h')
		plugin_usage(stdout);
	else
		printf("check_fsprobe v%s (fsprobe %s)\n", PACKAGE_VERSION, PACKAGE_VERSION);
	return 0;
}

static int take_plugin_limits(struct args *a, int c, const char *arg)
{
	struct disk_options *d = &a->disk;

	switch (c) {
	case 'w':
	case 'c':
	case 'W':
	case 'K':
		return take_disk_threshold(d, c, arg) < 0 ? -EINVAL : 1;
	case OPT_USED_WARNING:
	case OPT_USED_CRITICAL:
	case OPT_INODES_USED_WARNING:
	case OPT_INODES_USED_CRITICAL: {
		const char *shown = c == OPT_USED_WARNING	   ? "--used-warning"
				  : c == OPT_USED_CRITICAL	   ? "--used-critical"
				  : c == OPT_INODES_USED_WARNING ? "--inodes-used-warning"
								 : "--inodes-used-critical";
		const char *name = c == OPT_USED_WARNING	  ? "warning"
				 : c == OPT_USED_CRITICAL	  ? "critical"
				 : c == OPT_INODES_USED_WARNING ? "iwarning"
								: "icritical";

		return take_threshold(a, name, shown, arg, plugin_error) < 0 ? -EINVAL : 1;
	}
	case 'k':
	case 'm':
		(void)disk_parse_unit(c == 'k' ? "kB" : "MB", &d->mult, &d->unit);
		return 1;
	case 'u':
		if (disk_parse_unit(arg, &d->mult, &d->unit) < 0) {
			plugin_error("unit type %s not known", arg);
			return -EINVAL;
		}
		return 1;
	case 'f':
		d->ignore_reserved = true;
		return 1;
	}
	return 1;
}

static int take_exclude_device(struct disk_options *d, const char *arg)
{
	size_t n = 0;
	char **l;

	while (d->exclude_devices && d->exclude_devices[n])
		n++;
	l = reallocarray(d->exclude_devices, n + 2, sizeof(*l));
	if (!l)
		return -ENOMEM;
	d->exclude_devices = l;
	l[n + 1] = NULL;
	l[n] = strdup(arg);
	return l[n] ? 1 : -ENOMEM;
}

/* In check_disk's order: thresholds before the paths they apply to, -i
 * and -I after the paths they drop, -g and -E before the paths they
 * group or check. */
static int take_plugin_paths(struct args *a, int c, const char *arg)
{
	struct disk_options *d = &a->disk;
	int r;

	switch (c) {
	case 'p':
	case 'r':
	case 'R':
	case 'A':
		if (!disk_limits_any(&d->limits) && !a->nagios.warning.set && !a->nagios.critical.set &&
		    !a->nagios.iwarning.set && !a->nagios.icritical.set) {
			plugin_error("Must set a threshold value before using %s", c == 'p' ? "-p" : "-r/-R");
			return -EINVAL;
		}
		r = disk_options_add_op(d, c == 'p' ? DISK_OP_PATH : DISK_OP_REGEX, c == 'A' ? ".*" : arg,
					c == 'R' || c == 'A');
		if (r < 0)
			return r;
		d->path_selected = true;
		return 1;
	case 'i':
	case 'I':
		if (!d->path_selected) {
			plugin_error("Paths need to be selected before using -i/-I. Use -A to select all paths explicitly");
			return -EINVAL;
		}
		r = disk_options_add_op(d, DISK_OP_IGNORE, arg, c == 'I');
		return r < 0 ? r : 1;
	case 'C':
		r = disk_options_add_op(d, DISK_OP_CLEAR, NULL, false);
		if (r < 0)
			return r;
		d->limits = (struct disk_limits){};
		d->path_selected = false;
		d->group = NULL;
		return 1;
	case 'g':
	case 'E':
		/* Both apply to the paths selected after them. */
		if (d->path_selected) {
			plugin_error("Must set %s before selecting paths", c == 'g' ? "group value" : "-E");
			return -EINVAL;
		}
		if (c == 'g')
			d->group = arg;
		else
			d->exact = true;
		return 1;
	case 'x':
		return take_exclude_device(d, arg);
	case 'N':
	case 'X':
		r = take_types(a, c == 'X', c == 'N' ? "-N" : "-X", arg, plugin_error);
		return r < 0 ? r : 1;
	case 'L':
	case 'l':
		d->stat_remote |= c == 'L';
		d->local = true;
		return 1;
	}
	return 1; /* --mountinfo: take_common_long() */
}

static int take_plugin_reporting(struct args *a, int c, const char *arg _unused_)
{
	struct disk_options *d = &a->disk;

	switch (c) {
	case 'P':
	case 'M':
	case 'e':
	case 'q':
		*(c == 'P' ? &d->inode_perfdata : c == 'M' ? &d->device_label : &d->errors_only) = true;
		return 1;
	case 'v':
		d->verbose++;
		a->nagios.verbose = true;
		return 1;
	}
	return 1;
}

/* -t goes to a->timeout_ns whole; args_parse_plugin() takes the margin
 * off at the end. */
static int take_plugin_probing(struct args *a, int c, const char *arg)
{
	int r;

	if (c != 't')
		return 1; /* --engine, --state-dir, --no-state: take_common_long() */
	r = parse_duration(arg, &a->timeout_ns);
	if (r < 0) {
		plugin_error("invalid timeout '%s': %s", arg,
			     r == -ERANGE ? "must be between 1us and 24h"
					  : "expected seconds or a duration such as 2s, 500ms, 1m");
		return -EINVAL;
	}
	return 1;
}

static int (*const plugin_take[_PLUGIN_GROUP_MAX])(struct args *a, int c, const char *arg) = {
	[PLUGIN_INFO] = take_plugin_info,	    [PLUGIN_LIMITS] = take_plugin_limits,
	[PLUGIN_PATHS] = take_plugin_paths,	    [PLUGIN_REPORTING] = take_plugin_reporting,
	[PLUGIN_PROBING] = take_plugin_probing,
};

/* check_fsprobe: check_disk's options with check_disk's meaning (see
 * disk.h), the monitoring-plugins conventions (usage errors as an UNKNOWN
 * line), and fsprobe's own under long options check_disk does not have.
 * Returns 1 to go on, 0 after help or version, -EINVAL or -ENOMEM. */
int args_parse_plugin(int argc, char *argv[], struct args *a)
{
	struct option longs[ARRAY_SIZE(plugin_options) + 1];
	char shorts[3 * ARRAY_SIZE(plugin_options) + 2];
	struct disk_options *d = &a->disk;
	int c, r;

	getopt_tables(plugin_options, ARRAY_SIZE(plugin_options), ":", longs, shorts);
	a->format = OUTPUT_NAGIOS;
	a->engine = PROBE_ENGINE_AUTO;
	a->nfs.churn_threshold = CHURN_DEFAULT_THRESHOLD;
	a->timeout_ns = PLUGIN_DEFAULT_TIMEOUT_NS;
	d->enabled = true;
	(void)disk_parse_unit("MB", &d->mult, &d->unit);
	opterr = 0; /* our UNKNOWN line instead of getopt's message */
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) >= 0) {
		const struct cli_option *o = NULL;

		for (size_t i = 0; !o && i < ARRAY_SIZE(plugin_options); i++)
			if (plugin_options[i].id == c)
				o = &plugin_options[i];
		if (!o) {
			if (c == ':' && optopt)
				plugin_error("option -%c needs an argument", optopt);
			else if (c == ':')
				plugin_error("option %s needs an argument", argv[optind - 1]);
			else if (optopt)
				plugin_error("unknown option -%c", optopt);
			else
				plugin_error("unknown option %s", argv[optind - 1]);
			return -EINVAL;
		}
		r = take_common_long(a, c, optarg, plugin_error);
		if (r < 0)
			return r;
		r = plugin_take[o->group](a, c, optarg);
		if (r <= 0)
			return r;
	}
	r = finish_common(a, plugin_error);
	if (r < 0)
		return r;
	r = take_disk_positional(a, argc, argv);
	if (r < 0)
		return r;
	a->timeout_ns -= MIN(a->timeout_ns / 10, PLUGIN_MARGIN_MAX_NS);
	return 1;
}

bool args_want_nagios(int argc, char *argv[])
{
	for (int i = 1; i < argc && !streq(argv[i], "--"); i++)
		if (streq(argv[i], "--nagios"))
			return true;
	return false;
}
