/* Small helpers shared by every module. Never touches a file system. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "macro.h"
#include "util.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	(void)clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t now_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t now_boot_ns(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

int64_t now_real_ns(void)
{
	return (int64_t)clock_ns(CLOCK_REALTIME);
}

const char *errno_name(int err, char *buf, size_t bufsz)
{
	const char *n;

	if (err < 0)
		err = -err;
	n = strerrorname_np(err);
	if (n)
		return n;
	(void)snprintf(buf, bufsz, "E%d", err);
	return buf;
}

char *format_duration(uint64_t ns, char *buf, size_t bufsz)
{
	if (ns < NSEC_PER_MSEC)
		(void)snprintf(buf, bufsz, "%" PRIu64 "us", ns / NSEC_PER_USEC);
	else if (ns < 100 * NSEC_PER_MSEC)
		(void)snprintf(buf, bufsz, "%.1fms", (double)ns / NSEC_PER_MSEC);
	else if (ns < 60 * NSEC_PER_SEC)
		(void)snprintf(buf, bufsz, "%.2fs", (double)ns / NSEC_PER_SEC);
	else if (ns < 3600 * NSEC_PER_SEC) {
		uint64_t s = ns / NSEC_PER_SEC;
		(void)snprintf(buf, bufsz, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	} else {
		uint64_t m = ns / NSEC_PER_SEC / 60;
		(void)snprintf(buf, bufsz, "%" PRIu64 "h%02" PRIu64 "m", m / 60, m % 60);
	}
	return buf;
}

char *format_time(int64_t real_ns, char *buf, size_t bufsz)
{
	time_t t = (time_t)(real_ns / (int64_t)NSEC_PER_SEC);
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(buf, bufsz, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		(void)snprintf(buf, bufsz, "@%lld", (long long)t);
	return buf;
}

char *strdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}
