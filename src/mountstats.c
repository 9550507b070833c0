/* /proc/self/mountstats parsing; see mountstats.h.
 *
 * Why reading the file cannot block on a hung mount (fs/proc_namespace.c,
 * fs/nfs/super.c and net/sunrpc/stats.c, Linux 4.x to 6.x): mountstats is
 * the same seq_file walk of the namespace's mount list as mountinfo
 * (mounts_open_common() with the same mounts_op), which the front reads
 * anyway. Per mount, show_vfsstat() prints the device (nfs_show_devname():
 * a dentry path built in memory), the mount point (seq_path_root()) and the
 * type, then calls ->show_stats, for NFS nfs_show_stats(): the options,
 * the age, caps, lease time, the per-CPU event counters and
 * rpc_clnt_show_stats(), which prints the transport counters under
 * rcu_read_lock() and the rpc_iostats of every procedure. All of it is
 * memory that the RPC layer updates as calls complete; nothing sends a call
 * or waits for one, so a dead server leaves the file as quick to read as
 * ever (calls still in flight are simply not counted yet).
 *
 * What the session counters mean: rpc_clnt_show_stats() adds up the
 * counters of the mount's rpc_clnt and of its cl_parent chain. The mount's
 * client is a clone of the nfs_client's cl_rpcclient
 * (nfs_init_server_rpcclient()), and EXCHANGE_ID, CREATE_SESSION and
 * DESTROY_SESSION run on cl_rpcclient itself (nfs4_run_exchange_id() and
 * friends), so every mount of one server in one network namespace shows
 * the same, client-wide, counts.
 *
 * Format of a per-op line (_print_rpc_iostats()): "%12s: " then ops,
 * transmissions, timeouts, bytes sent, bytes received, queue, RTT and
 * execute times (8 numbers, "RPC iostats version: 1.0"); Linux 5.3 added
 * the count of calls that ended in an error (9 numbers, version 1.1). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "macro.h"
#include "mountstats.h"
#include "util.h"

static const char *const op_names[_MOUNTSTATS_OP_MAX] = {
	[MOUNTSTATS_EXCHANGE_ID] = "EXCHANGE_ID",
	[MOUNTSTATS_CREATE_SESSION] = "CREATE_SESSION",
	[MOUNTSTATS_DESTROY_SESSION] = "DESTROY_SESSION",
	[MOUNTSTATS_SETCLIENTID] = "SETCLIENTID",
	[MOUNTSTATS_SETCLIENTID_CONFIRM] = "SETCLIENTID_CONFIRM",
};

const char *mountstats_op_name(enum mountstats_op op)
{
	return op >= 0 && op < _MOUNTSTATS_OP_MAX ? op_names[op] : NULL;
}

/* seq_escape() writes the bytes it escapes as \ooo; decodes in place. */
static void unescape(char *s)
{
	char *w = s;

	for (const char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
		    p[3] <= '7') {
			*w++ = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
			p += 3;
		} else
			*w++ = *p;
	}
	*w = '\0';
}

static bool is_nfs(const char *fstype)
{
	return streq(fstype, "nfs") || streq(fstype, "nfs4");
}

static void entry_free(struct mountstats_entry *e)
{
	free(e->device);
	free(e->mountpoint);
	free(e->fstype);
}

/* "device DEV mounted on MNT with fstype TYPE[ statvers=1.1]" (the kernel
 * wrote "no device" for a mount without a device name before 3.x). The
 * fields are escaped, so they hold no blanks: the first " mounted on " is
 * the separator. Returns 1 with a new NFS entry, 0 for another type or a
 * line that is no device line, -ENOMEM. */
static int parse_device_line(char *line, struct mountstats_entry *ret)
{
	char *dev, *mnt, *type, *end;

	if (strncmp(line, "device ", 7) == 0)
		dev = line + 7;
	else if (strncmp(line, "no device ", 10) == 0)
		dev = NULL;
	else
		return 0;
	mnt = strstr(dev ? dev : line, " mounted on ");
	if (!mnt)
		return 0;
	*mnt = '\0';
	mnt += strlen(" mounted on ");
	type = strstr(mnt, " with fstype ");
	if (!type)
		return 0;
	*type = '\0';
	type += strlen(" with fstype ");
	end = strchr(type, ' ');
	if (end)
		*end = '\0';
	if (!is_nfs(type))
		return 0;
	*ret = (struct mountstats_entry){};
	ret->device = strdup(dev ? dev : "none");
	ret->mountpoint = strdup(mnt);
	ret->fstype = strdup(type);
	if (!ret->device || !ret->mountpoint || !ret->fstype) {
		entry_free(ret);
		return -ENOMEM;
	}
	unescape(ret->device);
	unescape(ret->mountpoint);
	unescape(ret->fstype);
	return 1;
}

