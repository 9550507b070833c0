/* perfdata_labels(), the Nagios perfdata labels of mount points: what
 * perfdata.h promises, for any set of mount points (lines of the input,
 * each made absolute as mountinfo's are) with unique IDs: every label
 * holds no character that breaks a perfdata parser, starts with '/' or
 * "mount ", is the cleaned mount point itself unless it had to be told
 * apart, and "<label>", "<label> latency" and "<label> (inodes)" of all
 * mounts are unique. perfdata_write_label() quotes it so that it reads
 * back. */
#include "fuzz.h"
#include "macro.h"
#include "perfdata.h"

#define MOUNTS_MAX 64

/* Reads 'x''y' back as x'y: what a perfdata parser sees. */
static void check_quoted(const char *label, const char *suffix)
{
	char *buf = NULL, *want;
	size_t len = 0, o = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	perfdata_write_label(f, label, suffix);
	fclose(f);
	if (asprintf(&want, "%s%s", label, suffix) < 0)
		abort();
	fuzz_check(len >= 2 && buf[0] == '\'' && buf[len - 1] == '\'', "%s: not quoted", buf);
	for (size_t i = 1; i + 1 < len; i++, o++) {
		if (buf[i] == '\'') {
			fuzz_check(buf[i + 1] == '\'' && i + 2 < len, "%s: lone quote", buf);
			i++;
		}
		fuzz_check(want[o] == buf[i], "%s: reads back as something else", buf);
	}
	fuzz_check(want[o] == '\0', "%s: cut short", buf);
	free(want);
	free(buf);
}

static const char *const suffixes[] = { "", PERFDATA_LATENCY_SUFFIX, PERFDATA_INODES_SUFFIX };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *names[MOUNTS_MAX], *labels[MOUNTS_MAX];
	char *all[3 * MOUNTS_MAX];
	int ids[MOUNTS_MAX];
	size_t n = 0;

	/* One mount point a line; the ID from the line's first byte, made
	 * unique (negative ones too: IDs are ints). */
	for (char *line = s, *nl; line && n < MOUNTS_MAX; line = nl ? nl + 1 : NULL, n++) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (asprintf(&names[n], "%s%s", line[0] == '/' ? "" : "/", line) < 0)
			abort();
		ids[n] = (int)(signed char)line[0] * 1000003 + (int)n;
	}

	fuzz_check(perfdata_labels((const char *const *)names, ids, n, labels) == 0, "perfdata_labels");
	for (size_t i = 0; i < n; i++) {
		const char *l = labels[i];
		size_t nlen = strlen(names[i]);

		fuzz_check(l[0] == '/' || strncmp(l, "mount ", 6) == 0, "'%s' -> '%s'", names[i], l);
		fuzz_check(strncmp(l, "mount ", 6) == 0 || strlen(l) == nlen || (strlen(l) > nlen && l[nlen] == '#'),
			   "'%s' -> '%s': not the mount point", names[i], l);
		for (const char *p = l; *p; p++)
			fuzz_check((unsigned char)*p >= 0x20 && *p != 0x7f && *p != '\'' && *p != '=' && *p != '|',
				   "'%s' -> '%s': character %#x", names[i], l, *p);
		for (size_t k = 0; k < 3; k++)
			if (asprintf(&all[3 * i + k], "%s%s", l, suffixes[k]) < 0)
				abort();
		check_quoted(l, "");
		check_quoted(names[i], PERFDATA_LATENCY_SUFFIX);
	}
	for (size_t i = 0; i < 3 * n; i++)
		for (size_t j = i + 1; j < 3 * n; j++)
			fuzz_check(!streq(all[i], all[j]), "'%s' twice", all[i]);
	for (size_t i = 0; i < 3 * n; i++)
		free(all[i]);
	perfdata_labels_free(labels, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(s);
	return 0;
}
