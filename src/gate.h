/* The gate rule, in one place: never walk through a parent mount that has
 * not answered. A path walk to a mount crosses every mount above it; one
 * that hangs holds the walk (unkillably, in the kernel), so a mount is
 * asked only once its gate, the nearest ancestor that is itself asked,
 * has answered healthy (ok, or denied: a denied lookup still fails fast).
 *
 * Which ancestors count as gates is the caller's choice (the CLI: the
 * mounts it probes; the daemon: selected or network/FUSE mounts). An
 * automount trigger is never one: it is never asked (asking mounts it),
 * so the mounts below it wait on what lies above it.
 *
 * Used by the CLI run (report.c), the helper (which issues a gate's
 * children when it answers) and the daemon's tracker. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "state.h"

struct gate_tree {
	size_t n;
	/* The mount the path walk to i crosses last (its parent), or -1. */
	ssize_t (*parent)(const void *userdata, size_t i);
	/* Whether i is asked itself, so that the walks below it wait on it. */
	bool (*is_gate)(const void *userdata, size_t i);
	const void *userdata;
};

/* Fills ret_gate[i] with the gate of every i (-1: none) in one pass over
 * the tree, each parent chain walked once. A mount is never its own gate,
 * even in a parent cycle (which no kernel table has, but a file can). */
int gate_compute(const struct gate_tree *g, ssize_t *ret_gate);

/* Whether a gate's status lets the walks below it go on. */
static inline bool gate_passes(enum mount_status s)
{
	return status_is_healthy(s);
}
