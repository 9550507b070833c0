/* The journal wrapper of systemd-lazy.c: sd_journal_send()'s format list
 * becomes one field per iovec, each format taking exactly its own
 * arguments, whatever their types. */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "macro.h"
#include "systemd-lazy.h"
#include "tap.h"

static int fields(struct iovec **iov, size_t *n, const char *format, ...)
{
	va_list ap;
	int r;

	va_start(ap, format);
	r = journal_fields_format(format, ap, iov, n);
	va_end(ap);
	return r;
}

static bool field_is(const struct iovec *iov, const char *want)
{
	return iov->iov_len == strlen(want) && memcmp(iov->iov_base, want, iov->iov_len) == 0;
}

int main(void)
{
	struct iovec *iov = NULL;
	size_t n = 0;
	int r;

	/* The daemon's own call, as it makes it. */
	r = fields(&iov, &n, "MESSAGE=%s", "hung: no answer", "PRIORITY=%i", 4, "SYSLOG_IDENTIFIER=fsprobe",
		   "MOUNTPOINT=%s", "/mnt/a b", "ERRNO=%i", 110, NULL);
	ok(r == 0 && n == 5, "five fields (r=%d, n=%zu)", r, n);
	ok(n == 5 && field_is(&iov[0], "MESSAGE=hung: no answer"), "MESSAGE");
	ok(n == 5 && field_is(&iov[1], "PRIORITY=4"), "PRIORITY");
	ok(n == 5 && field_is(&iov[2], "SYSLOG_IDENTIFIER=fsprobe"), "a field with no argument");
	ok(n == 5 && field_is(&iov[3], "MOUNTPOINT=/mnt/a b"), "MOUNTPOINT");
	ok(n == 5 && field_is(&iov[4], "ERRNO=110"), "ERRNO");
	journal_fields_free(iov, n);

	/* Arguments of every width, several to a field: each format skips
	 * exactly what it used, or every later field would be garbage. */
	r = fields(&iov, &n, "A=%lld/%hd/%c", -5LL, (short)7, 'x', "B=%lu %s %zu", 1UL << 40, "mid", (size_t)3,
		   "C=%.2f %Lg", 0.5, (long double)2.5, "D=%p%%", (void *)0, "E=%s", "end", NULL);
	ok(r == 0 && n == 5, "five fields of mixed arguments (r=%d, n=%zu)", r, n);
	ok(n == 5 && field_is(&iov[0], "A=-5/7/x"), "long long, short, char");
	ok(n == 5 && field_is(&iov[1], "B=1099511627776 mid 3"), "long, string, size_t");
	ok(n == 5 && field_is(&iov[2], "C=0.50 2.5"), "double, long double");
	ok(n == 5 && field_is(&iov[3], "D=(nil)%"), "pointer and a literal percent");
	ok(n == 5 && field_is(&iov[4], "E=end"), "the field after them all");
	journal_fields_free(iov, n);

	r = fields(&iov, &n, NULL);
	ok(r == 0 && n == 0, "no field at all");
	journal_fields_free(iov, n);
	return tap_done();
}
