/* Which file system types fsprobe probes by default, in one place. */
#pragma once

#include <stdbool.h>

/* Network, cluster and FUSE file systems: the ones whose server or daemon
 * can stop answering and hang whoever touches them. These are probed by
 * default, and the front process never touches a path on them. */
bool fstype_is_suspect(const char *fstype);

/* autofs: a trigger (or a map's directory of triggers) that mounts
 * something when walked onto. Never probed: only the mount table speaks
 * of it, and a mount autofs put on top of it is probed as any other. */
bool fstype_is_automount(const char *fstype);

/* Types the front process must not walk through when it resolves FILE
 * arguments, though they are not probed by default: autofs triggers would
 * mount (and possibly hang on) a network file system. */
bool fstype_is_untraversable(const char *fstype);

/* Local file systems whose mount points a path walk crosses without
 * asking the file system anything that waits: kernel memory file systems
 * and local disk file systems, none with a d_revalidate, every mount
 * point's dentry pinned in the dcache. A probe below one needs no answer
 * from it first (report.c); any other type, known or not, gates its
 * submounts. */
bool fstype_is_walk_safe(const char *fstype);

/* Pseudo file systems (proc, sysfs, cgroup, ...) that df leaves out unless
 * asked for all. */
bool fstype_is_pseudo(const char *fstype);
