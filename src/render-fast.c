/* The aligned table for a stream that is no terminal, and JSON, printed
 * directly: the same bytes libsmartcols 2.38 prints for them, at a
 * fraction of the cost.
 *
 * At 10,000 rows libsmartcols spent about 500 million instructions on the
 * table (every cell converted to wide characters and measured in two
 * passes, then printed a byte or a padding space at a time) where the
 * probes and the df layout took 170 million, and `fsprobe --all` took
 * 1.5x `df`'s time (doc/benchmarks.md). For a stream that is no terminal
 * libsmartcols only pads each column to its widest cell; JSON has no
 * layout at all. A terminal, raw and NAME="value" output stay with
 * libsmartcols (render-table.c), which does their width reduction and
 * wrapping. tests/unit/test-render-fast.c prints the same reports both
 * ways, hostile names included, and compares the bytes.
 *
 * Never touches a mount. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "escape.h"
#include "macro.h"
#include "render-fast.h"

/* A cell as printed: its text (the cell itself when nothing needed
 * encoding) and width; NULL for an empty one, as libsmartcols treats a
 * cell of zero width. */
struct shown {
	const char *text;
	size_t len, width;
};

static int show(const char *s, struct shown *ret, char **ret_alloc)
{
	const char *p = s;
	char *enc;

	*ret_alloc = NULL;
	*ret = (struct shown){};
	if (!s || !*s)
		return 0;
	p += escape_table_plain_prefix(s);
	if (!*p) {
		*ret = (struct shown){ .text = s, .len = (size_t)(p - s), .width = (size_t)(p - s) };
		return 0;
	}
	enc = malloc(strlen(s) * 4 + 1);
	if (!enc)
		return -ENOMEM;
	ret->width = escape_table_cell(s, enc);
	if (ret->width == 0) {
		free(enc);
		return 0;
	}
	ret->text = *ret_alloc = enc;
	ret->len = strlen(enc);
	return 0;
}

/* Output gathered in a buffer and written in large pieces: 10,000 rows of
 * JSON are 6 MB in 200,000 fields, and a stdio call per piece cost more
 * than building them. */
struct obuf {
	FILE *out;
	size_t len;
	char buf[64 * 1024];
};

static void ob_flush(struct obuf *b)
{
	if (b->len > 0)
		(void)fwrite_unlocked(b->buf, 1, b->len, b->out);
	b->len = 0;
}

static void ob_put(struct obuf *b, const char *s, size_t len)
{
	if (b->len + len > sizeof(b->buf)) {
		ob_flush(b);
		if (len > sizeof(b->buf)) {
			(void)fwrite_unlocked(s, 1, len, b->out);
			return;
		}
	}
	memcpy(b->buf + b->len, s, len);
	b->len += len;
}

static void ob_puts(struct obuf *b, const char *s)
{
	ob_put(b, s, strlen(s));
}

static void ob_c(struct obuf *b, char c)
{
	if (b->len == sizeof(b->buf))
		ob_flush(b);
	b->buf[b->len++] = c;
}

static void spaces(struct obuf *b, size_t n)
{
	static const char blank[64] = "                                                               ";

	while (n > 0) {
		size_t k = MIN(n, sizeof(blank) - 1);

		ob_put(b, blank, k);
		n -= k;
	}
}

/* One line as libsmartcols' print_data() lays it out: right-aligned cells
 * padded in front, others behind, the last column never padded behind. */
static void print_line(const struct fast_column *cols, size_t ncols, const struct shown *cells,
		       const size_t *widths, struct obuf *b)
{
	for (size_t c = 0; c < ncols; c++) {
		const struct shown *s = &cells[c];
		bool last = c + 1 == ncols;
		size_t width = widths[c];

		/* An empty cell is padding (print_empty_cell()), none at
		 * all in the last column; a last cell left-aligned is not
		 * padded behind (print_data()). */
		if (last && (!s->text || !cols[c].right))
			width = s->width;
		if (cols[c].right)
			spaces(b, width - s->width);
		if (s->text)
			ob_put(b, s->text, s->len);
		if (!cols[c].right)
			spaces(b, width - s->width);
		if (!last)
			ob_c(b, ' ');
	}
	ob_c(b, '\n');
}

/* One row's cells as printed, into shown[0..ncols), whose encoded texts
 * are allocs[] to free. */
static int show_row(const char *const *cells, size_t ncols, struct shown *shown, char **allocs)
{
	int r = 0;

	for (size_t c = 0; c < ncols; c++)
		if (r == 0)
			r = show(cells[c], &shown[c], &allocs[c]);
		else
			allocs[c] = NULL;
	return r;
}

static void free_row(char **allocs, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++)
		free(allocs[c]);
}

