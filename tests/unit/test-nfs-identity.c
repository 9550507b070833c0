/* The NFSv4 client identity: the decision table (per-namespace
 * identifier, module parameter, neither, unreadable; containers; mounts
 * of another network namespace), generic hostnames, and the facts read
 * from a fixture tree the test builds (sysfs as the kernel shows it,
 * including the "(null)" of an identifier never set). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "macro.h"
#include "nfs-identity.h"
#include "tap.h"

static char root[] = "/tmp/fsprobe-identity.XXXXXX";

static void put(const char *rel, const char *content)
{
	char path[512], *slash;

	(void)snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		(void)mkdir(path, 0755);
		*slash = '/';
	}
	if (content) {
		FILE *f = fopen(path, "w");
		if (!f)
			abort();
		fputs(content, f);
		fclose(f);
	} else
		(void)mkdir(path, 0755);
}

static const char *path_of(const char *rel)
{
	static char path[512];

	(void)snprintf(path, sizeof(path), "%s/%s", root, rel);
	return path;
}

/* In the test's own network namespace, then in a new one (root only: a
 * child unshares, so the test's namespace stays). */
static void net_ns_cases(void)
{
	struct nfs_identity_facts f;
	struct stat st;
	pid_t pid;
	int status;

	(void)nfs_identity_gather(root, &f);
	if (stat("/proc/1/ns/net", &st) < 0) {
		is_int(f.net_ns, NFS_NET_NS_UNKNOWN, "PID 1's network namespace unreadable (%s): unknown",
		       strerror(errno));
		return;
	}
	{
		struct stat self;

		ok(stat("/proc/self/ns/net", &self) == 0, "own network namespace readable");
		is_int(f.net_ns, self.st_ino == st.st_ino ? NFS_NET_NS_INITIAL : NFS_NET_NS_OTHER,
		       "the network namespace compared with PID 1's");
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(77);
		(void)nfs_identity_gather(root, &f);
		_exit(f.net_ns == NFS_NET_NS_OTHER ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status), "child ran");
	if (WEXITSTATUS(status) == 77)
		is_int(geteuid() != 0, 1, "unshare(CLONE_NEWNET) refused: allowed only when not root");
	else
		is_int(WEXITSTATUS(status), 0, "in a new network namespace: not the initial one");
}

static void drop(const char *rel)
{
	char path[512];

	(void)snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (unlink(path) < 0)
		(void)rmdir(path);
}

static struct nfs_identity_facts facts(enum nfs_source id, enum nfs_source param, const char *host, unsigned container)
{
	struct nfs_identity_facts f = { .identifier = id, .module_param = param, .container = container };

	(void)snprintf(f.hostname, sizeof(f.hostname), "%s", host);
	return f;
}

