/* The NFSv4 client identity; see nfs-identity.h. Reads sysfs and procfs
 * only, never a path on a mount. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"
#include "nfs-identity.h"

/* statfs magic of nsfs, the file system of the files in /proc/PID/ns
 * (NSFS_MAGIC in linux/magic.h) */
#define NSFS_MAGIC_ 0x6e736673
/* Inode number of the initial PID namespace: PROC_PID_INIT_INO in
 * include/linux/proc_ns.h, fixed since Linux 3.8. */
#define PID_NS_INIT_INO 0xEFFFFFFCU

/* Hostnames that many machines share: the kernel's before anyone set one,
 * localhost, and what installers and images of the common distributions
 * and boards leave behind. Compared without case. */
static const char *const generic_hostnames[] = {
	"(none)", "localhost", "localhost.localdomain", "localhost6", "localhost6.localdomain6",
	"linux", "debian", "ubuntu", "ubuntu-server", "fedora", "centos", "rhel", "redhat", "rocky",
	"almalinux", "alma", "archlinux", "archiso", "alpine", "opensuse", "suse", "linux-suse",
	"raspberrypi", "raspberry", "kali", "manjaro", "nixos", "gentoo", "void", "devuan", "mint",
	"orangepi", "pi", "host", "server", "client", "node", "vm", "default", "none", "unknown",
	"buildkitsandbox",
};

bool nfs_hostname_is_generic(const char *hostname)
{
	if (!hostname || !hostname[0])
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(generic_hostnames); i++)
		if (strcasecmp(hostname, generic_hostnames[i]) == 0)
			return true;
	return false;
}

static void path_under(const char *root, const char *rel, char *buf, size_t bufsz)
{
	if (!root || streq(root, "/"))
		root = "";
	(void)snprintf(buf, bufsz, "%s/%s", root, rel);
}

/* The start of a small file, NUL-terminated: its length, or -errno when
 * it cannot be read. */
