/* The few libsystemd functions fsprobe calls (sd-event, sd_notify, the
 * journal), as wrappers that load libsystemd.so.0 on first use.
 *
 * Only the daemon calls them; a one-shot run never does. Linked in,
 * libsystemd and what it pulls along (libgcrypt, liblzma, libzstd, liblz4,
 * libcap, libgpg-error) cost every run about 0.5 ms of loading and
 * relocation before main(), a third of what `df` takes on a small host
 * (doc/benchmarks.md). The headers still declare every function, so a
 * wrapper cannot drift from the real signature; a call to a function not
 * wrapped here fails at link time, not at run time.
 *
 * Without libsystemd every wrapper fails with -ELIBACC (or NULL): the
 * daemon then says it cannot create its event loop. Never touches a
 * mount. Not thread-safe on first use; the daemon is one thread. */
#include <errno.h>
#include <printf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
/* The functions themselves, not the macros that add the caller's
 * location: the wrappers below forward that location as it came. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "cleanup.h"
#include "lazy.h"
#include "macro.h"
#include "systemd-lazy.h"
#include "util.h"

static void *sym(const char *name)
{
	static void *lib;

	return lazy_symbol("libsystemd.so.0", &lib, name);
}

LAZY(sym, int, sd_event_new, (sd_event **e), (e), -ELIBACC)
LAZY(sym, sd_event *, sd_event_unref, (sd_event *e), (e), NULL)
LAZY(sym, int, sd_event_loop, (sd_event *e), (e), -ELIBACC)
LAZY(sym, int, sd_event_exit, (sd_event *e, int code), (e, code), -ELIBACC)
LAZY(sym, int, sd_event_now, (sd_event *e, clockid_t clock, uint64_t *usec), (e, clock, usec), -ELIBACC)
LAZY(sym, int, sd_event_set_watchdog, (sd_event *e, int b), (e, b), -ELIBACC)
LAZY(sym, int, sd_event_add_io,
     (sd_event *e, sd_event_source **s, int fd, uint32_t events, sd_event_io_handler_t callback, void *userdata),
     (e, s, fd, events, callback, userdata), -ELIBACC)
LAZY(sym, int, sd_event_add_time,
     (sd_event *e, sd_event_source **s, clockid_t clock, uint64_t usec, uint64_t accuracy,
      sd_event_time_handler_t callback, void *userdata),
     (e, s, clock, usec, accuracy, callback, userdata), -ELIBACC)
LAZY(sym, int, sd_event_add_time_relative,
     (sd_event *e, sd_event_source **s, clockid_t clock, uint64_t usec, uint64_t accuracy,
      sd_event_time_handler_t callback, void *userdata),
     (e, s, clock, usec, accuracy, callback, userdata), -ELIBACC)
LAZY(sym, int, sd_event_add_signal,
     (sd_event *e, sd_event_source **s, int sig, sd_event_signal_handler_t callback, void *userdata),
     (e, s, sig, callback, userdata), -ELIBACC)
LAZY(sym, int, sd_event_add_child,
     (sd_event *e, sd_event_source **s, pid_t pid, int options, sd_event_child_handler_t callback, void *userdata),
     (e, s, pid, options, callback, userdata), -ELIBACC)
LAZY(sym, sd_event_source *, sd_event_source_unref, (sd_event_source *s), (s), NULL)
LAZY(sym, sd_event_source *, sd_event_source_disable_unref, (sd_event_source *s), (s), NULL)
LAZY(sym, int, sd_event_source_set_enabled, (sd_event_source *s, int enabled), (s, enabled), -ELIBACC)
LAZY(sym, int, sd_event_source_set_floating, (sd_event_source *s, int b), (s, b), -ELIBACC)
LAZY(sym, int, sd_event_source_set_io_events, (sd_event_source *s, uint32_t events), (s, events), -ELIBACC)
LAZY(sym, int, sd_event_source_set_time, (sd_event_source *s, uint64_t usec), (s, usec), -ELIBACC)
LAZY(sym, int, sd_event_source_set_time_relative, (sd_event_source *s, uint64_t usec), (s, usec), -ELIBACC)
LAZY(sym, int, sd_notify, (int unset_environment, const char *state), (unset_environment, state), -ELIBACC)
LAZY(sym, int, sd_watchdog_enabled, (int unset_environment, uint64_t *usec), (unset_environment, usec), -ELIBACC)
LAZY(sym, int, sd_journal_sendv, (const struct iovec *iov, int n), (iov, n), -ELIBACC)
LAZY(sym, int, sd_journal_sendv_with_location,
     (const char *file, const char *line, const char *func, const struct iovec *iov, int n),
     (file, line, func, iov, n), -ELIBACC)

int sd_notifyf(int unset_environment, const char *format, ...)
{
	_cleanup_free_ char *state = NULL;
	va_list ap;
	int r;

	va_start(ap, format);
	r = vasprintf(&state, format, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return sd_notify(unset_environment, state);
}

/* Moves ap past the arguments one printf format consumes, as systemd's
 * own sd_journal_send() does (VA_FORMAT_ADVANCE): vasprintf() took a copy,
 * and C gives no other way to know how far it read. */
