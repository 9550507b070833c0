/* Small helpers shared by every module. Never touches a file system. */
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

int read_proc_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t l;

	if (fd < 0)
		return -errno;
	l = read(fd, buf, size - 1);
	(void)close(fd);
	if (l < 0)
		return -errno;
	buf[l] = '\0';
	return (int)l;
}

uint64_t process_start_mono_ns(void)
{
	uint64_t mono = now_mono_ns(), boot = now_boot_ns(), start_boot;
	unsigned long long ticks;
	char buf[1024], *p;
	long hz = sysconf(_SC_CLK_TCK);

	if (read_proc_text("/proc/self/stat", buf, sizeof(buf)) <= 0 || hz <= 0)
		return mono;
	/* The command name may hold spaces and parentheses: fields are
	 * counted from the last ')'; starttime is field 22, the 20th after. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &ticks) != 1)
		return mono;
	start_boot = ticks * (NSEC_PER_SEC / (uint64_t)hz);
	/* A start in the future or long ago means we misread: ignore it. */
	if (start_boot > boot || boot - start_boot > 10 * NSEC_PER_SEC)
		return mono;
	return mono - (boot - start_boot);
}

int array_reserve(void **array, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		if (__builtin_mul_overflow(c, 2, &c))
			return -ENOMEM;
	p = reallocarray(*array, c, size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = c;
	return 0;
}

const char *errno_name(int err, char *buf, size_t bufsz)
{
	const char *n;

	if (err < 0 && err != INT_MIN) /* -INT_MIN does not exist */
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

char *format_time_rfc3339(int64_t real_ns, char *buf, size_t bufsz)
{
	time_t t = (time_t)(real_ns / (int64_t)NSEC_PER_SEC);
	struct tm tm;
	char zone[8];

	/* strftime's %z gives +0100; RFC 3339 wants +01:00. */
	if (!localtime_r(&t, &tm) || strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5) {
		(void)snprintf(buf, bufsz, "@%lld", (long long)t);
		return buf;
	}
	(void)snprintf(buf + strlen(buf), bufsz - strlen(buf), "%.3s:%s", zone, zone + 3);
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
