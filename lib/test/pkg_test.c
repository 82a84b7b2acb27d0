// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pkg_test: a program built the way a user of the installed packages
 * builds one, `cc pkg_test.c $(pkg-config --cflags --libs wspbind)`, so
 * it takes <wspbind.h>, <linux/wspbind.h> and libwspbind.so.0 from the
 * system. It runs in the VM with the module DKMS built, and prints TAP.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <wspbind.h>

static int tests;
static int failures;

static void check(int cond, const char *what)
{
	tests++;
	if (!cond)
		failures++;
	printf("%sok %d %s\n", cond ? "" : "not ", tests, what);
}

/* A Winsock SOCKADDR_IN for 127.0.0.1:@port; AF_INET is 2 in both. */
static void loopback(struct sockaddr_in *sin, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static int local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len))
		return -1;
	return ntohs(sin.sin_port);
}

int main(void)
{
	struct sockaddr_in name;
	int a, b, port, err;

	printf("1..5\n");
	a = socket(AF_INET, SOCK_DGRAM, 0);
	b = socket(AF_INET, SOCK_DGRAM, 0);
	if (a < 0 || b < 0) {
		printf("Bail out! socket: %m\n");
		return 1;
	}

	loopback(&name, 0);
	err = 0;
	check(WSPBind(a, (struct sockaddr *)&name, sizeof(name), &err) == 0 &&
	      err == 0, "WSPBind of port 0 succeeds");
	port = local_port(a);
	check(port >= 1024 && port <= 5000,
	      "the port is in the default range 1024-5000");

	loopback(&name, port);
	check(WSPBind(b, (struct sockaddr *)&name, sizeof(name), &err) ==
	      SOCKET_ERROR && err == WSAEADDRINUSE,
	      "the same port again is WSAEADDRINUSE");
	check(WSPBind(b, (struct sockaddr *)&name, 4, &err) == SOCKET_ERROR &&
	      err == WSAEFAULT, "a 4-byte name is WSAEFAULT");
	check(WSPBind(a, (struct sockaddr *)&name, sizeof(name), &err) ==
	      SOCKET_ERROR && err == WSAEINVAL,
	      "a bound socket is WSAEINVAL");

	close(a);
	close(b);
	return failures != 0;
}
