/* Renderers: each turns a finished report into one output format on a
 * stream. They never probe and never touch a mount. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "report.h"
#include "threshold.h"

enum table_mode {
	TABLE_HUMAN,
	TABLE_JSON,
	TABLE_RAW,	/* space separated, no header alignment */
	TABLE_PAIRS,	/* NAME="value" */
};

struct table_options {
	enum table_mode mode;
	const char *columns;	/* comma separated list, NULL for the default */
	bool noheadings;
	bool bytes;		/* sizes in bytes rather than human units */
};

/* Checks a column list before any probe runs: -EINVAL with the bad name
 * in *ret_bad (points into list). */
int render_table_check_columns(const char *list, const char **ret_bad, size_t *ret_len);
void render_table_list_columns(FILE *out);
int render_table(const struct report *r, const struct table_options *o, FILE *out);
/* The same through libsmartcols or the direct printer (render-fast.c),
 * for the test that holds them to the same bytes; auto picks as
 * render_table() does: direct for JSON, and for the human table when
 * standard output is no terminal. -EINVAL: direct for raw or pairs. */
enum render_via {
	RENDER_VIA_AUTO,
	RENDER_VIA_SCOLS,
	RENDER_VIA_DIRECT,
};
int render_table_via(const struct report *r, const struct table_options *o, FILE *out, enum render_via via);

struct df_options;
/* df's layout; unhealthy rows are named on err. Returns how many rows
 * failed, or -errno; prints nothing at all when no row is left. */
int render_df(const struct report *r, const struct df_options *o, bool all, FILE *out, FILE *err,
	      size_t *ret_shown);

/* The Nagios/Icinga plugin output (render-nagios.c). */
enum nagios_state {
	NAGIOS_OK,
	NAGIOS_WARNING,
	NAGIOS_CRITICAL,
	NAGIOS_UNKNOWN,
};

struct disk_plan;
struct nagios_options {
	struct threshold warning, critical;   /* space: percent used or bytes available */
	struct threshold iwarning, icritical; /* inodes: percent used */
	bool verbose;			      /* long output for every mount, not just the bad */
	/* check_fsprobe: check_disk's paths, groups and thresholds (disk.h),
	 * its first line and perfdata; NULL for fsprobe --nagios */
	const struct disk_plan *disk;
};

/* The plugin state of a report: CRITICAL when a mount is unhealthy,
 * else WARNING/CRITICAL from the thresholds, else OK; with a disk plan,
 * UNKNOWN when it leaves nothing to check, as check_disk. */
enum nagios_state render_nagios_state(const struct report *r, const struct nagios_options *o);
/* Writes the plugin output; returns the state or -errno. */
int render_nagios(const struct report *r, const struct nagios_options *o, FILE *out);

/* The Prometheus exposition format (render-prom.c): a pure function of
 * the report and the moment of the run (CLOCK_REALTIME ns; 0: no run has
 * completed yet, and fsprobe_last_run_timestamp_seconds is left out), so
 * the daemon can serve the same text. */
int render_prom(const struct report *r, int64_t now_real_ns, FILE *out);
