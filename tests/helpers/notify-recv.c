/* Stands in for systemd's notification socket in the daemon tests: binds
 * a datagram socket at PATH and prints every message it receives as one
 * line, "SECONDS.MILLIS MESSAGE", with newlines inside the message turned
 * into '|'. Runs until killed. Usage: notify-recv PATH */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: notify-recv PATH\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	(void)unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("notify-recv");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		struct timespec ts;
		ssize_t l = recv(fd, buf, sizeof(buf) - 1, 0);

		if (l < 0)
			continue;
		buf[l] = '\0';
		while (l > 0 && buf[l - 1] == '\n')
			buf[--l] = '\0';
		for (char *p = buf; *p; p++)
			if (*p == '\n')
				*p = '|';
		clock_gettime(CLOCK_MONOTONIC, &ts);
		printf("%lld.%03ld %s\n", (long long)ts.tv_sec, ts.tv_nsec / 1000000, buf);
	}
}
