// SPDX-License-Identifier: GPL-2.0
/*
 * wspbind_fuzz: random and boundary WSPBIND_IOC_BIND and
 * WSPBIND_IOC_ENROL requests.
 *
 *	wspbind_fuzz [--seed N] [--calls N] [--workers N]
 *
 * Worker threads send requests with random and boundary sizes, flags,
 * reserved and tail bytes, command numbers, name lengths and name buffers
 * (unmapped, half mapped, kernel and non-canonical addresses), one in ten
 * an enrolment (sizes, flags, tail bytes and placement as for a bind),
 * against
 * every kind of fd: never open, pipe, eventfd, regular file, epoll, the
 * device itself, AF_UNIX, AF_NETLINK, AF_PACKET, raw and UDP-Lite sockets,
 * and TCP and UDP sockets fresh, bound, listening, connected, accepted,
 * refused and disconnected. A racer thread meanwhile closes the number
 * some requests use, or dup2()s another fd onto it.
 *
 * Each answer must be a documented one: the ioctl returns 0 with 0 or a
 * WSPBIND_WSAE* code of the header's table, or -1 with ENOTTY, EFAULT,
 * EINVAL or E2BIG. Where the header fixes the answer (everything but the
 * racing fd and random addresses), it must be that answer, computed here
 * from the request the way the header's rules say; a bound socket's port
 * must be the one reported, and a refused socket must stay unbound. At
 * the end, with every fd closed, the namespace must hold no socket: a
 * path that kept its reference to the socket would leave it behind.
 *
 * A fresh socket that was enrolled is then used as a program would: it
 * may be enrolled again with another option, offered to WSPBIND_IOC_BIND
 * (refused: it binds with bind(2)), and bound with bind(2), listen(2) or
 * sendto(), or closed unbound. Each answer must be the header's: port 0
 * and the implicit binds draw from the namespace's Winsock range, an
 * explicit port is the one asked for or taken, and once bound the socket
 * cannot be enrolled again.
 *
 * Each worker's requests come from its own stream of the seed, printed
 * first: --seed N repeats them (the racer's timing cannot be repeated).
 * Runs in a network namespace of its own; needs root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "kselftest.h"
#include "wspbind_util.h"

#define DEFAULT_CALLS	200000
#define DEFAULT_WORKERS	2
#define RACY_FD		800	/* the number the racer closes and dup2()s */
#define NEVER_OPEN_FD	900	/* numbers from here up are never opened */
#define PORT_POOL	20000	/* explicit ports: 20000..20099 */
#define PORT_POOL_SIZE	100
#define RANGE_LOW	1024	/* a new namespace's range */
#define RANGE_HIGH	5000

/* The answers, as bits: the documented ones and what a call may return. */
enum answer {
	A_OK, A_EINTR, A_EACCES, A_EFAULT, A_EINVAL, A_EINPROGRESS,
	A_ENOTSOCK, A_EOPNOTSUPP, A_EAFNOSUPPORT, A_EADDRINUSE,
	A_EADDRNOTAVAIL, A_ENETDOWN, A_ENOBUFS,
	/* the ioctl failed: */
	E_ENOTTY, E_EFAULT, E_EINVAL, E_E2BIG,
	A_UNDOCUMENTED,
	N_ANSWERS
};

static const struct {
	const char *name;
	unsigned int code;	/* WSA code, or errno for E_* */
} answers[N_ANSWERS] = {
	[A_OK] = { "0", 0 },
	[A_EINTR] = { "WSAEINTR", WSPBIND_WSAEINTR },
	[A_EACCES] = { "WSAEACCES", WSPBIND_WSAEACCES },
	[A_EFAULT] = { "WSAEFAULT", WSPBIND_WSAEFAULT },
	[A_EINVAL] = { "WSAEINVAL", WSPBIND_WSAEINVAL },
	[A_EINPROGRESS] = { "WSAEINPROGRESS", WSPBIND_WSAEINPROGRESS },
	[A_ENOTSOCK] = { "WSAENOTSOCK", WSPBIND_WSAENOTSOCK },
	[A_EOPNOTSUPP] = { "WSAEOPNOTSUPP", WSPBIND_WSAEOPNOTSUPP },
	[A_EAFNOSUPPORT] = { "WSAEAFNOSUPPORT", WSPBIND_WSAEAFNOSUPPORT },
	[A_EADDRINUSE] = { "WSAEADDRINUSE", WSPBIND_WSAEADDRINUSE },
	[A_EADDRNOTAVAIL] = { "WSAEADDRNOTAVAIL", WSPBIND_WSAEADDRNOTAVAIL },
	[A_ENETDOWN] = { "WSAENETDOWN", WSPBIND_WSAENETDOWN },
	[A_ENOBUFS] = { "WSAENOBUFS", WSPBIND_WSAENOBUFS },
	[E_ENOTTY] = { "-1 ENOTTY", ENOTTY },
	[E_EFAULT] = { "-1 EFAULT", EFAULT },
	[E_EINVAL] = { "-1 EINVAL", EINVAL },
	[E_E2BIG] = { "-1 E2BIG", E2BIG },
	[A_UNDOCUMENTED] = { "undocumented", 0 },
};

#define BIT(a)		(1u << (a))
#define ANY_WSA		(BIT(E_ENOTTY) - 1)

/* The fds requests name, persistent ones made once per worker. */
enum target_class {
	T_NOTSOCK,	/* not a socket, or not open */
	T_OTHERFAM,	/* a socket of another family */
	T_OTHERKIND,	/* AF_INET(6), but neither TCP nor UDP */
	T_HASPORT,	/* TCP/UDP with a local port already */
	T_FRESH,	/* TCP/UDP without one: made anew for each call */
	T_RACY,		/* RACY_FD, changed under the call by the racer */
};

struct target {
	const char *name;
	enum target_class class;
	int family, type, protocol;
	bool v6only;
	int fd;			/* persistent ones */
	int (*make)(const struct target *t, int wid);	/* fresh ones */
};

#define MAX_TARGETS 48

/* What is done with a fresh socket once it is enrolled. */
enum use {
	U_CLOSE,	/* closed unbound */
	U_BIND,		/* bind(2) */
	U_LISTEN,	/* listen(2), TCP */
	U_SENDTO,	/* sendto(), UDP */
	N_USES
};

static const char *const use_names[N_USES] = {
	[U_CLOSE] = "closed unbound", [U_BIND] = "bind(2)",
	[U_LISTEN] = "listen(2)", [U_SENDTO] = "sendto()",
};

struct worker {
	pthread_t thread;
	int id;
	uint64_t rnd;
	unsigned long calls;
	char *arena;		/* P0 P1 RW, P2 guard, P3 read-only */
	int ntargets;
	struct target targets[MAX_TARGETS];
	unsigned long target_calls[MAX_TARGETS];
	unsigned long seen[N_ANSWERS];
	unsigned long undocumented, mismatched, port_errors, predicted;
	unsigned long uses[N_USES], use_errors;
	unsigned int reported;
};

