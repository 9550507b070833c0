/* Small helpers shared by every module: clocks, errno names, duration
 * formatting, small procfs reads. Never touches a probed file system. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in ns: deadlines and latencies within one process. */
uint64_t now_mono_ns(void);
/* When this process was exec'd, on the CLOCK_MONOTONIC scale (to the
 * kernel's tick, rounded down; now if it cannot be read). A deadline
 * counted from here includes the dynamic loader's time too. */
uint64_t process_start_mono_ns(void);
/* The start of a small procfs file such as /proc/loadavg, at most size - 1
 * bytes, NUL-terminated: its length, or -errno. */
int read_proc_text(const char *path, char *buf, size_t size);
/* CLOCK_BOOTTIME in ns: durations that must survive across processes (a
 * probe pending since an earlier run), counting suspend too. */
uint64_t now_boot_ns(void);
/* CLOCK_REALTIME in ns: only for showing a moment to people. */
int64_t now_real_ns(void);

/* "EIO" for 5; "E524" style for codes libc has no name for (kernel-internal
 * codes such as 524 leak out of CIFS reconnects). Returns a static string or
 * one written into buf. */
const char *errno_name(int err, char *buf, size_t bufsz);

/* Human duration, shortest exact-ish form: "850us", "12.3ms", "2.00s",
 * "3m10s", "2h05m". */
char *format_duration(uint64_t ns, char *buf, size_t bufsz);

/* The same moment for machines: RFC 3339 with the zone offset,
 * "2026-11-21T22:34:37+00:00". */
char *format_time_rfc3339(int64_t real_ns, char *buf, size_t bufsz);

/* Local time "YYYY-MM-DD HH:MM:SS" of a CLOCK_REALTIME ns value. */
char *format_time(int64_t real_ns, char *buf, size_t bufsz);

/* Room for need elements of size bytes in *array, whose capacity is *cap:
 * grows by doubling (from 16), so appending one element at a time stays
 * linear (one at a time was quadratic at 60,000 mounts). 0 or -ENOMEM,
 * the array unchanged then. Use ARRAY_RESERVE(). */
int array_reserve(void **array, size_t *cap, size_t need, size_t size);
#define ARRAY_RESERVE(array, cap, need) array_reserve((void **)&(array), &(cap), (need), sizeof(*(array)))

/* strdup() that returns NULL only on a NULL argument or out of memory. */
char *strdup_or_null(const char *s);
