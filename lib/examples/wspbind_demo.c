// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wspbind_demo: WSPBind() calls that meet each Winsock answer, printed as
 * a table. `make demo` runs it in the VM with the module loaded.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wspbind.h"

static int failures;

static const char *wsa_name(int wsa)
{
	switch (wsa) {
	case 0:			return "OK";
	case WSAEINTR:		return "WSAEINTR";
	case WSAEACCES:		return "WSAEACCES";
	case WSAEFAULT:		return "WSAEFAULT";
	case WSAEINVAL:		return "WSAEINVAL";
	case WSAEINPROGRESS:	return "WSAEINPROGRESS";
	case WSAENOTSOCK:	return "WSAENOTSOCK";
	case WSAEOPNOTSUPP:	return "WSAEOPNOTSUPP";
	case WSAEAFNOSUPPORT:	return "WSAEAFNOSUPPORT";
	case WSAEADDRINUSE:	return "WSAEADDRINUSE";
	case WSAEADDRNOTAVAIL:	return "WSAEADDRNOTAVAIL";
	case WSAENETDOWN:	return "WSAENETDOWN";
	case WSAENOBUFS:	return "WSAENOBUFS";
	default:		return "?";
	}
}

static unsigned short local_port(int sock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(sock, (struct sockaddr *)&ss, &len))
		return 0;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* One WSPBind call and its line in the table; returns the WSA answer. */
static int show(const char *what, int sock, const void *name, int namelen,
		int expect)
{
	int err = 0, ret;

	ret = WSPBind(sock, name, namelen, &err);
	if (ret == 0)
		err = 0;
	printf("%-48s %-17s", what, wsa_name(err));
	if (!err)
		printf(" port %u", local_port(sock));
	if (err != expect) {
		printf("  <-- expected %s", wsa_name(expect));
		failures++;
	}
	printf("\n");
	return err;
}

static struct sockaddr_in sin4(const char *addr, unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	return sin;
}

static struct sockaddr_in6 sin6(const char *addr, unsigned short port)
{
	struct sockaddr_in6 sin = { .sin6_family = 23 };

	sin.sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &sin.sin6_addr);
	return sin;
}

/* Run fn in a child, so it may drop privileges or change namespaces. */
static void in_child(void (*fn)(void))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		fn();
		exit(failures);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		failures++;
}

static void as_nobody(void)
{
	struct sockaddr_in any80 = sin4("0.0.0.0", 80);
	int sock = socket(AF_INET, SOCK_STREAM, 0);

	/* The device fd opened by the parent stays usable. */
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		exit(1);
	show("uid 65534: TCP 0.0.0.0:80", sock, &any80, sizeof(any80),
	     WSAEACCES);
}

static void with_no_new_privs(void)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 0);
	int sock = socket(AF_INET, SOCK_STREAM, 0);

	/* Served: the socket is enrolled, and its bind(2) is the caller's. */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	show("no_new_privs: TCP 127.0.0.1:0", sock, &lo, sizeof(lo), 0);
}

static void without_device(void)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 0);
	int sock = socket(AF_INET, SOCK_STREAM, 0);

	setenv("WSPBIND_DEVICE", "/nonexistent", 1);
	show("no device node: TCP 127.0.0.1:0", sock, &lo, sizeof(lo),
	     WSAENETDOWN);
}

/* A range of two ports, in a namespace of our own so no one else sees it. */
static void small_range(void)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 0);
	int one = 1, i, fd;

	if (unshare(CLONE_NEWNET))
		exit(1);
	fd = open("/proc/sys/net/wspbind/ephemeral_port_range", O_WRONLY);
	if (fd < 0 || write(fd, "40100 40101", 11) != 11)
		exit(1);
	close(fd);
	system("ip link set lo up");
	printf("-- in a new netns, ephemeral_port_range \"40100 40101\":\n");
	for (i = 0; i < 3; i++) {
		int sock = socket(AF_INET, SOCK_DGRAM, 0);

		setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		show("UDP+SO_REUSEADDR 127.0.0.1:0", sock, &lo, sizeof(lo),
		     i < 2 ? 0 : WSAENOBUFS);
	}
}

