/* Perfdata labels: the whole mount point, as check_disk labels a mount,
 * clashes resolved so that every label, latency label and inode label is
 * unique, and nothing a parser would trip over. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "perfdata.h"
#include "tap.h"

#define MAXN 8

static char *labels[MAXN];
static size_t nlabels;

static void make(const char *const *names, size_t n)
{
	int ids[MAXN];

	perfdata_labels_free(labels, nlabels);
	for (size_t i = 0; i < n; i++)
		ids[i] = 40 + (int)i;
	nlabels = n;
	is_int(perfdata_labels(names, ids, n, labels), 0, "labels for %zu mounts", n);
}

/* Every label, "<label> latency" and "<label> (inodes)" differs from
 * every other; none holds ', = or | or a control character. */
static void all_unique(size_t n, const char *what)
{
	static const char *const suffixes[] = { "", PERFDATA_LATENCY_SUFFIX, PERFDATA_INODES_SUFFIX };
	char all[3 * MAXN][256];
	bool ok_ = true;

	for (size_t i = 0; i < n; i++) {
		for (size_t s = 0; s < 3; s++)
			(void)snprintf(all[3 * i + s], sizeof(all[0]), "%s%s", labels[i], suffixes[s]);
		for (const char *p = labels[i]; *p; p++)
			if ((unsigned char)*p < 0x20 || strchr("'=|", *p))
				ok_ = false;
	}
	for (size_t i = 0; i < 3 * n; i++)
		for (size_t j = i + 1; j < 3 * n; j++)
			if (streq(all[i], all[j])) {
				printf("# '%s' twice\n", all[i]);
				ok_ = false;
			}
	ok(ok_, "%s: every item's label unique and clean", what);
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
		is_str(labels[1], "/mnt/a", "a mount point is its own label");
		all_unique(3, "short");
	}
	{
		const char *n[] = { "/srv/data/projects/alpha", "/home/alice/remote/data/with/a/long/path" };
		make(n, 2);
		is_str(labels[0], "/srv/data/projects/alpha", "long mount points kept whole, as check_disk");
		is_str(labels[1], "/home/alice/remote/data/with/a/long/path", "however long");
		all_unique(2, "long");
	}
	{
		/* "/x latency" as a mount point against "/x" + " latency" */
		const char *n[] = { "/x", "/x latency", "/y" };
		make(n, 3);
		is_str(labels[0], "/x#40", "a mount point that is another's latency label: both by ID");
		is_str(labels[1], "/x latency#41", "and the other");
		is_str(labels[2], "/y", "the rest untouched");
		all_unique(3, "a mount point that looks like a latency label");
	}
	{
		const char *n[] = { "/x", "/x (inodes)" };
		make(n, 2);
		all_unique(2, "a mount point that looks like an inode label");
	}
	{
		const char *n[] = { "/mnt/it's a=b|c\nd" };
		make(n, 1);
		is_str(labels[0], "/mnt/it_s a_b_c_d", "quote, =, | and control characters become _");
		is_str(quoted(labels[0], PERFDATA_LATENCY_SUFFIX), "'/mnt/it_s a_b_c_d latency'", "quoted");
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
		/* cleaning makes two names one */
		const char *n[] = { "/a=b", "/a|b" };
		make(n, 2);
		all_unique(2, "names that clean to the same label");
	}
	{
		/* the ID suffix makes "/a#41" from "/a" clash with a mount
		 * point really called "/a#41": the last resort then */
		const char *n[] = { "/a", "/a", "/a#41" };
		make(n, 3);
		all_unique(3, "a mount point that looks like a disambiguated label");
	}
	{
		const char *n[] = { "grp", "tmpfsA" };
		make(n, 2);
		is_str(labels[0], "grp", "a group name (-g) as it is");
		is_str(labels[1], "tmpfsA", "a device (-M) as it is");
	}
	{
		const char *n[] = { "/a" };
		int ids[] = { 1 };
		char *l[1] = { NULL };
		ok(perfdata_labels(n, ids, 0, l) == 0 && !l[0], "no mounts: nothing to do");
	}
	perfdata_labels_free(labels, nlabels);
	is_str(quoted("it's", ""), "'it''s'", "a quote inside a label is doubled");
	is_str(quoted("/", ""), "'/'", "labels are always quoted");
	return tap_done();
}
