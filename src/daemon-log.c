/* The daemon's log; see daemon-internal.h. One way out for every line:
 * stderr, or under systemd the journal with the mount's fields, so that
 * `journalctl MOUNTPOINT=/srv` finds a mount's whole story. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon-internal.h"
#include "macro.h"
#include "nfs-health.h"

/* At most: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, three of the mount, and
 * the caller's. */
#define LOG_FIELDS_MAX 12

/* Adds a journal field; false when out of memory. */
_printf_(3, 4) static bool field(char **f, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= LOG_FIELDS_MAX)
		return false;
	va_start(ap, fmt);
	r = vasprintf(&f[*n], fmt, ap);
	va_end(ap);
	if (r < 0) {
		f[*n] = NULL;
		return false;
	}
	(*n)++;
	return true;
}

/* msg on stderr, or to the journal with m's fields (when m) and the
 * caller's own ("NAME=value", up to a NULL). */
static void log_send(struct daemon *d, int prio, const char *msg, const struct tracked_mount *m,
		     const char *const *extra)
{
	char *f[LOG_FIELDS_MAX] = {};
	struct iovec iov[LOG_FIELDS_MAX];
	size_t n = 0;
	bool ok;

	if (!d->journal) {
		fprintf(stderr, "fsprobe: %s\n", msg);
		return;
	}
	ok = field(f, &n, "MESSAGE=%s", msg) && field(f, &n, "PRIORITY=%i", prio) &&
	     field(f, &n, "SYSLOG_IDENTIFIER=fsprobe");
	if (ok && m)
		ok = field(f, &n, "MOUNTPOINT=%s", m->target) && field(f, &n, "FSTYPE=%s", m->fstype) &&
		     field(f, &n, "FSPROBE_SOURCE=%s", m->source);
	for (; ok && extra && *extra; extra++)
		ok = field(f, &n, "%s", *extra);
	for (size_t i = 0; ok && i < n; i++)
		iov[i] = (struct iovec){ .iov_base = f[i], .iov_len = strlen(f[i]) };
	if (ok)
		(void)sd_journal_sendv(iov, (int)n);
	for (size_t i = 0; i < n; i++)
		free(f[i]);
}

void daemon_log(struct daemon *d, int prio, const struct tracked_mount *m, const struct transition *tr,
		const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if (m && tr) {
		char state[64], previous[64], err[32];
		const char *const extra[] = { state, previous, err, NULL };

		(void)snprintf(state, sizeof(state), "FSPROBE_STATE=%s", status_to_string(tr->to));
		(void)snprintf(previous, sizeof(previous), "FSPROBE_PREVIOUS_STATE=%s",
			       tr->first ? "" : status_to_string(tr->from));
		(void)snprintf(err, sizeof(err), "ERRNO=%i", m->result.err);
		log_send(d, prio, msg, m, extra);
	} else
		log_send(d, prio, msg, NULL, NULL);
}

/* Under systemd, stderr is a stream to the journal: structured fields are
 * worth sending. JOURNAL_STREAM names that stream by device and inode. */
bool daemon_log_to_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

/* A change of a mount's NFSv4 warnings, logged like a change of status:
 * the first verdict only when it warns. */
void daemon_log_nfs_warnings(struct daemon *d, const struct tracked_mount *m, unsigned before)
{
	_cleanup_free_ char *msg = NULL;
	char now_w[64], was_w[64], text[1024];
	unsigned w = m->nfs.warnings;
	int prio, k;

	nfs_warnings_format(w, now_w, sizeof(now_w));
	nfs_warnings_format(before, was_w, sizeof(was_w));
	nfs_health_describe(&m->nfs, text, sizeof(text));
	/* Churn is harm being done; a risky identity is harm about to be. */
	prio = (w & NFS_WARNING_LEASE_CHURN) || nfs_health_identity_is_risky(&m->nfs) ? LOG_WARNING : LOG_NOTICE;
	if (!w)
		k = asprintf(&msg, "%s: NFSv4 warning %s cleared", m->target, was_w);
	else if (!before)
		k = asprintf(&msg, "%s: NFSv4 warning %s (%s)", m->target, now_w, text);
	else
		k = asprintf(&msg, "%s: NFSv4 warning %s -> %s (%s)", m->target, was_w, now_w, text);
	if (k < 0)
		return;
	{
		char warning[96], previous[96], state[64];
		const char *const extra[] = { warning, previous, state, NULL };

		(void)snprintf(warning, sizeof(warning), "FSPROBE_WARNING=%s", now_w);
		(void)snprintf(previous, sizeof(previous), "FSPROBE_PREVIOUS_WARNING=%s", was_w);
		(void)snprintf(state, sizeof(state), "FSPROBE_STATE=%s", m->known ? status_to_string(m->result.status) : "");
		log_send(d, prio, msg, m, extra);
	}
}
