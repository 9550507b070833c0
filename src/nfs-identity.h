/* The NFSv4 client identity: whether anything but the hostname sets this
 * client apart from others on the server.
 *
 * The Linux client presents "Linux NFSv4.x <uniquifier>/<nodename>" (or
 * without the uniquifier), where the uniquifier is the network namespace's
 * /sys/fs/nfs/net/nfs_client/identifier (Linux 5.3+) or else the host-wide
 * module parameter nfs.nfs4_unique_id (nfs4_get_uniquifier() in
 * fs/nfs/nfs4proc.c). Both empty: the hostname alone identifies the client,
 * and two clients with one hostname (cloned VMs, containers with a network
 * namespace but the host's hostname, NFS-root clients) steal each other's
 * lease.
 *
 * Reads a few small files of sysfs and procfs under a root directory (so
 * tests point it at a fixture tree); never touches a mount. The decision
 * itself is a pure function of the facts read. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "nfs-health.h"
#include "nfs-owner.h"

/* What a uniquifier source held. */
enum nfs_source {
	NFS_SOURCE_UNKNOWN, /* unreadable: hidden, no permission, not there */
	NFS_SOURCE_EMPTY,
	NFS_SOURCE_SET,
};

/* Why fsprobe thinks it runs in a container. */
enum {
	NFS_CONTAINER_PID_NAMESPACE = 1 << 0, /* not the initial PID namespace */
	NFS_CONTAINER_MARKER = 1 << 1,	      /* /run/.containerenv, /run/systemd/container */
};

/* Whether fsprobe runs in the initial network namespace. */
enum nfs_net_ns {
	NFS_NET_NS_UNKNOWN, /* PID 1's is not readable (not root, no ptrace right) */
	NFS_NET_NS_INITIAL, /* the same as PID 1's */
	NFS_NET_NS_OTHER,   /* another one: a container's, ip netns exec's */
};

struct nfs_identity_facts {
	enum nfs_source identifier;   /* the network namespace's identifier */
	enum nfs_source module_param; /* nfs.nfs4_unique_id (root only: mode 0600) */
	/* their values when set, as the kernel holds them (sysfs adds a
	 * newline that is not part of them; one written with echo keeps
	 * its own), cut to what the owner string takes */
	char identifier_value[NFS_UNIQUIFIER_MAX + 1];
	char module_param_value[NFS_UNIQUIFIER_MAX + 1];
	char hostname[65];	      /* the UTS nodename, "" if unknown */
	unsigned container;	      /* NFS_CONTAINER_* */
	enum nfs_net_ns net_ns;	      /* this process's network namespace */
	/* /sys/fs/nfs has a directory per NFS superblock of the network
	 * namespace sysfs shows (MAJOR:MINOR, newer kernels): the mounts
	 * with one are known to be this namespace's. */
	bool sb_dirs;
};

/* Reads the facts under root ("/" or NULL for the real system):
 * sys/fs/nfs/net/nfs_client/identifier, sys/module/nfs/parameters/
 * nfs4_unique_id, proc/sys/kernel/hostname (the reader's UTS namespace),
 * proc/self/ns/pid, proc/self/ns/net and proc/1/ns/net, run/.containerenv,
 * run/systemd/container, and the entries of sys/fs/nfs. Unreadable sources are recorded as unknown, so
 * this only fails with -ENOMEM. */
int nfs_identity_gather(const char *root, struct nfs_identity_facts *ret);

/* localhost, "(none)" (the kernel's before anyone set one), a
 * distribution's default and the like. */
bool nfs_hostname_is_generic(const char *hostname);

enum nfs_netns {
	NFS_NETNS_UNKNOWN, /* cannot tell: assumed to be the one sysfs shows */
	NFS_NETNS_SAME,	   /* the mount's superblock is in sysfs's namespace */
	NFS_NETNS_OTHER,   /* it belongs to another network namespace */
};

/* Whether the mount with this device number belongs to the network
 * namespace whose identifier the facts hold (sysfs shows each namespace
 * its own /sys/fs/nfs entries). */
enum nfs_netns nfs_identity_netns(const char *root, const struct nfs_identity_facts *f, dev_t devno);

/* The owner string the client of a mount sends (nfs-owner.h), from the
 * facts and the mount's version and options: its hash into ret_hash
 * (NFS_OWNER_HASH_LEN + 1 bytes) and where its uniquifier came from.
 * -ENODATA when the facts do not tell (a mount of another network
 * namespace, an unreadable source, no hostname, no addr= for NFSv4.0). */
int nfs_identity_owner(const struct nfs_identity_facts *f, enum nfs_netns netns, unsigned minor,
		       const char *fs_options, char *ret_hash, enum nfs_owner_source *ret_source);

/* The decision table:
 *   mount of another network namespace             -> unknown
 *   identifier set                                 -> unique
 *   identifier unreadable                          -> unknown
 *   identifier empty, nfs4_unique_id set           -> unique, but in a
 *       container or a network namespace other than the initial one
 *       hostname-only (host-wide): the parameter is the same in every
 *       network namespace of the host
 *   identifier empty, nfs4_unique_id empty         -> hostname-only
 *   identifier empty, nfs4_unique_id unreadable    -> unknown
 * with NFS_IDENTITY_GENERIC_HOSTNAME, NFS_IDENTITY_CONTAINER and
 * NFS_IDENTITY_HOST_WIDE (with NFS_IDENTITY_NET_NS for the namespace) in
 * *ret_flags for a hostname-only identity that is likely to collide. */
enum nfs_identity nfs_identity_decide(const struct nfs_identity_facts *f, enum nfs_netns netns,
				      unsigned *ret_flags);
