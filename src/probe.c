/* The front side of the probe engine: fork the helper, read its records
 * until everything is answered or the deadline passes, and turn them into
 * per-mount results.
 *
 * Never touches a probed mount and never waits for the helper: at the
 * deadline it closes the pipe and leaves; a helper still stuck in the
 * kernel lingers, detached, until its requests return. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"
#include "probe-internal.h"
#include "util.h"

/* Virtual size of the memory shared with a prestarted helper: pages cost
 * only once written (jobs and paths, about 80 bytes a mount), and a table
 * that does not fit goes to a helper forked the old way. */
#define PRESTART_SHM_SIZE (256U << 20)
/* The jobs start past a header the helper writes (struct prestart_shared). */
#define PRESTART_SHM_JOBS 64U
/* Records the front takes in one read: 20,000 of them come back from
 * 10,000 mounts. */
#define FRONT_READ_RECORDS 1024U
/* The record pipe is grown to hold every record of a run, up to this (the
 * default /proc/sys/fs/pipe-max-size), so that the helper rarely waits for
 * the front to read. */
#define RECORD_PIPE_MAX (1U << 20)

static const char *const engine_names[_PROBE_ENGINE_MAX] = {
	[PROBE_ENGINE_AUTO] = "auto",
	[PROBE_ENGINE_URING] = "uring",
	[PROBE_ENGINE_THREADS] = "threads",
};

const char *probe_engine_to_string(enum probe_engine e)
{
	if (e < 0 || e >= _PROBE_ENGINE_MAX)
		return NULL;
	return engine_names[e];
}

enum probe_engine probe_engine_from_string(const char *s)
{
	for (int i = 0; s && i < _PROBE_ENGINE_MAX; i++)
		if (streq(s, engine_names[i]))
			return (enum probe_engine)i;
	return _PROBE_ENGINE_INVALID;
}

static void set_final(struct probe_front *f, uint32_t j)
{
	if (!f->final[j]) {
		f->final[j] = true;
		f->done++;
	}
}

void probe_statx_result(const struct probe_record *rec, int mnt_id, struct mount_result *res)
{
	res->flags |= RESULT_ANSWERED;
	res->latency_ns = rec->latency_ns;
	res->err = rec->err;
	res->status = status_from_errno(rec->err);
	if (rec->err == 0 && rec->mnt_id && rec->mnt_id != (uint64_t)mnt_id) {
		/* The path led to another mount: ours is gone or hidden since
		 * the table was read, and what answered says nothing about
		 * it: it could not be probed. */
		res->flags |= RESULT_MNT_ID_MISMATCH;
		res->seen_mnt_id = rec->mnt_id;
		res->status = STATUS_DENIED;
		res->err = EXDEV;
	}
}

void probe_pending_result(int pid, uint64_t since_boot_ns, int64_t since_real_ns, uint64_t now_boot_ns,
			  struct mount_result *res)
{
	res->status = STATUS_HUNG;
	res->flags |= RESULT_PENDING_EARLIER;
	res->pending_pid = pid;
	res->since_real_ns = since_real_ns;
	res->hung_ns = since_boot_ns && now_boot_ns > since_boot_ns ? now_boot_ns - since_boot_ns : 0;
}

