/*
 * testfs: a small FUSE file system that misbehaves on demand.
 *
 * The fsprobe scenario tests make real FUSE mounts with this daemon and
 * then tell it, through a control file, how to behave: answer normally,
 * answer slowly, answer with an errno, or read requests and never answer
 * them.  The last case is the one a health monitor has to survive: the
 * kernel has handed the request to user space, so the caller cannot get
 * out until the daemon answers or the connection dies; even SIGKILL only
 * turns its sleep into an uninterruptible one (state D).
 *
 * It serves a fixed read-only tree:
 *   /          directory
 *   /hello     "hello\n"
 *   /sub       empty directory, a mountpoint for nested test mounts
 *   /dir       directory
 *   /dir/f     "f\n"
 *
 * What it must never do:
 *   - touch its own mount (or any FUSE mount) itself: it is single-threaded,
 *     so a request it causes against itself could never be answered.  The
 *     control, log and ready files therefore belong on a local file system;
 *   - daemonize, fork, or keep running after its mount is gone: tests
 *     find it by the pid in the ready file and SIGKILL it to end a hang;
 *   - sleep while in a hang mode: hanging means "read the request and keep
 *     reading further ones", which a stopped daemon (SIGSTOP) cannot
 *     imitate and which the tests produce separately;
 *   - use default_permissions, or answer from any state other than the
 *     fixed tree and the control file: a test must get the same answer for
 *     the same request every time;
 *   - be installed: it is only a check program.
 *
 * Usage: see usage() below.  Runs as root, so libfuse mounts with mount(2)
 * directly and no fusermount3 helper is involved.
 */

#define FUSE_USE_VERSION 34
#define _GNU_SOURCE

#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/*
 * Long enough that the kernel never asks again on its own during a test:
 * a plain stat is answered from the cache, so only AT_STATX_FORCE_SYNC
 * (which fsprobe uses) reaches the daemon.
 */
#define CACHE_TIMEOUT 3600.0

#define DEFAULT_DELAY_MS 1000

enum op {
	OP_INIT, OP_GETATTR, OP_LOOKUP, OP_STATFS, OP_OPEN, OP_READ,
	OP_FLUSH, OP_OPENDIR, OP_READDIR, OP_RELEASE, OP_RELEASEDIR,
	OP_ACCESS, OP_GETXATTR, OP_LISTXATTR, OP_FORGET
};

static const char *const op_names[] = {
	[OP_INIT] = "INIT", [OP_GETATTR] = "GETATTR", [OP_LOOKUP] = "LOOKUP",
	[OP_STATFS] = "STATFS", [OP_OPEN] = "OPEN", [OP_READ] = "READ",
	[OP_FLUSH] = "FLUSH", [OP_OPENDIR] = "OPENDIR",
	[OP_READDIR] = "READDIR", [OP_RELEASE] = "RELEASE",
	[OP_RELEASEDIR] = "RELEASEDIR", [OP_ACCESS] = "ACCESS",
	[OP_GETXATTR] = "GETXATTR", [OP_LISTXATTR] = "LISTXATTR",
	[OP_FORGET] = "FORGET",
};

enum mode {
	M_OK, M_HANG, M_HANG_GETATTR, M_HANG_STATFS, M_DELAY,
	M_EIO, M_ESTALE, M_EACCES, M_ENOTCONN, M_EPERM, M_EHOSTDOWN,
	M_STATFS_EIO
};

static const struct {
	const char *word;
	int err;	/* errno for the error modes, 0 otherwise */
} modes[] = {
	[M_OK] = { "ok", 0 },
	[M_HANG] = { "hang", 0 },
	[M_HANG_GETATTR] = { "hang-getattr", 0 },
	[M_HANG_STATFS] = { "hang-statfs", 0 },
	[M_DELAY] = { "delay", 0 },
	[M_EIO] = { "eio", EIO },
	[M_ESTALE] = { "estale", ESTALE },
	[M_EACCES] = { "eacces", EACCES },
	[M_ENOTCONN] = { "enotconn", ENOTCONN },
	[M_EPERM] = { "eperm", EPERM },
	[M_EHOSTDOWN] = { "ehostdown", EHOSTDOWN },
	[M_STATFS_EIO] = { "statfs-eio", EIO },
};

