/* The mount table: mountinfo parsing and escapes, the parent tree,
 * over-mounts, selection, and FILE resolution that never reads a path on a
 * network mount. Runs on a mountinfo file it writes itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "mounts.h"
#include "tap.h"
#include "util.h"

static char dir[] = "/tmp/fsprobe-test-mounts-XXXXXX";

static ssize_t find(const struct mount_table *t, const char *target)
{
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->entries[i].target, target))
			return (ssize_t)i;
	return -1;
}

static void normalizes(const char *in, const char *want)
{
	char *got = path_normalize(in);

	is_str(got, want, "normalize '%s'", in);
	free(got);
}

int main(void)
{
	struct mount_table t = {};
	char path[512], p2[512], mi[600];
	FILE *f;
	ssize_t nfs, sub, sp, lower, upper, root;
	char *types[] = { "fuse", NULL }, *nfs4[] = { "nfs4", NULL };

	if (!mkdtemp(dir)) {
		/* /tmp is not a facility a machine may lack */
		printf("Bail out! cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(mi, sizeof(mi), "%s/mountinfo", dir);
	f = fopen(mi, "w");
	if (!f)
		return 1;
	fprintf(f,
		"21 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
		"30 21 0:40 / %s/nfs rw,relatime shared:7 - nfs4 srv:/export rw,vers=4.2,hard\n"
		"31 30 0:41 / %s/nfs/sub rw shared:8 - tmpfs tmpfs rw\n"
		"32 21 0:42 / %s/with\\040space\\011tab rw - fuse.sshfs user@host:/a\\134b rw\n"
		"33 21 0:43 / %s/data rw - cifs //srv/share rw\n"
		"34 33 0:44 / %s/data rw - tmpfs tmpfs rw\n"
		"35 21 0:45 / /proc rw - proc proc rw\n",
		dir, dir, dir, dir, dir);
	fclose(f);

	is_int(mounts_load(mi, &t), 0, "mountinfo fixture loads");
	is_int(t.n, 7, "seven mounts");
	root = find(&t, "/");
	snprintf(path, sizeof(path), "%s/nfs", dir);
	nfs = find(&t, path);
	snprintf(path, sizeof(path), "%s/nfs/sub", dir);
	sub = find(&t, path);
	snprintf(path, sizeof(path), "%s/with space\ttab", dir);
	sp = find(&t, path);
	ok(root >= 0 && nfs >= 0 && sub >= 0, "targets found");
	ok(sp >= 0, "\\040 and \\011 in the target are decoded");
	if (sp >= 0)
		is_str(t.entries[sp].source, "user@host:/a\\b", "\\134 in the source is decoded");
	if (nfs < 0 || sub < 0 || sp < 0 || root < 0)
		return tap_done();

	is_int(t.entries[nfs].id, 30, "mount ID");
	is_int(t.entries[nfs].parent_id, 21, "parent ID");
	is_str(t.entries[nfs].fstype, "nfs4", "fstype");
	is_str(t.entries[nfs].source, "srv:/export", "source");
	ok(strstr(t.entries[nfs].fs_options, "hard") != NULL, "fs options kept (hard)");
	is_int(t.entries[sub].parent, nfs, "tmpfs below nfs has it as parent");
	is_int(t.entries[root].parent, -1, "root has no parent in the table");
	ok(t.entries[nfs].suspect && t.entries[sp].suspect, "nfs4 and fuse.sshfs are suspect");
	ok(!t.entries[sub].suspect && !t.entries[root].suspect, "tmpfs and ext4 are not");

	lower = 4;
	upper = 5;
	ok(t.entries[lower].shadowed && !t.entries[upper].shadowed, "cifs under a tmpfs on the same target is shadowed");
	snprintf(path, sizeof(path), "%s/data/x", dir);
	is_int(mounts_lookup_path(&t, path), upper, "lookup picks the mount on top");

	{
		struct mount_filter def = {}, all = { .all = true }, fuse = { .types = types },
				    nonfs = { .exclude_types = nfs4 };
		int c = 0;

		for (size_t i = 0; i < t.n; i++)
			c += mounts_filter_match(&def, &t.entries[i]);
		is_int(c, 2, "default selects the nfs4 and fuse.sshfs mounts, not the hidden cifs");
		ok(mounts_filter_match(&def, &t.entries[nfs]) && mounts_filter_match(&def, &t.entries[sp]),
		   "and exactly those");
		c = 0;
		for (size_t i = 0; i < t.n; i++)
			c += mounts_filter_match(&all, &t.entries[i]);
		is_int(c, 7, "--all selects everything");
		ok(mounts_filter_match(&fuse, &t.entries[sp]) && !mounts_filter_match(&fuse, &t.entries[nfs]),
		   "-t fuse matches fuse.sshfs only");
		ok(!mounts_filter_match(&nonfs, &t.entries[nfs]) && mounts_filter_match(&nonfs, &t.entries[sp]),
		   "-x nfs4 drops nfs4");
	}

	normalizes("/", "/");
	normalizes("//a//b/", "/a/b");
	normalizes("/a/./b/../c", "/a/c");
	normalizes("/../..", "/");
	normalizes("/a/b/../../..", "/");

	snprintf(path, sizeof(path), "%s/nfs/sub/x", dir);
	is_int(mounts_lookup_path(&t, path), sub, "lookup: longest prefix wins");
	snprintf(path, sizeof(path), "%s/nfsx", dir);
	is_int(mounts_lookup_path(&t, path), root, "lookup: /nfsx is not under /nfs");

	/* FILE resolution: a symlink on the local fs into the nfs mount is
	 * followed; inside the nfs mount nothing is read (the directories do
	 * not even exist), names are taken lexically. */
	snprintf(path, sizeof(path), "%s/link", dir);
	snprintf(p2, sizeof(p2), "%s/nfs/sub", dir);
	ok(symlink("nfs", path) == 0, "make a relative symlink to the nfs mount");
	snprintf(path, sizeof(path), "%s/link/sub/deep/file", dir);
	is_int(mounts_resolve_file(&t, path), sub, "symlink followed, then lexical inside the nfs mount");
	snprintf(path, sizeof(path), "%s/link/missing/../sub", dir);
	is_int(mounts_resolve_file(&t, path), sub, "'..' taken lexically inside the nfs mount");
	snprintf(path, sizeof(path), "%s/nope/file", dir);
	is_int(mounts_resolve_file(&t, path), -ENOENT, "missing file on a local fs: ENOENT");
	snprintf(path, sizeof(path), "%s/loop", dir);
	ok(symlink("loop", path) == 0, "make a symlink loop");
	is_int(mounts_resolve_file(&t, path), -ELOOP, "symlink loop: ELOOP");
	snprintf(path, sizeof(path), "%s/abs", dir);
	ok(symlink(p2, path) == 0, "make an absolute symlink");
	snprintf(path, sizeof(path), "%s/abs/f", dir);
	is_int(mounts_resolve_file(&t, path), sub, "absolute symlink followed");
	is_int(mounts_resolve_file(&t, dir), root, "a local directory is on /");

	{
		/* Every step is an assertion: a chdir that fails must not
		 * drop the check that follows it. */
		char cwd[4096] = "";
		ok(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
		ok(chdir(dir) == 0, "chdir to the test directory");
		is_int(mounts_resolve_file(&t, "link/x"), nfs, "relative FILE resolved from the cwd");
		ok(chdir(cwd) == 0, "chdir back");
	}

	{
		/* Found by fuzz-resolve: every component's lookup hashed each
		 * prefix of the path afresh, cubic in its length; a FILE of
		 * 2000 components took 7 s in the front, past any deadline. */
		char deep[4096];
		size_t l = (size_t)snprintf(deep, sizeof(deep), "%s", dir);
		uint64_t t0;
		ssize_t got;
		bool made = true;

		while (made && l + 3 < 4000) {
			memcpy(deep + l, "/d", 3);
			l += 2;
			made = mkdir(deep, 0700) == 0;
		}
		ok(made, "a directory %zu bytes deep", l);
		t0 = now_mono_ns();
		got = mounts_resolve_file(&t, deep);
		is_int(got, root, "it is on /");
		ok(now_mono_ns() - t0 < 2 * NSEC_PER_SEC, "resolved in %.2fs (< 2s)",
		   (double)(now_mono_ns() - t0) / NSEC_PER_SEC);
	}

	mounts_done(&t);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	(void)system(path);
	return tap_done();
}