int render_fast_aligned(const struct fast_column *cols, size_t ncols, const char *const *cells, size_t nrows,
			bool noheadings, FILE *out)
{
	_cleanup_free_ struct obuf *b = NULL;
	struct shown shown[64], head[64];
	char *allocs[64];
	size_t widths[64] = {};
	int r = 0;

	if (ncols > ARRAY_SIZE(shown))
		return -E2BIG;
	/* libsmartcols' count_column_width() for a stream that is no
	 * terminal: the widest cell; if narrower than the header, the
	 * header's width, else an absolute width hint wider than both. A
	 * cell is encoded once to be measured and again to be printed, so
	 * that no row but the current one is held (a cell that needs no
	 * encoding, nearly all, costs a scan). */
	for (size_t i = 0; r == 0 && i < nrows; i++) {
		r = show_row(&cells[i * ncols], ncols, shown, allocs);
		for (size_t c = 0; r == 0 && c < ncols; c++)
			widths[c] = MAX(widths[c], shown[c].width);
		free_row(allocs, ncols);
	}
	for (size_t c = 0; c < ncols; c++) {
		size_t min = MAX(strlen(cols[c].name), 1U);

		head[c] = (struct shown){ .text = cols[c].name, .len = strlen(cols[c].name),
					  .width = strlen(cols[c].name) };
		if (widths[c] < min)
			widths[c] = min;
		else if (cols[c].width_hint >= 1 && widths[c] < (size_t)cols[c].width_hint &&
			 min < (size_t)cols[c].width_hint)
			widths[c] = (size_t)cols[c].width_hint;
	}

	/* as libsmartcols: no row, no header either */
	if (r < 0 || nrows == 0)
		return r;
	b = malloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->out = out;
	b->len = 0;
	if (!noheadings)
		print_line(cols, ncols, head, widths, b);
	for (size_t i = 0; r == 0 && i < nrows; i++) {
		r = show_row(&cells[i * ncols], ncols, shown, allocs);
		if (r == 0)
			print_line(cols, ncols, shown, widths, b);
		free_row(allocs, ncols);
	}
	ob_flush(b);
	return r;
}

/* libsmartcols' fputs_quoted_json() (util-linux include/carefulputc.h):
 * quote and backslash escaped, controls below 0x20 as \b \f \n \r \t or
 * \u00XX, every other byte as it is (the caller made it UTF-8). */
static void json_string(struct obuf *b, const char *s, bool lower)
{
	ob_c(b, '"');
	while (*s) {
		const char *run = s;
		unsigned char c;

		/* the bytes that need nothing, in one piece */
		while ((c = (unsigned char)*s) >= 0x20 && c != '"' && c != '\\' && !(lower && c >= 'A' && c <= 'Z'))
			s++;
		ob_put(b, run, (size_t)(s - run));
		if (!c)
			break;
		s++;
		if (c == '"' || c == '\\') {
			ob_c(b, '\\');
			ob_c(b, (char)c);
		} else if (c >= 'A' && c <= 'Z') {
			ob_c(b, (char)(c - 'A' + 'a'));
		} else {
			char esc[8];

			switch (c) {
			case '\b':
				ob_put(b, "\\b", 2);
				break;
			case '\f':
				ob_put(b, "\\f", 2);
				break;
			case '\n':
				ob_put(b, "\\n", 2);
				break;
			case '\r':
				ob_put(b, "\\r", 2);
				break;
			case '\t':
				ob_put(b, "\\t", 2);
				break;
			default:
				(void)snprintf(esc, sizeof(esc), "\\u00%02x", c);
				ob_puts(b, esc);
				break;
			}
		}
	}
	ob_c(b, '"');
}

int render_fast_json(const char *name, const struct fast_column *cols, size_t ncols, const char *const *cells,
		     size_t nrows, FILE *out)
{
	_cleanup_free_ struct obuf *b = malloc(sizeof(*b));
	_cleanup_free_ struct obuf *keys = malloc(sizeof(*keys));
	size_t key_at[65];

	if (!b || !keys || ncols > 64)
		return -ENOMEM;
	/* Every field's indentation and key, made once: a field then costs
	 * one copy before its value. */
	keys->out = NULL;
	keys->len = 0;
	for (size_t c = 0; c < ncols; c++) {
		key_at[c] = keys->len;
		ob_put(keys, "         ", 9);
		json_string(keys, cols[c].name, true);
		ob_put(keys, ": ", 2);
		if (keys->len > sizeof(keys->buf) - 4096)
			return -E2BIG;
	}
	key_at[ncols] = keys->len;
	b->out = out;
	b->len = 0;
	ob_puts(b, "{\n   ");
	json_string(b, name, false);
	ob_puts(b, ": [\n");
	for (size_t i = 0; i < nrows; i++) {
		ob_puts(b, i == 0 ? "      {\n" : "      },{\n");
		for (size_t c = 0; c < ncols; c++) {
			const char *v = cells[i * ncols + c];

			ob_put(b, keys->buf + key_at[c], key_at[c + 1] - key_at[c]);
			if (!v || !*v)
				ob_put(b, "null", 4);
			else if (cols[c].number)
				ob_puts(b, v);
			else
				json_string(b, v, false);
			ob_puts(b, c + 1 < ncols ? ",\n" : "\n");
		}
	}
	/* as libsmartcols: an empty array keeps an empty line */
	ob_puts(b, nrows > 0 ? "      }\n" : "\n");
	ob_puts(b, "   ]\n}\n");
	ob_flush(b);
	return 0;
}
