/* Perfdata labels: short mount points kept, long ones cut to their tail,
 * clashes resolved, every label and latency label unique in the 19
 * characters graphers keep, and nothing a parser would trip over. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "perfdata.h"
#include "tap.h"

#define MAXN 8

static char labels[MAXN][PERFDATA_LABEL_SIZE];

static void make(const char *const *names, size_t n)
{
	int ids[MAXN];

	for (size_t i = 0; i < n; i++)
		ids[i] = 40 + (int)i;
	is_int(perfdata_labels(names, ids, n, labels), 0, "labels for %zu mounts", n);
}

/* Every label and "<label> latency", cut to 19 characters, differs from
 * every other; none is longer than 18 or holds ', = or |. */
static void all_unique(size_t n, const char *what)
{
	char kept[2 * MAXN][PERFDATA_LABEL_KEEP + 1];
	bool ok_ = true;

	for (size_t i = 0; i < n; i++) {
		char tmp[256];

		(void)snprintf(tmp, sizeof(tmp), "%s", labels[i]);
		tmp[PERFDATA_LABEL_KEEP] = '\0';
		memcpy(kept[2 * i], tmp, sizeof(kept[0]));
		(void)snprintf(tmp, sizeof(tmp), "%s%s", labels[i], PERFDATA_LATENCY_SUFFIX);
		tmp[PERFDATA_LABEL_KEEP] = '\0';
		memcpy(kept[2 * i + 1], tmp, sizeof(kept[0]));
		if (strlen(labels[i]) > PERFDATA_LABEL_MAX || strpbrk(labels[i], "'=|\n"))
			ok_ = false;
	}
	for (size_t i = 0; i < 2 * n; i++)
		for (size_t j = i + 1; j < 2 * n; j++)
			if (streq(kept[i], kept[j])) {
				printf("# '%s' twice\n", kept[i]);
				ok_ = false;
			}
	ok(ok_, "%s: labels unique in their first 19 characters, clean, short", what);
}

static char *quoted(const char *label, const char *suffix)
{
	static char buf[128];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	perfdata_write_label(f, label, suffix);
	fclose(f);
	return buf;
}

int main(void)
{
	{
		const char *n[] = { "/", "/mnt/a", "/srv/data" };
		make(n, 3);
		is_str(labels[0], "/", "/ stays /");
		is_str(labels[1], "/mnt/a", "a short mount point is its own label");
		is_str(labels[2], "/srv/data", "up to 18 characters kept whole");
		all_unique(3, "short");
	}
	{
		const char *n[] = { "/srv/nfs/exactly18", "/srv/nfs/exactly19c" };
		make(n, 2);
		is_str(labels[0], "/srv/nfs/exactly18", "18 characters fit");
		is_str(labels[1], "../nfs/exactly19c", "19 do not: the longest tail from a slash that fits");
		all_unique(2, "at the limit");
	}
	{
		const char *n[] = { "/srv/data/projects/alpha", "/srv/data/projects/beta" };
		make(n, 2);
		is_str(labels[0], "../projects/alpha", "long: the tail that fits, from a slash");
		is_str(labels[1], "../projects/beta", "long: distinct tails stay as they are");
		all_unique(2, "same 19-character prefix");
	}
	{
		const char *n[] = { "/home/alice/remote/data", "/home/carol/remote/data", "/mnt/x" };
		make(n, 3);
		is_str(labels[0], "../remote/data#40", "same tail: the mount ID is added");
		is_str(labels[1], "../remote/data#41", "same tail: the other's ID");
		is_str(labels[2], "/mnt/x", "the others untouched");
		all_unique(3, "same tails");
	}
	{
		/* "/x latency" as a mount point against "/x" + " latency" */
		const char *n[] = { "/x", "/x latency" };
		make(n, 2);
		all_unique(2, "a mount point that looks like a latency label");
	}
	{
		const char *n[] = { "/mnt/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
		make(n, 1);
		is_str(labels[0], "..aaaaaaaaaaaaaaaa", "no slash in the tail: the last 16 characters");
	}
	{
		const char *n[] = { "/mnt/it's a=b|c\nd" };
		make(n, 1);
		is_str(labels[0], "/mnt/it_s a_b_c_d", "quote, =, | and control characters become _");
		is_str(quoted(labels[0], PERFDATA_LATENCY_SUFFIX), "'/mnt/it_s a_b_c_d latency'", "quoted");
	}
	{
		/* 3-byte UTF-8 characters: a cut must not split one */
		const char *n[] = { "/mnt/\xc3\xa9t\xc3\xa9/\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
				    "\xe2\x82\xac\xe2\x82\xac" };
		make(n, 1);
		ok((unsigned char)labels[0][2] < 0x80 || (unsigned char)labels[0][2] >= 0xc0,
		   "a cut lands on a character boundary");
		ok(strlen(labels[0]) <= PERFDATA_LABEL_MAX, "and fits");
	}
	{
		/* two mounts stacked on one mount point */
		const char *n[] = { "/srv/share", "/srv/share" };
		make(n, 2);
		is_str(labels[0], "/srv/share#40", "stacked: first by ID");
		is_str(labels[1], "/srv/share#41", "stacked: second by ID");
		all_unique(2, "stacked");
	}
	{
		/* the ID suffix makes "/a#41" from "/a" clash with a mount
		 * point really called "/a#41": the last resort then */
		const char *n[] = { "/a", "/a", "/a#41" };
		make(n, 3);
		all_unique(3, "a mount point that looks like a disambiguated label");
	}
	{
		const char *n[] = { "/a" };
		int ids[] = { 1 };
		ok(perfdata_labels(n, ids, 0, labels) == 0, "no mounts: nothing to do");
	}
	is_str(quoted("it's", ""), "'it''s'", "a quote inside a label is doubled");
	is_str(quoted("/", ""), "'/'", "labels are always quoted");
	return tap_done();
}
