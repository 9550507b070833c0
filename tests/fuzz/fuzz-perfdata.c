/* perfdata_labels(), the Nagios perfdata labels of mount points: what
 * perfdata.h promises, for any set of mount points (lines of the input,
 * each made absolute as mountinfo's are) with unique IDs: every label is
 * at most PERFDATA_LABEL_MAX bytes, holds no character that breaks a
 * perfdata parser, starts with '/', ".." or "mount ", never cuts a UTF-8
 * character, and "<label>" and "<label> latency" of all mounts are
 * unique in the characters graphers keep. perfdata_write_label() quotes
 * it so that it reads back. */
#include "fuzz.h"
#include "macro.h"
#include "perfdata.h"

#define MOUNTS_MAX 64

static void kept(const char *label, const char *suffix, char *buf)
{
	(void)snprintf(buf, PERFDATA_LABEL_KEEP + 1, "%s%s", label, suffix);
}

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *names[MOUNTS_MAX];
	char labels[MOUNTS_MAX][PERFDATA_LABEL_SIZE];
	char k[MOUNTS_MAX][2][PERFDATA_LABEL_KEEP + 1];
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
		size_t len = strnlen(l, PERFDATA_LABEL_SIZE);

		fuzz_check(len <= PERFDATA_LABEL_MAX, "'%s': label of %zu bytes", names[i], len);
		fuzz_check(l[0] == '/' || strncmp(l, "..", 2) == 0 || strncmp(l, "mount ", 6) == 0, "'%s' -> '%s'",
			   names[i], l);
		if (strncmp(l, "..", 2) == 0)
			fuzz_check(((unsigned char)l[2] & 0xc0) != 0x80, "'%s' -> '%s': cut inside a character",
				   names[i], l);
		for (const char *p = l; *p; p++)
			fuzz_check((unsigned char)*p >= 0x20 && *p != 0x7f && *p != '\'' && *p != '=' && *p != '|',
				   "'%s' -> '%s': character %#x", names[i], l, *p);
		kept(l, "", k[i][0]);
		kept(l, PERFDATA_LATENCY_SUFFIX, k[i][1]);
		fuzz_check(!streq(k[i][0], k[i][1]), "'%s': label and latency label agree", l);
		for (size_t j = 0; j < i; j++)
			for (int a = 0; a < 2; a++)
				for (int b = 0; b < 2; b++)
					fuzz_check(!streq(k[i][a], k[j][b]), "'%s' (%d) and '%s' (%d) agree as '%s'",
						   names[i], ids[i], names[j], ids[j], k[i][a]);
		check_quoted(l, "");
		check_quoted(names[i], PERFDATA_LATENCY_SUFFIX);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(s);
	return 0;
}
