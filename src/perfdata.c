/* Nagios performance data labels; see perfdata.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cleanup.h"
#include "escape.h"
#include "hashmap.h"
#include "macro.h"
#include "perfdata.h"

static bool breaks_parsers(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '\'' || c == '=' || c == '|';
}

static const char *const suffixes[] = { PERFDATA_LATENCY_SUFFIX, PERFDATA_INODES_SUFFIX };

/* Whether labels holds s itself, other than at index self. */
static bool held(const struct hashmap *h, char **labels, const char *s, size_t slen, size_t self)
{
	size_t pos = 0;
	ssize_t j;
	char *tmp = strndup(s, slen);
	bool found = false;

	if (!tmp)
		return true; /* out of memory: disambiguate, never wrong */
	while (!found && (j = hashmap_next(h, hash_string(tmp), &pos)) >= 0)
		found = (size_t)j != self && streq(labels[j], tmp);
	free(tmp);
	return found;
}

/* Marks every label that equals another, or equals another plus a suffix
 * (or the other way round); returns how many, or -ENOMEM. Linear: a hash
 * of the labels, so that 60,000 mounts cost nothing. */
static ssize_t find_clashes(char **labels, size_t n, bool *clash)
{
	_cleanup_(hashmap_done) struct hashmap h = {};
	ssize_t count = 0;

	if (hashmap_init(&h, n) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (hashmap_add(&h, hash_string(labels[i]), (ssize_t)i) < 0)
			return -ENOMEM;
	memset(clash, 0, n * sizeof(*clash));
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(labels[i]);

		if (held(&h, labels, labels[i], len, i))
			clash[i] = true;
		/* "/x latency" is the latency label of "/x": both change */
		for (size_t s = 0; s < ARRAY_SIZE(suffixes); s++) {
			size_t sl = strlen(suffixes[s]);
			size_t pos = 0;
			ssize_t j;
			char *stem;

			if (len < sl || strcmp(labels[i] + len - sl, suffixes[s]) != 0)
				continue;
			stem = strndup(labels[i], len - sl);
			if (!stem)
				return -ENOMEM;
			while ((j = hashmap_next(&h, hash_string(stem), &pos)) >= 0)
				if ((size_t)j != i && streq(labels[j], stem))
					clash[i] = clash[j] = true;
			free(stem);
		}
	}
	for (size_t i = 0; i < n; i++)
		count += clash[i];
	return count;
}

void perfdata_labels_free(char **labels, size_t n)
{
	for (size_t i = 0; labels && i < n; i++) {
		free(labels[i]);
		labels[i] = NULL;
	}
}

int perfdata_labels(const char *const *names, const int *ids, size_t n, char **labels)
{
	_cleanup_free_ bool *clash = calloc(MAX(n, 1U), sizeof(*clash));
	ssize_t c;

	if (!clash)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		labels[i] = strdup(names[i] ? names[i] : "");
		if (!labels[i])
			goto nomem;
		for (char *p = labels[i]; *p; p++)
			if (breaks_parsers((unsigned char)*p))
				*p = '_';
	}

	c = find_clashes(labels, n, clash);
	if (c > 0) {
		for (size_t i = 0; i < n; i++) {
			char *l;

			if (!clash[i])
				continue;
			if (asprintf(&l, "%s#%d", labels[i], ids[i]) < 0)
				goto nomem;
			free(labels[i]);
			labels[i] = l;
		}
		/* "/a#41" may be another mount's real mount point: the last
		 * resort, which no mount point (they start with '/') and no
		 * other ID can give. */
		c = find_clashes(labels, n, clash);
		for (size_t i = 0; c > 0 && i < n; i++) {
			char *l;

			if (!clash[i])
				continue;
			if (asprintf(&l, "mount %d", ids[i]) < 0)
				goto nomem;
			free(labels[i]);
			labels[i] = l;
		}
	}
	if (c < 0)
		goto nomem;
	return 0;
nomem:
	perfdata_labels_free(labels, n);
	return -ENOMEM;
}

void perfdata_write_label(FILE *out, const char *label, const char *suffix)
{
	escape_nagios_label(out, label, suffix);
}
