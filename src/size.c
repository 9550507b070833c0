/* Sizes as df shows them; see size.h. The rounding follows gnulib's
 * human_readable() with human_ceiling|human_autoscale, which is what GNU df
 * prints, so sizes of healthy mounts compare equal byte for byte. */
#include <stdio.h>

#include "size.h"

char *size_human(uint64_t amt, unsigned base, char *buf, size_t bufsz)
{
	static const char power_letter[] = "KMGTPEZYRQ";
	unsigned tenths = 0, rounding = 0, exponent = 0;
	bool decimal = false;

	if (amt >= base) {
		do {
			unsigned r10 = (unsigned)(amt % base) * 10 + tenths;
			unsigned r2 = (r10 % base) * 2 + (rounding >> 1);

			amt /= base;
			tenths = r10 / base;
			rounding = r2 < base ? (r2 + rounding) != 0 : 2 + (base < r2 + rounding);
			exponent++;
		} while (amt >= base && exponent < sizeof(power_letter) - 1);

		if (amt < 10) {
			if (rounding > 0) {
				tenths++;
				rounding = 0;
				if (tenths == 10) {
					amt++;
					tenths = 0;
				}
			}
			if (amt < 10) {
				decimal = true;
			}
		}
	}
	if (!decimal && tenths + rounding > 0) {
		amt++;
		if (exponent > 0 && amt == base && exponent < sizeof(power_letter) - 1) {
			exponent++;
			amt = 1;
			tenths = 0;
			decimal = true;
		}
	}

	if (exponent == 0)
		(void)snprintf(buf, bufsz, "%llu", (unsigned long long)amt);
	else {
		char letter = (base == 1000 && exponent == 1) ? 'k' : power_letter[exponent - 1];
		if (decimal)
			(void)snprintf(buf, bufsz, "%llu.%u%c", (unsigned long long)amt, tenths, letter);
		else
			(void)snprintf(buf, bufsz, "%llu%c", (unsigned long long)amt, letter);
	}
	return buf;
}

int size_percent(uint64_t used, uint64_t avail)
{
	uint64_t total = used + avail, u100;

	if (total == 0 || total < used || used > UINT64_MAX / 100)
		return -1;
	u100 = used * 100;
	return (int)(u100 / total + (u100 % total != 0));
}