/* "opts:\trw,vers=4.2,rsize=..." */
static void parse_opts(const char *s, struct mountstats_entry *e)
{
	for (const char *p = s; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		unsigned major = 0, minor = 0;

		if (strncmp(p, "vers=", 5) != 0)
			continue;
		if (sscanf(p + 5, "%u.%u", &major, &minor) >= 1) {
			e->vers_major = major;
			e->vers_minor = minor;
		}
		return;
	}
}

/* A decimal number; false at anything else or on overflow. */
static bool parse_u64(const char **pp, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*pp = p;
	*ret = v;
	return true;
}

/* "EXCHANGE_ID: 2 2 0 520 188 0 1 1 0" (leading blanks already gone) */
static void parse_op_line(const char *s, struct mountstats_entry *e)
{
	const char *colon = strchr(s, ':'), *p;
	uint64_t v[9];
	size_t n = 0;
	int op;

	if (!colon)
		return;
	for (op = 0; op < _MOUNTSTATS_OP_MAX; op++)
		if ((size_t)(colon - s) == strlen(op_names[op]) && strncmp(s, op_names[op], (size_t)(colon - s)) == 0)
			break;
	if (op == _MOUNTSTATS_OP_MAX)
		return;
	for (p = colon + 1; n < ARRAY_SIZE(v);) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || !parse_u64(&p, &v[n]))
			break;
		n++;
	}
	/* Fewer than the 8 numbers every kernel since 2.6.17 prints: not a
	 * line we understand. More than 9: a future field, ignored. */
	if (n < 8)
		return;
	e->op[op].ops = v[0];
	e->op[op].errors = n >= 9 ? v[8] : 0;
	e->have_errors = n >= 9;
	e->seen |= 1U << op;
}

static int push(struct mountstats *s, struct mountstats_entry *e)
{
	if (ARRAY_RESERVE(s->v, s->cap, s->n + 1) < 0)
		return -ENOMEM;
	s->v[s->n++] = *e;
	*e = (struct mountstats_entry){};
	return 0;
}

int mountstats_parse(FILE *f, struct mountstats *ret)
{
	struct mountstats s = {};
	struct mountstats_entry cur = {};
	_cleanup_free_ char *line = NULL;
	bool in_entry = false, in_ops = false;
	size_t cap = 0;
	ssize_t len;
	int r = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		char *p = line;

		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (*p != ' ' && *p != '\t') {
			/* A new mount: the one before is complete. */
			if (in_entry && (r = push(&s, &cur)) < 0)
				break;
			in_entry = in_ops = false;
			r = parse_device_line(p, &cur);
			if (r < 0)
				break;
			in_entry = r > 0;
			r = 0;
			continue;
		}
		if (!in_entry)
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "opts:", 5) == 0)
			parse_opts(p + 5 + strspn(p + 5, " \t"), &cur);
		else if (strncmp(p, "age:", 4) == 0) {
			const char *q = p + 4 + strspn(p + 4, " \t");
			cur.have_age = parse_u64(&q, &cur.age_s);
		} else if (strcmp(p, "per-op statistics") == 0)
			in_ops = cur.have_ops = true;
		else if (in_ops)
			parse_op_line(p, &cur);
	}
	if (r == 0 && in_entry)
		r = push(&s, &cur);
	if (r < 0) {
		entry_free(&cur);
		mountstats_done(&s);
		return r;
	}
	*ret = s;
	return 0;
}

int mountstats_load(const char *path, struct mountstats *ret)
{
	_cleanup_fclose_ FILE *f = fopen(path ? path : "/proc/self/mountstats", "re");

	if (!f)
		return -errno;
	return mountstats_parse(f, ret);
}

void mountstats_done(struct mountstats *s)
{
	for (size_t i = 0; i < s->n; i++)
		entry_free(&s->v[i]);
	free(s->v);
	*s = (struct mountstats){};
}

const struct mountstats_entry *mountstats_find(const struct mountstats *s, const char *mountpoint,
					       const char *device, const char *fstype, size_t occurrence)
{
	const struct mountstats_entry *last = NULL;

	for (size_t i = 0; i < s->n; i++) {
		const struct mountstats_entry *e = &s->v[i];

		if (!streq(e->mountpoint, mountpoint) || !streq(e->device, device ? device : "none") ||
		    !streq(e->fstype, fstype))
			continue;
		if (occurrence-- == 0)
			return e;
		last = e;
	}
	return last;
}
