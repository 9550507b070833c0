/* GNU df compatibility: df's output modes and fields, its choice of which
 * mounts to list (no pseudo file systems, one row per device), and the
 * options that select them. The printer is render-df.c.
 *
 * Decides from the mount table alone: where df would stat() a mount point
 * to learn its device, this uses mountinfo's device numbers, so listing
 * never touches a mount. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mounts.h"
#include "report.h"

enum df_mode {
	DF_MODE_DEFAULT,
	DF_MODE_INODES,
	DF_MODE_HUMAN,
	DF_MODE_POSIX,
	DF_MODE_OUTPUT,
};

enum df_field {
	DF_SOURCE,
	DF_FSTYPE,
	DF_SIZE,
	DF_USED,
	DF_AVAIL,
	DF_PCENT,
	DF_ITOTAL,
	DF_IUSED,
	DF_IAVAIL,
	DF_IPCENT,
	DF_TARGET,
	DF_FILE,
	/* fsprobe's own, usable in --output */
	DF_STATUS,
	DF_LATENCY,
	DF_ERROR,
	_DF_FIELD_MAX,
	_DF_FIELD_INVALID = -EINVAL,
};

struct df_options {
	bool enabled;	  /* some df option was given: df's layout and selection */
	bool posix;	  /* -P */
	bool inodes;	  /* -i */
	bool print_type;  /* -T */
	bool total;	  /* --total */
	bool local;	  /* -l */
	bool output;	  /* --output */
	bool block_size_set;
	uint64_t block_size;
	unsigned size_flags; /* enum size_flags */
	enum df_field fields[_DF_FIELD_MAX];
	size_t nfields;
	/* derived by df_finish() */
	enum df_mode mode;
	bool status_column; /* fsprobe's Status after df's columns */
};

enum df_field df_field_from_string(const char *s, size_t len);

/* Adds --output fields; -EINVAL with the offending name in *ret_bad/len,
 * -EEXIST for a field given twice. */
int df_parse_output(struct df_options *o, const char *list, const char **ret_bad, size_t *ret_len);

/* Works out the mode, the block size (from DF_BLOCK_SIZE, BLOCK_SIZE,
 * BLOCKSIZE or POSIXLY_CORRECT as df does, unless -B/-h/-H/-k set one)
 * and the columns. */
int df_finish(struct df_options *o);

/* df's pseudo ("dummy") and remote file systems, as gnulib's mountlist. */
bool df_is_dummy(const struct mount_entry *m);
bool df_is_remote(const struct mount_entry *m);

/* Rows for df without FILE arguments: selected types, no dummies unless
 * all, no remote ones with -l, one row per device unless all. */
int df_select(struct report *r, const struct mount_table *t, const struct mount_filter *f,
	      const struct df_options *o);
