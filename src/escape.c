/* Every output's escaping rule; see escape.h. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "escape.h"

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd" /* U+FFFD in UTF-8 */

size_t utf8_seq_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		unsigned char lo = p[0] == 0xe0 ? 0xa0 : 0x80, hi = p[0] == 0xed ? 0x9f : 0xbf;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		unsigned char lo = p[0] == 0xf0 ? 0x90 : 0x80, hi = p[0] == 0xf4 ? 0x8f : 0xbf;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

char *utf8_sanitized_dup(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;

	if (!s)
		return NULL;
	/* Each bad byte grows to three: size for the worst case. */
	out = malloc(strlen(s) * 3 + 1);
	if (!out)
		return NULL;
	for (o = out; *p;) {
		size_t n = utf8_seq_len(p);

		if (n == 0) {
			memcpy(o, REPLACEMENT_CHARACTER, 3);
			o += 3;
			p++;
		} else {
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	*o = '\0';
	return out;
}

/* A byte libsmartcols prints as it is, with no locale involved: printable
 * ASCII. Others go through escape_table_cell(). */
static inline bool plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

size_t escape_table_plain_prefix(const char *s)
{
	const char *p = s;

	while (plain_byte((unsigned char)*p) && !(*p == '\\' && p[1] == 'x'))
		p++;
	return (size_t)(p - s);
}

/* libsmartcols' mbs_safe_encode_to_buffer() (util-linux lib/mbsalign.c):
 * control bytes, bytes of invalid or unprintable characters and the
 * backslash of a literal "\x" become "\xHH"; printable characters stay.
 * Writes at most 4 * strlen(s) + 1 bytes to out; returns the width in
 * terminal cells. */
size_t escape_table_cell(const char *s, char *out)
{
	const char *p = s;
	char *o = out;
	size_t width = 0;
	mbstate_t st = {};

	while (*p) {
		unsigned char c = (unsigned char)*p;

		if ((c == '\\' && p[1] == 'x') || c < 0x20 || c == 0x7f) {
			(void)sprintf(o, "\\x%02x", c);
			o += 4;
			width += 4;
			p++;
		} else if (plain_byte(c)) {
			*o++ = *p++;
			width++;
		} else {
			wchar_t wc;
			size_t len = mbrtowc(&wc, p, MB_CUR_MAX, &st);

			if (len == 0)
				break;
			if (len == (size_t)-1 || len == (size_t)-2) {
				len = 1;
				if (!isprint(c)) {
					(void)sprintf(o, "\\x%02x", c);
					o += 4;
					width += 4;
				} else {
					*o++ = *p;
					width++;
				}
			} else if (!iswprint((wint_t)wc)) {
				for (size_t i = 0; i < len; i++) {
					(void)sprintf(o, "\\x%02x", (unsigned char)p[i]);
					o += 4;
					width += 4;
				}
			} else {
				int w = wcwidth(wc);

				memcpy(o, p, len);
				o += len;
				width += w > 0 ? (size_t)w : 0;
			}
			p += len;
		}
	}
	*o = '\0';
	return width;
}

void escape_nagios_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '|' || *p == '\\')
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
}

void escape_nagios_label(FILE *out, const char *label, const char *suffix)
{
	const char *parts[] = { label, suffix };

	fputc('\'', out);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (const char *p = parts[i]; p && *p; p++) {
			if (*p == '\'')
				fputc('\'', out);
			fputc(*p, out);
		}
	fputc('\'', out);
}

void escape_prom_label_value(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		size_t n = utf8_seq_len(p);

		if (n == 0) {
			fputs(REPLACEMENT_CHARACTER, out);
			p++;
		} else if (*p == '\\' || *p == '"') {
			fputc('\\', out);
			fputc(*p++, out);
		} else if (*p == '\n') {
			fputs("\\n", out);
			p++;
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
}

void escape_df_controls(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}