void probe_front_apply(void *userdata, const struct probe_record *rec)
{
	struct probe_front *f = userdata;
	struct mount_result *res;

	switch (rec->type) {
	case RECORD_ENGINE:
		f->report->engine = (enum probe_engine)rec->a;
		f->report->engine_err = rec->err;
		return;
	case RECORD_STATE:
		f->report->state_err = rec->err;
		return;
	default:
		break;
	}
	if (rec->job >= f->n)
		return;
	res = &f->results[rec->job];

	switch (rec->type) {
	case RECORD_STATX:
		f->statx_done[rec->job] = true;
		/* It waited for another's request and then went itself. */
		res->flags &= ~(unsigned)RESULT_PENDING_EARLIER;
		res->pending_pid = 0;
		res->since_real_ns = 0;
		probe_statx_result(rec, f->jobs[rec->job].mnt_id, res);
		/* An unhealthy mount gets no statfs worth waiting for. */
		if (res->status != STATUS_OK || !f->jobs[rec->job].want_usage)
			set_final(f, rec->job);
		break;
	case RECORD_STATFS:
		if (rec->err == 0) {
			res->usage = rec->usage;
			res->flags |= RESULT_HAVE_USAGE;
		} else if (res->status == STATUS_OK) {
			res->err = rec->err;
			res->status = status_from_errno(rec->err);
		}
		set_final(f, rec->job);
		break;
	case RECORD_PENDING:
		f->statx_done[rec->job] = true;
		probe_pending_result(rec->a, rec->since_boot_ns, rec->since_real_ns, now_boot_ns(), res);
		set_final(f, rec->job);
		break;
	case RECORD_WAITING:
		/* Not an answer: the helper waits for another process's
		 * young request on the mount, and probes once it returns.
		 * Should the deadline come first, that request is what the
		 * mount hangs on. */
		if (f->statx_done[rec->job])
			break;
		res->flags |= RESULT_PENDING_EARLIER;
		res->pending_pid = rec->a;
		res->since_real_ns = rec->since_real_ns;
		if (f->waiting_since)
			f->waiting_since[rec->job] = rec->since_boot_ns;
		break;
	default:
		break;
	}
}

/* The kernel's MAX_ERRNO: no call returns an error beyond it. */
#define ERRNO_MAX 4095

/* Whether a helper could have written the record: a known type, an errno
 * a call can return, an engine with a name. Records come from a fork of
 * this very binary, so anything else is a bug; dropping it keeps a value
 * no renderer can show (a NULL engine name, a negative errno) out of
 * every result. */
static bool record_valid(const struct probe_record *rec)
{
	if (rec->type < RECORD_ENGINE || rec->type >= _RECORD_TYPE_END)
		return false;
	if (rec->err < 0 || rec->err > ERRNO_MAX)
		return false;
	return rec->type != RECORD_ENGINE || probe_engine_to_string((enum probe_engine)rec->a);
}

void probe_records_take(uint8_t *buf, size_t *have, void (*fn)(void *userdata, const struct probe_record *rec),
			void *userdata)
{
	size_t off = 0;

	for (; *have - off >= sizeof(struct probe_record); off += sizeof(struct probe_record)) {
		struct probe_record rec;

		/* memcpy: the buffer holds bytes, not aligned records */
		memcpy(&rec, buf + off, sizeof(rec));
		if (record_valid(&rec))
			fn(userdata, &rec);
	}
	memmove(buf, buf + off, *have - off);
	*have -= off;
}

/* Reads whole records; a short read keeps its bytes for the next call. */
static int drain(int fd, struct probe_front *f, uint8_t *buf, size_t *have)
{
	for (;;) {
		ssize_t l = read(fd, buf + *have, sizeof(struct probe_record) * FRONT_READ_RECORDS - *have);

		if (l < 0)
			return errno == EAGAIN ? 0 : (errno == EINTR ? 0 : -errno);
		if (l == 0)
			return 1; /* EOF: the helper is done */
		*have += (size_t)l;
		probe_records_take(buf, have, probe_front_apply, f);
	}
}

/* Marks what did not answer in time. Blocked mounts are the caller's to
 * decide, as they depend on the tree; here they are hung like any other. */
void probe_front_finish(struct probe_front *f, uint64_t start_ns)
{
	uint64_t now = now_mono_ns();

	for (size_t i = 0; i < f->n; i++) {
		struct mount_result *res = &f->results[i];

		if (!f->statx_done[i] && (res->flags & RESULT_PENDING_EARLIER)) {
			/* Waited all along for another process's request,
			 * which has not returned: hung since that one. */
			probe_pending_result(res->pending_pid, f->waiting_since ? f->waiting_since[i] : 0,
					     res->since_real_ns, now_boot_ns(), res);
		} else if (!f->statx_done[i]) {
			res->status = STATUS_HUNG;
			res->hung_ns = now - start_ns;
			res->since_real_ns = now_real_ns() - (int64_t)res->hung_ns;
		} else if (res->status == STATUS_OK && f->jobs[i].want_usage &&
			   !(res->flags & RESULT_HAVE_USAGE) && res->err == 0) {
			/* statx answered, statfs did not: the mount hangs on
			 * some calls, which is what a df-like caller hits. */
			res->status = STATUS_HUNG;
			res->flags |= RESULT_STATFS_HUNG;
			/* The latency is the helper's measure, on its clock:
			 * never let it wrap the difference (found by
			 * fuzz-records). */
			res->hung_ns = now - start_ns > res->latency_ns ? now - start_ns - res->latency_ns : 0;
			res->since_real_ns = now_real_ns() - (int64_t)res->hung_ns;
		}
	}
}

