/* Daemon mode: probe continuously on an sd-event loop, follow mounts
 * as they come and go, log every change of a mount's status, keep a
 * Prometheus textfile fresh, and let systemd's watchdog watch that cycles
 * complete. The daemon process never touches a probed mount; a long-lived
 * helper does, and is replaced if it dies, stops answering or cannot
 * start (retried for ever, the daemon saying meanwhile that it is blind). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "mounts.h"
#include "nfs-check.h"
#include "probe.h"

struct daemon_options {
	uint64_t interval_ns;	      /* between cycles */
	uint64_t timeout_ns;	      /* per request: then the mount is hung */
	enum probe_engine engine;
	struct mount_filter filter;
	const char *mountinfo;	      /* NULL: /proc/self/mountinfo */
	const char *state_dir;	      /* NULL: no cross-process registry */
	const char *textfile;	      /* NULL: none */
	const char *exec_on_change;   /* program run on each transition */
	uint64_t exec_timeout_ns;
	unsigned exec_max;	      /* programs running at once */
	uint64_t abort_fuse_after_ns; /* 0: never abort FUSE connections */
	uint64_t max_cycles;	      /* 0: run until stopped (tests, benchmarks) */
	struct nfs_check_options nfs; /* NFSv4 client checks, every cycle */
};

/* Runs until SIGTERM/SIGINT (or max_cycles). Returns 0 or -errno, having
 * logged why. */
int daemon_run(const struct daemon_options *o);
