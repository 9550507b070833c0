/* The NFSv4 warnings' words and explanations; see nfs-health.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "nfs-health.h"
#include "util.h"

static const char *const warning_names[NFS_WARNING_COUNT] = {
	"hostname-only-identity",
	"lease-churn",
};

const char *nfs_warning_to_string(enum nfs_warning w)
{
	for (unsigned i = 0; i < NFS_WARNING_COUNT; i++)
		if (w == 1U << i)
			return warning_names[i];
	return NULL;
}

/* snprintf() that keeps appending at *o and never runs past bufsz. */
_printf_(4, 5) static void append(char *buf, size_t bufsz, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*o >= bufsz)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *o, bufsz - *o, fmt, ap);
	va_end(ap);
	if (k > 0)
		*o = MIN(*o + (size_t)k, bufsz - 1);
}

char *nfs_warnings_format(unsigned warnings, char *buf, size_t bufsz)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < NFS_WARNING_COUNT; i++)
		if (warnings & (1U << i))
			append(buf, bufsz, &o, "%s%s", o ? "," : "", warning_names[i]);
	return buf;
}

bool nfs_health_identity_is_risky(const struct nfs_health *h)
{
	return h->identity == NFS_IDENTITY_HOSTNAME_ONLY &&
	       (h->identity_flags & (NFS_IDENTITY_GENERIC_HOSTNAME | NFS_IDENTITY_CONTAINER));
}

static void describe_identity(const struct nfs_health *h, char *buf, size_t bufsz, size_t *o)
{
	append(buf, bufsz, o, "hostname-only-identity: the NFSv4 client identity is the hostname '%s'",
	       h->hostname);
	if (h->identity_flags & NFS_IDENTITY_NET_NS)
		append(buf, bufsz, o,
		       " and nfs.nfs4_unique_id: the uniquifier is host-wide and this network namespace is not the initial one");
	else if (h->identity_flags & NFS_IDENTITY_HOST_WIDE)
		append(buf, bufsz, o, " and nfs.nfs4_unique_id, which every network namespace of this host shares");
	else
		append(buf, bufsz, o, " alone");
	if (h->identity_flags & NFS_IDENTITY_GENERIC_HOSTNAME)
		append(buf, bufsz, o, ", a common default hostname");
	if (h->identity_flags & NFS_IDENTITY_CONTAINER)
		append(buf, bufsz, o, ", in a container");
	append(buf, bufsz, o, ": %s; set a unique /sys/fs/nfs/net/nfs_client/identifier",
	       nfs_health_identity_is_risky(h) ? "clients sharing it are likely, and steal each other's lease"
					      : "another client with the same hostname would steal its lease");
}

static void describe_churn(const struct nfs_health *h, char *buf, size_t bufsz, size_t *o)
{
	char d[32];

	append(buf, bufsz, o, "lease-churn: the NFSv4 client established its lease %llu times in %s",
	       (unsigned long long)h->churn.establish, format_duration(h->churn.period_ns, d, sizeof(d)));
	if (h->minor > 0)
		append(buf, bufsz, o, " (EXCHANGE_ID+CREATE_SESSION, %llu sessions destroyed)",
		       (unsigned long long)h->churn.destroy);
	else
		append(buf, bufsz, o, " (SETCLIENTID)");
	append(buf, bufsz, o, ": %s",
	       h->identity == NFS_IDENTITY_HOSTNAME_ONLY
		       ? "another client with the same identity is stealing its lease; opens and locks are lost"
		       : "another client with the same identity steals its lease, or the server keeps restarting");
}

char *nfs_health_describe(const struct nfs_health *h, char *buf, size_t bufsz)
{
	size_t o = 0;

	buf[0] = '\0';
	if (!h->checked)
		return buf;
	/* The symptom first: it is what hurts now. */
	if (h->warnings & NFS_WARNING_LEASE_CHURN)
		describe_churn(h, buf, bufsz, &o);
	if (h->warnings & NFS_WARNING_HOSTNAME_ONLY_IDENTITY) {
		append(buf, bufsz, &o, "%s", o ? "; " : "");
		describe_identity(h, buf, bufsz, &o);
	}
	return buf;
}
