/* Threshold ranges; see threshold.h. */
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "threshold.h"

static const struct {
	const char *name;
	double factor;
} byte_units[] = {
	{ "B", 1.0 },
	{ "KB", 1024.0 },
	{ "MB", 1024.0 * 1024 },
	{ "GB", 1024.0 * 1024 * 1024 },
	{ "TB", 1024.0 * 1024 * 1024 * 1024 },
	{ "PB", 1024.0 * 1024 * 1024 * 1024 * 1024 },
	{ "KiB", 1024.0 },
	{ "MiB", 1024.0 * 1024 },
	{ "GiB", 1024.0 * 1024 * 1024 },
	{ "TiB", 1024.0 * 1024 * 1024 * 1024 },
	{ "PiB", 1024.0 * 1024 * 1024 * 1024 * 1024 },
};

/* Beyond this a double no longer holds every integer, and no file system
 * or percentage comes near it. */
#define VALUE_MAX 9007199254740992.0

/* One number of a range, s[0..len): [+-]digits[.digits] and an optional
 * unit. Digits are read by hand, not with strtod(): no locale decimal
 * comma, no exponent, hex, "inf" or "nan". *ret_kind is -1 when the
 * number has no unit. */
static int parse_number(const char *s, size_t len, double *ret, int *ret_kind)
{
	const char *p = s, *end = s + len;
	double v = 0, scale = 1;
	bool neg = false, digits = false;

	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++, digits = true) {
		v = v * 10 + (*p - '0');
		if (v > VALUE_MAX)
			return -EINVAL;
	}
	if (p < end && *p == '.') {
		p++;
		for (; p < end && *p >= '0' && *p <= '9'; p++, digits = true) {
			scale /= 10;
			v += (*p - '0') * scale;
		}
	}
	if (!digits)
		return -EINVAL;
	if (neg)
		v = -v;

	*ret_kind = -1;
	if (p == end) {
		*ret = v;
		return 0;
	}
	if (end - p == 1 && *p == '%') {
		*ret = v;
		*ret_kind = THRESHOLD_PERCENT;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(byte_units); i++) {
		const char *u = byte_units[i].name;
		/* "kB" as check_disk spells it; otherwise exact */
		if (strlen(u) == (size_t)(end - p) &&
		    (strncmp(p, u, strlen(u)) == 0 || (streq(u, "KB") && strncmp(p, "kB", 2) == 0))) {
			if (v * byte_units[i].factor > VALUE_MAX || v * byte_units[i].factor < -VALUE_MAX)
				return -EINVAL;
			*ret = v * byte_units[i].factor;
			*ret_kind = THRESHOLD_BYTES;
			return 0;
		}
	}
	return -EINVAL;
}

int threshold_parse(const char *s, unsigned allowed, struct threshold *ret)
{
	struct threshold t = { .set = true };
	const char *colon, *p = s;
	int kind = -1, k, r;
	bool unitless_nonzero = false;
	double v;

	if (!s)
		return -EINVAL;
	if (*p == '@') {
		t.inside = true;
		p++;
	}
	if (!*p)
		return -EINVAL;
	colon = strchr(p, ':');
	if (colon) {
		size_t llen = (size_t)(colon - p);

		if (strchr(colon + 1, ':') || (llen == 0 && !colon[1]))
			return -EINVAL;
		if (llen == 1 && *p == '~')
			t.no_start = true;
		else if (llen > 0) {
			r = parse_number(p, llen, &t.start, &k);
			if (r < 0)
				return r;
			kind = k;
			unitless_nonzero |= k < 0 && t.start != 0;
		}
		if (!colon[1])
			t.no_end = true;
		else {
			r = parse_number(colon + 1, strlen(colon + 1), &t.end, &k);
			if (r < 0)
				return r;
			if (k >= 0 && kind >= 0 && k != kind)
				return -EINVAL;
			if (k >= 0)
				kind = k;
			unitless_nonzero |= k < 0 && t.end != 0;
		}
	} else {
		r = parse_number(p, strlen(p), &v, &k);
		if (r < 0)
			return r;
		t.end = v;
		kind = k;
		if (kind == THRESHOLD_BYTES && !t.inside)
			return -EDOM;
	}

	/* A bare number is a percentage; in a byte range every number but
	 * 0 needs its unit, or "5:10GB" would silently mean 5 bytes. */
	if (kind < 0)
		kind = THRESHOLD_PERCENT;
	if (kind == THRESHOLD_BYTES && unitless_nonzero)
		return -EINVAL;
	if (!(allowed & (1U << kind)))
		return -EINVAL;
	if (!t.no_start && !t.no_end && t.start > t.end)
		return -ERANGE;
	t.kind = (enum threshold_kind)kind;
	*ret = t;
	return 0;
}

bool threshold_alerts(const struct threshold *t, double value)
{
	bool below, above;

	if (!t || !t->set)
		return false;
	below = !t->no_start && value < t->start;
	above = !t->no_end && value > t->end;
	if (t->inside)
		return !below && !above;
	return below || above;
}

int threshold_parse_disk(const char *s, bool inside, struct disk_range *ret)
{
	struct disk_range t = { .set = true, .no_end = true };
	const char *colon, *end;

	if (!s)
		return -EINVAL;
	if (*s == '@') {
		t.inside = true;
		s++;
	} else
		t.inside = inside;
	colon = strchr(s, ':');
	if (colon) {
		if (*s == '~')
			t.no_start = true;
		else
			t.start = strtod(s, NULL);
		end = colon + 1;
	} else
		end = s;
	t.end = strtod(end, NULL);
	if (*end)
		t.no_end = false;
	if (!t.no_start && !t.no_end && t.start > t.end)
		return -EINVAL;
	*ret = t;
	return 0;
}

bool threshold_disk_alerts(const struct disk_range *r, double value)
{
	bool in;

	if (!r || !r->set)
		return false;
	if (!r->no_start && !r->no_end)
		in = r->start <= value && value <= r->end;
	else if (!r->no_start)
		in = r->start <= value;
	else if (!r->no_end)
		in = value <= r->end;
	else
		in = true;
	return r->inside ? in : !in;
}
