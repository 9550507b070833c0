/* Which file system types fsprobe probes by default, in one place. */
#include <libmount.h>
#include <string.h>

#include "fstypes.h"
#include "macro.h"

/* Kernel names of network and cluster file systems, plus FUSE-based ones
 * whose fstype does not start with "fuse" (fuseblk is block-backed FUSE).
 * libmount's mnt_fstype_is_netfs() knows only a handful of these. */
static const char *const suspect_types[] = {
	"nfs",	  "nfs4",      "cifs",	"smb3",	  "smbfs",    "ncpfs",	   "9p",
	"ceph",	  "glusterfs", "lustre", "afs",	  "gpfs",     "davfs",	   "coda",
	"ocfs2",  "gfs2",      "beegfs", "orangefs", "pvfs2",   "virtiofs", "vboxsf",
	"sshfs",  "s3fs",      "fuseblk", "fuse",	  "moosefs", "mfs",	   "cvmfs2",
	"quobyte", "weka",     "wekafs", "panfs",	  "lizardfs", "juicefs",
};

bool fstype_is_suspect(const char *fstype)
{
	if (!fstype)
		return false;
	/* fuse.sshfs, fuse.s3fs, fuse.glusterfs, ...: the subtype is free-form */
	if (strncmp(fstype, "fuse.", 5) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(suspect_types); i++)
		if (streq(fstype, suspect_types[i]))
			return true;
	/* Beyond the list above, libmount's netfs test adds only the names
	 * that begin with "nfs" or "9p" (it matches prefixes): libmount is
	 * asked about those alone, and so loaded only on a host that has one
	 * (mount-lazy.c). "nfsd", the NFS server's control file system, is a
	 * pseudo file system by libmount's list too: no network mount, and
	 * common enough on servers to be told apart without asking. */
	if ((strncmp(fstype, "nfs", 3) != 0 && strncmp(fstype, "9p", 2) != 0) || streq(fstype, "nfsd"))
		return false;
	return !mnt_fstype_is_pseudofs(fstype) && mnt_fstype_is_netfs(fstype);
}

static const char *const walk_safe_types[] = {
	"tmpfs", "ramfs", "devtmpfs", "proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "debugfs",
	"tracefs", "securityfs", "pstore", "bpf", "configfs", "hugetlbfs", "fusectl", "binfmt_misc", "efivarfs",
	"nsfs", "selinuxfs", "ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "vfat", "exfat", "squashfs",
	"iso9660", "erofs",
};

bool fstype_is_walk_safe(const char *fstype)
{
	for (size_t i = 0; fstype && i < ARRAY_SIZE(walk_safe_types); i++)
		if (streq(fstype, walk_safe_types[i]))
			return true;
	return false;
}

bool fstype_is_automount(const char *fstype)
{
	return fstype && streq(fstype, "autofs");
}

bool fstype_is_untraversable(const char *fstype)
{
	return fstype_is_suspect(fstype) || fstype_is_automount(fstype);
}

bool fstype_is_pseudo(const char *fstype)
{
	return fstype && mnt_fstype_is_pseudofs(fstype);
}