#define N_MODES (sizeof(modes) / sizeof(modes[0]))

struct node {
	fuse_ino_t ino;
	fuse_ino_t parent;
	const char *name;
	mode_t mode;
	const char *data;
};

enum { INO_ROOT = 1, INO_HELLO, INO_SUB, INO_DIR, INO_DIR_F };

static const struct node nodes[] = {
	{ INO_ROOT, INO_ROOT, "/", S_IFDIR | 0755, NULL },
	{ INO_HELLO, INO_ROOT, "hello", S_IFREG | 0644, "hello\n" },
	{ INO_SUB, INO_ROOT, "sub", S_IFDIR | 0755, NULL },
	{ INO_DIR, INO_ROOT, "dir", S_IFDIR | 0755, NULL },
	{ INO_DIR_F, INO_DIR, "f", S_IFREG | 0644, "f\n" },
};

#define N_NODES (sizeof(nodes) / sizeof(nodes[0]))

/*
 * Requests held in a hang mode.  They are kept (rather than dropped) so
 * the kernel's view stays true: each one is still owed an answer, and
 * libfuse still finds them when the kernel sends INTERRUPT for them.
 */
struct held {
	fuse_req_t req;
	struct held *next;
};

static struct {
	char *ctl;
	char *log;
	char *ready;
	const char *name;
	const char *subtype;
	int allow_other;
	struct statvfs st;
	time_t start;
	struct held *held;
	unsigned long n_held;
	struct fuse_session *se;
} g;

struct cur_mode {
	enum mode mode;
	unsigned long ms;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("testfs: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* One write(2) per line, so a test reading the log never sees half a line. */
static void log_line(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int fd, n;

	if (!g.log)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* Reopened per line so a test may truncate or replace the log. */
	fd = open(g.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, buf, n) != n)
		fprintf(stderr, "testfs: short write to log\n");
	close(fd);
}

/*
 * Read on every request, so a test can switch behaviour at any moment
 * without signalling or restarting the daemon.
 */
static struct cur_mode read_mode(void)
{
	struct cur_mode m = { M_OK, 0 };
	char buf[256], word[64], *end;
	const char *p;
	ssize_t n;
	size_t i, len;
	int fd;

