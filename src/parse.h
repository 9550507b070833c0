/* Parsers for option values. Pure functions on strings: each returns 0 or
 * -errno and leaves its ret_ argument untouched on failure, so tests and
 * fuzzers can drive them directly. */
#pragma once

#include <stdint.h>

/* "2s", "500ms", "1.5s", "1m", "1h", "250us" or bare seconds ("2", "0.5").
 * -EINVAL for malformed text, -ERANGE beyond a day (no deadline that long
 * is meaningful for a health check) or below a microsecond. */
int parse_duration(const char *s, uint64_t *ret_ns);
