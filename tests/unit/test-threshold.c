/* Threshold ranges as the monitoring-plugins guidelines define them: every
 * form, what alerts where (the edges belong to the range), the kinds and
 * units, and what is refused. */
#include <errno.h>
#include <math.h>

#include "macro.h"
#include "tap.h"
#include "threshold.h"

#define ALL (THRESHOLD_ALLOW_PERCENT | THRESHOLD_ALLOW_BYTES)
#define GiB (1024.0 * 1024 * 1024)

static struct threshold parsed(const char *s, unsigned allowed)
{
	struct threshold t = {};
	int r = threshold_parse(s, allowed, &t);

	ok(r == 0 && t.set, "'%s' parses (r=%d)", s, r);
	return t;
}

/* alerts SPEC VALUES...: which of the probe values alert */
static void alerts(const char *s, const double *values, const char *want, size_t n)
{
	struct threshold t = parsed(s, ALL);
	char got[32] = "";

	for (size_t i = 0; i < n && i < sizeof(got) - 1; i++)
		got[i] = threshold_alerts(&t, values[i]) ? 'A' : '.';
	is_str(got, want, "'%s' alerts on the right values", s);
}

static void refuses(const char *s, unsigned allowed, int want)
{
	struct threshold t = { .start = 42 };
	int r = threshold_parse(s, allowed, &t);

	ok(r == want && t.start == 42 && !t.set, "'%s' refused with %d (r=%d), output untouched", s ? s : "(null)",
	   want, r);
}

int main(void)
{
	/* -1, 0, 5, 10, 10.5, 15, 20, 25 */
	static const double v[] = { -1, 0, 5, 10, 10.5, 15, 20, 25 };
	struct threshold t;

	/* The guidelines' table: "10" alerts outside 0..10, "10:" below
	 * 10, "~:10" above 10, "10:20" outside, "@10:20" inside; the
	 * endpoints belong to the range. */
	alerts("10", v, "A...AAAA", ARRAY_SIZE(v));
	alerts("10:", v, "AAA.....", ARRAY_SIZE(v));
	alerts("~:10", v, "....AAAA", ARRAY_SIZE(v));
	alerts("10:20", v, "AAA....A", ARRAY_SIZE(v));
	alerts("@10:20", v, "...AAAA.", ARRAY_SIZE(v));
	alerts("@~:10", v, "AAAA....", ARRAY_SIZE(v));
	alerts("@10", v, ".AAA....", ARRAY_SIZE(v));
	alerts("~:", v, "........", ARRAY_SIZE(v));
	alerts(":10", v, "A...AAAA", ARRAY_SIZE(v));
	alerts("10.5", v, "A....AAA", ARRAY_SIZE(v));
	alerts("-1:5", v, "...AAAAA", ARRAY_SIZE(v));
	alerts("80%", (const double[]){ 79.9, 80, 80.1 }, "..A", 3);

	t = parsed("80", ALL);
	is_int(t.kind, THRESHOLD_PERCENT, "a bare number is percent used");
	ok(t.start == 0 && t.end == 80 && !t.no_start && !t.no_end && !t.inside, "'80' is 0..80");
	t = parsed("90%", THRESHOLD_ALLOW_PERCENT);
	is_int(t.kind, THRESHOLD_PERCENT, "N%% is percent");
	ok(t.end == 90, "'90%%' ends at 90");

	t = parsed("10GB:", ALL);
	is_int(t.kind, THRESHOLD_BYTES, "a byte unit makes it bytes available");
	ok(t.start == 10 * GiB && t.no_end, "'10GB:' is 10 GiB and up");
	ok(threshold_alerts(&t, 9 * GiB) && !threshold_alerts(&t, 10 * GiB) && !threshold_alerts(&t, 11 * GiB),
	   "'10GB:' alerts below 10 GiB available");
	t = parsed("1.5TB:", ALL);
	ok(t.start == 1.5 * 1024 * GiB, "'1.5TB:' is 1.5 TiB");
	t = parsed("512MiB:", ALL);
	ok(t.start == 512.0 * 1024 * 1024, "MiB is accepted");
	t = parsed("100kB:", ALL);
	ok(t.start == 102400, "check_disk's kB is 1024 bytes");
	t = parsed("100KB:2MB", ALL);
	ok(t.start == 102400 && t.end == 2.0 * 1024 * 1024, "units on both ends");
	t = parsed("0:10GB", ALL);
	ok(t.kind == THRESHOLD_BYTES && t.start == 0 && t.end == 10 * GiB, "a unitless 0 is fine in a byte range");
	t = parsed("@10GB", ALL);
	ok(t.inside && t.end == 10 * GiB && threshold_alerts(&t, 5 * GiB) && !threshold_alerts(&t, 11 * GiB),
	   "'@10GB' alerts at 10 GiB available or less, as check_disk's -w 10GB");
	t = parsed("~:5B", ALL);
	ok(t.no_start && t.end == 5, "plain bytes");

	refuses("10GB", ALL, -EDOM);
	refuses("5B", ALL, -EDOM);
	refuses("10GB:", THRESHOLD_ALLOW_PERCENT, -EINVAL);
	refuses("5:10GB", ALL, -EINVAL);
	refuses("5%:10GB", ALL, -EINVAL);
	refuses("20:10", ALL, -ERANGE);
	refuses("@20:10", ALL, -ERANGE);
	refuses("", ALL, -EINVAL);
	refuses("@", ALL, -EINVAL);
	refuses(":", ALL, -EINVAL);
	refuses(NULL, ALL, -EINVAL);
	refuses("abc", ALL, -EINVAL);
	refuses("10:20:30", ALL, -EINVAL);
	refuses("1e3", ALL, -EINVAL);
	refuses("0x10", ALL, -EINVAL);
	refuses("10,5", ALL, -EINVAL);
	refuses("10 ", ALL, -EINVAL);
	refuses("10XB:", ALL, -EINVAL);
	refuses("10gb:", ALL, -EINVAL);
	refuses("~10", ALL, -EINVAL);
	refuses("~:~", ALL, -EINVAL);
	refuses("inf", ALL, -EINVAL);
	refuses("nan:", ALL, -EINVAL);
	refuses(".", ALL, -EINVAL);
	refuses("99999999999999999999", ALL, -EINVAL);
	refuses("9999999PB:", ALL, -EINVAL);

	ok(!threshold_alerts(&(struct threshold){}, 1e9), "an unset threshold never alerts");
	ok(!threshold_alerts(NULL, 1), "no threshold never alerts");
	ok(isfinite(parsed("0.001", ALL).end), "small fractions parse");
	return tap_done();
}