	if (!g.ctl)
		return m;
	fd = open(g.ctl, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return m;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return m;
	buf[n] = '\0';

	p = buf + strspn(buf, " \t\r\n");
	len = strcspn(p, " \t\r\n");
	if (len == 0)
		return m;
	if (len >= sizeof(word))
		len = sizeof(word) - 1;
	memcpy(word, p, len);
	word[len] = '\0';
	p += len;

	for (i = 0; i < N_MODES; i++)
		if (strcmp(word, modes[i].word) == 0)
			break;
	if (i == N_MODES) {
		log_line("BADMODE %s", word);
		return m;
	}
	m.mode = (enum mode)i;
	if (m.mode == M_DELAY) {
		p += strspn(p, " \t\r\n");
		m.ms = DEFAULT_DELAY_MS;
		if (*p) {
			errno = 0;
			m.ms = strtoul(p, &end, 10);
			if (errno || end == p) {
				log_line("BADMODE %s", p);
				m.ms = DEFAULT_DELAY_MS;
			}
		}
	}
	return m;
}

static const char *mode_str(struct cur_mode m, char *buf, size_t size)
{
	if (m.mode == M_DELAY)
		snprintf(buf, size, "delay ms=%lu", m.ms);
	else
		snprintf(buf, size, "%s", modes[m.mode].word);
	return buf;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	/* A termination signal cuts the delay short; other EINTRs do not. */
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		if (g.se && fuse_session_exited(g.se))
			break;
}

static void hold(fuse_req_t req)
{
	struct held *h = malloc(sizeof(*h));

	if (!h) {
		/* Better a wrong answer than a crash that ends every hang. */
		fuse_reply_err(req, ENOMEM);
		return;
	}
	h->req = req;
	h->next = g.held;
	g.held = h;
	g.n_held++;
}

static int mode_errs(enum mode mode, enum op op)
{
	if (mode == M_STATFS_EIO)
		return op == OP_STATFS;
	if (!modes[mode].err)
		return 0;
	switch (op) {
	case OP_GETATTR:
	case OP_LOOKUP:
	case OP_STATFS:
	case OP_OPEN:
	case OP_OPENDIR:
	case OP_ACCESS:
		return 1;
	default:
		return 0;
	}
}

/*
 * Common entry of every request that gets an answer.  Logs it, then
 * applies the current mode.  Returns 1 if the mode has already disposed of
 * the request (held or answered with an error), 0 if the caller should
 * answer it normally.
 */
static int prologue(fuse_req_t req, enum op op, fuse_ino_t ino,
		    const char *name)
{
	struct cur_mode m = read_mode();
	char mbuf[96];

	mode_str(m, mbuf, sizeof(mbuf));
	if (name) {
		char safe[256];
		size_t i;

		/* Keep the log one line per request whatever the name is. */
		for (i = 0; name[i] && i < sizeof(safe) - 1; i++)
			safe[i] = (name[i] > ' ' && name[i] < 127) ? name[i] : '?';
		safe[i] = '\0';
		log_line("%s ino=%lu name=%s mode=%s", op_names[op],
			 (unsigned long)ino, safe, mbuf);
	} else {
		log_line("%s ino=%lu mode=%s", op_names[op],
			 (unsigned long)ino, mbuf);
	}

	if (m.mode == M_HANG ||
	    (m.mode == M_HANG_GETATTR && op == OP_GETATTR) ||
	    (m.mode == M_HANG_STATFS && op == OP_STATFS)) {
		hold(req);
		return 1;
	}
	if (m.mode == M_DELAY)
		sleep_ms(m.ms);
	if (mode_errs(m.mode, op)) {
		fuse_reply_err(req, modes[m.mode].err);
		return 1;
	}
	return 0;
}

static const struct node *find_node(fuse_ino_t ino)
{
	size_t i;

	for (i = 0; i < N_NODES; i++)
		if (nodes[i].ino == ino)
			return &nodes[i];
	return NULL;
}

static void fill_stat(const struct node *n, struct stat *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_uid = 0;
	st->st_gid = 0;
	st->st_atime = st->st_mtime = st->st_ctime = g.start;
	st->st_blksize = g.st.f_bsize;
	if (S_ISDIR(n->mode)) {
		st->st_nlink = 2;
		for (i = 0; i < N_NODES; i++)
			if (nodes[i].parent == n->ino && nodes[i].ino != n->ino &&
			    S_ISDIR(nodes[i].mode))
				st->st_nlink++;
		st->st_size = 4096;
		st->st_blocks = 8;
	} else {
		st->st_nlink = 1;
		st->st_size = (off_t)strlen(n->data);
		st->st_blocks = 1;
	}
}

static void tfs_init(void *userdata, struct fuse_conn_info *conn)
{
	char mbuf[96];

	(void)userdata;
	(void)conn;
	/* INIT is answered by libfuse after this returns; it is never held. */
	log_line("INIT ino=0 mode=%s", mode_str(read_mode(), mbuf, sizeof(mbuf)));
}

static void tfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	size_t i;

	if (prologue(req, OP_LOOKUP, parent, name))
		return;
	for (i = 0; i < N_NODES; i++) {
		if (nodes[i].parent != parent || nodes[i].ino == parent ||
		    strcmp(nodes[i].name, name) != 0)
			continue;
		memset(&e, 0, sizeof(e));
		e.ino = nodes[i].ino;
		e.generation = 1;
		e.attr_timeout = CACHE_TIMEOUT;
		e.entry_timeout = CACHE_TIMEOUT;
		fill_stat(&nodes[i], &e.attr);
		fuse_reply_entry(req, &e);
		return;
	}
	fuse_reply_err(req, ENOENT);
}

static void tfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	char mbuf[96];

