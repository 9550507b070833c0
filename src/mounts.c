/* The mount table, its tree and selection; see mounts.h.
 *
 * Never touches a path on a network or FUSE mount. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fstypes.h"
#include "macro.h"
#include "mountinfo.h"
#include "mounts.h"

struct id_index {
	int id;
	size_t index;
};

static int id_index_cmp(const void *a, const void *b)
{
	const struct id_index *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Parent links by binary search over sorted IDs: mount IDs are sparse and
 * container hosts carry tens of thousands of mounts. */
static int link_parents(struct mount_table *t)
{
	_cleanup_free_ struct id_index *ids = NULL;

	if (t->n == 0)
		return 0;
	ids = calloc(t->n, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++)
		ids[i] = (struct id_index){ t->entries[i].id, i };
	qsort(ids, t->n, sizeof(*ids), id_index_cmp);

	for (size_t i = 0; i < t->n; i++) {
		struct mount_entry *m = &t->entries[i];
		struct id_index key = { m->parent_id, 0 }, *p;

		m->parent = -1;
		if (m->parent_id == m->id)
			continue;
		p = bsearch(&key, ids, t->n, sizeof(*ids), id_index_cmp);
		if (!p)
			continue;
		m->parent = (ssize_t)p->index;
		/* A mount on the very target of its parent hides the parent. */
		if (streq(m->target, t->entries[p->index].target))
			t->entries[p->index].shadowed = true;
	}
	return 0;
}

int mounts_load(const char *path, struct mount_table *ret)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ struct mount_entry *entries = NULL;
	size_t len = 0, lines = 1, n = 0;
	const char *last_type = NULL;
	bool last_suspect = false;
	char *line, *end;
	int r;

	/* The text is read once and split in place: every string of the
	 * table points into it (see mountinfo.h for what that saves). */
	r = mountinfo_read(path ? path : "/proc/self/mountinfo", &text, &len);
	if (r < 0)
		return r;
	for (line = text; (line = memchr(line, '\n', len - (size_t)(line - text))); line++)
		lines++;
	entries = calloc(lines, sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	for (line = text; line < text + len; line = end + 1) {
		struct mountinfo_fields f;
		struct mount_entry *m;

		end = memchr(line, '\n', len - (size_t)(line - text));
		if (!end)
			end = text + len; /* the last line has no newline */
		*end = '\0';
		/* As libmount did: a line that is no mount is skipped. */
		if (mountinfo_split(line, &f) < 0)
			continue;
		m = &entries[n++];
		*m = (struct mount_entry){ .id = f.id, .parent_id = f.parent_id, .devno = f.devno,
					   .source = f.source, .target = f.target, .fstype = f.fstype,
					   .root = f.root, .vfs_options = f.vfs_options,
					   .fs_options = f.fs_options };
		if (m->target[0] != '/')
			return -EBADMSG;
		/* Thousands of mounts share a handful of types, in runs:
		 * the type test is made again only when the type changes. */
		if (!last_type || !streq(last_type, m->fstype)) {
			last_type = m->fstype;
			last_suspect = fstype_is_suspect(m->fstype);
		}
		m->suspect = last_suspect;
	}

	*ret = (struct mount_table){ .text = TAKE_PTR(text), .entries = TAKE_PTR(entries), .n = n };
	r = link_parents(ret);
	if (r >= 0)
		r = hashmap_init(&ret->by_target, n);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = hashmap_add(&ret->by_target, hash_string(ret->entries[i].target), (ssize_t)i);
	if (r < 0)
		mounts_done(ret);
	return r;
}

void mounts_done(struct mount_table *t)
{
	if (!t)
		return;
	free(t->entries);
	hashmap_done(&t->by_target);
	free(t->text);
	*t = (struct mount_table){};
}

/* The mount on top at target[0..len), whose hash_string() is h. */
static ssize_t top_at(const struct mount_table *t, const char *target, size_t len, uint64_t h)
{
	ssize_t best = -ENOENT, i;
	size_t pos = 0;

	while ((i = hashmap_next(&t->by_target, h, &pos)) >= 0) {
		const char *e = t->entries[i].target;

		if (strncmp(e, target, len) != 0 || e[len])
			continue; /* another target with the same hash */
		/* Later entries were mounted later and so sit on top, unless
		 * they are themselves hidden. */
		if (best < 0 || (t->entries[best].shadowed && !t->entries[i].shadowed) ||
		    (t->entries[best].shadowed == t->entries[i].shadowed && i > best))
			best = i;
	}
	return best;
}

ssize_t mounts_top_at(const struct mount_table *t, const char *target)
{
	return top_at(t, target, strlen(target), hash_string(target));
}

