/* Nagios performance data labels: one per mount, its whole mount point as
 * check_disk labels it (so graphs and dashboards built on check_disk's
 * data go on), quoted, and unique. Pure functions: never touch a mount. */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* The other items a mount (or group) gets: "<label> latency", and with
 * check_disk's -P "<label> (inodes)". */
#define PERFDATA_LATENCY_SUFFIX " latency"
#define PERFDATA_INODES_SUFFIX " (inodes)"

/* Fills labels[i] (allocated; free with perfdata_labels_free()) for the
 * name names[i] (a mount point, a device with -M, a group name) of n
 * items, so that every "<label>", "<label> latency" and "<label> (inodes)"
 * is unique:
 *   - the name itself, characters that break perfdata parsers (', =, |,
 *     control characters) made '_': Monitoring::Plugin, for one, reads a
 *     label as [^'=]+ and cannot parse the guidelines' doubled quote;
 *   - where two still agree (two mounts stacked on one mount point, or a
 *     mount point called "/x latency" next to "/x"), the ID appended:
 *     "/srv/share#41";
 *   - where even that collides, "mount 41".
 * ids are the items' unique IDs. Returns 0 or -ENOMEM (labels freed). */
int perfdata_labels(const char *const *names, const int *ids, size_t n, char **labels);
void perfdata_labels_free(char **labels, size_t n);

/* Writes 'label' + suffix, single-quoted, a ' inside doubled as the
 * guidelines want (labels from perfdata_labels() have none). */
void perfdata_write_label(FILE *out, const char *label, const char *suffix);