/* The head of the memory shared with a prestarted helper. */
struct prestart_shared {
	_Atomic uint32_t helper_running; /* set by the helper's first step */
};

struct probe_prestart {
	pid_t pid;
	cpu_set_t cpus;	/* where the front may run, and the helper too */
	bool steer;	/* the machine had CPUs to spare at the fork */
	bool elsewhere;	/* the helper is kept off the front's CPU for now */
	int rec_fd;	/* records from the helper */
	int jobs_fd;	/* the jobs message to it: a socket, so that a dead
			 * helper makes send() fail rather than raise SIGPIPE */
	uint8_t *shm;
};

/* Whether the machine has had CPUs to spare: a 1-minute load average
 * under half the CPUs we may use besides our own. The number of tasks
 * runnable this instant (the fourth field) would say more, but is noise:
 * on an idle machine it read 2 or 3 as often as 1 here, kernel threads
 * catching up with the previous process's exit. */
static bool cpus_to_spare(const cpu_set_t *cpus)
{
	char buf[128];

	return read_proc_text("/proc/loadavg", buf, sizeof(buf)) > 0 &&
	       strtod(buf, NULL) < (CPU_COUNT(cpus) - 1) / 2.0;
}

/* The helper's first steps (detaching, its thread engine and first
 * worker, the registry) overlap the front's reading of the mount table
 * only on another CPU, and the scheduler puts a forked child on its
 * parent's CPU about two times in three on a 2-CPU machine, where it
 * waits until the front blocks: the two ran one after the other
 * (doc/benchmarks.md). So, on a machine with CPUs to spare, the helper
 * starts on any CPU but the front's and takes all of them back as its
 * first step (its workers get all of them explicitly). On a busy machine
 * it is left where the scheduler puts it: steered onto a CPU that
 * something else keeps busy, it waited for that CPU's current task (one
 * busy loop made the small host 2.4-3.5x df). Any failure leaves the
 * scheduler's choice. */
static void start_elsewhere(struct probe_prestart *p)
{
	cpu_set_t other = p->cpus;
	int me = sched_getcpu();

	if (!p->steer || me < 0 || me >= CPU_SETSIZE || !CPU_ISSET(me, &p->cpus))
		return;
	CPU_CLR(me, &other);
	p->elsewhere = sched_setaffinity(p->pid, sizeof(other), &other) == 0;
}

/* When the front hands the jobs over (or gives up), a steered helper
 * that has not run yet waits for a CPU that got busy since the fork: it is
 * moved to the front's CPU, which the front is about to leave idle. The
 * last word is always every CPU, whatever the helper did meanwhile. */
static void give_cpus_back(struct probe_prestart *p, bool pull)
{
	const struct prestart_shared *sh = (const struct prestart_shared *)p->shm;
	int me = sched_getcpu();

	if (!p->elsewhere)
		return;
	if (pull && !sh->helper_running && me >= 0 && me < CPU_SETSIZE) {
		cpu_set_t here;

		CPU_ZERO(&here);
		CPU_SET(me, &here);
		(void)sched_setaffinity(p->pid, sizeof(here), &here);
	}
	(void)sched_setaffinity(p->pid, sizeof(p->cpus), &p->cpus);
	p->elsewhere = false;
}

