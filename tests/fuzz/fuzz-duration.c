/* parse_duration() (--timeout, --interval, check_fsprobe's -t) against an
 * exact reference: the grammar it documents, and the value in whole
 * nanoseconds computed with 128-bit integers rather than doubles. */
#include <errno.h>

#include "fuzz.h"
#include "macro.h"
#include "parse.h"

#define DAY_NS (24 * 3600 * NSEC_PER_SEC)
/* Fraction digits the reference keeps: beyond 20, a digit of an hour is
 * worth less than a millionth of a nanosecond. */
#define REF_FRAC_DIGITS 20

/* 1: s is in the grammar, with *ret its exact value truncated to ns (or
 * UINT64_MAX when beyond 64 bits); 0: malformed. */
static int reference(const char *s, uint64_t *ret)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = { { "us", NSEC_PER_USEC }, { "ms", NSEC_PER_MSEC }, { "s", NSEC_PER_SEC },
		      { "m", 60 * NSEC_PER_SEC }, { "h", 3600 * NSEC_PER_SEC }, { "", NSEC_PER_SEC } };
	unsigned __int128 whole = 0, frac = 0, scale = 1, v;
	const char *p = s;
	bool digits = false, big = false;
	size_t i;

	for (; *p >= '0' && *p <= '9'; p++, digits = true) {
		whole = whole * 10 + (unsigned)(*p - '0');
		if (whole > UINT64_MAX)
			big = true, whole = UINT64_MAX;
	}
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		for (int k = 0; *p >= '0' && *p <= '9'; p++, k++)
			if (k < REF_FRAC_DIGITS) {
				frac = frac * 10 + (unsigned)(*p - '0');
				scale *= 10;
			}
	} else if (!digits)
		return 0;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (streq(p, units[i].suffix))
			break;
	if (i == ARRAY_SIZE(units))
		return 0;
	v = whole * units[i].ns + frac * units[i].ns / scale;
	*ret = big || v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
	return 1;
}

static bool near(uint64_t a, uint64_t b)
{
	return (a > b ? a - b : b - a) <= 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	uint64_t got = 12345, want = 0;
	int r = parse_duration(s, &got);
	int valid = reference(s, &want);

	fuzz_check(r == 0 || r == -EINVAL || r == -ERANGE, "'%s': r=%d", s, r);
	if (r < 0)
		fuzz_check(got == 12345, "'%s': output written on failure", s);
	if (!valid)
		fuzz_check(r < 0, "'%s' is no duration but parsed as %llu ns", s, (unsigned long long)got);
	else if (r == 0)
		fuzz_check(near(got, want), "'%s': %llu ns, exactly %llu", s, (unsigned long long)got,
			   (unsigned long long)want);
	else if (want > NSEC_PER_USEC && want < DAY_NS)
		/* within bounds (a nanosecond of rounding aside): must parse */
		fuzz_check(false, "'%s' (%llu ns) refused with %d", s, (unsigned long long)want, r);
	if (r == 0)
		fuzz_check(got >= NSEC_PER_USEC && got <= DAY_NS, "'%s': %llu ns out of bounds", s,
			   (unsigned long long)got);
	free(s);
	return 0;
}
