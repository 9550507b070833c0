/* mounts_resolve_file(), FILE resolution, on a fixed mount table and a
 * fake file system: readlink() and getcwd() are replaced in this program,
 * so the walk is hermetic and its symbolic links are known. The property
 * that matters most is checked in the fake readlink() itself: the walk
 * never asks the kernel about a path on a network, FUSE or autofs mount
 * (that is the call that hangs). Without links followed, the answer must
 * be the lexical one: the mount of the normalized path. */
#include <dlfcn.h>
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fstypes.h"
#include "fuzz.h"
#include "macro.h"
#include "mounts.h"

#define CWD "/home/user"

static const char mountinfo[] =
	"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
	"20 1 0:40 / /mnt/nfs rw - nfs4 srv:/export rw\n"
	"21 20 8:2 / /mnt/nfs/inner rw - ext4 /dev/sdb rw\n"
	"22 1 0:41 / /mnt/fuse rw - fuse.sshfs me@host:/ rw\n"
	"23 1 0:42 / /auto rw - autofs systemd-1 rw\n"
	"24 1 8:3 / /home rw - ext4 /dev/sdc rw\n"
	"25 24 0:43 / /home/user/net rw - cifs //srv/share rw\n"
	"26 1 0:44 / /srv rw - tmpfs tmpfs rw\n"
	"27 26 0:45 / /srv/data rw - nfs srv2:/data rw\n"
	"28 27 0:46 / /srv/data rw - tmpfs tmpfs rw\n"
	"29 1 0:47 / /with\\040space rw - fuse.x a rw\n";

static const struct {
	const char *path, *target;
} links[] = {
	{ "/home/abs", "/mnt/nfs/deep" },
	{ "/home/rel", "../srv/data/x" },
	{ "/home/rel2", "../../../mnt/fuse/../nfs/inner" },
	{ "/home/loop", "/home/loop" },
	{ "/home/up", ".." },
	{ "/home/dot", "." },
	{ "/home/auto", "/auto/share" },
	{ "/home/slashes", "//mnt///fuse//" },
	{ "/home/space", "/with space/x" },
	{ "/home/user/cwdlink", "net/inside" },
	{ "/srv/data/back", "/home/user" },
	{ "/l", "home" },
};

static struct mount_table table;
static bool faking;
static unsigned followed;
static char long_link[600];

/* Whether the kernel would have to ask a mount that may hang to look at
 * path: the walk crosses every mount on top at a prefix of it. */
static bool reaches_suspect(const char *path)
{
	for (size_t i = 0; i < table.n; i++) {
		const char *t = table.entries[i].target;
		size_t l = strlen(t);
		bool prefix = streq(t, "/") || (strncmp(path, t, l) == 0 && (path[l] == '/' || !path[l]));

		if (prefix && mounts_top_at(&table, t) == (ssize_t)i && fstype_is_untraversable(table.entries[i].fstype))
			return true;
	}
	return false;
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t bufsiz)
{
	static ssize_t (*real)(const char *, char *, size_t);
	const char *target = NULL, *last;
	size_t l;

	if (!faking) {
		if (!real)
			real = (ssize_t(*)(const char *, char *, size_t))dlsym(RTLD_NEXT, "readlink");
		return real(path, buf, bufsiz);
	}
	fuzz_check(!reaches_suspect(path), "readlink('%s') walks a mount that may hang", path);
	last = strrchr(path, '/');
	last = last ? last + 1 : path;
	if (streq(last, "missing")) {
		errno = ENOENT;
		return -1;
	}
	if (streq(last, "secret")) {
		errno = EACCES;
		return -1;
	}
	if (streq(path, "/home/long"))
		target = long_link;
	for (size_t i = 0; !target && i < ARRAY_SIZE(links); i++)
		if (streq(path, links[i].path))
			target = links[i].target;
	if (!target) {
		errno = EINVAL; /* not a link */
		return -1;
	}
	followed++;
	l = MIN(strlen(target), bufsiz);
	memcpy(buf, target, l);
	return (ssize_t)l;
}

char *getcwd(char *buf, size_t size)
{
	static char *(*real)(char *, size_t);

	if (!faking) {
		if (!real)
			real = (char *(*)(char *, size_t))dlsym(RTLD_NEXT, "getcwd");
		return real(buf, size);
	}
	if (!buf)
		return strdup(CWD);
	if (size < sizeof(CWD)) {
		errno = ERANGE;
		return NULL;
	}
	memcpy(buf, CWD, sizeof(CWD));
	return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc _unused_, char ***argv _unused_)
{
	int fd = memfd_create("mountinfo", MFD_CLOEXEC);
	char path[64];

	if (fd < 0 || write(fd, mountinfo, sizeof(mountinfo) - 1) != (ssize_t)sizeof(mountinfo) - 1)
		abort();
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (mounts_load(path, &table) < 0 || table.n != 11)
		abort();
	close(fd);
	/* A long absolute link, back into the local tree: length costs. */
	for (size_t i = 0; i + 2 < sizeof(long_link); i += 2)
		memcpy(long_link + i, i % 20 ? "/a" : "/.", 2);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *abs = NULL, *norm;
	ssize_t r;

	followed = 0;
	faking = true;
	r = mounts_resolve_file(&table, s);
	faking = false;

	fuzz_check(r < (ssize_t)table.n, "'%s': index %zd", s, r);
	if (r < 0)
		fuzz_check(r == -ENOENT || r == -EACCES || r == -ELOOP || r == -ENAMETOOLONG, "'%s': %zd", s, r);
	if (r >= 0 && followed == 0) {
		if (asprintf(&abs, "%s/%s", s[0] == '/' ? "" : CWD, s) < 0)
			abort();
		norm = path_normalize(abs);
		fuzz_check(norm && mounts_lookup_path(&table, norm) == r, "'%s': mount %zd, lexically %zd", s, r,
			   mounts_lookup_path(&table, norm));
		free(norm);
		free(abs);
	}
	free(s);
	return 0;
}
