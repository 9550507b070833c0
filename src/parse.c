/* Parsers for option values; see parse.h. */
#include <errno.h>
#include <string.h>

#include "macro.h"
#include "parse.h"

#define DURATION_MAX_NS (24 * 3600 * NSEC_PER_SEC)
/* Fraction digits beyond 13 are worth less than a nanosecond even of the
 * largest unit (an hour is 3.6e12 ns), so they are dropped. */
#define FRAC_SCALE_MAX UINT64_C(10000000000000)

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
	uint64_t whole = 0, frac = 0, frac_scale = 1, ns, unit;
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
			if (frac_scale < FRAC_SCALE_MAX) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				frac_scale *= 10;
			}
	}
	for (i = 0; i < ARRAY_SIZE(duration_units); i++)
		if (streq(p, duration_units[i].suffix))
			break;
	if (i == ARRAY_SIZE(duration_units))
		return -EINVAL;
	unit = duration_units[i].ns;
	if (whole > DURATION_MAX_NS / unit)
		return -ERANGE;
	ns = whole * unit;
	/* frac / frac_scale of a unit, exactly: units are 1, 6 or 36 times a
	 * power of ten, and cancelling the tens first keeps frac * unit below
	 * 36e13 where a double would round (and 1e13 * 3.6e12 overflow). */
	for (; unit % 10 == 0 && frac_scale > 1; unit /= 10)
		frac_scale /= 10;
	ns += frac * unit / frac_scale;
	if (ns > DURATION_MAX_NS)
		return -ERANGE;
	if (ns < NSEC_PER_USEC)
		return -ERANGE;
	*ret_ns = ns;
	return 0;
}
