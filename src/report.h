/* One probe run over a selection of mounts: which rows to show, which
 * mounts to probe (the rows' mounts plus the network/FUSE mounts above
 * them, which gate the path walk), the run itself, and what every renderer
 * reads afterwards. Never touches a probed mount: the probe engine does. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "mounts.h"
#include "nfs-health.h"
#include "probe.h"
#include "state.h"

struct report_row {
	size_t mount;	  /* index in the mount table */
	const char *file; /* the FILE argument that selected it, or NULL */
	/* df -a only: the row shows another mount's numbers (the one on top
	 * of its mount point), or none at all, as df does after its stat(). */
	ssize_t usage_from;
	bool placeholder;
};

struct report {
	const struct mount_table *table;
	struct report_row *rows;
	size_t nrows, rows_cap;
	struct mount_result *results; /* per mount index */
	bool *probed;		      /* per mount index */
	struct probe_report probe;
	uint64_t timeout_ns;
	int64_t run_real_ns;	      /* wall clock when the run began */
	struct nfs_health *nfs;	      /* per mount index, NULL when no NFSv4
				       * checks ran (nfs-check.h) */
};

/* Sets the report up for the table's mounts, with no rows yet. */
int report_init(struct report *r, const struct mount_table *t);
int report_add_row(struct report *r, size_t mount, const char *file);

/* Rows are the mounts the filter selects, in mount table order. */
int report_select(struct report *r, const struct mount_table *t, const struct mount_filter *f);

/* Adds a row for the mount holding file (after FILE arguments df shows one
 * row per argument). Returns -errno of the resolution; with exact, a file
 * that is not itself a mount point (the mount it names is gone, or it is
 * below one) adds nothing and gives -REPORT_NOT_MOUNT_POINT. */
#define REPORT_NOT_MOUNT_POINT EDOM
int report_add_file(struct report *r, const struct mount_table *t, const char *file, bool exact);

/* Probes the rows' mounts under the options' deadline. */
int report_probe(struct report *r, const struct probe_options *o, bool want_usage);

void report_done(struct report *r);

/* One line for people: why a mount is not ok ("" when it is). */
char *report_detail(const struct report *r, size_t mount, char *buf, size_t bufsz);

/* Rows whose status is not healthy. */
size_t report_count_unhealthy(const struct report *r);
