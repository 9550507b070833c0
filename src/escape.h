/* How each output writes a string it does not control (a mount point, a
 * source, an fstype: bytes a user could choose), in one place: every rule
 * keeps one output's syntax from being forged by such a string.
 *
 *  output                  rule
 *  Nagios text             control bytes, '|' and '\' as \xNN
 *  Nagios perfdata label   in single quotes, a quote doubled
 *  Prometheus label value  '\', '"' and newline backslashed; bad UTF-8 U+FFFD
 *  JSON and table cells    bad UTF-8 U+FFFD (libsmartcols escapes the rest)
 *  table and JSON printed  as libsmartcols: control bytes, invalid or
 *    directly              unprintable characters and "\x" as \xHH
 *  df's table              control bytes as '?', in place, as GNU df
 *
 * None of them fails; those that write to a FILE take NULL as "". */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* Bytes of a well-formed UTF-8 sequence at p (1-4), 0 if it is not one.
 * Overlong forms and surrogates are refused, as Go's utf8.ValidString,
 * which the Prometheus parsers apply to label values, refuses them. */
size_t utf8_seq_len(const unsigned char *p);

/* A copy of s in which every byte that is no valid UTF-8 is U+FFFD: JSON
 * and Prometheus text must be UTF-8, mount points are just bytes. NULL
 * only for a NULL s or out of memory. */
char *utf8_sanitized_dup(const char *s);

/* A cell of the table or JSON printed without libsmartcols
 * (render-fast.c), encoded as libsmartcols' mbs_safe_encode_to_buffer()
 * (util-linux lib/mbsalign.c) does: control bytes, bytes of invalid or
 * unprintable characters (in the locale) and the backslash of a literal
 * "\x" become \xHH; printable characters stay. Writes at most
 * 4 * strlen(s) + 1 bytes to out; returns the width in terminal cells. */
size_t escape_table_cell(const char *s, char *out);

/* How many bytes at the start of s escape_table_cell() keeps without
 * asking the locale (printable ASCII, no "\x"): all of s, the common
 * case, needs no copy. */
size_t escape_table_plain_prefix(const char *s);

/* Text for people in a plugin's output: a '|' would end the text and
 * start perfdata, a newline would start long output, so both (and other
 * control bytes, and the escape character itself) are written as \xNN,
 * as libsmartcols' raw output does. */
void escape_nagios_text(FILE *out, const char *s);

/* A perfdata label, label then suffix, quoted as the plugin guidelines
 * say: in single quotes, a quote inside doubled. */
void escape_nagios_label(FILE *out, const char *label, const char *suffix);

/* A Prometheus label value (what goes between its double quotes):
 * backslash, double quote and newline escaped as the text format wants; a
 * byte that is no valid UTF-8 becomes U+FFFD, since a scraper rejects the
 * whole file for one. */
void escape_prom_label_value(FILE *out, const char *s);

/* df replaces control characters with '?' so a crafted mount point cannot
 * forge lines or terminal escapes; in place, the length unchanged. */
void escape_df_controls(char *s);