int probe_prestart(const struct probe_options *o, struct probe_prestart **ret)
{
	_cleanup_free_ struct probe_prestart *p = calloc(1, sizeof(*p));
	_cleanup_close_ int memfd = -1;
	int rec[2], sk[2], r;

	if (!p)
		return -ENOMEM;
	/* A memfd rather than a shared anonymous mapping: its pages are
	 * charged when written, never up front, even under strict
	 * overcommit. */
	memfd = memfd_create("fsprobe-jobs", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, PRESTART_SHM_SIZE) < 0)
		return -errno;
	p->shm = mmap(NULL, PRESTART_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (p->shm == MAP_FAILED)
		return -errno;
	if (pipe2(rec, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail_map;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk) < 0) {
		r = -errno;
		goto fail_pipe;
	}
	if (sched_getaffinity(0, sizeof(p->cpus), &p->cpus) < 0)
		CPU_ZERO(&p->cpus);
	p->steer = CPU_COUNT(&p->cpus) > 1 && cpus_to_spare(&p->cpus);
	(void)fflush(stdout);
	(void)fflush(stderr);
	p->pid = fork();
	if (p->pid < 0) {
		r = -errno;
		(void)close(sk[0]);
		(void)close(sk[1]);
		goto fail_pipe;
	}
	if (p->pid == 0) {
		((struct prestart_shared *)p->shm)->helper_running = 1;
		if (p->steer)
			(void)sched_setaffinity(0, sizeof(p->cpus), &p->cpus);
		(void)close(rec[0]);
		(void)close(sk[0]);
		_exit(helper_main_prestarted(sk[1], o, rec[1], p->steer ? &p->cpus : NULL));
	}
	start_elsewhere(p);
	(void)close(rec[1]);
	(void)close(sk[1]);
	p->rec_fd = rec[0];
	p->jobs_fd = sk[0];
	(void)fcntl(p->rec_fd, F_SETFL, O_NONBLOCK);
	*ret = TAKE_PTR(p);
	return 0;

fail_pipe:
	(void)close(rec[0]);
	(void)close(rec[1]);
fail_map:
	(void)munmap(p->shm, PRESTART_SHM_SIZE);
	return r;
}

struct probe_prestart *probe_prestart_free(struct probe_prestart *p)
{
	if (!p)
		return NULL;
	give_cpus_back(p, false);
	if (p->rec_fd >= 0)
		(void)close(p->rec_fd);
	/* EOF on its socket: a helper still waiting for jobs exits. */
	if (p->jobs_fd >= 0)
		(void)close(p->jobs_fd);
	(void)munmap(p->shm, PRESTART_SHM_SIZE);
	/* Reap it if it is done; otherwise it is no longer our business. */
	if (p->pid > 0)
		(void)waitpid(p->pid, NULL, WNOHANG);
	free(p);
	return NULL;
}

/* Copies the jobs and their paths into the shared memory and sends the
 * message; 0, or -errno and the helper is left to exit. */
static int prestart_hand_over(struct probe_prestart *p, const struct probe_job *jobs, size_t n,
			      enum probe_engine engine)
{
	struct probe_job *sj = (struct probe_job *)(p->shm + PRESTART_SHM_JOBS);
	size_t need = PRESTART_SHM_JOBS + n * sizeof(*jobs), off = need;
	struct probe_jobs_msg m = { .jobs = sj, .n = n, .engine = engine };
	ssize_t l;

	for (size_t i = 0; i < n && need <= PRESTART_SHM_SIZE; i++)
		need += strlen(jobs[i].path) + 1;
	if (need > PRESTART_SHM_SIZE)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(jobs[i].path) + 1;

		sj[i] = jobs[i];
		sj[i].path = memcpy(p->shm + off, jobs[i].path, len);
		off += len;
	}
	if (n * 2 * sizeof(struct probe_record) > 65536)
		(void)fcntl(p->rec_fd, F_SETPIPE_SZ, (int)MIN(n * 2 * sizeof(struct probe_record), RECORD_PIPE_MAX));
	do
		l = send(p->jobs_fd, &m, sizeof(m), MSG_NOSIGNAL | MSG_DONTWAIT);
	while (l < 0 && errno == EINTR);
	if (l < 0)
		return -errno;
	return l == (ssize_t)sizeof(m) ? 0 : -EIO;
}

/* The helper of this run: the prestarted one, given the jobs, or a fresh
 * fork. Returns its pid and the read end of its records. */