static void decision_table(void)
{
	struct nfs_identity_facts f;
	unsigned flags;

	f = facts(NFS_SOURCE_SET, NFS_SOURCE_EMPTY, "localhost", NFS_CONTAINER_PID_NAMESPACE);
	is_int(nfs_identity_decide(&f, NFS_NETNS_UNKNOWN, &flags), NFS_IDENTITY_UNIQUE,
	       "identifier set: unique, even with a generic hostname in a container");
	is_int(flags, 0, "unique: no flags");
	f = facts(NFS_SOURCE_SET, NFS_SOURCE_UNKNOWN, "web1", 0);
	is_int(nfs_identity_decide(&f, NFS_NETNS_SAME, &flags), NFS_IDENTITY_UNIQUE,
	       "identifier set, module parameter unreadable: unique");
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_SET, "web1", 0);
	is_int(nfs_identity_decide(&f, NFS_NETNS_UNKNOWN, &flags), NFS_IDENTITY_UNIQUE,
	       "module parameter set on the host: unique");
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_SET, "web1", NFS_CONTAINER_MARKER);
	is_int(nfs_identity_decide(&f, NFS_NETNS_UNKNOWN, &flags), NFS_IDENTITY_HOSTNAME_ONLY,
	       "module parameter only, in a container: hostname-only among the host's namespaces");
	is_int(flags, NFS_IDENTITY_HOST_WIDE | NFS_IDENTITY_CONTAINER, "... host-wide and container flags");
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_EMPTY, "web1.example.com", 0);
	is_int(nfs_identity_decide(&f, NFS_NETNS_UNKNOWN, &flags), NFS_IDENTITY_HOSTNAME_ONLY,
	       "neither set: hostname-only");
	is_int(flags, 0, "... with a specific hostname: not flagged risky");
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_EMPTY, "localhost.localdomain", 0);
	(void)nfs_identity_decide(&f, NFS_NETNS_SAME, &flags);
	is_int(flags, NFS_IDENTITY_GENERIC_HOSTNAME, "neither set, localhost.localdomain: generic");
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_EMPTY, "web1", NFS_CONTAINER_PID_NAMESPACE);
	(void)nfs_identity_decide(&f, NFS_NETNS_SAME, &flags);
	is_int(flags, NFS_IDENTITY_CONTAINER, "neither set, in a container: flagged");
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_UNKNOWN, "web1", 0);
	is_int(nfs_identity_decide(&f, NFS_NETNS_SAME, &flags), NFS_IDENTITY_UNKNOWN,
	       "identifier empty, module parameter unreadable (not root): unknown, no warning");
	f = facts(NFS_SOURCE_UNKNOWN, NFS_SOURCE_EMPTY, "web1", 0);
	is_int(nfs_identity_decide(&f, NFS_NETNS_SAME, &flags), NFS_IDENTITY_UNKNOWN, "identifier unreadable: unknown");
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_EMPTY, "localhost", 0);
	is_int(nfs_identity_decide(&f, NFS_NETNS_OTHER, &flags), NFS_IDENTITY_UNKNOWN,
	       "a mount of another network namespace: unknown (its identifier is not the one read)");
	is_int(flags, 0, "unknown: no flags");

	/* the module parameter is host-wide: it tells hosts apart, not the
	 * network namespaces of one host */
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_SET, "web1", 0);
	f.net_ns = NFS_NET_NS_OTHER;
	is_int(nfs_identity_decide(&f, NFS_NETNS_SAME, &flags), NFS_IDENTITY_HOSTNAME_ONLY,
	       "module parameter only, in a network namespace other than the initial one: hostname-only");
	is_int(flags, NFS_IDENTITY_HOST_WIDE | NFS_IDENTITY_NET_NS, "... host-wide and network namespace flags");
	f.net_ns = NFS_NET_NS_INITIAL;
	is_int(nfs_identity_decide(&f, NFS_NETNS_SAME, &flags), NFS_IDENTITY_UNIQUE,
	       "module parameter only, in the initial network namespace: unique");
	f.net_ns = NFS_NET_NS_UNKNOWN;
	is_int(nfs_identity_decide(&f, NFS_NETNS_SAME, &flags), NFS_IDENTITY_UNIQUE,
	       "module parameter only, network namespace unknown: unique (no warning made up)");
	f = facts(NFS_SOURCE_SET, NFS_SOURCE_SET, "web1", 0);
	f.net_ns = NFS_NET_NS_OTHER;
	is_int(nfs_identity_decide(&f, NFS_NETNS_SAME, &flags), NFS_IDENTITY_UNIQUE,
	       "identifier set in the other network namespace: unique");
}

/* nfs_identity_owner(): which uniquifier, which string, from the facts
 * and the mount's super options as mountinfo shows them (Linux 6.1). */
