/* Lease churn: how often an NFSv4 client had to establish its lease anew
 * (EXCHANGE_ID and CREATE_SESSION, or SETCLIENTID for NFSv4.0) between two
 * observations of its counters, judged over a sliding window.
 *
 * Pure arithmetic on samples the caller takes (the CLI through the state
 * directory, the daemon in memory): no I/O, no clock of its own. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

/* Establishments within this long are judged together: short enough that
 * a burst stands out, long enough to catch a pair of idle clients, which
 * steal the lease from each other only as often as they renew it (about
 * every 2/3 of the lease: a minute with the usual 90 s lease). */
#define CHURN_WINDOW_NS (10 * 60 * NSEC_PER_SEC)

/* Default threshold per window. One server restart costs a client three
 * establishments (CREATE_SESSION refused with STALE_CLIENTID, then
 * EXCHANGE_ID and CREATE_SESSION: nfs4_reset_session(), then
 * nfs4_establish_lease()); two clients with one identity cost each other
 * as many per theft, and steal at every renewal even when idle, dozens a
 * window. Six is two recoveries: one server restart never reaches it. */
#define CHURN_DEFAULT_THRESHOLD 6

#define CHURN_AGE_UNKNOWN UINT64_MAX

struct churn_sample {
	uint64_t at_ns;	     /* CLOCK_MONOTONIC of the observation; 0: none.
			      * Not BOOTTIME: the mount's age counts jiffies,
			      * which stand still in suspend as it does. */
	uint64_t establish;  /* EXCHANGE_ID + CREATE_SESSION + SETCLIENTID so far */
	uint64_t destroy;    /* DESTROY_SESSION so far */
	uint64_t age_s;	     /* the mount's age (mountstats "age:"),
			      * CHURN_AGE_UNKNOWN when not known */
};

/* Two samples: the newer one at least half a window newer than the older,
 * so that the period judged is always between half a window and a window
 * once both exist, and moves on without ever starting from zero. */
struct churn_window {
	struct churn_sample old, recent;
};

struct churn_verdict {
	bool known;	    /* a period could be judged */
	bool churn;	    /* establishments over the threshold in it */
	uint64_t establish; /* establishments within the period */
	uint64_t destroy;   /* sessions destroyed within the period */
	uint64_t period_ns;
};

/* Judges the sample against the window and records it there. The window
 * starts over, with no verdict, when the counters went backwards or the
 * mount's age does not match the time passed: another mount (a reused
 * mount ID), another client, or a reboot. threshold 0 judges nothing.
 * Over a period longer than the window the rate must reach threshold per
 * window. */
void churn_observe(struct churn_window *w, const struct churn_sample *now, unsigned threshold,
		   struct churn_verdict *ret);