/*
 * A second WSPBind on a socket whose first one is still running: the first
 * is held inside the kernel by a name that sits on a page userfaultfd has
 * not filled yet.
 */
struct held_bind {
	int sock;
	void *name;
	int err;
};

static void *held_bind(void *arg)
{
	struct held_bind *hb = arg;

	hb->err = 0;
	if (WSPBind(hb->sock, hb->name, sizeof(struct sockaddr_in), &hb->err))
		return NULL;
	hb->err = 0;
	return NULL;
}

static void in_progress(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct sockaddr_in lo = sin4("127.0.0.1", 0);
	struct uffdio_register reg;
	struct uffdio_copy copy;
	struct held_bind hb;
	struct uffd_msg msg;
	struct pollfd pfd;
	long page = sysconf(_SC_PAGESIZE);
	char *area, *src;
	pthread_t thread;
	int uffd;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	area = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = calloc(1, page);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) || area == MAP_FAILED ||
	    !src) {
		printf("%-48s (userfaultfd unavailable)\n", "WSAEINPROGRESS");
		return;
	}
	reg.range.start = (unsigned long)area;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		exit(1);

	hb.sock = socket(AF_INET, SOCK_STREAM, 0);
	hb.name = area;
	pthread_create(&thread, NULL, held_bind, &hb);
	pfd.fd = uffd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1 || read(uffd, &msg, sizeof(msg)) < 0)
		exit(1);

	show("TCP 127.0.0.1:0 while a bind is under way", hb.sock, &lo,
	     sizeof(lo), WSAEINPROGRESS);

	memcpy(src, &lo, sizeof(lo));
	copy.dst = (unsigned long)area;
	copy.src = (unsigned long)src;
	copy.len = page;
	copy.mode = 0;
	ioctl(uffd, UFFDIO_COPY, &copy);
	pthread_join(thread, NULL);
	printf("%-48s %-17s port %u\n", "  ...and the bind that was under way",
	       wsa_name(hb.err), local_port(hb.sock));
	if (hb.err)
		failures++;
}

static int sock_with(int type, int optname)
{
	int s = socket(AF_INET, type, 0), on = 1;

	if (s >= 0 && optname)
		WSPSetSockOpt(s, WS_SOL_SOCKET, optname, (char *)&on,
			      sizeof(on), NULL);
	return s;
}

/* Which of two listeners has a connection waiting: "first", "second". */
static const char *which_listener(int a, int b)
{
	struct pollfd pfd[2] = {
		{ .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN },
	};

	if (poll(pfd, 2, 2000) <= 0)
		return "neither";
	return pfd[0].revents & POLLIN ? "first" : "second";
}

