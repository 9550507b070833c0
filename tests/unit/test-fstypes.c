/* Which types are probed by default: network, cluster and FUSE file
 * systems, and nothing that only looks like one. */
#include "fstypes.h"
#include "macro.h"
#include "tap.h"

int main(void)
{
	static const char *const suspect[] = { "nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse", "fuse.sshfs",
					       "fuse.s3fs", "fuseblk", "9p", "9p2000", "nfs3", "ceph", "glusterfs", "lustre",
					       "afs", "gpfs", "davfs", "virtiofs" };
	static const char *const local[] = { "ext4", "xfs", "btrfs", "tmpfs", "proc", "sysfs", "devpts",
					     "cgroup2", "overlay", "fusectl", "nfsd", "rpc_pipefs", "autofs" };

	for (size_t i = 0; i < ARRAY_SIZE(suspect); i++)
		ok(fstype_is_suspect(suspect[i]), "%s is probed by default", suspect[i]);
	for (size_t i = 0; i < ARRAY_SIZE(local); i++)
		ok(!fstype_is_suspect(local[i]), "%s is not", local[i]);
	ok(!fstype_is_suspect(NULL), "no type: not suspect");
	ok(fstype_is_untraversable("autofs"), "autofs triggers are not walked through");
	ok(fstype_is_automount("autofs") && !fstype_is_automount("nfs4") && !fstype_is_automount(NULL),
	   "autofs, and autofs alone, is an automount point");
	ok(fstype_is_untraversable("nfs4") && !fstype_is_untraversable("ext4"), "network mounts are not either");
	ok(fstype_is_pseudo("proc") && !fstype_is_pseudo("ext4"), "proc is pseudo, ext4 is not");
	return tap_done();
}
