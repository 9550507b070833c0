/* Monitoring-plugins threshold ranges ("10", "10:", "~:10", "10:20",
 * "@10:20"), each with the kind of quantity it applies to: a percentage
 * of use, or bytes available (with a B/KB/MB/GB/TB unit). Pure functions
 * on strings and numbers: never prints, never exits. */
#pragma once

#include <errno.h>
#include <stdbool.h>

enum threshold_kind {
	THRESHOLD_PERCENT, /* bare number or N%: percent used */
	THRESHOLD_BYTES,   /* N with a byte unit: bytes available */
	_THRESHOLD_KIND_MAX,
	_THRESHOLD_KIND_INVALID = -EINVAL,
};

/* Which kinds a caller accepts. */
enum {
	THRESHOLD_ALLOW_PERCENT = 1 << THRESHOLD_PERCENT,
	THRESHOLD_ALLOW_BYTES = 1 << THRESHOLD_BYTES,
};

struct threshold {
	bool set;
	bool inside;   /* '@': alert inside the range, not outside */
	bool no_start; /* '~': no lower bound */
	bool no_end;   /* "N:": no upper bound */
	double start, end;
	enum threshold_kind kind;
};

/* Parses a range. Units are powers of 1024 as check_disk reads them (B,
 * KB or kB, MB, GB, TB, PB; KiB...PiB too); every number of one range
 * carries the same kind. Returns 0, or:
 *   -EINVAL malformed, or a kind not in allowed;
 *   -ERANGE start above end;
 *   -EDOM   a bare byte value such as "10GB": as a range it would alert
 *           when MORE than 10GB are free, the opposite of what check_disk
 *           users mean by it, so "10GB:" or "0:10GB" must be spelt out.
 * ret is left untouched on failure. */
int threshold_parse(const char *s, unsigned allowed, struct threshold *ret);

/* Whether value lies where the range alerts; never for an unset one. */
bool threshold_alerts(const struct threshold *t, double value);

/* check_disk's thresholds (monitoring-plugins 2.3), read the way check_disk
 * reads them, surprises included: -w/-c/-W/-K alert when the FREE figure
 * lies inside the range, so "20%" (made "@20%") alerts at 20% free or
 * less, the edge included; "10:20" alerts from 10 to 20 free; "20:" from
 * 20 free up. Each number is read as strtod() reads its beginning and the
 * rest is ignored: "60GB" is 60 of the -u units, not gigabytes. */
struct disk_range {
	bool set;
	bool inside;   /* '@' (check_disk adds it when missing) */
	bool no_start; /* '~' */
	bool no_end;   /* "N:" */
	double start, end;
};

/* Parses s as check_disk does after prepending '@' when inside is asked
 * and s has none. -EINVAL when the range starts above its end ("Range
 * format incorrect"); ret untouched then. */
int threshold_parse_disk(const char *s, bool inside, struct disk_range *ret);

/* Whether value alerts, as monitoring-plugins' check_range(). */
bool threshold_disk_alerts(const struct disk_range *r, double value);
