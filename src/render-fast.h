/* Direct printers for the aligned table on a stream that is no terminal
 * and for JSON, byte for byte what libsmartcols prints (render-fast.c).
 * cells: nrows x ncols strings, row after row; NULL or "" is empty. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct fast_column {
	const char *name;	/* header; JSON key, lower-cased */
	double width_hint;	/* libsmartcols' whint: >= 1 can widen */
	bool right;		/* right-aligned */
	bool number;		/* JSON: printed bare, not quoted */
};

int render_fast_aligned(const struct fast_column *cols, size_t ncols, const char *const *cells, size_t nrows,
			bool noheadings, FILE *out);
/* name: the array's key ("mounts"). */
int render_fast_json(const char *name, const struct fast_column *cols, size_t ncols, const char *const *cells,
		     size_t nrows, FILE *out);
