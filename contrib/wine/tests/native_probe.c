// SPDX-License-Identifier: GPL-2.0
/*
 * native_probe: a native Linux program beside a Wine prefix's socket.
 *
 * scripts/wine-suite starts winsock_bind.exe's "hold PORT", which binds
 * 0.0.0.0:PORT with SO_EXCLUSIVEADDRUSE inside one prefix, and then runs
 * this program, which is no Windows program and knows no wineserver:
 *
 *   - WSPBind() of 127.0.0.1:PORT, no option (libwspbind: an enrolment
 *     and bind(2)): on Windows any other process's bind there is refused
 *     with WSAEACCES (Microsoft's table: a specific address beside an
 *     exclusive wildcard one);
 *   - bind(2) of 127.0.0.1:PORT, no option: Linux's own answer, which must
 *     be EADDRINUSE, or the exclusive socket would not hold its port
 *     against native programs either.
 *
 * Usage: native_probe PORT.  One line per probe, read by wine-suite:
 *   "wspbind ANSWER" (OK or the Winsock error's name)
 *   "bind ANSWER" (OK or the errno's name)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wspbind.h"

static const char *wsa_answer(int ret, int wsa)
{
	static char other[32];

	if (ret == 0)
		return "OK";
	switch (wsa) {
	case WSAEACCES:		return "WSAEACCES";
	case WSAEADDRINUSE:	return "WSAEADDRINUSE";
	case WSAENETDOWN:	return "WSAENETDOWN";
	}
	snprintf(other, sizeof(other), "WSA%d", wsa);
	return other;
}

static const char *errno_answer(int ret, int err)
{
	if (ret == 0)
		return "OK";
	return err == EADDRINUSE ? "EADDRINUSE" : strerror(err);
}

static int loopback_socket(struct sockaddr_in *sin, unsigned short port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return socket(AF_INET, SOCK_STREAM, 0);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	int port, fd, ret, err = 0;

	port = argc == 2 ? atoi(argv[1]) : 0;
	if (port <= 0 || port > 65535) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}

	fd = loopback_socket(&sin, port);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	ret = WSPBind(fd, (struct sockaddr *)&sin, sizeof(sin), &err);
	printf("wspbind %s\n", wsa_answer(ret, err));
	close(fd);

	fd = loopback_socket(&sin, port);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	ret = bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	printf("bind %s\n", errno_answer(ret, errno));
	close(fd);
	return 0;
}
