/* check_disk's model, so that check_fsprobe takes the command lines that
 * monitoring-plugins' check_disk (2.3) takes, with their meaning: which
 * paths a command line selects (-p, -r/-R, -A, -i/-I, -C, -g, the filters)
 * and what its thresholds say about free space and inodes, in check_disk's
 * units. The selection is replayed against the mount table in option
 * order, as check_disk builds it while parsing.
 *
 * Decides from the mount table and the probe results alone: never touches
 * a mount (a -p PATH is resolved as fsprobe resolves FILE arguments). */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mounts.h"
#include "report.h"
#include "threshold.h"

enum disk_level {
	DISK_WARN,
	DISK_CRIT,
	_DISK_LEVEL_MAX,
};

/* The thresholds in force for a path: check_disk copies them into each
 * path as it is selected. */
struct disk_limits {
	struct disk_range free_units[_DISK_LEVEL_MAX];	/* -w/-c N: free space in units */
	struct disk_range free_pct[_DISK_LEVEL_MAX];	/* -w/-c N%: percent free */
	struct disk_range free_inodes[_DISK_LEVEL_MAX]; /* -W/-K: percent of inodes free */
	struct disk_range used_pct[_DISK_LEVEL_MAX];	/* "check_disk W C PATH": percent used */
};

bool disk_limits_any(const struct disk_limits *l);

enum disk_op_kind {
	DISK_OP_PATH,	/* -p PATH, or a PATH argument */
	DISK_OP_REGEX,	/* -r, -R, -A */
	DISK_OP_IGNORE, /* -i, -I */
	DISK_OP_CLEAR,	/* -C */
};

struct disk_op {
	enum disk_op_kind kind;
	const char *arg;
	bool icase;
	const char *group;	   /* -g in force */
	struct disk_limits limits; /* thresholds in force */
};

struct disk_options {
	bool enabled; /* check_fsprobe: check_disk's command line */
	struct disk_op *ops;
	size_t nops, ops_cap;
	struct disk_limits limits; /* in force after the last option */
	const char *group;	   /* likewise */
	bool path_selected;	   /* a path or regex since the last -C */
	uint64_t mult;		   /* -u: bytes per unit (default MiB) */
	const char *unit;	   /* as check_disk shows it: "MiB" */
	bool exact;		   /* -E */
	bool errors_only;	   /* -e */
	bool device_label;	   /* -M */
	bool ignore_reserved;	   /* -f */
	bool inode_perfdata;	   /* -P */
	bool local;		   /* -l */
	bool stat_remote;	   /* -L: network mounts for health only */
	char **exclude_devices;	   /* -x, NULL-terminated */
	unsigned verbose;	   /* -v count */
};

void disk_options_done(struct disk_options *o);
int disk_options_add_op(struct disk_options *o, enum disk_op_kind kind, const char *arg, bool icase);

/* -u NAME: check_disk's unit names (bytes in any case, kB/KiB, MB/MiB,
 * GB/GiB, TB/TiB, PB/PiB). -EINVAL for another. */
int disk_parse_unit(const char *name, uint64_t *ret_mult, const char **ret_shown);

/* A path to check, in check_disk's order. */
struct disk_item {
	const char *name; /* -p argument or mount point */
	size_t mount;	  /* the mount it resolved to */
	const char *group;
	struct disk_limits limits;
	bool health_only; /* -L and a network mount: no thresholds, no figures */
};

struct disk_plan {
	struct disk_item *items;
	size_t n, cap;
	const struct disk_options *o;
};

void disk_plan_done(struct disk_plan *p);

/* How the selection ended when it cannot go on: check_disk's state and
 * its message ("/x is not accessible: ...", "Regular expression did not
 * match any path or disk - RE"). */
struct disk_failure {
	int state; /* enum nagios_state */
	char msg[512];
};

/* Replays the options against the table: fills the plan and adds a report
 * row for every mount to probe. flt holds -N (types) and -X
 * (exclude_types). -EINVAL with *ret_fail filled, -ENOMEM. */
int disk_select(const struct disk_options *o, const struct mount_filter *flt, const struct mount_table *t,
		struct report *r, struct disk_plan *ret, struct disk_failure *ret_fail);

/* The figures check_disk decides on, for one mount or a group summed. */
struct disk_usage {
	uint64_t used, avail, total; /* bytes; total with -f: used + avail */
	uint64_t used_units, free_units, total_units; /* whole units, summed per mount */
	uint64_t files, ffree;
};

/* Adds one mount's statfs figures (blocks, bfree, bavail of frsize bytes). */
void disk_usage_add(struct disk_usage *u, uint64_t blocks, uint64_t bfree, uint64_t bavail, uint64_t frsize,
		    uint64_t files, uint64_t ffree, uint64_t mult, bool ignore_reserved);

/* check_disk's percentages: used rounded up as df, free = 100 - used;
 * -1 used (101 free) where there is nothing to divide by. */
double disk_percent_used(uint64_t part, uint64_t whole);

/* The state of a path: 0 OK, 1 WARNING, 2 CRITICAL. */
int disk_state(const struct disk_limits *l, const struct disk_usage *u);

/* The perfdata thresholds, in used bytes as check_disk turns free-space
 * thresholds around (the range's end taken as free space); < 0 where
 * none is set. For inodes (-P), in used inodes. */
double disk_perf_threshold(const struct disk_limits *l, const struct disk_usage *u, uint64_t mult, enum disk_level lv);
double disk_perf_inode_threshold(const struct disk_limits *l, const struct disk_usage *u, enum disk_level lv);
