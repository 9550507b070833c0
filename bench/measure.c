/* measure: runs one command and says how long it took and how much memory
 * it used, for the benchmark scripts (bench/run.sh).
 *
 *   measure [--kill-after MS] [--all] -o FILE -- COMMAND [ARG...]
 *
 * Writes one line to FILE:
 *   exit=N|killed wall_ms=W rss_kb=R rss_all_kb=A cpu_ms=C state=S pid=P
 * wall_ms runs from just before fork() to the moment the command was
 * reaped, on CLOCK_MONOTONIC, so the shell's own fork and exec are not in
 * it. rss_kb is the command's peak RSS as wait4() reports it (what
 * /usr/bin/time prints). With --all, measure also becomes a subreaper,
 * waits (at most 10 s) for every process the command left behind (an
 * fsprobe helper that outlived its front), and rss_all_kb and cpu_ms cover
 * them all: the largest peak RSS and the summed user + system time.
 *
 * --kill-after: a command that has not exited after MS milliseconds is
 * sent SIGKILL; if it still has not gone 200 ms later (stuck in the kernel
 * in state D, as df on a hung FUSE mount), measure says so (exit=killed
 * state=D) and leaves without waiting for it. The caller must then release
 * what it hangs on and wait for pid P itself.
 *
 * Never touches a file system but FILE. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long --all waits for leftover descendants: an fsprobe helper of a
 * healthy run exits within milliseconds of its front. */
#define WAIT_ALL_MS 10000
/* After SIGKILL, a process not stuck in the kernel is gone within a few
 * milliseconds; 200 ms tells the two apart on a loaded machine too. */
#define KILL_GRACE_MS 200

static double now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double tv_ms(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
}

/* One letter of /proc/PID/stat: R, S, D, Z, ... or '?' */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t l;
	int fd;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	l = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (l <= 0)
		return '?';
	buf[l] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

/* Waits up to ms for the child behind pidfd; 1 when it exited. */
static int wait_exit(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "kill-after", required_argument, NULL, 'k' },
		{ "all", no_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{}
	};
	const char *out = NULL;
	long kill_after = -1;
	bool all = false, killed = false;
	struct rusage ru = {}, ru_all;
	double t0, t1, cpu;
	long rss_all;
	int c, pidfd, st = 0;
	char state = '-';
	FILE *f;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "+k:ao:", opts, NULL)) >= 0) {
		switch (c) {
		case 'k':
			kill_after = strtol(optarg, NULL, 10);
			break;
		case 'a':
			all = true;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!out || optind >= argc) {
		fprintf(stderr, "usage: measure [--kill-after MS] [--all] -o FILE -- COMMAND [ARG...]\n");
		return 2;
	}
	if (all && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("measure: PR_SET_CHILD_SUBREAPER");
		return 2;
	}

	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		perror("measure: pidfd_open");
		return 2;
	}
	if (kill_after >= 0 && !wait_exit(pidfd, (int)kill_after)) {
		(void)kill(pid, SIGKILL);
		killed = true;
		if (!wait_exit(pidfd, KILL_GRACE_MS)) {
			/* Unkillable for now: report it and leave it to the
			 * caller, who can release what it waits on. */
			state = proc_state(pid);
			f = fopen(out, "w");
			if (!f)
				return 2;
			fprintf(f, "exit=killed wall_ms=- rss_kb=- rss_all_kb=- cpu_ms=- state=%c pid=%d\n", state,
				(int)pid);
			return fclose(f) == 0 ? 0 : 2;
		}
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("measure: wait4");
			return 2;
		}
	t1 = now_ms();
	cpu = tv_ms(&ru.ru_utime) + tv_ms(&ru.ru_stime);
	rss_all = ru.ru_maxrss;
	if (all) {
		double end = now_ms() + WAIT_ALL_MS;

		for (;;) {
			pid_t p = waitpid(-1, NULL, WNOHANG);

			if (p < 0 && errno == ECHILD)
				break;
			if (p <= 0) {
				if (now_ms() > end)
					break;
				(void)usleep(1000);
			}
		}
		/* Every reaped process: the command, and what it left. */
		if (getrusage(RUSAGE_CHILDREN, &ru_all) == 0) {
			cpu = tv_ms(&ru_all.ru_utime) + tv_ms(&ru_all.ru_stime);
			rss_all = ru_all.ru_maxrss;
		}
	}

	f = fopen(out, "w");
	if (!f)
		return 2;
	if (killed)
		fprintf(f, "exit=killed");
	else
		fprintf(f, "exit=%d", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	fprintf(f, " wall_ms=%.2f rss_kb=%ld rss_all_kb=%ld cpu_ms=%.0f state=%c pid=%d\n", t1 - t0, ru.ru_maxrss,
		rss_all, cpu, state, (int)pid);
	return fclose(f) == 0 ? 0 : 2;
}
