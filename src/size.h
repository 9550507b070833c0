/* Sizes as df shows them: human-readable with df's rounding (always up),
 * and the Use% percentage. Pure functions. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* df -h (base 1024: "1.9G", "20G", "0") or df -H (base 1000, "kB"-less SI
 * letters: "2.1G", "4.1k"). Rounds up as GNU df does. */
char *size_human(uint64_t bytes, unsigned base, char *buf, size_t bufsz);

/* df's Use%: used / (used + avail), rounded up; -1 when undefined. */
int size_percent(uint64_t used, uint64_t avail);
