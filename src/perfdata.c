/* Nagios performance data labels; see perfdata.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cleanup.h"
#include "macro.h"
#include "perfdata.h"

static bool breaks_parsers(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '\'' || c == '=' || c == '|';
}

/* UTF-8 continuation bytes: a cut must not land before one, or the label
 * would start with half a character. */
static bool is_continuation(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Copies at most max bytes of s into buf: s itself when it fits, else
 * ".." and the longest tail that fits, starting at a '/' if one is in it. */
static void shorten(const char *s, size_t max, char *buf)
{
	size_t len = strlen(s), budget;
	const char *tail;

	if (len <= max) {
		memcpy(buf, s, len + 1);
		return;
	}
	budget = max - 2;
	tail = s + len - budget;
	while (*tail && is_continuation((unsigned char)*tail))
		tail++;
	if (strchr(tail, '/'))
		tail = strchr(tail, '/');
	buf[0] = buf[1] = '.';
	memcpy(buf + 2, tail, strlen(tail) + 1);
}

/* The first PERFDATA_LABEL_KEEP characters of label + suffix. */
static void kept(const char *label, const char *suffix, char *buf)
{
	(void)snprintf(buf, PERFDATA_LABEL_KEEP + 1, "%s%s", label, suffix);
}

/* Marks in clash[] every mount whose label or latency label agrees with
 * another's in the kept characters; returns how many, or -ENOMEM. */
static ssize_t find_clashes(char (*labels)[PERFDATA_LABEL_SIZE], size_t n, bool *clash)
{
	typedef char keep_t[2][PERFDATA_LABEL_KEEP + 1];
	_cleanup_free_ keep_t *k = calloc(MAX(n, 1U), sizeof(*k));
	ssize_t count = 0;

	if (!k)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		kept(labels[i], "", k[i][0]);
		kept(labels[i], PERFDATA_LATENCY_SUFFIX, k[i][1]);
	}
	memset(clash, 0, n * sizeof(*clash));
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			for (size_t si = 0; si < 2; si++)
				for (size_t sj = 0; sj < 2; sj++)
					if (streq(k[i][si], k[j][sj])) {
						count += !clash[i] + !clash[j];
						clash[i] = clash[j] = true;
					}
	return count;
}

int perfdata_labels(const char *const *names, const int *ids, size_t n, char (*labels)[PERFDATA_LABEL_SIZE])
{
	_cleanup_free_ bool *clash = calloc(MAX(n, 1U), sizeof(*clash));
	_cleanup_free_ char **clean = calloc(MAX(n, 1U), sizeof(*clean));
	ssize_t c;
	int r = 0;

	if (!clash || !clean)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		clean[i] = strdup(names[i] ? names[i] : "");
		if (!clean[i]) {
			r = -ENOMEM;
			goto out;
		}
		for (char *p = clean[i]; *p; p++)
			if (breaks_parsers((unsigned char)*p))
				*p = '_';
		shorten(clean[i], PERFDATA_LABEL_MAX, labels[i]);
	}

	c = find_clashes(labels, n, clash);
	if (c > 0) {
		for (size_t i = 0; i < n; i++) {
			char id[16];
			int k;

			if (!clash[i])
				continue;
			k = snprintf(id, sizeof(id), "#%d", ids[i]);
			shorten(clean[i], PERFDATA_LABEL_MAX - (size_t)k, labels[i]);
			strcat(labels[i], id);
		}
		/* A label from a mount point always starts with '/' or "..",
		 * so these can clash with none of them, nor, with unique IDs,
		 * with each other. */
		c = find_clashes(labels, n, clash);
		if (c > 0)
			for (size_t i = 0; i < n; i++)
				if (clash[i])
					(void)snprintf(labels[i], PERFDATA_LABEL_SIZE, "mount %d", ids[i]);
	}
	if (c < 0)
		r = (int)c;
out:
	for (size_t i = 0; i < n; i++)
		free(clean[i]);
	return r;
}

void perfdata_write_label(FILE *out, const char *label, const char *suffix)
{
	const char *parts[] = { label, suffix };

	fputc('\'', out);
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		for (const char *p = parts[i]; p && *p; p++) {
			if (*p == '\'')
				fputc('\'', out);
			fputc(*p, out);
		}
	fputc('\'', out);
}
