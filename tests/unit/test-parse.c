/* Duration parsing: every form --timeout accepts, and what it refuses. */
#include <errno.h>

#include "macro.h"
#include "parse.h"
#include "tap.h"

static void accepts(const char *s, uint64_t want)
{
	uint64_t got = 0;
	int r = parse_duration(s, &got);

	ok(r == 0 && got == want, "'%s' is %llu ns (r=%d, got %llu)", s, (unsigned long long)want, r,
	   (unsigned long long)got);
}

static void refuses(const char *s, int want)
{
	uint64_t got = 12345;
	int r = parse_duration(s, &got);

	ok(r == want && got == 12345, "'%s' refused with %d (r=%d), output untouched", s ? s : "(null)", want, r);
}

int main(void)
{
	accepts("2s", 2 * NSEC_PER_SEC);
	accepts("500ms", 500 * NSEC_PER_MSEC);
	accepts("1.5s", 1500 * NSEC_PER_MSEC);
	accepts("1m", 60 * NSEC_PER_SEC);
	accepts("1h", 3600 * NSEC_PER_SEC);
	accepts("2", 2 * NSEC_PER_SEC);
	accepts("0.5", 500 * NSEC_PER_MSEC);
	accepts(".25s", 250 * NSEC_PER_MSEC);
	accepts("250us", 250 * NSEC_PER_USEC);
	accepts("1.5m", 90 * NSEC_PER_SEC);
	accepts("0.001", NSEC_PER_MSEC);
	accepts("24h", 24 * 3600 * NSEC_PER_SEC);
	accepts("1.0000000001s", NSEC_PER_SEC);
	/* Found by fuzz-duration: nine fraction digits are a nanosecond of a
	 * second only; of an hour the ninth is worth 3.6us. */
	accepts("0.0000000009h", 3240);
	accepts("1.0000000009h", 3600 * NSEC_PER_SEC + 3240);
	accepts("0.000000123456789h", 444444);
	accepts("0.3333333333333333333m", 19999999999);

	refuses(NULL, -EINVAL);
	refuses("", -EINVAL);
	refuses("s", -EINVAL);
	refuses("-1s", -EINVAL);
	refuses("+1s", -EINVAL);
	refuses("1.s", -EINVAL);
	refuses("1x", -EINVAL);
	refuses("1 s", -EINVAL);
	refuses(" 1s", -EINVAL);
	refuses("1s ", -EINVAL);
	refuses("1e3", -EINVAL);
	refuses("inf", -EINVAL);
	refuses("nan", -EINVAL);
	refuses("0x10", -EINVAL);
	refuses("1,5s", -EINVAL);
	refuses("2ss", -EINVAL);
	refuses("0", -ERANGE);
	refuses("0s", -ERANGE);
	refuses("0.0000001s", -ERANGE);
	refuses("25h", -ERANGE);
	refuses("86401", -ERANGE);
	refuses("99999999999999999999999999", -ERANGE);
	refuses("18446744073709551615h", -ERANGE);
	return tap_done();
}
