/* The NFSv4 client owner string as the kernel builds it; see nfs-owner.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nfs-owner.h"
#include "sha256.h"

static const char *const source_names[_NFS_OWNER_SOURCE_MAX] = {
	[NFS_OWNER_HOSTNAME] = "hostname",
	[NFS_OWNER_MODULE_PARAM] = "module_param",
	[NFS_OWNER_IDENTIFIER] = "identifier",
};

const char *nfs_owner_source_to_string(enum nfs_owner_source s)
{
	return (unsigned)s < _NFS_OWNER_SOURCE_MAX ? source_names[s] : NULL;
}

int nfs_owner_string(const struct nfs_owner_input *in, char *buf, size_t bufsz)
{
	/* nfs4_get_uniquifier(): strscpy() into a 64-byte buffer */
	const char *u = in->uniquifier ? in->uniquifier : "";
	int ulen = (int)strnlen(u, NFS_UNIQUIFIER_MAX);
	bool uniform = in->minor > 0 || in->migration;
	int k;

	if (!in->nodename || !in->nodename[0])
		return -EINVAL;
	if (!uniform && (!in->server_addr || !in->server_addr[0]))
		return -EINVAL;
	/* the "%u.%u" of the uniform string prints rpc_ops->version and
	 * cl_minorversion; the non-uniform one has "4.0" as a literal */
	if (uniform && ulen)
		k = snprintf(buf, bufsz, "Linux NFSv4.%u %.*s/%s", in->minor, ulen, u, in->nodename);
	else if (uniform)
		k = snprintf(buf, bufsz, "Linux NFSv4.%u %s", in->minor, in->nodename);
	else if (ulen)
		k = snprintf(buf, bufsz, "Linux NFSv4.0 %s/%.*s/%s", in->nodename, ulen, u, in->server_addr);
	else
		k = snprintf(buf, bufsz, "Linux NFSv4.0 %s/%s", in->nodename, in->server_addr);
	if (k < 0 || (size_t)k >= bufsz)
		return -ENOBUFS;
	return k;
}

char *nfs_owner_hash(const char *owner, char *ret)
{
	return sha256_hex(owner, strlen(owner), NFS_OWNER_HASH_LEN, ret);
}
