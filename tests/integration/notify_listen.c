// SPDX-License-Identifier: Apache-2.0
/*
 * A stand-in for systemd's notification socket in tests: binds an AF_UNIX
 * datagram socket at PATH and appends every message it receives, one line
 * per assignment, to OUTFILE (flushed at once), until SECONDS pass or it is
 * signalled. Usage: notify_listen PATH OUTFILE SECONDS
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pfd;
	char buf[4096];
	time_t end;
	FILE *out;
	ssize_t n;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: notify_listen PATH OUTFILE SECONDS\n");
		return 2;
	}
	if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "notify_listen: path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("notify_listen: socket");
		return 1;
	}
	out = fopen(argv[2], "a");
	if (!out) {
		perror("notify_listen: output");
		return 1;
	}
	end = time(NULL) + atoi(argv[3]);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (time(NULL) < end) {
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		fprintf(out, "%s%s", buf, buf[n - 1] == '\n' ? "" : "\n");
		fflush(out);
	}
	unlink(argv[1]);
	return 0;
}
