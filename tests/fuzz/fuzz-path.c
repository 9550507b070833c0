/* path_normalize(), the lexical half of FILE resolution on a network or
 * FUSE mount: its output is absolute and clean (no empty, "." or ".."
 * component, no trailing slash), never longer than its input plus the
 * leading slash, keeps the input's other components in order, and
 * normalizing it again changes nothing. */
#include "fuzz.h"
#include "macro.h"
#include "mounts.h"

/* The components ".." leaves of path, joined as normalize does: the
 * reference, by a stack rather than by backing up in place. */
static char *reference(const char *path)
{
	size_t len = strlen(path), n = 0;
	const char **comp = calloc(len + 1, sizeof(*comp));
	size_t *clen = calloc(len + 1, sizeof(*clen));
	char *out = malloc(len + 2), *o = out;

	if (!comp || !clen || !out)
		abort();
	for (const char *p = path; *p;) {
		const char *c;

		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		if (p == c || (p - c == 1 && c[0] == '.'))
			continue;
		if (p - c == 2 && c[0] == '.' && c[1] == '.') {
			if (n > 0)
				n--;
			continue;
		}
		comp[n] = c;
		clen[n++] = (size_t)(p - c);
	}
	for (size_t i = 0; i < n; i++) {
		*o++ = '/';
		memcpy(o, comp[i], clen[i]);
		o += clen[i];
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	free(comp);
	free(clen);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *n = path_normalize(s), *again, *want;
	size_t l;

	fuzz_check(n, "out of memory");
	l = strlen(n);
	fuzz_check(n[0] == '/', "'%s' -> '%s': not absolute", s, n);
	fuzz_check(l <= strlen(s) + 1, "'%s' -> '%s': grew", s, n);
	fuzz_check(l == 1 || n[l - 1] != '/', "'%s' -> '%s': trailing slash", s, n);
	fuzz_check(!strstr(n, "//") && !strstr(n, "/./") && !strstr(n, "/../"), "'%s' -> '%s': not clean", s, n);
	fuzz_check(!(l >= 2 && streq(n + l - 2, "/.")) && !(l >= 3 && streq(n + l - 3, "/..")),
		   "'%s' -> '%s': ends in . or ..", s, n);
	want = reference(s);
	fuzz_check(streq(n, want), "'%s' -> '%s', want '%s'", s, n, want);
	again = path_normalize(n);
	fuzz_check(again && streq(again, n), "'%s' -> '%s' -> '%s': not idempotent", s, n, again);
	free(again);
	free(want);
	free(n);
	free(s);
	return 0;
}