	(void)nlookup;
	/* No reply exists for FORGET, so no mode applies; only log it. */
	log_line("FORGET ino=%lu mode=%s", (unsigned long)ino,
		 mode_str(read_mode(), mbuf, sizeof(mbuf)));
	fuse_reply_none(req);
}

static void tfs_getattr(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	const struct node *n;
	struct stat st;

	(void)fi;
	if (prologue(req, OP_GETATTR, ino, NULL))
		return;
	n = find_node(ino);
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_stat(n, &st);
	fuse_reply_attr(req, &st, CACHE_TIMEOUT);
}

static void tfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	if (prologue(req, OP_STATFS, ino, NULL))
		return;
	fuse_reply_statfs(req, &g.st);
}

static void tfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	const struct node *n;

	if (prologue(req, OP_OPEN, ino, NULL))
		return;
	n = find_node(ino);
	if (!n)
		fuse_reply_err(req, ENOENT);
	else if (S_ISDIR(n->mode))
		fuse_reply_err(req, EISDIR);
	else if ((fi->flags & O_ACCMODE) != O_RDONLY)
		fuse_reply_err(req, EACCES);
	else
		fuse_reply_open(req, fi);
}

static void tfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	const struct node *n;
	size_t len;

	(void)fi;
	if (prologue(req, OP_READ, ino, NULL))
		return;
	n = find_node(ino);
	if (!n || !n->data) {
		fuse_reply_err(req, EIO);
		return;
	}
	len = strlen(n->data);
	if (off < 0 || (size_t)off >= len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > len - (size_t)off)
		size = len - (size_t)off;
	fuse_reply_buf(req, n->data + off, size);
}

/*
 * Implemented only so that close(2) on a file of a hanging mount hangs as
 * well: without it libfuse answers ENOSYS behind our back.
 */
static void tfs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)fi;
	if (prologue(req, OP_FLUSH, ino, NULL))
		return;
	fuse_reply_err(req, 0);
}

static void tfs_release(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	(void)fi;
	if (prologue(req, OP_RELEASE, ino, NULL))
		return;
	fuse_reply_err(req, 0);
}

static void tfs_opendir(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	const struct node *n;

	if (prologue(req, OP_OPENDIR, ino, NULL))
		return;
	n = find_node(ino);
	if (!n)
		fuse_reply_err(req, ENOENT);
	else if (!S_ISDIR(n->mode))
		fuse_reply_err(req, ENOTDIR);
	else
		fuse_reply_open(req, fi);
}

static void tfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	const struct node *n, *ents[N_NODES + 2];
	const char *names[N_NODES + 2];
	size_t i, count = 0, used = 0, len;
	struct stat st;
	char *buf;

	(void)fi;
	if (prologue(req, OP_READDIR, ino, NULL))
		return;
	n = find_node(ino);
	if (!n || !S_ISDIR(n->mode)) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	ents[count] = n;
	names[count++] = ".";
	ents[count] = find_node(n->parent);
	names[count++] = "..";
	for (i = 0; i < N_NODES; i++) {
		if (nodes[i].parent == ino && nodes[i].ino != ino) {
			ents[count] = &nodes[i];
			names[count++] = nodes[i].name;
		}
	}

	buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* The offset handed back is the index of the next entry. */
	for (i = (off < 0) ? 0 : (size_t)off; i < count; i++) {
		memset(&st, 0, sizeof(st));
		st.st_ino = ents[i]->ino;
		st.st_mode = ents[i]->mode;
		len = fuse_add_direntry(req, buf + used, size - used, names[i],
					&st, (off_t)(i + 1));
		if (len > size - used)
			break;
		used += len;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void tfs_releasedir(fuse_req_t req, fuse_ino_t ino,
			   struct fuse_file_info *fi)
{
	(void)fi;
	if (prologue(req, OP_RELEASEDIR, ino, NULL))
		return;
	fuse_reply_err(req, 0);
}

static void tfs_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	(void)mask;
	if (prologue(req, OP_ACCESS, ino, NULL))
		return;
	fuse_reply_err(req, find_node(ino) ? 0 : ENOENT);
}

