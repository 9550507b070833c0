/* libsystemd loaded on first use (systemd-lazy.c): the sd_* functions the
 * daemon calls come from <systemd/...> as ever; this adds only what the
 * unit tests need to check the journal wrapper. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <sys/uio.h>

/* sd_journal_send()'s arguments ("FIELD=format", its arguments, ...,
 * NULL) as one formatted field per iovec, each allocated; 0 or -errno
 * (-EINVAL for a format whose arguments cannot be skipped). */
int journal_fields_format(const char *format, va_list ap, struct iovec **ret_iov, size_t *ret_n);
void journal_fields_free(struct iovec *iov, size_t n);
