/* fsprobe: a file system health check that never blocks on a mount.
 *
 * Parses the command line, runs one probe over the selected mounts and
 * renders it. The only place where an error becomes an exit status, and
 * the only place (with the daemon) that prints diagnostics. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cleanup.h"
#include "df.h"
#include "macro.h"
#include "mounts.h"
#include "parse.h"
#include "pending.h"
#include "probe.h"
#include "render.h"
#include "report.h"
#include "size.h"
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
	      "\n"
	      "Probing:\n"
	      "      --timeout DURATION    deadline for the whole run (default 5s;\n"
	      "                            e.g. 2s, 500ms, 1.5s, 1m or bare seconds)\n"
	      "      --engine ENGINE       auto (default), uring or threads\n"
	      "      --state-dir DIR       registry of probes still pending from earlier runs\n"
	      "      --no-state            do not use the registry\n"
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
	      "      --help                this help\n"
	      "  -V, --version             version\n"
	      "\n"
	      "Exit status: 0 all selected mounts ok (or denied), 1 any unhealthy,\n"
	      "2 usage error or fsprobe's own failure.\n",
	      out);
}

static int append_types(char ***list, const char *arg)
{
	/* Comma separated as findmnt, and repeatable as df. */
	size_t n = 0;
	char **l = *list;

	while (l && l[n])
		n++;
	for (const char *p = arg; *p;) {
		size_t len = strcspn(p, ",");
		if (len > 0) {
			char **nl = reallocarray(l, n + 2, sizeof(*nl));
			if (!nl)
				return -ENOMEM;
			l = nl;
			l[n] = strndup(p, len);
			if (!l[n])
				return -ENOMEM;
			l[++n] = NULL;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	*list = l;
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
	OPT_TOTAL,
	OPT_OUTPUT,
	OPT_SYNC,
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
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c, r;

	a->timeout_ns = DEFAULT_TIMEOUT_NS;
	a->engine = PROBE_ENGINE_AUTO;
	while ((c = getopt_long(argc, argv, "at:x:Jro:nbqvVhHkB:PTil", opts, NULL)) >= 0) {
		switch (c) {
		case 'a':
			a->filter.all = true;
			break;
		case 't':
		case 'x':
			r = append_types(c == 't' ? &a->filter.types : &a->filter.exclude_types, optarg);
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

/* Writes the report in the chosen format; 0 or a negative errno (already
 * reported). */
static int render_output(struct args *a, const struct report *rep, int *ret_failed)
{
	int r = 0;

	if (a->quiet)
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
	}
	if (r < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		if (r >= 0)
			r = errno ? -errno : -EIO;
		fprintf(stderr, "fsprobe: cannot write the output: %s\n", strerror(-r));
		return r;
	}
	return 0;
}

static int run(int argc, char *argv[])
{
	_cleanup_(args_done) struct args a = {};
	_cleanup_(mounts_done) struct mount_table t = {};
	_cleanup_(report_done) struct report rep = {};
	struct probe_options po;
	uint64_t start = now_mono_ns();
	bool trouble = false;
	int r, failed = 0;

	r = parse_argv(argc, argv, &a);
	if (r <= 0) {
		if (r == -ENOMEM)
			fprintf(stderr, "fsprobe: out of memory\n");
		return r == 0 ? EXIT_HEALTHY : EXIT_TROUBLE;
	}

	r = mounts_load(a.mountinfo, &t);
	if (r < 0) {
		fprintf(stderr, "fsprobe: cannot read the mount table %s: %s\n",
			a.mountinfo ? a.mountinfo : "/proc/self/mountinfo", strerror(-r));
		goto fail;
	}
	if (a.nfiles > 0) {
		for (size_t i = 0; i < a.nfiles; i++) {
			r = report_add_file(&rep, &t, a.files[i]);
			if (r < 0) {
				/* As df: name the argument, go on with the rest. */
				fprintf(stderr, "fsprobe: %s: %s\n", a.files[i], strerror(-r));
				trouble = a.quiet_empty = true;
			}
		}
	} else if (a.df.enabled) {
		/* df's options bring df's choice of mounts, in JSON too */
		r = df_select(&rep, &t, &a.filter, &a.df);
		if (r < 0) {
			fprintf(stderr, "fsprobe: %s\n", strerror(-r));
			goto fail;
		}
	} else {
		r = report_select(&rep, &t, &a.filter);
		if (r < 0) {
			fprintf(stderr, "fsprobe: %s\n", strerror(-r));
			goto fail;
		}
	}

	po = (struct probe_options){
		.engine = a.engine,
		.start_ns = start,
		.deadline_ns = start + a.timeout_ns,
		.state_dir = a.no_state ? NULL : a.state_dir,
	};
	r = report_probe(&rep, &po, true);
	if (r < 0) {
		fprintf(stderr, "fsprobe: cannot run the probes: %s\n", strerror(-r));
		goto fail;
	}
	if (rep.probe.engine == PROBE_ENGINE_URING && rep.probe.engine_err) {
		fprintf(stderr, "fsprobe: io_uring engine unavailable: %s\n", strerror(rep.probe.engine_err));
		goto fail;
	}
	if (rep.probe.helper_failed) {
		fprintf(stderr, "fsprobe: the probe helper died before answering\n");
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
	if (trouble)
		return EXIT_TROUBLE;
	if (a.format == OUTPUT_DF)
		return failed > 0 ? EXIT_UNHEALTHY : EXIT_HEALTHY;
	return report_count_unhealthy(&rep) > 0 ? EXIT_UNHEALTHY : EXIT_HEALTHY;
fail:
	return EXIT_TROUBLE;
}

int main(int argc, char *argv[])
{
	/* Character widths for df's column alignment; numbers stay in the C
	 * locale so JSON and Prometheus output keep their decimal points. */
	(void)setlocale(LC_CTYPE, "");
	return run(argc, argv);
}