/* Windows's address sharing, the rows Linux's bind(2) answers otherwise. */
static void sharing(void)
{
	struct sockaddr_in any = sin4("0.0.0.0", 41000);
	struct sockaddr_in lo = sin4("127.0.0.1", 41000);
	int a = sock_with(SOCK_STREAM, 0), b = sock_with(SOCK_STREAM, 0);
	int c, r, x, y, l, acc;
	const char *got;
	char buf;

	printf("%s\n", "-- address sharing, Windows's rules --");
	show("TCP 0.0.0.0:41000, then listen", a, &any, sizeof(any), 0);
	listen(a, 4);
	show("TCP 127.0.0.1:41000 beside it, then listen", b, &lo, sizeof(lo),
	     0);
	listen(b, 4);
	c = socket(AF_INET, SOCK_STREAM, 0);
	got = connect(c, (struct sockaddr *)&lo, sizeof(lo)) ? "no listener" :
	      which_listener(a, b);
	printf("%-48s %s\n", "  a connection to 127.0.0.1:41000 reaches",
	       !strcmp(got, "second") ? "the 127.0.0.1 listener" : got);
	if (strcmp(got, "second"))
		failures++;
	close(c);
	r = sock_with(SOCK_STREAM, WS_SO_REUSEADDR);
	show("SO_REUSEADDR on 127.0.0.1:41000 (no sharing)", r, &lo,
	     sizeof(lo), WSAEACCES);
	close(a);
	close(b);
	close(r);

	any.sin_port = lo.sin_port = htons(41001);
	x = sock_with(SOCK_DGRAM, WS_SO_EXCLUSIVEADDRUSE);
	y = sock_with(SOCK_DGRAM, 0);
	show("UDP 0.0.0.0:41001, SO_EXCLUSIVEADDRUSE", x, &any, sizeof(any), 0);
	show("UDP 127.0.0.1:41001 beside it", y, &lo, sizeof(lo), WSAEACCES);
	close(x);
	close(y);

	/* A connection closed by the server's side waits in TIME_WAIT. */
	lo.sin_port = htons(41002);
	l = sock_with(SOCK_STREAM, 0);
	show("TCP 127.0.0.1:41002, a connection, all closed", l, &lo,
	     sizeof(lo), 0);
	listen(l, 4);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (!connect(c, (struct sockaddr *)&lo, sizeof(lo))) {
		acc = accept(l, NULL, NULL);
		close(acc);
		if (read(c, &buf, 1) < 0)
			buf = 0;
	}
	close(c);
	close(l);
	usleep(100000);
	l = sock_with(SOCK_STREAM, 0);
	show("TCP 127.0.0.1:41002 again, over TIME_WAIT", l, &lo, sizeof(lo),
	     0);
	close(l);
}

int main(void)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 0);
	struct sockaddr_in lo_fixed = sin4("127.0.0.1", 40000);
	struct sockaddr_in doc = sin4("192.0.2.1", 0);
	struct sockaddr_in6 lo6 = sin6("::1", 0);
	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	int tcp2 = socket(AF_INET, SOCK_STREAM, 0);
	int udp6 = socket(AF_INET6, SOCK_DGRAM, 0);
	int spare = socket(AF_INET, SOCK_DGRAM, 0);
	int unix_sock = socket(AF_UNIX, SOCK_STREAM, 0);
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	int pipefd[2];

	if (pipe(pipefd))
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("%-48s %s\n", "WSPBind call", "answer");
	/* First, while this process has not opened the device yet. */
	in_child(without_device);
	show("TCP 127.0.0.1:0 (port 0: range 1024-5000)", tcp, &lo, sizeof(lo),
	     0);
	show("UDP [::1]:0 (Winsock AF_INET6 = 23)", udp6, &lo6, sizeof(lo6), 0);
	show("the same TCP socket again", tcp, &lo, sizeof(lo), WSAEINVAL);
	show("TCP 127.0.0.1:40000", tcp2, &lo_fixed, sizeof(lo_fixed), 0);
	close(tcp);
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	show("another TCP socket on 127.0.0.1:40000", tcp, &lo_fixed,
	     sizeof(lo_fixed), WSAEADDRINUSE);
	show("UDP with an AF_INET6 name", spare, &lo6, sizeof(lo6), WSAEFAULT);
	show("UDP, namelen 15", spare, &lo, 15, WSAEFAULT);
	show("UDP, name NULL", spare, NULL, sizeof(lo), WSAEFAULT);
	show("UDP 192.0.2.1:0 (not a local address)", spare, &doc, sizeof(doc),
	     WSAEADDRNOTAVAIL);
	show("a pipe", pipefd[0], &lo, sizeof(lo), WSAENOTSOCK);
	show("a closed fd", 1000, &lo, sizeof(lo), WSAENOTSOCK);
	show("an AF_UNIX socket", unix_sock, &lo, sizeof(lo),
	     WSAEAFNOSUPPORT);
	show("a raw IPv4 socket", raw, &lo, sizeof(lo), WSAEOPNOTSUPP);
	show("the UDP socket after all that", spare, &lo, sizeof(lo), 0);
	in_progress();
	in_child(as_nobody);
	in_child(with_no_new_privs);
	in_child(small_range);
	sharing();

	printf("%s\n", failures ? "demo: some answers differ" :
				  "demo: every answer as documented");
	return failures ? 1 : 0;
}
