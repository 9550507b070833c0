/* An automount daemon that never answers: mounts a direct autofs trigger
 * at MOUNTPOINT, appends a line to LOG for every request the kernel sends
 * it (LOG is created once the trigger is armed), and never mounts anything.
 * Whoever walks onto the trigger waits in the kernel (autofs_wait, killable)
 * for an answer that never comes. The daemon's own process group never
 * waits: autofs lets it walk the trigger as a plain directory.
 *
 *   autofs-daemon [-n] MOUNTPOINT LOG
 *       On SIGTERM or SIGINT it makes the mount catatonic and exits: any
 *       later walk stays on the trigger, as the daemon's own group does.
 *       Measured: a walker already waiting is woken (ENOENT) on Linux
 *       6.18, but sleeps on on Debian's 6.1 until SIGKILL. -n exits
 *       without the catatonic switch: on 6.18 closing the pipe wakes no
 *       waiter, and even umount(8) of the trigger then waits with them.
 *   autofs-daemon -j PGID COMMAND [ARG...]
 *       Runs COMMAND in process group PGID, the daemon's: as the daemon
 *       sees the trigger (GNU df's numbers without triggering, mounting a
 *       file system on the trigger as an automounter does). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <linux/auto_fs.h>

int main(int argc, char *argv[])
{
	union autofs_v5_packet_union pkt;
	struct pollfd p[2] = { { .events = POLLIN }, { .events = POLLIN } };
	bool catatonic = true;
	int pipefd[2], root, log;
	char opts[128], line[NAME_MAX + 64];
	sigset_t sigs;

	if (argc >= 4 && strcmp(argv[1], "-j") == 0) {
		if (setpgid(0, (pid_t)atoi(argv[2])) < 0)
			return perror("autofs-daemon: setpgid"), 1;
		execvp(argv[3], argv + 3);
		return perror(argv[3]), 127;
	}
	if (argc == 4 && strcmp(argv[1], "-n") == 0) {
		catatonic = false;
		argv++, argc--;
	}
	if (argc != 3)
		return fprintf(stderr, "usage: autofs-daemon [-n] MOUNTPOINT LOG | -j PGID COMMAND...\n"), 2;
	/* A group of our own: the caller's (a test's shell) must keep
	 * triggering like anyone else. */
	if (getpgrp() != getpid() && setpgid(0, 0) < 0)
		return perror("autofs-daemon: setpgid"), 1;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 || (p[1].fd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0 ||
	    pipe2(pipefd, O_CLOEXEC | O_DIRECT) < 0)
		return perror("autofs-daemon"), 1;
	snprintf(opts, sizeof(opts), "fd=%d,pgrp=%d,minproto=5,maxproto=5,direct", pipefd[1], (int)getpgrp());
	if (mount("fsprobe-autofs", argv[1], "autofs", 0, opts) < 0)
		return fprintf(stderr, "autofs-daemon: mount %s: %m\n", argv[1]), 1;
	(void)close(pipefd[1]); /* the kernel holds its own reference */
	/* Opened from the daemon's group: the trigger's own root, for the
	 * catatonic ioctl. */
	root = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	log = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (root < 0 || log < 0)
		return perror("autofs-daemon: open"), 1;
	p[0].fd = pipefd[0];
	for (;;) {
		ssize_t l;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return perror("autofs-daemon: poll"), 1;
		if (p[1].revents)
			break;
		if (!p[0].revents)
			continue;
		/* The pipe is packetized: one read, one request. */
		l = read(pipefd[0], &pkt, sizeof(pkt));
		if (l <= 0)
			break;
		l = snprintf(line, sizeof(line), "type=%d pid=%u name=%.*s\n", pkt.hdr.type, pkt.v5_packet.pid,
			     (int)(pkt.v5_packet.len < NAME_MAX ? pkt.v5_packet.len : NAME_MAX), pkt.v5_packet.name);
		if (write(log, line, (size_t)l) != l)
			return perror("autofs-daemon: write"), 1;
	}
	if (catatonic && ioctl(root, AUTOFS_IOC_CATATONIC, 0) < 0)
		return perror("autofs-daemon: catatonic"), 1;
	return 0;
}
