/* The mount table: /proc/self/mountinfo (or a file in
 * that format, for tests), the tree of parents, which mounts are selected,
 * and which mount holds a FILE argument.
 *
 * Never touches a path on a network or FUSE mount: FILE arguments are
 * resolved lexically once the walk reaches such a mount. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hashmap.h"

struct mount_entry {
	int id;
	int parent_id;
	dev_t devno;
	/* Strings point into the table's text; decoded (\040 -> ' '). Never
	 * NULL, whoever builds the table: a line without a source gives ""
	 * (mountinfo.h), so no reader needs a fallback of its own. */
	const char *source;
	const char *target;
	const char *fstype;
	const char *root;
	const char *vfs_options;
	const char *fs_options;
	ssize_t parent;	 /* index in the table, -1 when not in it */
	bool suspect;	 /* network or FUSE: may hang, never touched by the front */
	bool shadowed;	 /* another mount sits on the same target on top of it */
};

struct mount_table {
	char *text; /* the mountinfo text, split in place */
	struct mount_entry *entries;
	size_t n;
	struct hashmap by_target; /* hash of target -> entry index */
};

/* path NULL reads /proc/self/mountinfo. */
int mounts_load(const char *path, struct mount_table *ret);
void mounts_done(struct mount_table *t);

/* The mount whose target is the longest prefix of the absolute, normalized
 * path (the top one where several share a target); -ENOENT when none. */
ssize_t mounts_lookup_path(const struct mount_table *t, const char *path);

/* The mount on top at exactly this target, or -ENOENT. */
ssize_t mounts_top_at(const struct mount_table *t, const char *target);

/* Resolves FILE as df would, to the mount holding it, reading symbolic
 * links only on local file systems; inside a network/FUSE mount the rest of
 * the path is taken lexically. Returns the mount's index or -errno
 * (-ENOENT for a missing file on a local file system, -ELOOP, ...). */
ssize_t mounts_resolve_file(const struct mount_table *t, const char *file);

/* The same, and the absolute path it resolved FILE to (symbolic links on
 * local file systems followed, "." and ".." taken out), in *ret_path. */
ssize_t mounts_resolve_file_path(const struct mount_table *t, const char *file, char **ret_path);

/* Normalizes an absolute path lexically: no "//", ".", ".." or trailing
 * slash. Returns a new string or NULL when out of memory. */
char *path_normalize(const char *path);

struct mount_filter {
	bool all;		/* every mount: local, pseudo, over-mounted */
	char **types;		/* only these (NULL-terminated), or NULL */
	char **exclude_types;	/* never these, or NULL */
};

/* Whether the filter selects the mount when no FILE argument is given. */
bool mounts_filter_match(const struct mount_filter *f, const struct mount_entry *m);

/* Whether the mount's type is in a NULL-terminated list; a list entry
 * "fuse" also matches "fuse.*", as df and findmnt users expect. */
bool mounts_type_in(char *const *types, const char *fstype);
