/* df's human sizes and Use%: the rounding must match GNU df exactly. */
#include <errno.h>

#include "size.h"
#include "tap.h"

static void human(unsigned long long v, unsigned base, const char *want)
{
	char buf[32];

	is_str(size_human(v, base, buf, sizeof(buf)), want, "%llu base %u is %s", v, base, want);
}

static void block(const char *spec, int want_r, unsigned long long want_size, unsigned want_flags)
{
	uint64_t size = 7;
	unsigned flags = 99;
	int r = size_parse_block_size(spec, &size, &flags);

	if (want_r < 0)
		ok(r == want_r && size == 7 && flags == 99, "-B '%s' refused with %d (r=%d), outputs untouched", spec, want_r, r);
	else
		ok(r == 0 && size == want_size && flags == want_flags, "-B '%s' is %llu flags %#x (r=%d, got %llu %#x)",
		   spec, want_size, want_flags, r, (unsigned long long)size, flags);
}

static void header(unsigned long long bs, unsigned flags, const char *want)
{
	char buf[32];

	is_str(size_block_header(bs, flags, buf, sizeof(buf)), want, "block size %llu header %s", bs, want);
}

static void scaled(unsigned long long n, unsigned flags, unsigned long long from, unsigned long long to, const char *want)
{
	char buf[64];

	is_str(size_format(n, flags, from, to, buf, sizeof(buf)), want, "%llu x %llu in units of %llu is %s", n, from, to, want);
}

int main(void)
{
	block("1K", 0, 1024, 0);
	block("K", 0, 1024, SIZE_SI | SIZE_BASE_1024);
	block("k", 0, 1024, SIZE_SI | SIZE_BASE_1024);
	block("KiB", 0, 1024, SIZE_SI | SIZE_B | SIZE_BASE_1024);
	block("1KiB", 0, 1024, 0);
	block("KB", 0, 1000, SIZE_SI | SIZE_B);
	block("MB", 0, 1000000, SIZE_SI | SIZE_B);
	block("1M", 0, 1048576, 0);
	block("2M", 0, 2097152, 0);
	block("G", 0, 1073741824, SIZE_SI | SIZE_BASE_1024);
	block("3000", 0, 3000, 0);
	block("'1K", 0, 1024, SIZE_GROUP_DIGITS);
	block("human-readable", 0, 1, SIZE_AUTOSCALE | SIZE_SI | SIZE_BASE_1024);
	block("si", 0, 1, SIZE_AUTOSCALE | SIZE_SI);
	block("0", -EINVAL, 0, 0);
	block("0K", -EINVAL, 0, 0);
	block("", -EINVAL, 0, 0);
	block("x", -EINVAL, 0, 0);
	block("-1", -EINVAL, 0, 0);
	block("1.5K", -EINVAL, 0, 0);
	block("1Ki", -EINVAL, 0, 0);
	block("1KX", -EINVAL, 0, 0);
	block("99999999999999999999", -ERANGE, 0, 0);
	block("16384P", -ERANGE, 0, 0);

	header(1024, 0, "1K");
	header(1048576, 0, "1M");
	header(512, 0, "512B");
	header(1000, 0, "1kB");
	header(3000, 0, "3kB");
	header(2048, 0, "2K");
	header(1024, SIZE_SI | SIZE_B | SIZE_BASE_1024, "1KiB");
	header(1000000, SIZE_SI | SIZE_B, "1MB");

	scaled(2560, 0, 4096, 1024, "10240");
	scaled(3, 0, 512, 1024, "2");
	scaled(2560, 0, 4096, 3000, "3496");
	scaled(2560, SIZE_SI | SIZE_BASE_1024, 4096, 1024, "10240K");
	scaled(2560, SIZE_SI | SIZE_B, 4096, 1000000, "11MB");
	scaled(0, SIZE_SI | SIZE_B, 4096, 1000000, "0MB");

	human(0, 1024, "0");
	human(1, 1024, "1");
	human(1023, 1024, "1023");
	human(1024, 1024, "1.0K");
	human(1025, 1024, "1.1K");
	human(4096, 1024, "4.0K");
	human(10 * 1024, 1024, "10K");
	human(10 * 1024 - 1, 1024, "10K");
	human(9 * 1024 + 1, 1024, "9.1K");
	human(1048575, 1024, "1.0M");
	human(1048576, 1024, "1.0M");
	human(1048577, 1024, "1.1M");
	human(20ULL * 1024 * 1024 * 1024, 1024, "20G");
	human(20ULL * 1024 * 1024 * 1024 + 1, 1024, "21G");
	human(1023ULL * 1024 + 1, 1024, "1.0M");
	human(1000, 1000, "1.0k");
	human(4096, 1000, "4.1k");
	human(999, 1000, "999");
	human(1000000, 1000, "1.0M");
	human(1000001, 1000, "1.1M");

	is_int(size_percent(0, 0), -1, "no blocks: no percentage");
	is_int(size_percent(0, 100), 0, "empty is 0%%");
	is_int(size_percent(1, 99), 1, "1 of 100 is 1%%");
	is_int(size_percent(1, 1000), 1, "rounded up as df does");
	is_int(size_percent(100, 0), 100, "full is 100%%");
	is_int(size_percent(50, 50), 50, "half is 50%%");
	return tap_done();
}
