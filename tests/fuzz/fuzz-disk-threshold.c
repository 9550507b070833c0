/* threshold_parse_disk() (check_fsprobe's -w, -c, -W, -K, read as
 * check_disk reads them): against a reference that follows
 * monitoring-plugins' parse_range_string() step by step on the same
 * strtod() readings, and threshold_disk_alerts() against the range's
 * definition (edges belong to it, '@' alerts inside). The first byte
 * says whether '@' is forced, as check_disk forces it. */
#include <errno.h>
#include <math.h>

#include "fuzz.h"
#include "threshold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool force = size > 0 && (data[0] & 1);
	char *s = fuzz_string(size > 0 ? data + 1 : data, size > 0 ? size - 1 : 0);
	struct disk_range r = { .end = -42 };
	const char *p = s, *colon, *end;
	bool inside = force, no_start = false, no_end = true;
	double start = 0, e;
	int k = threshold_parse_disk(s, force, &r);

	/* the reference */
	if (*p == '@') {
		inside = true;
		p++;
	}
	colon = strchr(p, ':');
	if (colon) {
		if (*p == '~')
			no_start = true;
		else
			start = strtod(p, NULL);
		end = colon + 1;
	} else
		end = p;
	e = strtod(end, NULL);
	if (*end)
		no_end = false;

	if (!no_start && !no_end && start > e) {
		fuzz_check(k == -EINVAL && r.end == -42, "'%s': start above end accepted (%d)", s, k);
		free(s);
		return 0;
	}
	/* NaN compares false both ways: the reference accepts it too */
	fuzz_check(k == 0, "'%s': refused (%d)", s, k);
	fuzz_check(r.set && r.inside == inside && r.no_start == no_start && r.no_end == no_end, "'%s': flags", s);
	fuzz_check((no_start || r.start == start || (isnan(r.start) && isnan(start))) &&
			   (no_end || r.end == e || (isnan(r.end) && isnan(e))),
		   "'%s': numbers", s);

	if (!isnan(r.start) && !isnan(r.end)) {
		double probes[] = { r.start, r.end, r.start - 1, r.end + 1, (r.start + r.end) / 2 };

		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
			double v = probes[i];
			bool in = (r.no_start || r.start <= v) && (r.no_end || v <= r.end);

			if (isnan(v))
				continue;
			fuzz_check(threshold_disk_alerts(&r, v) == (r.inside ? in : !in), "'%s': %g alerts wrongly", s, v);
		}
	}
	free(s);
	return 0;
}
