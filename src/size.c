/* Sizes as df shows them; see size.h. The arithmetic follows GNU df's
 * (gnulib's human_readable() with ceiling rounding): integer arithmetic
 * where the units divide evenly, long double where they do not, tenths
 * and a rounding state carried through every division when autoscaling. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "size.h"

static const char power_letter[] = "\0KMGTPEZY";
#define EXPONENT_MAX ((int)sizeof(power_letter) - 2)

/* Appends the unit: "K"/"k", then "B" or "iB". exponent < 0 means "derive
 * it from to_units", as for a fixed -B unit. */
static void append_suffix(char *buf, size_t bufsz, unsigned flags, int exponent, uint64_t to_units)
{
	unsigned base = flags & SIZE_BASE_1024 ? 1024 : 1000;
	size_t l = strlen(buf);

	if (!(flags & SIZE_SI))
		return;
	if (exponent < 0) {
		exponent = 0;
		for (uint64_t power = 1; power < to_units; power *= base)
			if (++exponent == EXPONENT_MAX)
				break;
	}
	if (exponent && l + 1 < bufsz)
		buf[l++] = (!(flags & SIZE_BASE_1024) && exponent == 1) ? 'k' : power_letter[exponent];
	if ((flags & SIZE_B) && (flags & SIZE_BASE_1024) && exponent && l + 1 < bufsz)
		buf[l++] = 'i';
	if ((flags & SIZE_B) && l + 1 < bufsz)
		buf[l++] = 'B';
	buf[l] = '\0';
}

static long double round_up(long double v)
{
	uint64_t u;

	if (v >= (long double)UINT64_MAX)
		return v;
	u = (uint64_t)v;
	return (long double)u + ((long double)u != v);
}

static char *format_inexact(uint64_t n, unsigned flags, uint64_t from, uint64_t to, char *buf, size_t bufsz)
{
	unsigned base = flags & SIZE_BASE_1024 ? 1024 : 1000;
	long double damt = (long double)n * ((long double)from / (long double)to);
	int exponent = -1;

	if (!(flags & SIZE_AUTOSCALE))
		(void)snprintf(buf, bufsz, "%.0Lf", round_up(damt));
	else {
		long double e = 1;

		exponent = 0;
		do {
			e *= base;
			exponent++;
		} while (e * base <= damt && exponent < EXPONENT_MAX);
		damt /= e;
		(void)snprintf(buf, bufsz, "%.1Lf", round_up(damt));
		if (strlen(buf) > 3 + !(flags & SIZE_BASE_1024) ||
		    ((flags & SIZE_SUPPRESS_POINT_ZERO) && buf[strlen(buf) - 1] == '0'))
			(void)snprintf(buf, bufsz, "%.0Lf", round_up(damt * 10) / 10);
	}
	append_suffix(buf, bufsz, flags, exponent, to);
	return buf;
}

char *size_format(uint64_t n, unsigned flags, uint64_t from, uint64_t to, char *buf, size_t bufsz)
{
	unsigned base = flags & SIZE_BASE_1024 ? 1024 : 1000;
	/* rounding: 0 exact, 1 below half a tenth, 2 half, 3 above half */
	unsigned tenths = 0, rounding = 0;
	int exponent = -1;
	bool decimal = false;
	uint64_t amt;

	if (to == 0)
		to = 1;
	if (to <= from && from % to == 0) {
		uint64_t m = from / to;

		amt = n * m;
		if (m != 0 && amt / m != n)
			return format_inexact(n, flags, from, to, buf, bufsz);
	} else if (from != 0 && to % from == 0) {
		uint64_t d = to / from, r10 = (n % d) * 10, r2 = (r10 % d) * 2;

		amt = n / d;
		tenths = (unsigned)(r10 / d);
		rounding = r2 < d ? (r2 > 0) : 2 + (d < r2);
	} else
		return format_inexact(n, flags, from, to, buf, bufsz);

	if (flags & SIZE_AUTOSCALE) {
		exponent = 0;
		if (amt >= base) {
			do {
				unsigned r10 = (unsigned)(amt % base) * 10 + tenths;
				unsigned r2 = (r10 % base) * 2 + (rounding >> 1);

				amt /= base;
				tenths = r10 / base;
				rounding = r2 < base ? (r2 + rounding) != 0 : 2 + (base < r2 + rounding);
				exponent++;
			} while (amt >= base && exponent < EXPONENT_MAX);

			if (amt < 10) {
				if (rounding > 0) {
					tenths++;
					rounding = 0;
					if (tenths == 10) {
						amt++;
						tenths = 0;
					}
				}
				if (amt < 10 && (tenths || !(flags & SIZE_SUPPRESS_POINT_ZERO))) {
					decimal = true;
				}
			}
		}
	}
	if (!decimal && tenths + rounding > 0) {
		amt++;
		if ((flags & SIZE_AUTOSCALE) && amt == base && exponent < EXPONENT_MAX) {
			exponent++;
			amt = 1;
			tenths = 0;
			decimal = !(flags & SIZE_SUPPRESS_POINT_ZERO);
		}
	}
	/* The digits without snprintf(): df's layout formats six of these a
	 * row, and at 10,000 rows snprintf() was a tenth of the run's
	 * instructions. */
	{
		char tmp[32], *p = tmp + sizeof(tmp);

		*--p = '\0';
		if (decimal) {
			*--p = (char)('0' + tenths % 10);
			*--p = '.';
		}
		do
			*--p = (char)('0' + amt % 10);
		while (amt /= 10);
		if ((size_t)(tmp + sizeof(tmp) - p) > bufsz)
			(void)snprintf(buf, bufsz, "%s", p); /* cut, as before */
		else
			memcpy(buf, p, (size_t)(tmp + sizeof(tmp) - p));
	}
	append_suffix(buf, bufsz, flags, exponent, to);
	return buf;
}

