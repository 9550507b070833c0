/* The few libsmartcols functions fsprobe calls, as wrappers that load
 * libsmartcols.so.1 on first use (see lazy.h).
 *
 * libsmartcols lays out the table on a terminal and prints raw and
 * NAME="value" output (render-table.c); JSON, the table on anything else
 * and df's layout are printed directly (render-fast.c, render-df.c), so a
 * run in a script, a pipe or a monitoring system never loads it. Without
 * libsmartcols those outputs fail with ELIBACC. Never touches a mount. */
#include <errno.h>
#include <libsmartcols.h>

#include "lazy.h"

static void *sym(const char *name)
{
	static void *lib;

	return lazy_symbol("libsmartcols.so.1", &lib, name);
}

LAZY(sym, struct libscols_table *, scols_new_table, (void), (), NULL)
LAZY_VOID(sym, scols_unref_table, (struct libscols_table *tb), (tb))
LAZY(sym, int, scols_table_set_stream, (struct libscols_table *tb, FILE *stream), (tb, stream), -ELIBACC)
LAZY(sym, int, scols_table_set_termforce, (struct libscols_table *tb, int force), (tb, force), -ELIBACC)
LAZY(sym, int, scols_table_set_name, (struct libscols_table *tb, const char *name), (tb, name), -ELIBACC)
LAZY(sym, int, scols_table_enable_json, (struct libscols_table *tb, int enable), (tb, enable), -ELIBACC)
LAZY(sym, int, scols_table_enable_raw, (struct libscols_table *tb, int enable), (tb, enable), -ELIBACC)
LAZY(sym, int, scols_table_enable_export, (struct libscols_table *tb, int enable), (tb, enable), -ELIBACC)
LAZY(sym, int, scols_table_enable_noheadings, (struct libscols_table *tb, int enable), (tb, enable), -ELIBACC)
LAZY(sym, struct libscols_column *, scols_table_new_column,
     (struct libscols_table *tb, const char *name, double whint, int flags), (tb, name, whint, flags), NULL)
LAZY(sym, int, scols_column_set_json_type, (struct libscols_column *cl, int type), (cl, type), -ELIBACC)
LAZY(sym, struct libscols_line *, scols_table_new_line, (struct libscols_table *tb, struct libscols_line *parent),
     (tb, parent), NULL)
LAZY(sym, int, scols_line_set_data, (struct libscols_line *ln, size_t n, const char *data), (ln, n, data),
     -ELIBACC)
LAZY(sym, int, scols_print_table, (struct libscols_table *tb), (tb), -ELIBACC)