/*
 * ENODATA rather than ENOSYS: ENOSYS would make the kernel stop sending
 * GETXATTR for the rest of the mount, so what reaches the daemon would
 * depend on what earlier tests did.
 */
static void tfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			 size_t size)
{
	(void)name;
	(void)size;
	if (prologue(req, OP_GETXATTR, ino, NULL))
		return;
	fuse_reply_err(req, ENODATA);
}

static void tfs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	if (prologue(req, OP_LISTXATTR, ino, NULL))
		return;
	/*
	 * An empty list: a listxattr(2) failing with ENODATA would be odd.
	 * The kernel wants the size alone when it asked with size 0 and the
	 * (empty) data otherwise; the wrong form turns into EIO.
	 */
	if (size == 0)
		fuse_reply_xattr(req, 0);
	else
		fuse_reply_buf(req, NULL, 0);
}

static const struct fuse_lowlevel_ops tfs_ops = {
	.init = tfs_init,
	.lookup = tfs_lookup,
	.forget = tfs_forget,
	.getattr = tfs_getattr,
	.statfs = tfs_statfs,
	.open = tfs_open,
	.read = tfs_read,
	.flush = tfs_flush,
	.release = tfs_release,
	.opendir = tfs_opendir,
	.readdir = tfs_readdir,
	.releasedir = tfs_releasedir,
	.access = tfs_access,
	.getxattr = tfs_getxattr,
	.listxattr = tfs_listxattr,
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: testfs MOUNTPOINT [options]\n"
"  --ctl FILE      mode file, re-read on every request (missing/empty: ok)\n"
"  --log FILE      append one line per request: OP ino=N [name=S] mode=M\n"
"  --ready FILE    written with our pid once the mount is up\n"
"  --name NAME     fsname shown as the mount source (default testfs)\n"
"  --subtype TYPE  mount type fuse.TYPE (default testfs)\n"
"  --blocks N --bfree N --bavail N --files N --ffree N --bsize N\n"
"                  statfs answers (defaults 262144 131072 120000\n"
"                  65536 60000 4096)\n"
"  --allow-other   mount with allow_other\n"
"modes: ok hang hang-getattr hang-statfs delay [MS] (default %d)\n"
"       eio estale eacces enotconn eperm ehostdown statfs-eio\n"
"Runs in the foreground; SIGTERM/SIGINT/SIGHUP unmount and exit 0.\n",
		DEFAULT_DELAY_MS);
}

static unsigned long long parse_num(const char *opt, const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		die("%s: bad number '%s'", opt, s);
	return v;
}

/*
 * The control and log files are opened again on every request; resolving
 * them once now keeps them pointing at the same place whatever happens to
 * the working directory later.
 */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *r;

	if (path[0] == '/')
		r = strdup(path);
	else if (!getcwd(cwd, sizeof(cwd)) || asprintf(&r, "%s/%s", cwd, path) < 0)
		r = NULL;
	if (!r)
		die("cannot resolve %s", path);
	return r;
}

/*
 * Written to a temporary name and renamed, so a test polling for the file
 * never reads it empty.
 */
