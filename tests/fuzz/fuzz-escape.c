/* escape.h, every output's rule, on any bytes: each output decodes back
 * to its input (Nagios text from \xNN; a Prometheus label value from its
 * backslashes, where the input is valid UTF-8), holds none of the bytes
 * that would end or forge its syntax (a raw '|' or control byte in Nagios
 * text, a raw newline or an unescaped quote in a label value), and is
 * valid UTF-8 where the format demands it; df's rule keeps the length and
 * leaves no control byte; a table cell encoded as libsmartcols does holds
 * no control byte, fits its bound, and is the input itself when the input
 * is printable ASCII without "\x". */
#include "escape.h"
#include "fuzz.h"

static char *written(void (*fn)(FILE *, const char *), const char *s, size_t *ret_len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	if (!f)
		abort();
	fn(f, s);
	fclose(f);
	return buf;
}

static bool valid_utf8(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len((const unsigned char *)s + i);

		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void check_nagios(const char *s)
{
	size_t len, o = 0, slen = strlen(s);
	char *out = written(escape_nagios_text, s, &len);

	for (size_t i = 0; i < len; i++, o++) {
		unsigned char c = (unsigned char)out[i];

		fuzz_check(c >= 0x20 && c != 0x7f && c != '|', "nagios: raw byte 0x%02x", c);
		if (c == '\\') {
			fuzz_check(i + 3 < len, "nagios: escape cut short");
			fuzz_check(out[i + 1] == 'x' && hex(out[i + 2]) >= 0 && hex(out[i + 3]) >= 0, "nagios: bad escape");
			c = (unsigned char)(hex(out[i + 2]) * 16 + hex(out[i + 3]));
			i += 3;
		}
		fuzz_check(o < slen && (unsigned char)s[o] == c, "nagios: reads back as something else at %zu", o);
	}
	fuzz_check(o == slen, "nagios: cut short");
	free(out);
}

static void check_prom(const char *s)
{
	size_t len, o = 0, slen = strlen(s);
	char *out = written(escape_prom_label_value, s, &len);
	bool exact = valid_utf8(s, slen);

	fuzz_check(valid_utf8(out, len), "prom: not UTF-8");
	for (size_t i = 0; i < len; i++, o++) {
		char c = out[i];

		fuzz_check(c != '\n' && c != '"', "prom: raw newline or quote");
		if (c == '\\') {
			fuzz_check(i + 1 < len && strchr("\\\"n", out[i + 1]), "prom: bad escape");
			c = out[i + 1] == 'n' ? '\n' : out[i + 1];
			i++;
		}
		if (exact)
			fuzz_check(o < slen && s[o] == c, "prom: reads back as something else at %zu", o);
	}
	if (exact)
		fuzz_check(o == slen, "prom: cut short");
	free(out);
}

static void check_df(const char *s)
{
	char *d = strdup(s);
	size_t slen = strlen(s);

	if (!d)
		abort();
	escape_df_controls(d);
	fuzz_check(strlen(d) == slen, "df: length changed");
	for (size_t i = 0; i < slen; i++) {
		unsigned char c = (unsigned char)s[i];
		bool control = c < 0x20 || c == 0x7f;

		fuzz_check(control ? d[i] == '?' : d[i] == s[i], "df: byte %zu", i);
	}
	free(d);
}

static void check_table_cell(const char *s)
{
	size_t slen = strlen(s), plain = escape_table_plain_prefix(s);
	char *out = malloc(4 * slen + 1);

	if (!out)
		abort();
	(void)escape_table_cell(s, out);
	fuzz_check(strlen(out) <= 4 * slen, "table cell: past its bound");
	for (const char *p = out; *p; p++)
		fuzz_check((unsigned char)*p >= 0x20 && *p != 0x7f, "table cell: raw control byte 0x%02x", (unsigned char)*p);
	fuzz_check(plain <= slen, "table cell: plain prefix past the end");
	if (plain == slen)
		fuzz_check(strcmp(out, s) == 0, "table cell: plain text changed");
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *u;

	check_nagios(s);
	check_prom(s);
	check_df(s);
	check_table_cell(s);
	u = utf8_sanitized_dup(s);
	fuzz_check(u && valid_utf8(u, strlen(u)), "UTF-8 copy: not UTF-8");
	if (valid_utf8(s, strlen(s)))
		fuzz_check(strcmp(u, s) == 0, "UTF-8 copy: valid input changed");
	free(u);
	free(s);
	return 0;
}