static void owners(void)
{
	static const char opts40[] = "rw,vers=4.0,rsize=65536,wsize=65536,namlen=255,hard,proto=tcp,timeo=600,"
				     "retrans=2,sec=sys,clientaddr=127.0.0.1,local_lock=none,addr=127.0.0.1";
	static const char opts42[] = "rw,vers=4.2,rsize=65536,wsize=65536,namlen=255,hard,proto=tcp,timeo=600,"
				     "retrans=2,sec=sys,clientaddr=10.99.1.2,local_lock=none,addr=10.99.1.1";
	struct nfs_identity_facts f;
	enum nfs_owner_source src = _NFS_OWNER_SOURCE_MAX;
	char hash[NFS_OWNER_HASH_LEN + 1], want[NFS_OWNER_HASH_LEN + 1];

	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_EMPTY, "fsvm", 0);
	is_int(nfs_identity_owner(&f, NFS_NETNS_SAME, 2, opts42, hash, &src), 0, "hostname only, 4.2: built");
	is_str(hash, nfs_owner_hash("Linux NFSv4.2 fsvm", want), "... 'Linux NFSv4.2 fsvm'");
	is_int(src, NFS_OWNER_HOSTNAME, "... source hostname");
	is_int(nfs_identity_owner(&f, NFS_NETNS_SAME, 0, opts40, hash, &src), 0, "hostname only, 4.0: built");
	is_str(hash, nfs_owner_hash("Linux NFSv4.0 fsvm/127.0.0.1", want), "... with the server's addr=");
	is_int(nfs_identity_owner(&f, NFS_NETNS_SAME, 0, "rw,vers=4.0,addr=127.0.0.1,migration", hash, &src), 0,
	       "4.0 with migration");
	is_str(hash, nfs_owner_hash("Linux NFSv4.0 fsvm", want), "... the uniform string");
	is_int(nfs_identity_owner(&f, NFS_NETNS_SAME, 0, "rw,vers=4.0,clientaddr=127.0.0.1", hash, &src), -ENODATA,
	       "4.0 without addr= (clientaddr= is not it): not built");

	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_SET, "fsvm", 0);
	(void)snprintf(f.module_param_value, sizeof(f.module_param_value), "fleetclone\n");
	is_int(nfs_identity_owner(&f, NFS_NETNS_SAME, 1, opts42, hash, &src), 0, "module parameter: built");
	is_str(hash, nfs_owner_hash("Linux NFSv4.1 fleetclone\n/fsvm", want), "... 'Linux NFSv4.1 fleetclone\\n/fsvm'");
	is_int(src, NFS_OWNER_MODULE_PARAM, "... source module_param");

	f = facts(NFS_SOURCE_SET, NFS_SOURCE_SET, "fsvm", 0);
	(void)snprintf(f.module_param_value, sizeof(f.module_param_value), "fleetclone");
	(void)snprintf(f.identifier_value, sizeof(f.identifier_value), "idtest-123");
	is_int(nfs_identity_owner(&f, NFS_NETNS_UNKNOWN, 0, opts40, hash, &src), 0, "identifier and parameter: built");
	is_str(hash, nfs_owner_hash("Linux NFSv4.0 fsvm/idtest-123/127.0.0.1", want), "... the identifier wins");
	is_int(src, NFS_OWNER_IDENTIFIER, "... source identifier");
	f.module_param = NFS_SOURCE_UNKNOWN;
	is_int(nfs_identity_owner(&f, NFS_NETNS_SAME, 2, opts42, hash, &src), 0,
	       "identifier set, parameter unreadable: built (the parameter does not matter)");

	is_int(nfs_identity_owner(&f, NFS_NETNS_OTHER, 2, opts42, hash, &src), -ENODATA,
	       "a mount of another network namespace: not built");
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_UNKNOWN, "fsvm", 0);
	is_int(nfs_identity_owner(&f, NFS_NETNS_SAME, 2, opts42, hash, &src), -ENODATA,
	       "identifier empty, parameter unreadable (not root): not built");
	f = facts(NFS_SOURCE_UNKNOWN, NFS_SOURCE_EMPTY, "fsvm", 0);
	is_int(nfs_identity_owner(&f, NFS_NETNS_SAME, 2, opts42, hash, &src), -ENODATA, "identifier unreadable: not built");
	f = facts(NFS_SOURCE_EMPTY, NFS_SOURCE_EMPTY, "", 0);
	is_int(nfs_identity_owner(&f, NFS_NETNS_SAME, 2, opts42, hash, &src), -ENODATA, "no hostname: not built");
}

static void hostnames(void)
{
	const char *generic[] = { "localhost", "LOCALHOST", "(none)", "", "debian", "ubuntu", "raspberrypi",
				  "localhost.localdomain", "fedora" };
	const char *specific[] = { "web1", "db-07.example.com", "debian12-build", "9f3c2a1b7e44", "fsvm" };

	for (size_t i = 0; i < ARRAY_SIZE(generic); i++)
		ok(nfs_hostname_is_generic(generic[i]), "'%s' is generic", generic[i]);
	for (size_t i = 0; i < ARRAY_SIZE(specific); i++)
		ok(!nfs_hostname_is_generic(specific[i]), "'%s' is not", specific[i]);
	ok(nfs_hostname_is_generic(NULL), "no hostname counts as generic");
}