static int va_advance(const char *format, va_list *ap)
{
	int types[128];
	size_t n = parse_printf_format(format, ARRAY_SIZE(types), types);

	if (n > ARRAY_SIZE(types))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (types[i] & PA_FLAG_PTR) {
			(void)va_arg(*ap, void *);
			continue;
		}
		switch (types[i]) {
		case PA_INT:
		case PA_INT | PA_FLAG_SHORT:
		case PA_CHAR:
			(void)va_arg(*ap, int);
			break;
		case PA_INT | PA_FLAG_LONG:
			(void)va_arg(*ap, long);
			break;
		case PA_INT | PA_FLAG_LONG_LONG:
			(void)va_arg(*ap, long long);
			break;
		case PA_WCHAR:
			(void)va_arg(*ap, wint_t);
			break;
		case PA_STRING:
		case PA_WSTRING:
		case PA_POINTER:
			(void)va_arg(*ap, void *);
			break;
		case PA_FLOAT:
		case PA_DOUBLE:
			(void)va_arg(*ap, double);
			break;
		case PA_DOUBLE | PA_FLAG_LONG_DOUBLE:
			(void)va_arg(*ap, long double);
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

void journal_fields_free(struct iovec *iov, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(iov[i].iov_base);
	free(iov);
}

int journal_fields_format(const char *format, va_list ap, struct iovec **ret_iov, size_t *ret_n)
{
	struct iovec *iov = NULL;
	size_t n = 0, cap = 0;
	va_list cur;
	int r = 0;

	va_copy(cur, ap);
	for (; format; format = va_arg(cur, const char *)) {
		char *field;
		va_list aq;

		if (ARRAY_RESERVE(iov, cap, n + 1) < 0) {
			r = -ENOMEM;
			break;
		}
		va_copy(aq, cur);
		r = vasprintf(&field, format, aq);
		va_end(aq);
		if (r < 0) {
			r = -ENOMEM;
			break;
		}
		iov[n++] = (struct iovec){ .iov_base = field, .iov_len = (size_t)r };
		r = va_advance(format, &cur);
		if (r < 0)
			break;
	}
	va_end(cur);
	if (r < 0) {
		journal_fields_free(iov, n);
		return r;
	}
	*ret_iov = iov;
	*ret_n = n;
	return 0;
}

/* sd_journal_send() is variadic, and a variadic call cannot be forwarded:
 * its fields are formatted here and sent as iovecs, with the caller's
 * location where there is one (daemon.c calls it through the header's
 * macro, which names it). */
static int journal_vsend(const char *file, const char *line, const char *func, const char *format, va_list ap)
{
	struct iovec *iov = NULL;
	size_t n = 0;
	int r = journal_fields_format(format, ap, &iov, &n);

	if (r < 0)
		return r;
	r = file ? sd_journal_sendv_with_location(file, line, func, iov, (int)n) : sd_journal_sendv(iov, (int)n);
	journal_fields_free(iov, n);
	return r;
}

int sd_journal_send_with_location(const char *file, const char *line, const char *func, const char *format, ...)
{
	va_list ap;
	int r;

	va_start(ap, format);
	r = journal_vsend(file, line, func, format, ap);
	va_end(ap);
	return r;
}

int sd_journal_send(const char *format, ...)
{
	va_list ap;
	int r;

	va_start(ap, format);
	r = journal_vsend(NULL, NULL, NULL, format, ap);
	va_end(ap);
	return r;
}
