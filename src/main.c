/* fsprobe: a file system health check that never blocks on a mount.
 *
 * Takes the parsed command line (args.c), runs one probe over the
 * selected mounts and renders it. The only place where an error becomes
 * an exit status, and the only place (with the daemon and the parsers'
 * usage errors) that prints diagnostics. */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "args.h"
#include "cleanup.h"
#include "daemon.h"
#include "df.h"
#include "disk.h"
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

/* LC_CTYPE only: character widths for the columns' alignment; numbers
 * stay in the C locale, so JSON and Prometheus keep their decimal points.
 * Loaded while the helper probes (probe_options.while_probing): it took
 * 60 us of the front's way to handing the jobs over (doc/benchmarks.md);
 * nothing before the rendering depends on it. */
static void load_locale(void *userdata)
{
	static bool loaded;

	(void)userdata;
	if (!loaded)
		(void)setlocale(LC_CTYPE, "");
	loaded = true;
}

static int run(int argc, char *argv[])
{
	_cleanup_(args_done) struct args a = {};
	_cleanup_(mounts_done) struct mount_table t = {};
	_cleanup_(report_done) struct report rep = {};
	_cleanup_(probe_prestart_freep) struct probe_prestart *pre = NULL;
	_cleanup_(disk_plan_done) struct disk_plan plan = {};
	struct probe_options po;
	uint64_t start;
	bool trouble = false, not_mounted = false, plugin = args_invoked_as_plugin(argv[0]);
	int r, failed = 0;

	r = plugin ? args_parse_plugin(argc, argv, &a) : args_parse(argc, argv, &a);
	if (r <= 0) {
		if (!plugin && !args_want_nagios(argc, argv)) {
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
	if (a.daemon_mode) {
		load_locale(NULL);
		return run_daemon(&a);
	}

	/* The helper starts now, while the mount table is read: without it,
	 * probe_run() forks one later. The front's start time, which it
	 * reads from procfs, is needed only later: it is read after the
	 * fork, as the helper starts (doc/benchmarks.md). */
	po = (struct probe_options){
		.engine = a.engine,
		.timeout_ns = a.timeout_ns,
		.state_dir = a.no_state ? NULL : a.state_dir,
	};
	(void)probe_prestart(&po, &pre);
	start = process_start_mono_ns();

	r = mounts_load(a.mountinfo, &t);
	if (r < 0) {
		failure(&a, "cannot read the mount table %s: %s", a.mountinfo ? a.mountinfo : "/proc/self/mountinfo",
			strerror(-r));
		goto fail;
	}
	if (a.disk.enabled) {
		/* check_fsprobe: check_disk's paths, which can end the check
		 * before any probe, as check_disk ends it */
		struct disk_failure df = {};

		r = disk_select(&a.disk, &a.filter, &t, &rep, &plan, &df);
		if (r == -EINVAL) {
			printf("FSPROBE %s - %s\n", df.state == NAGIOS_CRITICAL ? "CRITICAL" : "UNKNOWN", df.msg);
			return df.state == NAGIOS_CRITICAL ? NAGIOS_CRITICAL : NAGIOS_UNKNOWN;
		}
		if (r < 0) {
			failure(&a, "%s", strerror(-r));
			goto fail;
		}
		a.nagios.disk = &plan;
	} else if (a.nfiles > 0) {
		for (size_t i = 0; i < a.nfiles; i++) {
			r = report_add_file(&rep, &t, a.files[i], a.exact_match);
			if (r == -REPORT_NOT_MOUNT_POINT) {
				/* The mount the user named is gone (or never was):
				 * a finding about the mounts, not a usage error. */
				if (a.format == OUTPUT_NAGIOS) {
					printf("FSPROBE CRITICAL - %s is not a mount point\n", a.files[i]);
					return NAGIOS_CRITICAL;
				}
				fprintf(stderr, "fsprobe: %s: not a mount point\n", a.files[i]);
				not_mounted = a.quiet_empty = true;
				continue;
			}
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
		.timeout_ns = a.timeout_ns,
		.state_dir = a.no_state ? NULL : a.state_dir,
		.prestart = pre,
		.while_probing = load_locale,
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

	load_locale(NULL);
	r = render_output(&a, &rep, &failed);
	if (r < 0)
		goto fail;
	if (a.format == OUTPUT_NAGIOS)
		return failed; /* the plugin state */
	if (trouble)
		return EXIT_TROUBLE;
	if (not_mounted)
		return EXIT_UNHEALTHY;
	if (a.format == OUTPUT_DF)
		return failed > 0 ? EXIT_UNHEALTHY : EXIT_HEALTHY;
	return report_count_unhealthy(&rep) > 0 ? EXIT_UNHEALTHY : EXIT_HEALTHY;
fail:
	return a.format == OUTPUT_NAGIOS ? NAGIOS_UNKNOWN : EXIT_TROUBLE;
}

int main(int argc, char *argv[])
{
	return run(argc, argv);
}
