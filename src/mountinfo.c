/* mountinfo(5) text, read whole and split in place; see mountinfo.h.
 *
 * The format, from fs/proc_namespace.c:show_mountinfo():
 *   ID PARENT MAJ:MIN ROOT TARGET VFS-OPTIONS [OPTIONAL...] - FSTYPE SOURCE FS-OPTIONS
 * Strings have space, tab, newline and backslash escaped as \ooo, so a
 * field never holds a separator and " - " never occurs inside one. The
 * parsing follows libmount's (mnt_parse_mountinfo_line()), which fsprobe
 * used before: separators are runs of spaces or tabs, only \ooo with three
 * octal digits is an escape, and an empty source shows as two spaces. A
 * mount point removed from under its mount keeps the kernel's
 * " (deleted)" suffix, as it did with libmount 2.38 and does with df.
 *
 * Never touches a mount: it reads the table file only. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "mountinfo.h"

/* Reads of a table that keeps changing under us, before taking the last
 * one as it is (libmount's mnt_read_procfs_file() tries as often). */
#define READ_TRIES 5
/* First buffer; doubled as needed. seq_file fills a large read in one
 * call, so a 10,000-mount table (about 1 MB) takes a handful of reads. */
#define READ_CHUNK (64 * 1024)

static int read_all(int fd, char **ret_text, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0, len = 0;

	for (;;) {
		ssize_t l;

		if (cap - len < READ_CHUNK) {
			char *b = realloc(buf, cap ? cap * 2 : 2 * READ_CHUNK);

			if (!b)
				return -ENOMEM;
			buf = b;
			cap = cap ? cap * 2 : 2 * READ_CHUNK;
		}
		/* one byte kept for the terminating NUL */
		l = read(fd, buf + len, cap - len - 1);
		if (l < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (l == 0)
			break;
		len += (size_t)l;
	}
	buf[len] = '\0';
	*ret_text = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

int mountinfo_read(const char *path, char **ret_text, size_t *ret_len)
{
	for (int try = 1;; try++) {
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct pollfd p = { .events = POLLPRI };
		char *text = NULL;
		size_t len = 0;
		int r;

		if (fd < 0)
			return -errno;
		r = read_all(fd, &text, &len);
		if (r < 0)
			return r;
		/* /proc mountinfo signals POLLPRI once the table changed
		 * since open(): our reads may have missed or doubled a line.
		 * Other files never do. */
		p.fd = fd;
		if (try < READ_TRIES && poll(&p, 1, 0) > 0 && (p.revents & (POLLPRI | POLLERR))) {
			free(text);
			continue;
		}
		*ret_text = text;
		*ret_len = len;
		return 0;
	}
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t';
}

static char *skip_sep(char *s)
{
	while (is_sep(*s))
		s++;
	return s;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* Decodes \ooo escapes in place: the result is never longer. */
static void unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && is_octal(s[1]) && is_octal(s[2]) && is_octal(s[3])) {
			*o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 4;
		} else
			*o++ = *s++;
	}
	*o = '\0';
}

/* Cuts the field at *p (up to a separator or the end), leaves *p on what
 * follows it and returns the field, still escaped. sep_after tells what
 * the first two characters after the field were, before the cut. */
static char *cut(char **p, char sep_after[2])
{
	char *s = *p, *e = s;

	while (*e && !is_sep(*e))
		e++;
	if (sep_after) {
		sep_after[0] = e[0];
		sep_after[1] = e[0] ? e[1] : '\0';
	}
	*p = *e ? e + 1 : e;
	*e = '\0';
	return s;
}

static int number(const char *s, long *ret)
{
	char *e;
	long v;

	if (*s < '0' || *s > '9')
		return -EBADMSG;
	errno = 0;
	v = strtol(s, &e, 10);
	if (errno || *e || v > 0x7fffffff)
		return -EBADMSG;
	*ret = v;
	return 0;
}

int mountinfo_split(char *line, struct mountinfo_fields *ret)
{
	char *p = line, *f, *colon, *dash, after[2];
	size_t l = strlen(line);
	long id, parent, major, minor;
	struct mountinfo_fields m;

	if (l > 0 && line[l - 1] == '\r')
		line[l - 1] = '\0';
	p = skip_sep(p);

	/* (1) ID, (2) parent ID, (3) MAJ:MIN */
	if (number(cut(&p, NULL), &id) < 0)
		return -EBADMSG;
	p = skip_sep(p);
	if (number(cut(&p, NULL), &parent) < 0)
		return -EBADMSG;
	p = skip_sep(p);
	f = cut(&p, NULL);
	colon = strchr(f, ':');
	if (!colon)
		return -EBADMSG;
	*colon = '\0';
	if (number(f, &major) < 0 || number(colon + 1, &minor) < 0)
		return -EBADMSG;
	/* (4) root, (5) target */
	p = skip_sep(p);
	m.root = cut(&p, NULL);
	p = skip_sep(p);
	m.target = cut(&p, NULL);
	if (!*m.root || !*m.target)
		return -EBADMSG;
	/* (6) VFS options, (7) optional fields up to " - " */
	p = skip_sep(p);
	dash = strstr(p, " - ");
	if (!dash)
		return -EBADMSG;
	m.vfs_options = cut(&p, NULL);
	p = skip_sep(dash + 3);
	/* (8) file system type, (9) source, which may be empty */
	m.fstype = cut(&p, after);
	if (!*m.fstype || !after[0])
		return -EBADMSG;
	if (after[0] == ' ' && after[1] == ' ')
		m.source = p - 1; /* the cut's NUL: an empty string */
	else {
		p = skip_sep(p);
		if (!*p)
			return -EBADMSG;
		m.source = cut(&p, NULL);
	}
	/* (10) FS options */
	p = skip_sep(p);
	if (!*p)
		return -EBADMSG;
	m.fs_options = cut(&p, NULL);

	unescape(m.root);
	unescape(m.target);
	unescape(m.vfs_options);
	unescape(m.fstype);
	unescape(m.source);
	unescape(m.fs_options);
	m.id = (int)id;
	m.parent_id = (int)parent;
	m.devno = makedev((unsigned)major, (unsigned)minor);
	*ret = m;
	return 0;
}
