/* mountinfo_split(), fsprobe's own parser of one mountinfo(5) line: every
 * field it returns lies in the line, and a line it accepts says the same
 * once its fields are escaped again as the kernel escapes them and joined
 * in the kernel's layout (optional fields left out): the escapes decode
 * to exactly what was escaped, and the splitting finds the same fields. */
#include <sys/sysmacros.h>

#include "fuzz.h"
#include "macro.h"
#include "mountinfo.h"

/* Escapes as fs/proc_namespace.c does (mangle() of " \t\n\\"), and '\r'
 * too, which the splitter strips from the end of a line. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		if (strchr(" \t\n\\\r", *s))
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
}

/* Whether a field holds an escape that decodes to NUL ("\000", or "\400"
 * and the like past 255): the field is cut there, so what follows the
 * NUL cannot round-trip. The kernel writes neither. */
static bool has_nul_escape(const char *s)
{
	for (; *s; s++)
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7' && (((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0')) & 0xff) == 0)
			return true;
	return false;
}

static bool inside(const char *p, const char *lo, size_t len)
{
	return p >= lo && p + strlen(p) <= lo + len;
}

static bool same(const struct mountinfo_fields *a, const struct mountinfo_fields *b)
{
	return a->id == b->id && a->parent_id == b->parent_id && a->devno == b->devno && streq(a->root, b->root) &&
	       streq(a->target, b->target) && streq(a->vfs_options, b->vfs_options) && streq(a->fstype, b->fstype) &&
	       streq(a->source, b->source) && streq(a->fs_options, b->fs_options);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *line = fuzz_string(data, nl ? (size_t)(nl - data) : size), *again = NULL;
	size_t len = strlen(line), alen = 0;
	struct mountinfo_fields f, g;
	bool nul = has_nul_escape(line);
	FILE *out;

	if (mountinfo_split(line, &f) < 0)
		goto done;
	fuzz_check(inside(f.root, line, len) && inside(f.target, line, len) && inside(f.vfs_options, line, len) &&
			   inside(f.fstype, line, len) && inside(f.source, line, len) && inside(f.fs_options, line, len),
		   "a field outside the line");
	fuzz_check(f.id >= 0 && f.parent_id >= 0, "IDs %d %d", f.id, f.parent_id);
	if (nul)
		goto done;
	fuzz_check(f.root[0] && f.target[0] && f.fstype[0] && f.fs_options[0], "an empty field");

	out = open_memstream(&again, &alen);
	if (!out)
		abort();
	fprintf(out, "%d %d %u:%u ", f.id, f.parent_id, major(f.devno), minor(f.devno));
	put_escaped(out, f.root);
	fputc(' ', out);
	put_escaped(out, f.target);
	fputc(' ', out);
	put_escaped(out, f.vfs_options);
	fputs(" - ", out);
	put_escaped(out, f.fstype);
	fputc(' ', out);
	put_escaped(out, f.source);
	fputc(' ', out);
	put_escaped(out, f.fs_options);
	fclose(out);
	{
		char *copy = strdup(again);

		if (!copy)
			abort();
		fuzz_check(mountinfo_split(copy, &g) == 0, "'%s' refused once written again", again);
		fuzz_check(same(&f, &g), "'%s' reads differently once written again", again);
		free(copy);
	}
	free(again);
done:
	free(line);
	return 0;
}
