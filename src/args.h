/* The command lines of fsprobe and of check_fsprobe (the same binary,
 * invoked as a monitoring plugin), parsed into one struct args. Usage
 * errors are said here, in each one's way; nothing else is printed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "df.h"
#include "disk.h"
#include "mounts.h"
#include "nfs-check.h"
#include "probe.h"
#include "render.h"

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
	struct daemon_options daemon;
	bool daemon_mode;
	bool exact_match; /* --exact-match: FILEs are mount points */
	struct nfs_check_options nfs; /* NFSv4 client identity and lease churn */
	struct disk_options disk; /* check_fsprobe: check_disk's command line */
};

void args_done(struct args *a);

/* fsprobe's options. Returns 1 to go on, 0 after --help, --version or
 * --list-columns (exit successfully), -EINVAL on a usage error (said on
 * stderr) or -ENOMEM. */
int args_parse(int argc, char *argv[], struct args *a);

/* Whether argv[0] names check_fsprobe. */
bool args_invoked_as_plugin(const char *argv0);

/* check_fsprobe's options: check_disk's (monitoring-plugins 2.3) with
 * check_disk's meaning, into a->disk, and fsprobe's own under long
 * options of their own. As args_parse(), with usage errors as an UNKNOWN
 * line on stdout. */
int args_parse_plugin(int argc, char *argv[], struct args *a);

/* Whether fsprobe's own command line asks for --nagios, looked up before
 * parsing so that a usage error of it ends as UNKNOWN too. */
bool args_want_nagios(int argc, char *argv[]);
