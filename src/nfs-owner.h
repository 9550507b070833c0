/* The NFSv4 client owner string: the co_ownerid the Linux client sends in
 * SETCLIENTID (NFSv4.0) or EXCHANGE_ID (NFSv4.1+), rebuilt from the facts
 * fsprobe reads, and its hash, which hosts can publish and compare: two
 * clients presenting the same owner string to one server steal each
 * other's lease.
 *
 * The kernel's rules (fs/nfs/nfs4proc.c, Linux 5.3 to 6.x;
 * nfs4_get_uniquifier(), nfs4_init_nonuniform_client_string(),
 * nfs4_init_uniform_client_string()):
 *
 *   uniquifier = the network namespace's nfs_client identifier
 *                (/sys/fs/nfs/net/nfs_client/identifier), else the module
 *                parameter nfs.nfs4_unique_id, else none; at most 63 bytes
 *                (strscpy() into char[NFS4_CLIENT_ID_UNIQ_LEN = 64])
 *   NFSv4.0 (SETCLIENTID, non-uniform unless mounted with "migration"):
 *       "Linux NFSv4.0 <nodename>/<uniquifier>/<server address>"
 *       "Linux NFSv4.0 <nodename>/<server address>"   without uniquifier
 *   NFSv4.0 with "migration", and NFSv4.1+ (EXCHANGE_ID, uniform):
 *       "Linux NFSv4.<minor> <uniquifier>/<nodename>"
 *       "Linux NFSv4.<minor> <nodename>"               without uniquifier
 *
 * <nodename> is the UTS nodename of the process that created the client
 * (rpc_new_client() copies utsname()->nodename into cl_nodename), the
 * server address is rpc_peeraddr2str(RPC_DISPLAY_ADDR), which mountinfo
 * shows as the "addr=" option of the mount. Kernels before 5.3 have no
 * per-namespace identifier, and older ones (Linux 3.x) put the client's
 * and the server's addresses and the transport in the 4.0 string: for
 * those the hash is not the owner string's. Every format above was checked
 * against the names Linux 6.1's nfsd recorded from Linux 6.1 clients
 * (/proc/fs/nfsd/clients/N/info, the VM suite's identity boot).
 *
 * Pure string work: never touches a file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* hex digits of SHA-256 published */
#define NFS_OWNER_HASH_LEN 16
/* NFS4_CLIENT_ID_UNIQ_LEN - 1 */
#define NFS_UNIQUIFIER_MAX 63

/* Where the uniquifier of an owner string came from. */
enum nfs_owner_source {
	NFS_OWNER_HOSTNAME,	/* none: the nodename alone */
	NFS_OWNER_MODULE_PARAM, /* nfs.nfs4_unique_id, host-wide */
	NFS_OWNER_IDENTIFIER,	/* the network namespace's identifier */
	_NFS_OWNER_SOURCE_MAX,
};

/* "hostname", "module_param", "identifier" */
const char *nfs_owner_source_to_string(enum nfs_owner_source s);

struct nfs_owner_input {
	unsigned minor;		 /* NFSv4 minor version */
	const char *nodename;	 /* the client's UTS nodename */
	const char *uniquifier;	 /* NULL or "": none; longer than 63 bytes is cut as the kernel does */
	const char *server_addr; /* mountinfo's addr=; needed for NFSv4.0 without migration */
	bool migration;		 /* NFSv4.0 mounted with -o migration: uniform string */
};

/* The owner string into buf. -EINVAL without a nodename, or for a
 * non-uniform NFSv4.0 string without a server address; -ENOBUFS when buf
 * is too small. */
int nfs_owner_string(const struct nfs_owner_input *in, char *buf, size_t bufsz);

/* The first NFS_OWNER_HASH_LEN hex digits of the owner string's SHA-256,
 * into ret (NFS_OWNER_HASH_LEN + 1 bytes). Returns ret. */
char *nfs_owner_hash(const char *owner, char *ret);