static ssize_t read_small(const char *root, const char *rel, char *buf, size_t bufsz)
{
	char path[4096];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	path_under(root, rel, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, bufsz - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* The first line of a small file; -errno when it cannot be read. */
static int read_line(const char *root, const char *rel, char *buf, size_t bufsz)
{
	ssize_t n = read_small(root, rel, buf, bufsz);

	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* A sysfs value: the whole file but the one newline its show() adds
 * ("%s\n"); what the kernel holds may end in a newline of its own (a
 * module parameter written with echo). -errno when it cannot be read. */
static int read_value(const char *root, const char *rel, char *buf, size_t bufsz)
{
	ssize_t n = read_small(root, rel, buf, bufsz);

	if (n < 0)
		return (int)n;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* As much of src as fits: the kernel's strscpy() of the uniquifier. */
static void cut_copy(char *dst, size_t dstsz, const char *src)
{
	size_t n = strnlen(src, dstsz - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool exists(const char *root, const char *rel)
{
	char path[4096];

	path_under(root, rel, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* A uniquifier as sysfs shows it: the identifier prints "(null)" while no
 * one has set it (sysfs_emit("%s\n") of a NULL pointer), the module
 * parameter an empty line. */
static enum nfs_source source_of(const char *value)
{
	return value[0] && !streq(value, "(null)") ? NFS_SOURCE_SET : NFS_SOURCE_EMPTY;
}

static bool is_sb_name(const char *name)
{
	unsigned major, minor;
	int end = 0;

	return sscanf(name, "%u:%u%n", &major, &minor, &end) == 2 && name[end] == '\0';
}

static bool any_sb_dir(const char *root)
{
	char path[4096];
	DIR *d;
	struct dirent *de;
	bool found = false;

	path_under(root, "sys/fs/nfs", path, sizeof(path));
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d)))
		found = is_sb_name(de->d_name);
	(void)closedir(d);
	return found;
}

/* The nsfs file's identity; -errno when it is not readable or not nsfs
 * (a fixture tree's file proves nothing). */
static int ns_id(const char *root, const char *rel, struct stat *ret)
{
	char path[4096];
	struct statfs sfs;

	path_under(root, rel, path, sizeof(path));
	if (statfs(path, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC_)
		return -ENOTTY;
	return stat(path, ret) < 0 ? -errno : 0;
}

/* Seeing PID 1's namespace needs ptrace access to it (root, or a
 * sandboxed root with CAP_SYS_PTRACE): unknown otherwise. */
static enum nfs_net_ns net_ns_of(const char *root)
{
	struct stat self, init;

	if (ns_id(root, "proc/self/ns/net", &self) < 0 || ns_id(root, "proc/1/ns/net", &init) < 0)
		return NFS_NET_NS_UNKNOWN;
	return self.st_dev == init.st_dev && self.st_ino == init.st_ino ? NFS_NET_NS_INITIAL : NFS_NET_NS_OTHER;
}

static unsigned container_hints(const char *root)
{
	char path[4096];
	unsigned c = 0;
	struct statfs sfs;
	struct stat st;

	/* Docker, Podman, LXC, nspawn and Kubernetes all start their
	 * containers in a PID namespace of their own. Only nsfs is trusted:
	 * a fixture tree's file proves nothing. */
	path_under(root, "proc/self/ns/pid", path, sizeof(path));
	if (statfs(path, &sfs) == 0 && sfs.f_type == NSFS_MAGIC_ && stat(path, &st) == 0 &&
	    st.st_ino != PID_NS_INIT_INO)
		c |= NFS_CONTAINER_PID_NAMESPACE;
	/* Written at every start by Podman and by systemd inside a container
	 * (on tmpfs, so never left over from an image, unlike /.dockerenv). */
	if (exists(root, "run/.containerenv") || exists(root, "run/systemd/container"))
		c |= NFS_CONTAINER_MARKER;
	return c;
}

int nfs_identity_gather(const char *root, struct nfs_identity_facts *ret)
{
	struct nfs_identity_facts f = {};
	char buf[256];
	int r;

	r = read_value(root, "sys/module/nfs/parameters/nfs4_unique_id", buf, sizeof(buf));
	f.module_param = r == 0 ? source_of(buf) : NFS_SOURCE_UNKNOWN;
	if (f.module_param == NFS_SOURCE_SET)
		cut_copy(f.module_param_value, sizeof(f.module_param_value), buf);

	r = read_value(root, "sys/fs/nfs/net/nfs_client/identifier", buf, sizeof(buf));
	if (r == 0) {
		f.identifier = source_of(buf);
		if (f.identifier == NFS_SOURCE_SET)
			cut_copy(f.identifier_value, sizeof(f.identifier_value), buf);
	} else if (r == -ENOENT && !exists(root, "sys/fs/nfs") && f.module_param != NFS_SOURCE_UNKNOWN)
		/* The nfs module is there but sysfs has no /sys/fs/nfs at all:
		 * a kernel before 5.3, which has no per-namespace identifier. */
		f.identifier = NFS_SOURCE_EMPTY;
	else
		f.identifier = NFS_SOURCE_UNKNOWN;

	/* A nodename has at most 64 bytes (__NEW_UTS_LEN). */
	if (read_line(root, "proc/sys/kernel/hostname", buf, sizeof(f.hostname)) == 0)
		memcpy(f.hostname, buf, sizeof(f.hostname));
	else if (!root || streq(root, "/")) {
		struct utsname u;

		if (uname(&u) == 0)
			(void)snprintf(f.hostname, sizeof(f.hostname), "%s", u.nodename);
	}
	f.container = container_hints(root);
	f.net_ns = net_ns_of(root);
	f.sb_dirs = any_sb_dir(root);
	*ret = f;
	return 0;
}

enum nfs_netns nfs_identity_netns(const char *root, const struct nfs_identity_facts *f, dev_t devno)
{
	char rel[64];

	if (!f->sb_dirs)
		return NFS_NETNS_UNKNOWN;
	(void)snprintf(rel, sizeof(rel), "sys/fs/nfs/%u:%u", major(devno), minor(devno));
	return exists(root, rel) ? NFS_NETNS_SAME : NFS_NETNS_OTHER;
}

enum nfs_identity nfs_identity_decide(const struct nfs_identity_facts *f, enum nfs_netns netns,
				      unsigned *ret_flags)
{
	unsigned flags = 0;

	*ret_flags = 0;
	if (netns == NFS_NETNS_OTHER || f->identifier == NFS_SOURCE_UNKNOWN)
		return NFS_IDENTITY_UNKNOWN;
	if (f->identifier == NFS_SOURCE_SET)
		return NFS_IDENTITY_UNIQUE;
	if (f->module_param == NFS_SOURCE_UNKNOWN)
		return NFS_IDENTITY_UNKNOWN;
	if (f->module_param == NFS_SOURCE_SET) {
		/* Sets the host apart from other hosts, not its network
		 * namespaces from each other: every namespace whose UTS
		 * nodename is the same sends the same owner string. */
		if (!f->container && f->net_ns != NFS_NET_NS_OTHER)
			return NFS_IDENTITY_UNIQUE;
		flags |= NFS_IDENTITY_HOST_WIDE;
		if (f->net_ns == NFS_NET_NS_OTHER)
			flags |= NFS_IDENTITY_NET_NS;
	}
	if (f->container)
		flags |= NFS_IDENTITY_CONTAINER;
	if (nfs_hostname_is_generic(f->hostname))
		flags |= NFS_IDENTITY_GENERIC_HOSTNAME;
	*ret_flags = flags;
	return NFS_IDENTITY_HOSTNAME_ONLY;
}

/* "addr=" among the mount's super options, the server address as
 * rpc_peeraddr2str(RPC_DISPLAY_ADDR) prints it (nfs_show_options()). */
static bool option_value(const char *opts, const char *name, char *buf, size_t bufsz)
{
	size_t nl = strlen(name);

	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t len = strcspn(p, ",");

		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			(void)snprintf(buf, bufsz, "%.*s", (int)(len - nl - 1), p + nl + 1);
			return true;
		}
		if (len == nl && strncmp(p, name, nl) == 0) {
			buf[0] = '\0';
			return true;
		}
	}
	return false;
}

int nfs_identity_owner(const struct nfs_identity_facts *f, enum nfs_netns netns, unsigned minor,
		       const char *fs_options, char *ret_hash, enum nfs_owner_source *ret_source)
{
	struct nfs_owner_input in = { .minor = minor, .nodename = f->hostname };
	enum nfs_owner_source src;
	char addr[128], flag[1], owner[512];

	/* The facts are those of this process's network namespace. */
	if (netns == NFS_NETNS_OTHER || f->identifier == NFS_SOURCE_UNKNOWN)
		return -ENODATA;
	if (f->identifier == NFS_SOURCE_SET) {
		src = NFS_OWNER_IDENTIFIER;
		in.uniquifier = f->identifier_value;
	} else if (f->module_param == NFS_SOURCE_SET) {
		src = NFS_OWNER_MODULE_PARAM;
		in.uniquifier = f->module_param_value;
	} else if (f->module_param == NFS_SOURCE_EMPTY)
		src = NFS_OWNER_HOSTNAME;
	else
		return -ENODATA;
	if (option_value(fs_options, "addr", addr, sizeof(addr)))
		in.server_addr = addr;
	in.migration = option_value(fs_options, "migration", flag, sizeof(flag));
	if (nfs_owner_string(&in, owner, sizeof(owner)) < 0)
		return -ENODATA;
	nfs_owner_hash(owner, ret_hash);
	*ret_source = src;
	return 0;
}
