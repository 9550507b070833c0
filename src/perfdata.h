/* Nagios performance data labels: one per mount, derived from its mount
 * point, quoted, and unique where graphers cut them. RRD-based graphers
 * (PNP4Nagios, Monitoring::Plugin's rrdlabel) keep only the first 19
 * characters of a label, so two mounts whose labels agree there would be
 * drawn as one. Pure functions: never touch a mount. */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* Graphers keep this many characters of a label. */
#define PERFDATA_LABEL_KEEP 19
/* A mount's label is at most this long, so that "<label> latency" still
 * differs from "<label>" within the characters graphers keep. */
#define PERFDATA_LABEL_MAX (PERFDATA_LABEL_KEEP - 1)
#define PERFDATA_LABEL_SIZE (PERFDATA_LABEL_MAX + 1)

/* The second label every mount gets: "<label> latency". */
#define PERFDATA_LATENCY_SUFFIX " latency"

/* Fills labels[i] for the mount point names[i] of n mounts, so that every
 * "<label>" and "<label> latency" is unique in its first 19 characters:
 *   - the mount point itself when it fits in 18 characters;
 *   - else its tail, from a '/' where possible: "../projects/alpha";
 *   - where two still agree, the mount's ID is appended: "../data#41";
 *   - where even that collides, "mount 41".
 * Characters that break perfdata parsers (', =, |, control characters)
 * become '_': Monitoring::Plugin, for one, reads a label as [^'=]+ and
 * cannot parse the guidelines' doubled quote. ids are the mounts' unique
 * IDs. Returns 0 or -ENOMEM. */
int perfdata_labels(const char *const *names, const int *ids, size_t n, char (*labels)[PERFDATA_LABEL_SIZE]);

/* Writes 'label' + suffix, single-quoted, a ' inside doubled as the
 * guidelines want (labels from perfdata_labels() have none). */
void perfdata_write_label(FILE *out, const char *label, const char *suffix);
