/* size_parse_block_size() (df's -B and the DF_BLOCK_SIZE, BLOCK_SIZE and
 * BLOCKSIZE variables), then what df does with the result: the column
 * header and sizes in that unit. A number alone must parse to itself;
 * sizes that convert exactly must print the exact ceiling. The first 17
 * bytes are a size, its unit and flags for size_format(). */
#include <errno.h>

#include "fuzz.h"
#include "macro.h"
#include "size.h"

#define FLAGS_ALL (SIZE_AUTOSCALE | SIZE_SI | SIZE_BASE_1024 | SIZE_B | SIZE_SUPPRESS_POINT_ZERO | SIZE_GROUP_DIGITS)

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ceil(n * from / to) when it is exact in 64 bits, the arithmetic df's
 * integer path promises; false when not. */
static bool exact_ceiling(uint64_t n, uint64_t from, uint64_t to, uint64_t *ret)
{
	unsigned __int128 num = (unsigned __int128)n * from, q;

	if (to == 0 || from == 0)
		return false;
	if (!(to <= from && from % to == 0) && to % from != 0)
		return false; /* the long double path: approximate by design */
	q = num / to + (num % to != 0);
	if (q > UINT64_MAX)
		return false;
	*ret = (uint64_t)q;
	return true;
}

static void check_printed(const char *buf, size_t bufsz, const char *what)
{
	size_t l = strnlen(buf, bufsz);

	fuzz_check(l < bufsz, "%s: not terminated", what);
	fuzz_check(l > 0 && buf[0] >= '0' && buf[0] <= '9', "%s: '%s'", what, buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint64_t n = fuzz_take(&in, 8), from = fuzz_take(&in, 8) & 0xffffffffffff;
	unsigned fmt_flags = (unsigned)fuzz_take(&in, 1) & FLAGS_ALL;
	char *s = fuzz_string(in.p, in.left), buf[64], small[6];
	uint64_t bs = 7, want;
	unsigned flags = 99;
	int r = size_parse_block_size(s, &bs, &flags);

	fuzz_check(r == 0 || r == -EINVAL || r == -ERANGE, "'%s': r=%d", s, r);
	if (r < 0) {
		fuzz_check(bs == 7 && flags == 99, "'%s': output written on failure", s);
		goto out;
	}
	fuzz_check(bs > 0, "'%s': block size 0", s);
	fuzz_check((flags & ~(unsigned)FLAGS_ALL) == 0, "'%s': flags %#x", s, flags);
	if (all_digits(s[0] == '\'' ? s + 1 : s)) {
		char back[32];

		(void)snprintf(back, sizeof(back), "%llu", (unsigned long long)bs);
		fuzz_check(streq(back, s[0] == '\'' ? s + 1 : s) || s[s[0] == '\''] == '0', "'%s' parsed as %s", s,
			   back);
	}

	size_block_header(bs, flags, buf, sizeof(buf));
	check_printed(buf, sizeof(buf), "header");
	/* The unit df prints values in is bs, from blocks of from bytes. */
	size_format(n, flags | fmt_flags, from, bs, buf, sizeof(buf));
	check_printed(buf, sizeof(buf), "size");
	size_format(n, flags | fmt_flags, from, bs, small, sizeof(small));
	fuzz_check(strnlen(small, sizeof(small)) < sizeof(small), "small buffer overrun");
	if (!((flags | fmt_flags) & SIZE_AUTOSCALE) && exact_ceiling(n, from, bs, &want)) {
		size_format(n, (flags | fmt_flags) & ~(unsigned)SIZE_SI, from, bs, buf, sizeof(buf));
		fuzz_check(strtoull(buf, NULL, 10) == want, "%llu x %llu / %llu printed %s, want %llu",
			   (unsigned long long)n, (unsigned long long)from, (unsigned long long)bs, buf,
			   (unsigned long long)want);
	}
out:
	free(s);
	return 0;
}