static int write_ready(const char *path)
{
	char *tmp, line[32];
	int fd, n, ok;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return -1;
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ok = fd >= 0 && write(fd, line, n) == n;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (ok && rename(tmp, path) < 0)
		ok = 0;
	if (!ok) {
		fprintf(stderr, "testfs: cannot write ready file %s: %s\n",
			path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

enum {
	O_CTL = 256, O_LOG, O_READY, O_NAME, O_SUBTYPE, O_BLOCKS, O_BFREE, O_BAVAIL,
	O_FILES, O_FFREE, O_BSIZE, O_ALLOW_OTHER, O_HELP
};

static const struct option long_opts[] = {
	{ "ctl", required_argument, NULL, O_CTL },
	{ "log", required_argument, NULL, O_LOG },
	{ "ready", required_argument, NULL, O_READY },
	{ "name", required_argument, NULL, O_NAME },
	{ "subtype", required_argument, NULL, O_SUBTYPE },
	{ "blocks", required_argument, NULL, O_BLOCKS },
	{ "bfree", required_argument, NULL, O_BFREE },
	{ "bavail", required_argument, NULL, O_BAVAIL },
	{ "files", required_argument, NULL, O_FILES },
	{ "ffree", required_argument, NULL, O_FFREE },
	{ "bsize", required_argument, NULL, O_BSIZE },
	{ "allow-other", no_argument, NULL, O_ALLOW_OTHER },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	const char *mountpoint;
	char *opts;
	int c, res;

	g.name = "testfs";
	g.subtype = "testfs";
	g.st.f_bsize = 4096;
	g.st.f_blocks = 262144;
	g.st.f_bfree = 131072;
	g.st.f_bavail = 120000;
	g.st.f_files = 65536;
	g.st.f_ffree = 60000;
	g.st.f_favail = 60000;
	g.st.f_namemax = 255;

	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case O_CTL: g.ctl = absolute(optarg); break;
		case O_LOG: g.log = absolute(optarg); break;
		case O_READY: g.ready = absolute(optarg); break;
		case O_NAME: g.name = optarg; break;
		case O_SUBTYPE: g.subtype = optarg; break;
		case O_BLOCKS: g.st.f_blocks = parse_num("--blocks", optarg); break;
		case O_BFREE: g.st.f_bfree = parse_num("--bfree", optarg); break;
		case O_BAVAIL: g.st.f_bavail = parse_num("--bavail", optarg); break;
		case O_FILES: g.st.f_files = parse_num("--files", optarg); break;
		case O_FFREE: g.st.f_ffree = parse_num("--ffree", optarg); break;
		case O_BSIZE: g.st.f_bsize = parse_num("--bsize", optarg); break;
		case O_ALLOW_OTHER: g.allow_other = 1; break;
		case 'h': case O_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	mountpoint = argv[optind];
	g.st.f_frsize = g.st.f_bsize;
	g.st.f_favail = g.st.f_ffree;
	g.start = time(NULL);

	/* libfuse's option parser splits on commas; keep the name whole. */
	if (!*g.name || strpbrk(g.name, ",\\ \t\n"))
		die("--name must be non-empty, without commas, backslashes or blanks");
	if (!*g.subtype || strpbrk(g.subtype, ",\\ \t\n"))
		die("--subtype must be non-empty, without commas, backslashes or blanks");
	if (asprintf(&opts, "fsname=%s,subtype=%s%s", g.name, g.subtype,
		     g.allow_other ? ",allow_other" : "") < 0)
		die("out of memory");
	if (fuse_opt_add_arg(&args, "testfs") || fuse_opt_add_arg(&args, "-o") ||
	    fuse_opt_add_arg(&args, opts))
		die("out of memory");

	g.se = fuse_session_new(&args, &tfs_ops, sizeof(tfs_ops), NULL);
	if (!g.se)
		die("fuse_session_new failed");
	/*
	 * libfuse installs its handlers only over SIG_DFL, and a shell starts
	 * background jobs with SIGINT ignored: without this, "testfs ... &"
	 * in a test script would not exit on SIGINT.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (fuse_set_signal_handlers(g.se) != 0)
		die("fuse_set_signal_handlers failed");
	if (fuse_session_mount(g.se, mountpoint) != 0)
		die("cannot mount on %s", mountpoint);
	/* Never leave a mount behind that nobody will serve. */
	if (g.ready && write_ready(g.ready) < 0)
		res = -1;
	else
		res = fuse_session_loop(g.se);

	/*
	 * Held requests are not answered here: unmounting closes /dev/fuse,
	 * which makes the kernel abort them, exactly as after SIGKILL.
	 */
	if (g.n_held)
		fprintf(stderr, "testfs: exiting with %lu request(s) unanswered\n",
			g.n_held);
	fuse_session_unmount(g.se);
	fuse_remove_signal_handlers(g.se);
	fuse_session_destroy(g.se);
	fuse_opt_free_args(&args);
	free(opts);

	/* A positive result is the number of the signal that ended the loop. */
	return res < 0 ? 1 : 0;
}
