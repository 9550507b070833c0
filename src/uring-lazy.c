/* The few liburing functions fsprobe calls, as wrappers that load
 * liburing.so.2 on first use (see lazy.h).
 *
 * Only a helper running the io_uring engine calls them: the daemon's, and
 * a one-shot run's when a network or FUSE mount is selected or --engine
 * uring is asked for (report.c). Any other run never loads it. Without
 * liburing, setting up a ring fails with ELIBACC, and the helper falls
 * back to the thread engine as for any other reason io_uring is
 * unavailable. Never touches a mount. */
#include <errno.h>
#include <liburing.h>

#include "lazy.h"

static void *sym(const char *name)
{
	static void *lib;

	return lazy_symbol("liburing.so.2", &lib, name);
}

LAZY(sym, int, io_uring_queue_init_params, (unsigned entries, struct io_uring *ring, struct io_uring_params *p),
     (entries, ring, p), -ELIBACC)
LAZY_VOID(sym, io_uring_queue_exit, (struct io_uring *ring), (ring))
LAZY(sym, struct io_uring_probe *, io_uring_get_probe_ring, (struct io_uring *ring), (ring), NULL)
LAZY_VOID(sym, io_uring_free_probe, (struct io_uring_probe *probe), (probe))
LAZY(sym, int, io_uring_register_iowq_max_workers, (struct io_uring *ring, unsigned int *values), (ring, values),
     -ELIBACC)
LAZY(sym, int, io_uring_submit, (struct io_uring *ring), (ring), -ELIBACC)
LAZY(sym, int, io_uring_get_events, (struct io_uring *ring), (ring), -ELIBACC)
