/* Sizes as df shows them: block counts scaled to an output unit and
 * rounded up, human-readable autoscaling, SI suffixes, df's -B/--block-size
 * argument, and the Use% percentage. Pure functions, so healthy rows can
 * match GNU df byte for byte. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum size_flags {
	SIZE_AUTOSCALE = 1 << 0,	    /* pick the unit: -h, -H */
	SIZE_SI = 1 << 1,		    /* append a unit letter */
	SIZE_BASE_1024 = 1 << 2,	    /* powers of 1024 rather than 1000 */
	SIZE_B = 1 << 3,		    /* append "B" ("iB" in base 1024) */
	SIZE_SUPPRESS_POINT_ZERO = 1 << 4,  /* "2K" rather than "2.0K" */
	SIZE_GROUP_DIGITS = 1 << 5,	    /* the ' prefix of -B (no-op in C locale) */
};

/* n units of from_units bytes shown in units of to_units bytes (to_units
 * is 1 with SIZE_AUTOSCALE), always rounded up, as GNU df prints it. */
char *size_format(uint64_t n, unsigned flags, uint64_t from_units, uint64_t to_units, char *buf, size_t bufsz);

/* df -h (base 1024) and df -H (base 1000) of a byte count. */
char *size_human(uint64_t bytes, unsigned base, char *buf, size_t bufsz);

/* df's -B SIZE: "1K", "K", "KiB", "MB", "2048", "'1K", "human-readable",
 * "si". -EINVAL for malformed or zero sizes, -ERANGE on overflow. */
int size_parse_block_size(const char *spec, uint64_t *ret_size, unsigned *ret_flags);

/* The header of df's size column for a block size: "1K", "512B", "1kB",
 * "1M", "1KiB"; as in "1K-blocks". */
char *size_block_header(uint64_t block_size, unsigned flags, char *buf, size_t bufsz);

/* df's Use%: used / (used + avail), rounded up; -1 when undefined. */
int size_percent(uint64_t used, uint64_t avail);