static pid_t start_helper(const struct probe_job *jobs, size_t n, const struct probe_options *o, int *ret_fd)
{
	struct probe_prestart *p = o->prestart;
	int fds[2];
	pid_t pid;

	if (p && p->rec_fd >= 0) {
		int r = prestart_hand_over(p, jobs, n, o->engine);

		give_cpus_back(p, true);
		/* Used or not, it serves no other run. */
		(void)close(p->jobs_fd);
		p->jobs_fd = -1;
		if (r == 0) {
			*ret_fd = TAKE_FD(p->rec_fd);
			return p->pid;
		}
	}
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	/* Flush stdio first: the child must not write the front's buffers. */
	(void)fflush(stdout);
	(void)fflush(stderr);
	pid = fork();
	if (pid < 0) {
		int r = -errno;
		(void)close(fds[0]);
		(void)close(fds[1]);
		return r;
	}
	if (pid == 0) {
		(void)close(fds[0]);
		_exit(helper_main(jobs, n, o, fds[1], -1));
	}
	(void)close(fds[1]);
	if (n * 2 * sizeof(struct probe_record) > 65536)
		(void)fcntl(fds[0], F_SETPIPE_SZ, (int)MIN(n * 2 * sizeof(struct probe_record), RECORD_PIPE_MAX));
	(void)fcntl(fds[0], F_SETFL, O_NONBLOCK);
	*ret_fd = fds[0];
	return pid;
}

int probe_run(const struct probe_job *jobs, size_t n, const struct probe_options *o,
	      struct mount_result *results, struct probe_report *ret_report)
{
	_cleanup_free_ bool *statx_done = NULL, *final = NULL;
	_cleanup_free_ uint64_t *waiting_since = NULL;
	_cleanup_free_ uint8_t *buf = NULL;
	_cleanup_close_ int rfd = -1;
	struct probe_front f = { .jobs = jobs, .n = n, .results = results, .report = ret_report };
	int r = 0;
	size_t have = 0;
	pid_t pid;
	bool eof = false;

	*ret_report = (struct probe_report){ .engine = o->engine };
	for (size_t i = 0; i < n; i++)
		results[i] = (struct mount_result){ .blocked_by = -1 };
	if (n == 0)
		return 0;
	statx_done = calloc(n, sizeof(bool));
	final = calloc(n, sizeof(bool));
	waiting_since = calloc(n, sizeof(uint64_t));
	buf = malloc(sizeof(struct probe_record) * FRONT_READ_RECORDS);
	if (!statx_done || !final || !waiting_since || !buf)
		return -ENOMEM;
	f.statx_done = statx_done;
	f.final = final;
	f.waiting_since = waiting_since;

	pid = start_helper(jobs, n, o, &rfd);
	if (pid < 0)
		return (int)pid;
	if (o->while_probing)
		o->while_probing(o->userdata);

	while (!eof && f.done < n) {
		uint64_t now = now_mono_ns();
		struct pollfd p = { .fd = rfd, .events = POLLIN };
		struct timespec ts;

		if (now >= o->deadline_ns)
			break;
		ts.tv_sec = (time_t)((o->deadline_ns - now) / NSEC_PER_SEC);
		ts.tv_nsec = (long)((o->deadline_ns - now) % NSEC_PER_SEC);
		r = ppoll(&p, 1, &ts, NULL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			continue;
		r = drain(rfd, &f, buf, &have);
		if (r < 0)
			return r;
		eof = r > 0;
		r = 0;
	}
	probe_front_finish(&f, o->start_ns);
	/* EOF before every job answered, with no deadline passed: the helper
	 * crashed or could not start. */
	if (eof && f.done < n) {
		bool missing = false;
		for (size_t i = 0; i < n; i++)
			if (!statx_done[i] && (jobs[i].dep < 0 || results[jobs[i].dep].status == STATUS_OK))
				missing = true;
		ret_report->helper_failed = missing;
	}
	/* Reap it if it is already done, so long-lived callers keep no
	 * zombie; otherwise it is no longer our business. */
	(void)waitpid(pid, NULL, WNOHANG);
	return 0;
}
