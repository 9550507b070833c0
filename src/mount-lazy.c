/* The few libmount functions fsprobe calls, as wrappers that load
 * libmount.so.1 on first use (see lazy.h).
 *
 * A one-shot run reads the mount table itself (mountinfo.c) and asks
 * libmount nothing on most hosts (fstypes.c); the daemon's change monitor
 * is libmount's. Linked in, libmount and what it pulls along (libblkid,
 * libselinux, libpcre2, and libselinux's start-up probing) cost every run
 * about 0.3 ms before main() (doc/benchmarks.md). Without libmount the
 * monitor cannot be made (the daemon then rereads the table every cycle)
 * and no type counts as a network or pseudo file system by libmount's
 * lists. Never touches a mount. */
#include <errno.h>
#include <libmount.h>

#include "lazy.h"

static void *sym(const char *name)
{
	static void *lib;

	return lazy_symbol("libmount.so.1", &lib, name);
}

LAZY(sym, int, mnt_fstype_is_netfs, (const char *type), (type), 0)
LAZY(sym, int, mnt_fstype_is_pseudofs, (const char *type), (type), 0)
LAZY(sym, struct libmnt_monitor *, mnt_new_monitor, (void), (), NULL)
LAZY_VOID(sym, mnt_unref_monitor, (struct libmnt_monitor *mn), (mn))
LAZY(sym, int, mnt_monitor_enable_kernel, (struct libmnt_monitor *mn, int enable), (mn, enable), -ELIBACC)
LAZY(sym, int, mnt_monitor_get_fd, (struct libmnt_monitor *mn), (mn), -ELIBACC)
LAZY(sym, int, mnt_monitor_next_change, (struct libmnt_monitor *mn, const char **filename, int *type),
     (mn, filename, type), -ELIBACC)
LAZY(sym, int, mnt_monitor_event_cleanup, (struct libmnt_monitor *mn), (mn), -ELIBACC)