char *size_human(uint64_t bytes, unsigned base, char *buf, size_t bufsz)
{
	return size_format(bytes, SIZE_AUTOSCALE | SIZE_SI | (base == 1024 ? SIZE_BASE_1024 : 0), 1, 1, buf, bufsz);
}

/* Multipliers of the unit letters -B accepts, as in GNU df. */
static int suffix_power(char c)
{
	static const char letters[] = "KMGTPEZY";
	const char *p = strchr(letters, c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);

	if (!p || c == '\0' || c == 'y' || c == 'z')
		return -1;
	return (int)(p - letters) + 1;
}

int size_parse_block_size(const char *spec, uint64_t *ret_size, unsigned *ret_flags)
{
	unsigned flags = 0, base = 1024;
	uint64_t n = 1;
	const char *p;
	int power;

	if (!spec)
		return -EINVAL;
	if (*spec == '\'') {
		flags |= SIZE_GROUP_DIGITS;
		spec++;
	}
	if (streq(spec, "human-readable")) {
		*ret_size = 1;
		*ret_flags = flags | SIZE_AUTOSCALE | SIZE_SI | SIZE_BASE_1024;
		return 0;
	}
	if (streq(spec, "si")) {
		*ret_size = 1;
		*ret_flags = flags | SIZE_AUTOSCALE | SIZE_SI;
		return 0;
	}
	p = spec;
	if (*p >= '0' && *p <= '9') {
		n = 0;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				return -ERANGE;
			n = n * 10 + (uint64_t)(*p - '0');
		}
	}
	if (*p) {
		power = suffix_power(*p);
		if (power < 0)
			return -EINVAL;
		p++;
		if (streq(p, "B") || streq(p, "D"))
			base = 1000;
		else if (!streq(p, "iB") && *p)
			return -EINVAL;
		while (power-- > 0) {
			if (n > UINT64_MAX / base)
				return -ERANGE;
			n *= base;
		}
		/* A unit with no number ("K", "MB") also prints the unit after
		 * every value, as df does. */
		if (!(spec[0] >= '0' && spec[0] <= '9')) {
			size_t l = strlen(spec);
			char last = spec[l - 1];

			flags |= SIZE_SI;
			if (last == 'B')
				flags |= SIZE_B;
			if (last != 'B' || (l >= 2 && spec[l - 2] == 'i'))
				flags |= SIZE_BASE_1024;
		}
	} else if (p == spec)
		return -EINVAL;
	if (n == 0)
		return -EINVAL;
	*ret_size = n;
	*ret_flags = flags;
	return 0;
}

char *size_block_header(uint64_t block_size, unsigned flags, char *buf, size_t bufsz)
{
	unsigned opts = SIZE_SUPPRESS_POINT_ZERO | SIZE_AUTOSCALE | SIZE_SI |
			(flags & (SIZE_GROUP_DIGITS | SIZE_BASE_1024 | SIZE_B));
	uint64_t q1000 = block_size, q1024 = block_size;
	bool by1000, by1024;

	/* Prefer the base in which the block size is more exact. */
	do {
		by1000 = q1000 % 1000 == 0;
		q1000 /= 1000;
		by1024 = q1024 % 1024 == 0;
		q1024 /= 1024;
	} while (by1000 && by1024);
	if (by1000 < by1024)
		opts |= SIZE_BASE_1024;
	if (by1024 < by1000)
		opts &= ~(unsigned)SIZE_BASE_1024;
	if (!(opts & SIZE_BASE_1024))
		opts |= SIZE_B;
	return size_format(block_size, opts, 1, 1, buf, bufsz);
}

int size_percent(uint64_t used, uint64_t avail)
{
	uint64_t total = used + avail, u100;

	if (total == 0 || total < used || used > UINT64_MAX / 100)
		return -1;
	u100 = used * 100;
	return (int)(u100 / total + (u100 % total != 0));
}
