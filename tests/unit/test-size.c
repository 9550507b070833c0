/* df's human sizes and Use%: the rounding must match GNU df exactly. */
#include "size.h"
#include "tap.h"

static void human(unsigned long long v, unsigned base, const char *want)
{
	char buf[32];

	is_str(size_human(v, base, buf, sizeof(buf)), want, "%llu base %u is %s", v, base, want);
}

int main(void)
{
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
