/* A report built by hand for the renderers' unit tests: mounts with the
 * statuses and numbers a test gives, no mount table file, no probe. It is
 * set up and given its rows by report.c's own constructor (report_init,
 * report_add_row), in storage of its own: no allocation, nothing to free. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "report.h"

#define FAKE_MAX 16

struct fake {
	struct mount_table table;
	struct mount_entry entries[FAKE_MAX];
	struct mount_result results[FAKE_MAX];
	bool probed[FAKE_MAX];
	struct report_row rows[FAKE_MAX];
	struct report report;
};

static inline void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->table.entries = f->entries;
	/* report_init() keeps results it is given; report_add_row() grows
	 * rows only past rows_cap */
	f->report.rows = f->rows;
	f->report.rows_cap = FAKE_MAX;
	f->report.results = f->results;
	f->report.probed = f->probed;
	if (report_init(&f->report, &f->table) < 0)
		abort();
	f->report.probe.engine = PROBE_ENGINE_URING;
}

static inline void fake_add_row(struct fake *f, size_t mount)
{
	if (f->report.nrows >= FAKE_MAX || report_add_row(&f->report, mount, NULL) < 0 || f->report.rows != f->rows)
		abort();
}

/* Adds a mount and a row for it. An ok mount answered in 1.234567 ms and
 * has 1000 blocks of 4096 bytes, 400 free, 300 available (600 used: 67%
 * of used + available) and 100 inodes, 90 free. */
static inline struct mount_result *fake_add(struct fake *f, const char *target, const char *source,
					    const char *fstype, enum mount_status st)
{
	size_t i = f->table.n++;

	f->entries[i] = (struct mount_entry){
		.id = 40 + (int)i,
		.parent_id = 1,
		.devno = (dev_t)((0u << 8) | (40 + i)),
		.source = source,
		.target = target,
		.fstype = fstype,
		.parent = -1,
		.suspect = true,
	};
	f->results[i] = (struct mount_result){ .status = st, .blocked_by = -1 };
	if (st == STATUS_OK) {
		f->results[i].flags = RESULT_ANSWERED | RESULT_HAVE_USAGE;
		f->results[i].latency_ns = 1234567;
		f->results[i].usage = (struct fs_usage){
			.frsize = 4096, .blocks = 1000, .bfree = 400, .bavail = 300, .files = 100, .ffree = 90
		};
	}
	f->probed[i] = true;
	fake_add_row(f, i);
	return &f->results[i];
}

/* Another row for a mount already added (a second FILE argument). */
static inline void fake_row(struct fake *f, size_t mount)
{
	fake_add_row(f, mount);
}

/* What a renderer wrote to capture_out, as a string to free. */
#define CAPTURE(ret_rc, call)                                                  \
	({                                                                     \
		char *_buf = NULL;                                             \
		size_t _len = 0;                                               \
		FILE *capture_out = open_memstream(&_buf, &_len);              \
		*(ret_rc) = (call);                                            \
		fclose(capture_out);                                           \
		_buf;                                                          \
	})
