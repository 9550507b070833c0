/* The NFSv4 client identity: the decision table (per-namespace
 * identifier, module parameter, neither, unreadable; containers; mounts
 * of another network namespace), generic hostnames, and the facts read
 * from a fixture tree the test builds (sysfs as the kernel shows it,
 * including the "(null)" of an identifier never set). */
#include <errno.h>
#include <fcntl.h>
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
	hostnames();
	gather();
	return tap_done();
}