ssize_t mounts_lookup_path(const struct mount_table *t, const char *path)
{
	size_t len = strlen(path), l = len;
	_cleanup_free_ uint64_t *h = malloc((len + 1) * sizeof(*h));

	if (!h)
		return -ENOMEM;
	/* Every prefix hashed at once: FILE resolution looks up each
	 * component of a path of up to PATH_MAX bytes, and hashing every
	 * prefix afresh made that cubic (seconds, past any deadline). */
	hash_prefixes(path, len, h);
	/* From the whole path up to "/": the first mount point met is the
	 * longest prefix. */
	for (;;) {
		ssize_t m = l == 0 ? mounts_top_at(t, "/") : top_at(t, path, l, h[l]);
		size_t slash = l;

		if (m >= 0 || l == 0 || (l == 1 && path[0] == '/'))
			return m;
		while (slash > 0 && path[slash - 1] != '/')
			slash--;
		if (slash == 0)
			return -ENOENT; /* no '/' left: not a path */
		l = slash - 1;
	}
}

char *path_normalize(const char *path)
{
	size_t len = strlen(path), o = 0;
	char *out = malloc(len + 2);
	const char *p = path;

	if (!out)
		return NULL;
	while (*p) {
		const char *c;
		size_t cl;

		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		cl = (size_t)(p - c);
		if (cl == 0 || (cl == 1 && c[0] == '.'))
			continue;
		if (cl == 2 && c[0] == '.' && c[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, c, cl);
		o += cl;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static char *path_join3(const char *a, const char *b, const char *c)
{
	char *s;

	if (asprintf(&s, "%s/%s/%s", a, b, c ? c : "") < 0)
		return NULL;
	return s;
}

/* Symbolic links followed before giving up, as the kernel's MAXSYMLINKS. */
#define FOLLOW_MAX 40

ssize_t mounts_resolve_file(const struct mount_table *t, const char *file)
{
	_cleanup_free_ char *path = NULL;

	return mounts_resolve_file_path(t, file, &path);
}

ssize_t mounts_resolve_file_path(const struct mount_table *t, const char *file, char **ret_path)
{
	_cleanup_free_ char *rest = NULL, *done = NULL, *cwd = NULL;
	unsigned followed = 0;

	if (!file || !*file)
		return -ENOENT;
	if (file[0] != '/') {
		/* getcwd() builds the name from the dcache: it does not ask the
		 * file system, so it is safe even if the cwd is on a hung mount. */
		cwd = getcwd(NULL, 0);
		if (!cwd)
			return -errno;
	}
	rest = path_join3(cwd ? cwd : "", file, NULL);
	done = strdup("");
	if (!rest || !done)
		return -ENOMEM;

	for (;;) {
		_cleanup_free_ char *cand = NULL, *comp = NULL;
		char link[PATH_MAX];
		const char *p = rest, *c;
		ssize_t idx, l;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		while (*p && *p != '/')
			p++;
		comp = strndup(c, (size_t)(p - c));
		if (!comp)
			return -ENOMEM;
		memmove(rest, p, strlen(p) + 1);

		if (streq(comp, "."))
			continue;
		if (streq(comp, "..")) {
			char *s = strrchr(done, '/');
			if (s)
				*s = '\0';
			continue;
		}
		if (asprintf(&cand, "%s/%s", done, comp) < 0)
			return -ENOMEM;

		idx = mounts_lookup_path(t, cand);
		if (idx >= 0 && fstype_is_untraversable(t->entries[idx].fstype)) {
			/* From here on the path is on a mount that may hang: take
			 * the rest by its name alone. */
			_cleanup_free_ char *all = path_join3(cand, rest, NULL), *norm = NULL;
			if (!all)
				return -ENOMEM;
			norm = path_normalize(all);
			if (!norm)
				return -ENOMEM;
			idx = mounts_lookup_path(t, norm);
			*ret_path = TAKE_PTR(norm);
			return idx;
		}

		l = readlink(cand, link, sizeof(link) - 1);
		if (l < 0) {
			if (errno != EINVAL)
				return -errno;
			free(done);
			done = TAKE_PTR(cand);
			continue;
		}
		if (++followed > FOLLOW_MAX)
			return -ELOOP;
		link[l] = '\0';
		{
			char *n = path_join3("", link, rest);
			if (!n)
				return -ENOMEM;
			free(rest);
			rest = n;
		}
		if (link[0] == '/')
			done[0] = '\0';
	}
	if (!done[0]) {
		free(done);
		done = strdup("/");
		if (!done)
			return -ENOMEM;
	}
	*ret_path = TAKE_PTR(done);
	return mounts_lookup_path(t, *ret_path);
}

bool mounts_type_in(char *const *types, const char *fstype)
{
	for (; types && *types; types++) {
		if (streq(*types, fstype))
			return true;
		if (streq(*types, "fuse") && strncmp(fstype, "fuse.", 5) == 0)
			return true;
	}
	return false;
}

bool mounts_filter_match(const struct mount_filter *f, const struct mount_entry *m)
{
	if (f->exclude_types && mounts_type_in(f->exclude_types, m->fstype))
		return false;
	if (f->types)
		return mounts_type_in(f->types, m->fstype) && (f->all || !m->shadowed);
	if (f->all)
		return true;
	return m->suspect && !m->shadowed;
}