static void gather(void)
{
	struct nfs_identity_facts f;

	if (!mkdtemp(root)) {
		ok(0, "mkdtemp");
		return;
	}
	/* Linux 6.x, nothing set, as sysfs prints it. */
	put("sys/module/nfs/parameters/nfs4_unique_id", "\n");
	put("sys/fs/nfs/net/nfs_client/identifier", "(null)\n");
	put("proc/sys/kernel/hostname", "localhost\n");
	is_int(nfs_identity_gather(root, &f), 0, "gather");
	is_int(f.identifier, NFS_SOURCE_EMPTY, "identifier '(null)': empty");
	is_int(f.module_param, NFS_SOURCE_EMPTY, "module parameter '\\n': empty");
	is_str(f.hostname, "localhost", "hostname from proc/sys/kernel/hostname");
	is_int(f.container, 0, "no container hints in the tree (its proc/self/ns is no nsfs)");
	ok(!f.sb_dirs, "no per-superblock directories");
	is_int(nfs_identity_netns(root, &f, makedev(0, 52)), NFS_NETNS_UNKNOWN, "without them: unknown namespace");

	put("sys/fs/nfs/net/nfs_client/identifier", "8a2f0c6e1d\n");
	(void)nfs_identity_gather(root, &f);
	is_int(f.identifier, NFS_SOURCE_SET, "identifier written: set");
	is_str(f.identifier_value, "8a2f0c6e1d", "its value, without sysfs's newline");
	put("sys/fs/nfs/net/nfs_client/identifier",
	    "0123456789012345678901234567890123456789012345678901234567890123456789\n");
	(void)nfs_identity_gather(root, &f);
	is_str(f.identifier_value, "012345678901234567890123456789012345678901234567890123456789012",
	       "a longer one cut to the 63 bytes the owner string takes");
	/* written with echo: the kernel keeps echo's newline, sysfs adds one */
	put("sys/module/nfs/parameters/nfs4_unique_id", "fleetclone\n\n");
	(void)nfs_identity_gather(root, &f);
	is_int(f.module_param, NFS_SOURCE_SET, "module parameter 'fleetclone\\n': set");
	is_str(f.module_param_value, "fleetclone\n", "... its value keeps the newline the kernel holds");
	is_int(f.net_ns, NFS_NET_NS_UNKNOWN, "fixture files are no nsfs: network namespace unknown");

	put("sys/module/nfs/parameters/nfs4_unique_id", "host-7\n");
	drop("sys/fs/nfs/net/nfs_client/identifier");
	(void)nfs_identity_gather(root, &f);
	is_int(f.identifier, NFS_SOURCE_UNKNOWN, "/sys/fs/nfs there, identifier missing: unknown");
	drop("sys/fs/nfs/net/nfs_client");
	drop("sys/fs/nfs/net");
	drop("sys/fs/nfs");
	(void)nfs_identity_gather(root, &f);
	is_int(f.identifier, NFS_SOURCE_EMPTY, "no /sys/fs/nfs at all (before 5.3): no identifier, empty");
	is_int(f.module_param, NFS_SOURCE_SET, "module parameter set");
	drop("sys/module/nfs/parameters/nfs4_unique_id");
	(void)nfs_identity_gather(root, &f);
	is_int(f.identifier, NFS_SOURCE_UNKNOWN, "nothing readable: unknown, not empty");
	is_int(f.module_param, NFS_SOURCE_UNKNOWN, "module parameter missing: unknown");

	put("run/.containerenv", "");
	(void)nfs_identity_gather(root, &f);
	is_int(f.container, NFS_CONTAINER_MARKER, "/run/.containerenv: container");
	drop("run/.containerenv");
	put("run/systemd/container", "lxc\n");
	(void)nfs_identity_gather(root, &f);
	is_int(f.container, NFS_CONTAINER_MARKER, "/run/systemd/container: container");
	drop("run/systemd/container");
	drop("run/systemd");

	put("sys/fs/nfs/0:52", NULL);
	put("sys/fs/nfs/net", NULL);
	(void)nfs_identity_gather(root, &f);
	ok(f.sb_dirs, "sys/fs/nfs/0:52: per-superblock directories");
	is_int(nfs_identity_netns(root, &f, makedev(0, 52)), NFS_NETNS_SAME, "0:52 is in this namespace");
	is_int(nfs_identity_netns(root, &f, makedev(0, 53)), NFS_NETNS_OTHER, "0:53 is not");

	drop("proc/sys/kernel/hostname");
	(void)nfs_identity_gather(root, &f);
	is_str(f.hostname, "", "hostname unreadable under a fixture root: empty, not ours");

	/* The namespace files of the real /proc through the tree. */
	put("proc/self", NULL);
	put("proc/1", NULL);
	ok(symlink("/proc/self/ns", path_of("proc/self/ns")) == 0 && symlink("/proc/1/ns", path_of("proc/1/ns")) == 0,
	   "proc/self/ns and proc/1/ns linked to the real ones");
	net_ns_cases();
	drop("proc/self/ns");
	drop("proc/1/ns");
	drop("proc/self");
	drop("proc/1");

	/* The real system answers too (whatever it holds). */
	is_int(nfs_identity_gather("/", &f), 0, "gather on / works");
	ok(f.hostname[0] != '\0', "the real hostname is read");

	drop("sys/fs/nfs/0:52");
	drop("sys/fs/nfs/net");
	drop("sys/fs/nfs");
	drop("sys/fs");
	drop("sys/module/nfs/parameters");
	drop("sys/module/nfs");
	drop("sys/module");
	drop("sys");
	drop("proc/sys/kernel");
	drop("proc/sys");
	drop("proc");
	drop("run");
	ok(rmdir(root) == 0, "fixture tree removed entirely");
}

int main(void)
{
	decision_table();
	owners();
	hostnames();
	gather();
	return tap_done();
}
