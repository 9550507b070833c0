/* Parsers for option values; see parse.h. */
#include <errno.h>
#include <string.h>

#include "macro.h"
#include "parse.h"

#define DURATION_MAX_NS (24 * 3600 * NSEC_PER_SEC)

static const struct {
	const char *suffix;
	uint64_t ns;
} duration_units[] = {
	{ "us", NSEC_PER_USEC }, { "ms", NSEC_PER_MSEC }, { "s", NSEC_PER_SEC },
	{ "m", 60 * NSEC_PER_SEC }, { "h", 3600 * NSEC_PER_SEC }, { "", NSEC_PER_SEC },
};

int parse_duration(const char *s, uint64_t *ret_ns)
{
	/* Digits are accumulated by hand rather than with strtod(): no locale
	 * decimal comma, no "inf"/"nan"/hex/exponent surprises. */
	uint64_t whole = 0, frac = 0, frac_scale = 1, ns;
	const char *p = s;
	size_t i;

	if (!s || !*s)
		return -EINVAL;
	if (*p < '0' || *p > '9')
		if (!(*p == '.' && p[1] >= '0' && p[1] <= '9'))
			return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > DURATION_MAX_NS)
			return -ERANGE;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++)
			if (frac_scale < NSEC_PER_SEC) { /* finer than 1ns is dropped */
				frac = frac * 10 + (uint64_t)(*p - '0');
				frac_scale *= 10;
			}
	}
	for (i = 0; i < ARRAY_SIZE(duration_units); i++)
		if (streq(p, duration_units[i].suffix))
			break;
	if (i == ARRAY_SIZE(duration_units))
		return -EINVAL;
	if (whole > DURATION_MAX_NS / duration_units[i].ns)
		return -ERANGE;
	ns = whole * duration_units[i].ns;
	/* frac < frac_scale <= 1e9 and unit <= 3600e9 could overflow 64 bits when
	 * multiplied first, so scale the unit down before multiplying. */
	ns += (uint64_t)((double)frac * ((double)duration_units[i].ns / (double)frac_scale));
	if (ns > DURATION_MAX_NS)
		return -ERANGE;
	if (ns < NSEC_PER_USEC)
		return -ERANGE;
	*ret_ns = ns;
	return 0;
}
