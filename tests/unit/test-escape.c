/* Every output's escaping rule (escape.h) on the strings that would
 * forge its syntax: a '|' or newline in Nagios text, a quote in a perfdata
 * label, a quote, backslash, newline or bad UTF-8 in a Prometheus label
 * value, a terminal escape in df's table. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "macro.h"
#include "tap.h"

/* A stream into memory, and what was written to it, in a static buffer
 * that the next capture replaces. */
static char *captured;
static size_t captured_len;

static FILE *capture(void)
{
	FILE *f;

	free(captured);
	captured = NULL;
	f = open_memstream(&captured, &captured_len);
	if (!f)
		abort();
	return f;
}

static const char *captured_text(FILE *f)
{
	fclose(f);
	return captured;
}

/* What fn writes for s. */
static const char *written(void (*fn)(FILE *, const char *), const char *s)
{
	FILE *f = capture();

	fn(f, s);
	return captured_text(f);
}

static const char *label(const char *l, const char *suffix)
{
	FILE *f = capture();

	escape_nagios_label(f, l, suffix);
	return captured_text(f);
}

static const char *df(const char *s)
{
	static char buf[256];

	(void)snprintf(buf, sizeof(buf), "%s", s);
	escape_df_controls(buf);
	return buf;
}

int main(void)
{
	char *d;

	is_str(written(escape_nagios_text, "/mnt/a b"), "/mnt/a b", "Nagios text: plain text as it is");
	is_str(written(escape_nagios_text, "/x|y\nz\\w\x7f\x01"), "/x\\x7cy\\x0az\\x5cw\\x7f\\x01",
	       "Nagios text: '|', newline, backslash, DEL, control bytes as \\xNN");
	is_str(written(escape_nagios_text, "/m/\xc3\xa9\xff"), "/m/\xc3\xa9\xff", "Nagios text: other bytes untouched");
	is_str(written(escape_nagios_text, NULL), "", "Nagios text: NULL is empty");

	is_str(label("/srv/it's", " latency"), "'/srv/it''s latency'", "perfdata label: quoted, a quote doubled");
	is_str(label("/", NULL), "'/'", "perfdata label: no suffix");

	is_str(written(escape_prom_label_value, "/a\"b\\c\nd"), "/a\\\"b\\\\c\\nd",
	       "Prometheus: quote, backslash, newline escaped");
	is_str(written(escape_prom_label_value, "/m/\xc3\xa9"), "/m/\xc3\xa9", "Prometheus: valid UTF-8 kept");
	is_str(written(escape_prom_label_value, "/m/\xff\xc0\xaf\xed\xa0\x80"),
	       "/m/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	       "Prometheus: a stray byte, an overlong '/', a surrogate: U+FFFD per byte");
	is_str(written(escape_prom_label_value, "/m/\xf0\x9f\x92\xbe\tx"), "/m/\xf0\x9f\x92\xbe\tx",
	       "Prometheus: a 4-byte sequence and a tab kept");

	is_str(df("/mnt/\x1b[31mred\n"), "/mnt/?[31mred?", "df: ESC and newline as '?'");
	is_str(df("/mnt/\xc3\xa9\x7f"), "/mnt/\xc3\xa9?", "df: DEL as '?', UTF-8 untouched");

	d = utf8_sanitized_dup("/a\xfe/\xe2\x82\xac");
	is_str(d, "/a\xef\xbf\xbd/\xe2\x82\xac", "UTF-8 copy: the bad byte replaced, the euro sign kept");
	free(d);
	ok(utf8_sanitized_dup(NULL) == NULL, "UTF-8 copy of NULL: NULL");
	is_int((int)utf8_seq_len((const unsigned char *)"\xe2\x82\xac"), 3, "sequence length: 3");
	is_int((int)utf8_seq_len((const unsigned char *)"\xe0\x80\x80"), 0, "sequence length: overlong refused");
	is_int((int)utf8_seq_len((const unsigned char *)"\xf4\x90\x80\x80"), 0, "sequence length: past U+10FFFF refused");
	return tap_done();
}
