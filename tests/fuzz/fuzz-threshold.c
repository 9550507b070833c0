/* threshold_parse() (fsprobe --nagios's --warning, --critical, --iwarning,
 * --icritical; check_fsprobe's --used-warning and friends): what it
 * accepts is a well-formed range of an allowed kind, it survives a round
 * trip through its canonical spelling, and '@' turns every verdict of
 * threshold_alerts() around. The first byte picks the allowed kinds. */
#include <errno.h>
#include <math.h>

#include "fuzz.h"
#include "threshold.h"

#define VALUE_MAX 9007199254740992.0

/* "[@](~|N)[:[N]]" with every number in full, no exponent. */
static void canonical(const struct threshold *t, char *buf, size_t bufsz)
{
	const char *unit = t->kind == THRESHOLD_BYTES ? "B" : "";
	char s[400] = "~", e[400] = "";

	if (!t->no_start)
		(void)snprintf(s, sizeof(s), "%.20f%s", t->start, unit);
	if (!t->no_end)
		(void)snprintf(e, sizeof(e), "%.20f%s", t->end, unit);
	(void)snprintf(buf, bufsz, "%s%s:%s", t->inside ? "@" : "", s, e);
}

static bool close_to(double a, double b)
{
	return fabs(a - b) <= 1e-9 + 1e-12 * fabs(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned allow[] = { THRESHOLD_ALLOW_PERCENT, THRESHOLD_ALLOW_BYTES,
					  THRESHOLD_ALLOW_PERCENT | THRESHOLD_ALLOW_BYTES };
	struct fuzz_input in = { data, size };
	unsigned allowed = allow[fuzz_take(&in, 1) % 3];
	char *s = fuzz_string(in.p, in.left), again[1024];
	struct threshold t = { .start = 42 }, u = {}, flipped;
	int r = threshold_parse(s, allowed, &t);

	fuzz_check(r == 0 || r == -EINVAL || r == -ERANGE || r == -EDOM, "'%s': r=%d", s, r);
	if (r < 0) {
		fuzz_check(!t.set && t.start == 42, "'%s': output written on failure", s);
		goto out;
	}
	fuzz_check(t.set, "'%s'", s);
	fuzz_check(t.kind >= 0 && t.kind < _THRESHOLD_KIND_MAX && (allowed & (1U << t.kind)),
		   "'%s': kind %d not allowed", s, t.kind);
	fuzz_check(t.inside == (s[0] == '@'), "'%s': inside", s);
	fuzz_check(isfinite(t.start) && isfinite(t.end) && fabs(t.start) <= VALUE_MAX && fabs(t.end) <= VALUE_MAX,
		   "'%s': %g:%g", s, t.start, t.end);
	if (!t.no_start && !t.no_end)
		fuzz_check(t.start <= t.end, "'%s': %g > %g", s, t.start, t.end);

	canonical(&t, again, sizeof(again));
	r = threshold_parse(again, allowed, &u);
	fuzz_check(r == 0, "'%s' spelt '%s' refused: %d", s, again, r);
	fuzz_check(u.inside == t.inside && u.no_start == t.no_start && u.no_end == t.no_end && u.kind == t.kind,
		   "'%s' spelt '%s' changed its flags", s, again);
	fuzz_check((t.no_start || close_to(u.start, t.start)) && (t.no_end || close_to(u.end, t.end)),
		   "'%s' spelt '%s': %.17g:%.17g became %.17g:%.17g", s, again, t.start, t.end, u.start, u.end);

	flipped = t;
	flipped.inside = !t.inside;
	for (int i = 0; i < 4; i++) {
		double v = (double)(int64_t)fuzz_take(&in, 8);
		double probes[] = { t.start, t.end, t.start - 1, t.end + 1, v, -v, 0 };

		for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++)
			fuzz_check(threshold_alerts(&t, probes[k]) != threshold_alerts(&flipped, probes[k]),
				   "'%s': '@' does not turn %g around", s, probes[k]);
	}
out:
	free(s);
	return 0;
}