static int dev = -1;
static long page_size;
static uint64_t seed;
static unsigned long calls_per_worker;
static volatile int racer_stop;
static sem_t racer_go;		/* a worker is about to use RACY_FD */
static int racy_inflight;	/* ... and has not returned yet */
static int racer_awake;		/* the racer is changing RACY_FD */
static unsigned long racer_changes;
static bool verbose;

static void fail_setup(const char *what)
{
	ksft_exit_fail_msg("%s: %s\n", what, strerror(errno));
}

/* --- fds ------------------------------------------------------------- */

static int inet_socket(int family, int type, int protocol, bool v6only)
{
	int fd, one = 1;

	fd = socket(family, type | SOCK_CLOEXEC, protocol);
	if (fd >= 0 && v6only &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int make_fresh(const struct target *t, int wid)
{
	return inet_socket(t->family, t->type, t->protocol, t->v6only);
}

/* A TCP socket whose connect() was refused: unbound again. */
static int make_refused(const struct target *t, int wid)
{
	struct sockaddr_storage ss;
	int fd, len;

	fd = inet_socket(t->family, SOCK_STREAM, IPPROTO_TCP, false);
	if (fd < 0)
		return -1;
	len = util_loopback(&ss, t->family, 1);
	if (connect(fd, (struct sockaddr *)&ss, len) == 0 ||
	    errno != ECONNREFUSED) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A UDP socket connected (so autobound), then disconnected: unbound. */
static int make_disconnected(const struct target *t, int wid)
{
	struct sockaddr_storage ss;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int fd, len;

	fd = inet_socket(t->family, SOCK_DGRAM, IPPROTO_UDP, false);
	if (fd < 0)
		return -1;
	len = util_loopback(&ss, t->family, 9);
	if (connect(fd, (struct sockaddr *)&ss, len) ||
	    connect(fd, &unspec, sizeof(unspec))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void add_target(struct worker *w, const char *name,
		       enum target_class class, int fd)
{
	struct target *t = &w->targets[w->ntargets++];

	t->name = name;
	t->class = class;
	t->fd = fd;
	if (class != T_NOTSOCK && fd < 0)
		fail_setup(name);
	if (class == T_HASPORT) {
		socklen_t len = sizeof(t->family);

		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &t->family, &len))
			fail_setup(name);
	}
}

/*
 * A socket of a protocol the kernel may not have (UDP-Lite left Linux in
 * 7.x): without it, that kind is not tried, and the run says so.
 */
static void add_target_if_any(struct worker *w, const char *name,
			      enum target_class class, int fd)
{
	if (fd < 0 && errno == EPROTONOSUPPORT) {
		if (!w->id)
			ksft_print_msg("%s: not in this kernel: that fd kind is not tried\n",
				       name);
		return;
	}
	add_target(w, name, class, fd);
}

static void add_fresh(struct worker *w, const char *name, int family,
		      int type, bool v6only,
		      int (*make)(const struct target *t, int wid))
{
	struct target *t = &w->targets[w->ntargets++];

	t->name = name;
	t->class = T_FRESH;
	t->family = family;
	t->type = type;
	t->protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	t->v6only = v6only;
	t->make = make;
}

static int bound_socket(int family, int type, int port)
{
	struct sockaddr_storage ss;
	int fd, len;

	fd = inet_socket(family, type, 0, false);
	len = util_loopback(&ss, family, port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len))
		return -1;
	return fd;
}

static int listening_socket(int family, int port)
{
	int fd = bound_socket(family, SOCK_STREAM, port);

	if (fd >= 0 && listen(fd, 8))
		return -1;
	return fd;
}

static int connected_socket(int family, int type, int port)
{
	struct sockaddr_storage ss;
	int fd, len;

	fd = inet_socket(family, type, 0, false);
	len = util_loopback(&ss, family, port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len))
		return -1;
	return fd;
}

/* The fds one worker aims at; ports 20000 + 10 * id + 0..4 are its own. */
static void make_targets(struct worker *w)
{
	int base = PORT_POOL + 10 * w->id, pipefd[2], fam, i;
	char path[64];

	if (pipe2(pipefd, O_CLOEXEC))
		fail_setup("pipe");
	add_target(w, "never-open fd", T_NOTSOCK, NEVER_OPEN_FD + w->id);
	add_target(w, "fd -1", T_NOTSOCK, -1);
	add_target(w, "fd INT_MIN", T_NOTSOCK, INT_MIN);
	add_target(w, "fd INT_MAX", T_NOTSOCK, INT_MAX);
	add_target(w, "pipe (read end)", T_NOTSOCK, pipefd[0]);
	add_target(w, "pipe (write end)", T_NOTSOCK, pipefd[1]);
	add_target(w, "eventfd", T_NOTSOCK, eventfd(0, EFD_CLOEXEC));
	add_target(w, "epoll", T_NOTSOCK, epoll_create1(EPOLL_CLOEXEC));
	snprintf(path, sizeof(path), "/tmp/wspbind_fuzz.%d.%d", getpid(),
		 w->id);
	add_target(w, "regular file", T_NOTSOCK,
		   open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
	unlink(path);
	add_target(w, "the device", T_NOTSOCK, dev);

	add_target(w, "AF_UNIX stream", T_OTHERFAM,
		   socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	add_target(w, "AF_UNIX dgram", T_OTHERFAM,
		   socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	add_target(w, "AF_NETLINK route", T_OTHERFAM,
		   socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
	add_target(w, "AF_PACKET dgram", T_OTHERFAM,
		   socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	add_target(w, "raw ICMP", T_OTHERKIND,
		   socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
	add_target(w, "raw ICMPv6", T_OTHERKIND,
		   socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6));
	add_target_if_any(w, "UDP-Lite", T_OTHERKIND,
			  socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
				 IPPROTO_UDPLITE));
	add_target_if_any(w, "UDP-Lite v6", T_OTHERKIND,
			  socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC,
				 IPPROTO_UDPLITE));

	for (i = 0; i < 2; i++) {
		int lfd, cfd, afd;

		fam = i ? AF_INET6 : AF_INET;
		add_target(w, i ? "TCPv6 bound" : "TCP bound", T_HASPORT,
			   bound_socket(fam, SOCK_STREAM, base + i));
		add_target(w, i ? "UDPv6 bound" : "UDP bound", T_HASPORT,
			   bound_socket(fam, SOCK_DGRAM, base + i));
		lfd = listening_socket(fam, base + 2 + i);
		add_target(w, i ? "TCPv6 listening" : "TCP listening",
			   T_HASPORT, lfd);
		cfd = connected_socket(fam, SOCK_STREAM, base + 2 + i);
		add_target(w, i ? "TCPv6 connected" : "TCP connected",
			   T_HASPORT, cfd);
		afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		add_target(w, i ? "TCPv6 accepted" : "TCP accepted",
			   T_HASPORT, afd);
		add_target(w, i ? "UDPv6 connected" : "UDP connected",
			   T_HASPORT, connected_socket(fam, SOCK_DGRAM, 9));
	}

	add_fresh(w, "TCP fresh", AF_INET, SOCK_STREAM, false, make_fresh);
	add_fresh(w, "UDP fresh", AF_INET, SOCK_DGRAM, false, make_fresh);
	add_fresh(w, "TCPv6 fresh", AF_INET6, SOCK_STREAM, false, make_fresh);
	add_fresh(w, "UDPv6 fresh", AF_INET6, SOCK_DGRAM, false, make_fresh);
	add_fresh(w, "TCPv6 v6only fresh", AF_INET6, SOCK_STREAM, true,
		  make_fresh);
	add_fresh(w, "UDPv6 v6only fresh", AF_INET6, SOCK_DGRAM, true,
		  make_fresh);
	add_fresh(w, "TCP refused", AF_INET, SOCK_STREAM, false,
		  make_refused);
	add_fresh(w, "TCPv6 refused", AF_INET6, SOCK_STREAM, false,
		  make_refused);
	add_fresh(w, "UDP disconnected", AF_INET, SOCK_DGRAM, false,
		  make_disconnected);
	add_fresh(w, "UDPv6 disconnected", AF_INET6, SOCK_DGRAM, false,
		  make_disconnected);

	add_target(w, "racy fd", T_RACY, RACY_FD);
}

/* --- requests -------------------------------------------------------- */

enum addr_class {
	AD_LOOP,	/* 127.0.0.1, ::1 */
	AD_ANY,		/* 0.0.0.0, :: */
	AD_FOREIGN,	/* 192.0.2.1, 2001:db8::1 */
	AD_MAPPED,	/* ::ffff:127.0.0.1 (IPv6 only) */
	AD_LL_NOSCOPE,	/* fe80::1, scope 0 */
	AD_LL_LO,	/* fe80::1 on lo: not an address of lo */
	AD_LL_NODEV,	/* fe80::1, a scope naming no device */
	AD_GARBAGE,	/* random bytes after the family */
	N_ADDR
};

struct call {
	unsigned long cmd;
	unsigned long arg;		/* the request's address */
	bool req_ro;			/* the request is read-only */
	bool enrol;			/* cmd is WSPBIND_IOC_ENROL */
	struct wspbind_bind req;	/* what was written at arg, */
	struct wspbind_enrol ereq;	/* ... or this, for an enrolment */
	const char *name_ptr;		/* user memory, or NULL: not ours */
	bool name_ours;			/* name_ptr is in our arena */
	int name_readable;		/* bytes readable from name_ptr */
	enum addr_class addr;
	int port;			/* the port asked for */
	int name_family;		/* the Linux family the name names */
	bool scoped;			/* IPv6 scope id not 0 */
};

static const int namelens[] = {
	INT_MIN, -1000000, -2, -1, 0, 1, 2, 8, 15, 16, 17, 23, 24, 26, 27,
	28, 29, 32, 64, 127, 128, 129, 256, 4096, INT_MAX,
};

static const uint32_t sizes[] = {
	0, 1, 4, 8, 16, 24, 28, 31, 33, 36, 40, 48, 64, 100, 4095, 4096,
	4097, 8192, 65536, 1u << 31, UINT32_MAX,
};

static const unsigned long near_cmds[] = {
	_IO(WSPBIND_TYPE, WSPBIND_CMD_BIND - 1),
	_IO(WSPBIND_TYPE, WSPBIND_CMD_ENROL + 1),
	_IO(WSPBIND_TYPE, 0),
	_IO(WSPBIND_TYPE + 1, WSPBIND_CMD_BIND),
	_IO(WSPBIND_TYPE - 1, WSPBIND_CMD_BIND),
	_IOW(WSPBIND_TYPE, WSPBIND_CMD_BIND, struct wspbind_bind),
	_IOR(WSPBIND_TYPE, WSPBIND_CMD_BIND, struct wspbind_bind),
	_IOWR(WSPBIND_TYPE, WSPBIND_CMD_BIND, struct wspbind_bind),
	_IOWR(WSPBIND_TYPE, WSPBIND_CMD_BIND, __u64),
	WSPBIND_IOC_BIND | 0x80000000u,
	WSPBIND_IOC_BIND | 0x00010000u,
};

/*
 * A command the device does not have (neither WSPBIND_IOC_BIND nor
 * WSPBIND_IOC_ENROL, whose enrolments would change what a later bind of
 * the socket answers, which this model does not follow), avoiding the
 * numbers the VFS answers itself before the driver sees them (FIOCLEX
 * and friends: type 'T'; FIFREEZE: 'X'; FS_IOC_*: 'f'; FICLONE: 0x94;
 * FIBMAP: 0).
 */
static unsigned long random_cmd(struct worker *w)
{
	unsigned int type;
	unsigned long cmd;

	if (util_below(&w->rnd, 2))
		return near_cmds[util_below(&w->rnd, ARRAY_SIZE(near_cmds))];
	do {
		cmd = (unsigned int)util_rand(&w->rnd);
		type = _IOC_TYPE(cmd);
	} while (cmd == WSPBIND_IOC_BIND || cmd == WSPBIND_IOC_ENROL ||
		 type == 'T' || type == 'X' || type == 'f' || type == 0x94 ||
		 type == 0);
	return cmd;
}

static void fill_random(struct worker *w, void *p, size_t n)
{
	unsigned char *b = p;

	while (n--)
		*b++ = util_rand(&w->rnd) >> 56;
}

/* Write a name at @p: a sockaddr of @family in @numbering, or garbage. */
static void make_name(struct worker *w, struct call *c, char *p, int family,
		      bool winsock)
{
	static const unsigned char ll[16] = { 0xfe, 0x80, [15] = 1 };
	static const unsigned char doc6[16] = { 0x20, 0x01, 0x0d, 0xb8,
						[15] = 1 };
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	uint16_t raw;
	uint32_t r;

	/* Bytes past the sockaddr must be ignored: make them noise. */
	fill_random(w, p, WSPBIND_NAME_MAX);
	c->name_family = family;
	r = util_below(&w->rnd, 100);
	if (r < 45)
		c->port = 0;
	else if (r < 50)
		c->port = 1 + util_below(&w->rnd, 1023);
	else
		c->port = PORT_POOL + util_below(&w->rnd, PORT_POOL_SIZE);

	r = util_below(&w->rnd, 100);
	if (r < 40)
		c->addr = AD_LOOP;
	else if (r < 60)
		c->addr = AD_ANY;
	else if (r < 70)
		c->addr = AD_FOREIGN;
	else if (family == AF_INET6 && r < 78)
		c->addr = AD_MAPPED;
	else if (family == AF_INET6 && r < 90)
		c->addr = AD_LL_NOSCOPE + util_below(&w->rnd, 3);
	else
		c->addr = AD_GARBAGE;

	if (family == AF_INET) {
		fill_random(w, &s4, sizeof(s4));	/* sin_zero too */
		s4.sin_port = htons(c->port);
		if (c->addr == AD_LOOP)
			s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (c->addr == AD_ANY)
			s4.sin_addr.s_addr = htonl(INADDR_ANY);
		else if (c->addr == AD_FOREIGN)
			s4.sin_addr.s_addr = htonl(0xc0000201);
		memcpy(p, &s4, sizeof(s4));
	} else {
		fill_random(w, &s6, sizeof(s6));	/* flowinfo, scope */
		s6.sin6_port = htons(c->port);
		if (c->addr == AD_LOOP)
			s6.sin6_addr = in6addr_loopback;
		else if (c->addr == AD_ANY)
			s6.sin6_addr = in6addr_any;
		else if (c->addr == AD_FOREIGN)
			memcpy(&s6.sin6_addr, doc6, 16);
		else if (c->addr == AD_MAPPED)
			inet_pton(AF_INET6, "::ffff:127.0.0.1", &s6.sin6_addr);
		else if (c->addr >= AD_LL_NOSCOPE && c->addr <= AD_LL_NODEV)
			memcpy(&s6.sin6_addr, ll, 16);
		if (c->addr == AD_LL_NOSCOPE)
			s6.sin6_scope_id = 0;
		else if (c->addr == AD_LL_LO)
			s6.sin6_scope_id = 1;	/* lo is always 1 */
		else if (c->addr == AD_LL_NODEV)
			s6.sin6_scope_id = 100000 + util_below(&w->rnd, 1000);
		else if (util_below(&w->rnd, 2))
			s6.sin6_scope_id = 0;	/* else the random one */
		c->scoped = s6.sin6_scope_id != 0;
		memcpy(p, &s6, sizeof(s6));
	}

	/* The first two bytes, in the numbering the flag asks for. */
	r = util_below(&w->rnd, 100);
	if (r < 90)
		raw = family == AF_INET6 && winsock ? WSPBIND_WS_AF_INET6 :
		      family;
	else if (r < 95)	/* the other numbering, or the other family */
		raw = family == AF_INET ? (winsock ? WSPBIND_WS_AF_INET6 :
					   AF_INET6) :
		      winsock ? AF_INET6 : WSPBIND_WS_AF_INET6;
	else
		raw = util_rand(&w->rnd) >> 48;
	memcpy(p, &raw, sizeof(raw));
}

static int pick_namelen(struct worker *w, int family)
{
	uint32_t r = util_below(&w->rnd, 100);
	int min = family == AF_INET6 ? 28 : 16;

	if (r < 60)
		return min;
	if (r < 70)
		return WSPBIND_NAME_MAX;
	if (r < 75)
		return min + util_below(&w->rnd, 200);
	if (r < 97)
		return namelens[util_below(&w->rnd, ARRAY_SIZE(namelens))];
	return (int)util_rand(&w->rnd);
}

/* A request size: mostly the struct's own, else a boundary or random one. */
static uint32_t pick_size(struct worker *w, uint32_t own)
{
	if (util_below(&w->rnd, 100) < 85)
		return own;
	if (util_below(&w->rnd, 10))
		return sizes[util_below(&w->rnd, ARRAY_SIZE(sizes))];
	return (uint32_t)util_rand(&w->rnd);
}

/*
 * Lay the request @req (@len bytes, its __u32 size first) out in the
 * worker's arena and aim c->arg at it, as @req_where says: 0-2 running
 * into the guard page, 3-4 read-only, 5 NULL, 6 in the guard page, 7 in
 * the kernel's half, else in the read-write pages. Tail bytes past the
 * struct, which the kernel reads when the size says so, are zero or not.
 */
static void place_request(struct worker *w, struct call *c, void *req,
			  uint32_t len, uint32_t req_where)
{
	char *p0 = w->arena, *guard = w->arena + 2 * page_size;
	char *ro = guard + page_size, *name_area = p0 + page_size;
	uint32_t size, k;
	char *at;

	memcpy(&size, req, sizeof(size));
	at = p0 + (util_below(&w->rnd, 10) ? 8 * util_below(&w->rnd, 16) :
		   util_below(&w->rnd, 128));
	memset(p0, 0, name_area - p0);
	if (size > len && util_below(&w->rnd, 2)) {
		uint64_t room = name_area - (at + len);
		uint64_t span = size - len;

		if (span > room)
			span = room;
		if (span)
			at[len + util_below(&w->rnd, span)] =
				1 + util_below(&w->rnd, 255);
	}

	if (req_where < 3) {
		k = 1 + util_below(&w->rnd, len + 8);
		at = guard - k;
		memcpy(at, req, k < len ? k : len);
		if (k > len)
			memset(at + len, 0, k - len);
	} else if (req_where < 5) {
		at = ro;
		mprotect(ro, page_size, PROT_READ | PROT_WRITE);
		memset(ro, 0, page_size);
		memcpy(req, &len, sizeof(len));
		memcpy(at, req, len);
		mprotect(ro, page_size, PROT_READ);
		c->req_ro = true;
	} else {
		memcpy(at, req, len);
	}
	c->arg = (uintptr_t)at;
	if (req_where == 5)
		c->arg = 0;
	else if (req_where == 6)
		c->arg = (uintptr_t)guard;
	else if (req_where == 7)
		c->arg = sizeof(long) == 8 ?
			 (unsigned long)0xffffffff81000000ull : 0xfffff000ul;
}

/*
 * An enrolment: the Winsock option (none, SO_REUSEADDR, exclusive, both,
 * or a flag enrolment does not take), at any of the places a bind's
 * request may lie.
 */
static void make_enrol(struct worker *w, struct call *c, int sockfd)
{
	struct wspbind_enrol *req = &c->ereq;
	uint32_t r = util_below(&w->rnd, 100);

	c->cmd = WSPBIND_IOC_ENROL;
	c->enrol = true;
	req->size = pick_size(w, sizeof(*req));
	req->flags = r < 30 ? 0 : r < 55 ? WSPBIND_BIND_REUSEADDR :
		     r < 80 ? WSPBIND_BIND_EXCLUSIVEADDRUSE :
		     r < 88 ? WSPBIND_BIND_REUSEADDR |
			      WSPBIND_BIND_EXCLUSIVEADDRUSE :
		     r < 94 ? WSPBIND_BIND_WINSOCK_AF :
		     r < 97 ? 1u << util_below(&w->rnd, 32) :
		     (uint32_t)util_rand(&w->rnd);
	req->sockfd = sockfd;
	req->out_wsa_error = util_rand(&w->rnd);
	place_request(w, c, req, sizeof(*req), util_below(&w->rnd, 100));
}

/*
 * Build one request in the worker's arena: one in ten an enrolment, else
 * a bind. @family is the family a name is made for (the target's, or a
 * random one for sockets of no family).
 */
static void make_call(struct worker *w, struct call *c, int sockfd,
		      int family)
{
	char *guard = w->arena + 2 * page_size;
	char *name_area = w->arena + page_size;
	struct wspbind_bind *req = &c->req;
	uint32_t r, k, req_where;
	char *at;

	memset(c, 0, sizeof(*c));
	r = util_below(&w->rnd, 100);
	if (r < 10) {
		make_enrol(w, c, sockfd);
		return;
	}
	c->cmd = r < 97 ? WSPBIND_IOC_BIND : random_cmd(w);

	/* The request's fields. */
	req->size = pick_size(w, sizeof(*req));
	r = util_below(&w->rnd, 100);
	req->flags = r < 45 ? 0 : r < 90 ? WSPBIND_BIND_WINSOCK_AF :
		     r < 95 ? 1u << util_below(&w->rnd, 32) :
		     (uint32_t)util_rand(&w->rnd);
	/* The Winsock option: none, SO_REUSEADDR, exclusive, or both. */
	r = util_below(&w->rnd, 100);
	if (r < 20)
		req->flags |= WSPBIND_BIND_REUSEADDR;
	else if (r < 40)
		req->flags |= WSPBIND_BIND_EXCLUSIVEADDRUSE;
	else if (r < 43)
		req->flags |= WSPBIND_BIND_REUSEADDR |
			      WSPBIND_BIND_EXCLUSIVEADDRUSE;
	req->sockfd = sockfd;
	req->namelen = pick_namelen(w, family);
	req->out_wsa_error = util_rand(&w->rnd);
	req->out_port = util_rand(&w->rnd);
	req->__reserved = util_below(&w->rnd, 100) < 96 ? 0 :
			  (uint16_t)(1 + util_below(&w->rnd, 0xffff));

	/* Where the request lies (place_request()), drawn first. */
	req_where = util_below(&w->rnd, 100);

	/* The name and where it lies; never under a request at the guard. */
	at = name_area + util_below(&w->rnd, 512);
	make_name(w, c, at, family, req->flags & WSPBIND_BIND_WINSOCK_AF);
	c->name_ptr = at;
	c->name_ours = true;
	c->name_readable = guard - at;
	r = util_below(&w->rnd, 100);
	if (r < 4 && req_where >= 3) {	/* running into the guard page */
		k = util_below(&w->rnd, WSPBIND_NAME_MAX + 1);
		memmove(guard - k, at, k);
		c->name_ptr = guard - k;
		c->name_readable = k;
	} else if (r >= 4 && r < 6) {	/* in the guard page */
		c->name_ptr = guard + util_below(&w->rnd, 64);
		c->name_readable = 0;
	} else if (r == 6) {
		c->name_ptr = NULL;
		c->name_readable = 0;
		c->name_ours = false;
	}
	req->name = (uintptr_t)c->name_ptr;
	if (r == 7)		/* kernel half */
		req->name = sizeof(long) == 8 ? 0xffffffff81000000ull :
			    0xfffff000ull;
	else if (r == 8)	/* non-canonical */
		req->name = 0x8000000000000000ull | (uintptr_t)at;
	else if (r == 9)	/* just past user space, or past 4 GiB */
		req->name = sizeof(long) == 8 ?
			    (1ull << 47) | ((uintptr_t)at & 0xffffffffu) :
			    (uintptr_t)at | 0x100000000ull;
	if (r >= 7 && r <= 9) {
		c->name_readable = 0;
		c->name_ours = false;
	}
	place_request(w, c, req, sizeof(*req), req_where);
}

/* --- the rules, from the header -------------------------------------- */

static bool readable(const struct worker *w, unsigned long addr,
		     uint64_t len)
{
	uint64_t start = (uintptr_t)w->arena;
	uint64_t end = start + 2 * page_size;

	if (!len)
		return true;
	if (addr >= end + page_size && addr < end + 2 * page_size)
		return addr + len <= end + 2 * page_size;	/* RO page */
	return addr >= start && addr + len <= end;
}

/*
 * The answer to the request part: -1 when it is well-formed, otherwise the
 * E_* answer the header gives, in the order the kernel checks.
 */
static int request_answer(const struct worker *w, const struct call *c)
{
	const uint32_t option = WSPBIND_BIND_REUSEADDR |
				WSPBIND_BIND_EXCLUSIVEADDRUSE;
	const char *guard = w->arena + 2 * page_size;
	uint32_t size, len;
	const char *p;

	if (c->cmd != WSPBIND_IOC_BIND && c->cmd != WSPBIND_IOC_ENROL)
		return E_ENOTTY;
	len = c->enrol ? sizeof(struct wspbind_enrol) :
	      sizeof(struct wspbind_bind);
	if (!readable(w, c->arg, 4))
		return E_EFAULT;
	memcpy(&size, (const void *)c->arg, 4);
	if (size < len)
		return E_EINVAL;
	if (size > len) {
		/* Scanned in order: a non-zero byte wins over the fault. */
		for (p = (const char *)c->arg + len;
		     (uint64_t)(p - (const char *)c->arg) < size; p++) {
			if (!readable(w, (uintptr_t)p, 1))
				return E_EFAULT;
			if (*p)
				return E_E2BIG;
		}
	}
	if (!readable(w, c->arg, len))
		return E_EFAULT;
	/* An enrolment takes the option only: it has no name. */
	if (c->enrol ? c->ereq.flags & ~option :
	    c->req.flags & ~(WSPBIND_BIND_WINSOCK_AF | option) ||
	    c->req.__reserved)
		return E_EINVAL;
	if (c->req_ro || (c->arg >= (uintptr_t)guard &&
			  c->arg < (uintptr_t)guard + 2 * page_size))
		return E_EFAULT;
	return -1;
}

/* What the fd's kind answers, both commands checking it first; or 0. */
static unsigned int kind_answers(const struct target *t)
{
	switch (t->class) {
	case T_NOTSOCK:
		return BIT(A_ENOTSOCK);
	case T_OTHERFAM:
		return BIT(A_EAFNOSUPPORT);
	case T_OTHERKIND:
		return BIT(A_EOPNOTSUPP);
	case T_RACY:
		return ANY_WSA;
	default:
		return 0;
	}
}

/*
 * The Winsock answers a well-formed enrolment may get: both options, or a
 * socket with a port, WSAEINVAL; a fresh TCP or UDP socket is enrolled.
 */
static unsigned int enrol_answers(const struct call *c,
				  const struct target *t)
{
	const uint32_t both = WSPBIND_BIND_REUSEADDR |
			      WSPBIND_BIND_EXCLUSIVEADDRUSE;

	if (kind_answers(t))
		return kind_answers(t);
	if ((c->ereq.flags & both) == both || t->class == T_HASPORT)
		return BIT(A_EINVAL);
	return BIT(A_OK);
}

/* The Winsock answers a well-formed bind request may get, as bits. */
static unsigned int wsa_answers(const struct worker *w, const struct call *c,
				const struct target *t)
{
	const uint32_t both = WSPBIND_BIND_REUSEADDR |
			      WSPBIND_BIND_EXCLUSIVEADDRUSE;
	int family = t->family, min, len;
	uint16_t raw, named;

	if (kind_answers(t))
		return kind_answers(t);
	min = family == AF_INET6 ? 28 : 16;
	if (c->req.namelen < min)
		return BIT(A_EFAULT);
	len = c->req.namelen < WSPBIND_NAME_MAX ? c->req.namelen :
	      WSPBIND_NAME_MAX;
	if (!c->name_ours || c->name_readable < len)
		return BIT(A_EFAULT);
	memcpy(&raw, c->name_ptr, sizeof(raw));
	named = raw == AF_INET ? AF_INET :
		raw == (c->req.flags & WSPBIND_BIND_WINSOCK_AF ?
			WSPBIND_WS_AF_INET6 : AF_INET6) ? AF_INET6 : 0;
	if (named != family)
		return BIT(A_EFAULT);
	if (t->class == T_HASPORT)
		return BIT(A_EINVAL);
	if ((c->req.flags & both) == both)
		return BIT(A_EINVAL);
	/* Windows takes a scope id only on a link-local address. */
	if (family == AF_INET6 && c->scoped && c->addr != AD_LL_LO &&
	    c->addr != AD_LL_NODEV && c->addr != AD_GARBAGE)
		return BIT(A_EADDRNOTAVAIL);

	/*
	 * The bind itself, as root, in a namespace with the default range.
	 * An explicit port may be held by another worker's socket, which
	 * the sharing rules let share, or not (WSAEADDRINUSE), or deny
	 * (WSAEACCES).
	 */
	switch (c->addr) {
	case AD_LOOP:
	case AD_ANY:
		return c->port ? BIT(A_OK) | BIT(A_EADDRINUSE) |
				 BIT(A_EACCES) : BIT(A_OK);
	case AD_MAPPED:
		if (t->v6only)
			return BIT(A_EINVAL);
		return c->port ? BIT(A_OK) | BIT(A_EADDRINUSE) |
				 BIT(A_EACCES) : BIT(A_OK);
	case AD_FOREIGN:
	case AD_LL_LO:
	case AD_LL_NODEV:
	case AD_LL_NOSCOPE:	/* fe80::1 is on no interface */
		return BIT(A_EADDRNOTAVAIL);
	default:
		return ANY_WSA;
	}
}

static enum answer classify(long ret, int err, uint32_t wsa)
{
	int a;

	for (a = 0; a < A_UNDOCUMENTED; a++) {
		if (ret == 0 && a < E_ENOTTY && answers[a].code == wsa)
			return a;
		if (ret == -1 && a >= E_ENOTTY && answers[a].code == (unsigned int)err)
			return a;
	}
	return A_UNDOCUMENTED;
}

static void report(struct worker *w, const struct target *t,
		   const struct call *c, long ret, int err, uint32_t wsa,
		   const char *why)
{
	if (w->reported++ >= 10)
		return;
	if (c->enrol) {
		ksft_print_msg("worker %d call %lu (%s): %s: enrol ioctl(0x%lx, arg 0x%lx) = %ld errno %d wsa %u; size %u flags 0x%x sockfd %d\n",
			       w->id, w->calls, t->name, why, c->cmd, c->arg,
			       ret, err, wsa, c->ereq.size, c->ereq.flags,
			       c->ereq.sockfd);
		return;
	}
	ksft_print_msg("worker %d call %lu (%s): %s: ioctl(0x%lx, arg 0x%lx) = %ld errno %d wsa %u; size %u flags 0x%x sockfd %d namelen %d name 0x%llx reserved %u addr %d port %d\n",
		       w->id, w->calls, t->name, why, c->cmd, c->arg, ret,
		       err, wsa, c->req.size, c->req.flags, c->req.sockfd,
		       c->req.namelen, (unsigned long long)c->req.name,
		       c->req.__reserved, c->addr, c->port);
}

/* --- an enrolled socket in use --------------------------------------- */

static void use_error(struct worker *w, const struct target *t,
		      enum use use, const char *why, int got, int port)
{
	w->use_errors++;
	if (w->reported++ >= 10)
		return;
	ksft_print_msg("worker %d call %lu (%s, enrolled, %s): %s: got %d, port %d\n",
		       w->id, w->calls, t->name, use_names[use], why, got,
		       port);
}

/*
 * Use @fd, a fresh socket of @t just enrolled, as a program would (see
 * the top of the file), and check each answer. A port asked for may be
 * held by another worker's socket: EADDRINUSE, or EACCES where the rules
 * deny the socket. Until it binds, getsockname() says @unbound: 0, or,
 * for a TCP socket whose connect() was refused, the port it had then
 * (Linux leaves that in place, though the socket holds no port).
 */
static void use_enrolled(struct worker *w, const struct target *t, int fd,
			 int unbound)
{
	static const uint32_t options[] = {
		0, WSPBIND_BIND_REUSEADDR, WSPBIND_BIND_EXCLUSIVEADDRUSE,
	};
	struct sockaddr_storage ss;
	struct wspbind_bind req;
	int ret, port = 0, got, len;
	enum use use;
	uint32_t r;

	if (util_below(&w->rnd, 100) < 20) {
		ret = wsp_enrol(dev, fd, options[util_below(&w->rnd, 3)]);
		if (ret)
			use_error(w, t, U_CLOSE, "enrolling again, unbound",
				  ret, 0);
	}
	if (util_below(&w->rnd, 100) < 10) {
		len = util_loopback(&ss, t->family, 0);
		req_init(&req, fd, 0, &ss, len);
		ret = wsp_request(dev, &req);
		if (ret != WSPBIND_WSAEINVAL || util_sock_port(fd) != unbound)
			use_error(w, t, U_CLOSE, "WSPBIND_IOC_BIND not refused",
				  ret, util_sock_port(fd));
	}

	r = util_below(&w->rnd, 100);
	use = r < 15 ? U_CLOSE : r < 75 ? U_BIND :
	      t->type == SOCK_STREAM ? U_LISTEN : U_SENDTO;
	w->uses[use]++;
	if (use == U_CLOSE)
		return;
	if (use == U_BIND) {
		if (util_below(&w->rnd, 2))
			port = PORT_POOL + util_below(&w->rnd, PORT_POOL_SIZE);
		len = util_name(&ss, t->family, util_below(&w->rnd, 2) ?
				(t->family == AF_INET ? "0.0.0.0" : "::") :
				(t->family == AF_INET ? "127.0.0.1" : "::1"),
				port);
		ret = bind(fd, (struct sockaddr *)&ss, len);
	} else if (use == U_LISTEN) {
		ret = listen(fd, 1);
	} else {
		len = util_loopback(&ss, t->family, 9);
		ret = sendto(fd, "", 1, 0, (struct sockaddr *)&ss, len);
		ret = ret == 1 ? 0 : -1;
	}
	got = ret ? errno : 0;
	ret = util_sock_port(fd);
	if (got) {
		if (!port || (got != EADDRINUSE && got != EACCES))
			use_error(w, t, use, "not the predicted errno", got,
				  ret);
		else if (ret != unbound)
			use_error(w, t, use, "refused, and bound", got, ret);
		return;
	}
	if (port ? ret != port : ret < RANGE_LOW || ret > RANGE_HIGH)
		use_error(w, t, use, port ? "not the port asked for" :
			  "a port outside the Winsock range", got, ret);
	/* Bound, the socket is the protocol's own again. */
	got = wsp_enrol(dev, fd, 0);
	if (got != WSPBIND_WSAEINVAL)
		use_error(w, t, use, "enrolled again once bound", got, ret);
}

/* --- the workers and the racer --------------------------------------- */

static void one_call(struct worker *w)
{
	struct target *t;
	struct call c;
	int idx, fd, family, before = -1, after, reqa, err = 0;
	unsigned int allowed;
	enum answer got;
	uint32_t wsa = 0;
	long ret;
	uint32_t r;

	/* Fresh sockets are the ones that can be bound: favour them. */
	r = util_below(&w->rnd, 100);
	do {
		idx = util_below(&w->rnd, w->ntargets);
	} while ((r < 45) != (w->targets[idx].class == T_FRESH));
	t = &w->targets[idx];

	fd = t->fd;
	if (t->class == T_FRESH) {
		fd = t->make(t, w->id);
		if (fd < 0) {
			ksft_print_msg("%s: cannot make: %s\n", t->name,
				       strerror(errno));
			w->undocumented++;
			return;
		}
	}
	family = t->family ? t->family :
		 util_below(&w->rnd, 2) ? AF_INET6 : AF_INET;
	make_call(w, &c, fd, family);
	if (t->class == T_HASPORT || t->class == T_FRESH)
		before = util_sock_port(fd);

	if (t->class == T_RACY) {
		int spin;

		/* Let the racer wake, so its changes overlap the call. */
		__atomic_add_fetch(&racy_inflight, 1, __ATOMIC_SEQ_CST);
		sem_post(&racer_go);
		for (spin = 0; spin < 1000 &&
		     !__atomic_load_n(&racer_awake, __ATOMIC_SEQ_CST); spin++)
			sched_yield();
	}
	ret = ioctl(dev, c.cmd, c.arg);
	if (ret)
		err = errno;
	if (t->class == T_RACY)
		__atomic_sub_fetch(&racy_inflight, 1, __ATOMIC_SEQ_CST);
	if (!ret)
		memcpy(&wsa, (char *)c.arg + (c.enrol ?
		       offsetof(struct wspbind_enrol, out_wsa_error) :
		       offsetof(struct wspbind_bind, out_wsa_error)),
		       sizeof(wsa));
	w->calls++;
	w->target_calls[idx]++;

	got = classify(ret, err, wsa);
	w->seen[got]++;
	reqa = request_answer(w, &c);
	allowed = reqa >= 0 ? BIT(reqa) : c.enrol ? enrol_answers(&c, t) :
		  wsa_answers(w, &c, t);
	if (got == A_UNDOCUMENTED) {
		w->undocumented++;
		report(w, t, &c, ret, err, wsa, "undocumented answer");
	} else if (!(allowed & BIT(got))) {
		w->mismatched++;
		report(w, t, &c, ret, err, wsa, "not the predicted answer");
	}
	if (!(allowed & (allowed - 1)))
		w->predicted++;

	/* An enrolment binds nothing; an enrolled socket is put to use. */
	if (c.enrol && (t->class == T_HASPORT || t->class == T_FRESH)) {
		after = util_sock_port(fd);
		if (after != before) {
			w->port_errors++;
			report(w, t, &c, ret, err, wsa,
			       "an enrolment changed the socket's port");
		} else if (!ret && !wsa && t->class == T_FRESH) {
			use_enrolled(w, t, fd, before);
		}
	}
	/* The port reported is the socket's; a refusal binds nothing. */
	if (!c.enrol && (t->class == T_HASPORT || t->class == T_FRESH)) {
		uint16_t out_port = 0;

		if (!ret)
			memcpy(&out_port,
			       &((struct wspbind_bind *)c.arg)->out_port,
			       sizeof(out_port));
		after = util_sock_port(fd);
		if (!ret && wsa == 0) {
			if (out_port != after ||
			    (c.port && out_port != c.port) ||
			    (!c.port && (out_port < RANGE_LOW ||
					 out_port > RANGE_HIGH))) {
				w->port_errors++;
				report(w, t, &c, ret, err, wsa,
				       "out_port disagrees with the socket");
			}
		} else if (after != before || (!ret && out_port != 0)) {
			w->port_errors++;
			report(w, t, &c, ret, err, wsa,
			       "a refused bind changed the socket or out_port");
		}
	}
	if (t->class == T_FRESH)
		close(fd);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (w->calls < calls_per_worker)
		one_call(w);
	return NULL;
}

/*
 * Changes RACY_FD while a worker's call on it runs: closes it, or dup2()s a
 * pipe, an AF_UNIX socket, a bound TCP socket, the device or a new TCP or
 * UDP socket onto it. It sleeps while no such call is under way.
 */
static void *racer_main(void *arg)
{
	uint64_t rnd = util_seed(seed, 1000);
	int pipefd[2], fds[4], fd, burst;
	unsigned long n = 0;

	if (pipe2(pipefd, O_CLOEXEC))
		fail_setup("pipe");
	fds[0] = pipefd[0];
	fds[1] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	fds[2] = bound_socket(AF_INET, SOCK_STREAM, PORT_POOL + 99);
	fds[3] = dev;
	for (;;) {
		sem_wait(&racer_go);
		if (racer_stop)
			break;
		burst = 0;
		__atomic_store_n(&racer_awake, 1, __ATOMIC_SEQ_CST);
		do {
			switch (util_below(&rnd, 4)) {
			case 0:
				close(RACY_FD);
				break;
			case 1:
				dup2(fds[util_below(&rnd, 4)], RACY_FD);
				break;
			default:
				fd = inet_socket(util_below(&rnd, 2) ?
						 AF_INET6 : AF_INET,
						 util_below(&rnd, 2) ?
						 SOCK_STREAM : SOCK_DGRAM, 0,
						 false);
				if (fd >= 0) {
					dup2(fd, RACY_FD);
					close(fd);
				}
				break;
			}
			n++;
		} while (__atomic_load_n(&racy_inflight, __ATOMIC_SEQ_CST) &&
			 ++burst < 32);
		__atomic_store_n(&racer_awake, 0, __ATOMIC_SEQ_CST);
	}
	racer_changes = n;
	close(RACY_FD);
	close(fds[0]);
	close(pipefd[1]);
	close(fds[1]);
	close(fds[2]);
	return NULL;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--seed N] [--calls N] [--workers N] [--verbose]\n",
		prog);
	exit(KSFT_FAIL);
}

int main(int argc, char **argv)
{
	static struct worker workers[8];
	unsigned long total = 0, undocumented = 0, mismatched = 0;
	unsigned long port_errors = 0, predicted = 0, seen[N_ANSWERS] = { 0 };
	unsigned long uses[N_USES] = { 0 }, use_errors = 0, unused = 0;
	unsigned long calls = DEFAULT_CALLS;
	int nworkers = DEFAULT_WORKERS, i, a, ret, missing_kinds = 0;
	int sockets_before, sockets_after;
	unsigned int missing_answers = 0;
	pthread_t racer;
	double t0, t1;
	bool seeded = false;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
			seeded = true;
		} else if (!strcmp(argv[i], "--calls") && i + 1 < argc) {
			calls = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--workers") && i + 1 < argc) {
			nworkers = atoi(argv[++i]);
			if (nworkers < 1 || nworkers > 8)
				usage(argv[0]);
		} else if (!strcmp(argv[i], "--verbose")) {
			verbose = true;
		} else {
			usage(argv[0]);
		}
	}
	if (!seeded)
		seed = util_clock_seed();

	ksft_print_header();
	ksft_set_plan(7);
	ksft_print_msg("seed %llu (repeat with: %s --seed %llu --calls %lu --workers %d)\n",
		       (unsigned long long)seed, argv[0],
		       (unsigned long long)seed, calls, nworkers);

	dev = util_open_dev_as_root("AF_PACKET, raw sockets, a network namespace");
	ret = util_enter_netns();
	if (ret)
		ksft_exit_fail_msg("network namespace: %s\n", strerror(-ret));
	sockets_before = util_sockets_used();
	page_size = sysconf(_SC_PAGESIZE);
	calls_per_worker = (calls + nworkers - 1) / nworkers;

	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		w->id = i;
		w->rnd = util_seed(seed, i);
		w->arena = mmap(NULL, 4 * page_size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (w->arena == MAP_FAILED)
			fail_setup("mmap");
		if (mprotect(w->arena + 2 * page_size, page_size, PROT_NONE) ||
		    mprotect(w->arena + 3 * page_size, page_size, PROT_READ))
			fail_setup("mprotect");
		make_targets(w);
	}

	t0 = util_now();
	if (sem_init(&racer_go, 0, 0))
		fail_setup("sem_init");
	if (pthread_create(&racer, NULL, racer_main, NULL))
		fail_setup("pthread_create");
	for (i = 0; i < nworkers; i++)
		if (pthread_create(&workers[i].thread, NULL, worker_main,
				   &workers[i]))
			fail_setup("pthread_create");
	for (i = 0; i < nworkers; i++)
		pthread_join(workers[i].thread, NULL);
	racer_stop = 1;
	sem_post(&racer_go);
	pthread_join(racer, NULL);
	t1 = util_now();

	/* Every path dropped its socket reference: all go with their fds. */
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		int j;

		for (j = 0; j < w->ntargets; j++)
			if (w->targets[j].class != T_FRESH &&
			    w->targets[j].class != T_RACY &&
			    w->targets[j].fd >= 0 && w->targets[j].fd != dev)
				close(w->targets[j].fd);
	}
	sockets_after = util_sockets_settle(sockets_before);

	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		total += w->calls;
		undocumented += w->undocumented;
		mismatched += w->mismatched;
		port_errors += w->port_errors;
		predicted += w->predicted;
		for (a = 0; a < N_ANSWERS; a++)
			seen[a] += w->seen[a];
		for (a = 0; a < N_USES; a++)
			uses[a] += w->uses[a];
		use_errors += w->use_errors;
	}
	ksft_print_msg("%lu calls in %.1fs by %d workers; the racer changed fd %d %lu times\n",
		       total, t1 - t0, nworkers, RACY_FD, racer_changes);
	for (a = 0; a < N_ANSWERS; a++)
		ksft_print_msg("  %-18s %lu\n", answers[a].name, seen[a]);
	for (i = 0; i < workers[0].ntargets; i++) {
		unsigned long n = 0;
		int j;

		for (j = 0; j < nworkers; j++)
			n += workers[j].target_calls[i];
		if (verbose || n < 100)
			ksft_print_msg("  fd %-22s %lu calls\n",
				       workers[0].targets[i].name, n);
		missing_kinds += n < 100;
	}
	for (a = 0; a < N_USES; a++) {
		ksft_print_msg("  enrolled, then %-15s %lu\n", use_names[a],
			       uses[a]);
		unused += !uses[a];
	}
	/* What a working fuzzer reaches in any long run. */
	for (a = 0; a < E_E2BIG + 1; a++) {
		if (a == A_EINTR || a == A_EACCES || a == A_EINPROGRESS ||
		    a == A_ENETDOWN || a == A_ENOBUFS)
			continue;	/* need signals, rights or races */
		if (!seen[a]) {
			ksft_print_msg("never answered: %s\n", answers[a].name);
			missing_answers++;
		}
	}

	ksft_test_result(total >= calls, "%lu ioctl calls made (at least %lu)\n",
			 total, calls);
	ksft_test_result(undocumented == 0,
			 "every answer is a documented one (%lu are not)\n",
			 undocumented);
	ksft_test_result(mismatched == 0,
			 "every answer is the one the header's rules give (%lu of %lu predicted exactly; %lu not as predicted)\n",
			 predicted, total, mismatched);
	ksft_test_result(port_errors == 0,
			 "out_port is the socket's port, and a refused bind leaves the socket as it was (%lu errors)\n",
			 port_errors);
	ksft_test_result(sockets_before >= 0 && sockets_after == sockets_before,
			 "no socket outlives its fd: every path dropped its reference (sockets in use: %d before, %d after)\n",
			 sockets_before, sockets_after);
	ksft_test_result(!use_errors && !unused,
			 "an enrolled socket binds by the header's rules, each way it can (%lu errors, %d ways not tried)\n",
			 use_errors, unused);
	ksft_test_result(!missing_kinds && !missing_answers,
			 "every fd kind (%d) and every reachable answer was exercised\n",
			 workers[0].ntargets);
	ksft_finished();
}
