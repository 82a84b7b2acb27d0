// SPDX-License-Identifier: GPL-2.0
/*
 * The bind itself: WSPBIND_IOC_BIND binds a TCP or UDP socket, IPv4 or
 * IPv6, with Winsock's checks and error codes (LPWSPBind) and their
 * precedence: names and their lengths and families, addresses, ports in
 * use, privileged ports, port 0 drawn from the network namespace's
 * net.wspbind.ephemeral_port_range, binds racing each other, cgroup bind
 * programs; and the sockets WSPBind does not serve.
 *
 * Every test runs in a network namespace of its own, with lo up, so ports
 * and sysctls never leak from one test into the next. The tests call the
 * ioctl directly: the uAPI header is the whole contract.
 *
 * Needs root and the wspbind module loaded.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/userfaultfd.h>
#include <linux/wspbind.h>

#include "kselftest_harness.h"
#include "wspbind_util.h"

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND		78
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP		262
#endif

#define RESERVED_SYSCTL		"/proc/sys/net/ipv4/ip_local_reserved_ports"
#define UNPRIV_PORT_SYSCTL	"/proc/sys/net/ipv4/ip_unprivileged_port_start"
#define PING_GROUP_SYSCTL	"/proc/sys/net/ipv4/ping_group_range"

#define PRIV_PORT		80

static bool sock_has_addr(int fd, int family, enum addr_kind kind)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct name n;

	name_init(&n, family, kind, 0);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) ||
	    ss.ss_family != family)
		return false;
	if (family == AF_INET)
		return ((struct sockaddr_in *)&ss)->sin_addr.s_addr ==
		       n.sin.sin_addr.s_addr;
	return !memcmp(&((struct sockaddr_in6 *)&ss)->sin6_addr,
		       &n.sin6.sin6_addr, sizeof(struct in6_addr));
}

static int get_sockopt_int(int fd, int level, int opt)
{
	socklen_t len = sizeof(int);
	int val;

	if (getsockopt(fd, level, opt, &val, &len))
		return -errno;
	return val;
}

/* A WSPBind in another thread. */
struct bind_thread {
	int dev;
	int fd;
	const void *name;
	int namelen;
	pthread_barrier_t *start;
	int wsa;
	__u16 port;
};

static void *bind_thread_fn(void *arg)
{
	struct bind_thread *t = arg;

	if (t->start)
		pthread_barrier_wait(t->start);
	t->wsa = wsp_bind(t->dev, t->fd, 0, t->name, t->namelen, &t->port);
	return NULL;
}

/*
 * The bind itself, for each of {IPv4, IPv6} x {TCP, UDP}: self->fd is a
 * fresh socket of the variant's kind.
 */
FIXTURE(bind) {
	int dev;
	int fd;
	char cgroup[64];	/* a cgroup to remove, if any */
};

FIXTURE_VARIANT(bind) {
	int family;
	int type;
};

INET_VARIANTS(bind);

FIXTURE_SETUP(bind)
{
	const char *skip = env_init(_metadata, &self->dev);

	self->fd = -1;
	if (skip)
		SKIP(return, "%s", skip);
	self->fd = new_socket(variant->family, variant->type, 0);
	if (self->fd < 0 && errno == EAFNOSUPPORT)
		SKIP(return, "no IPv6");
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(bind)
{
	if (self->cgroup[0]) {
		util_write_file(CGROUP_MNT "/cgroup.procs", "0");
		rmdir(self->cgroup);
	}
	if (self->fd >= 0)
		close(self->fd);
	if (self->dev >= 0)
		close(self->dev);
}

/* The variant's kind of socket, with @opt (SO_REUSEADDR...) set if not 0. */
static int variant_socket(const FIXTURE_VARIANT(bind) *variant, int opt)
{
	return new_socket(variant->family, variant->type, opt);
}

/* The other IP family. */
static int other_family(int family)
{
	return family == AF_INET ? AF_INET6 : AF_INET;
}

static int set_range(const char *range)
{
	return util_write_file(WSPBIND_RANGE_SYSCTL, range);
}

TEST_F(bind, explicit_loopback)
{
	__u16 port;

	ASSERT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, TEST_PORT, &port));
	EXPECT_EQ(TEST_PORT, port);
	EXPECT_EQ(TEST_PORT, util_sock_port(self->fd));
	EXPECT_TRUE(sock_has_addr(self->fd, variant->family, ADDR_LOOPBACK));
}

TEST_F(bind, explicit_any)
{
	__u16 port;

	ASSERT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_ANY, TEST_PORT, &port));
	EXPECT_EQ(TEST_PORT, port);
	EXPECT_EQ(TEST_PORT, util_sock_port(self->fd));
	EXPECT_TRUE(sock_has_addr(self->fd, variant->family, ADDR_ANY));
}

/* The bound socket works: TCP accepts a connection, UDP receives. */
TEST_F(bind, bound_socket_works)
{
	struct name n;
	int peer, len;
	char c = 'x';

	ASSERT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, TEST_PORT, NULL));
	len = name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	peer = variant_socket(variant, 0);
	ASSERT_LE(0, peer);
	if (variant->type == SOCK_STREAM) {
		int conn;

		ASSERT_EQ(0, listen(self->fd, 1));
		ASSERT_EQ(0, connect(peer, (struct sockaddr *)&n, len));
		conn = accept(self->fd, NULL, NULL);
		ASSERT_LE(0, conn);
		close(conn);
	} else {
		ASSERT_EQ(1, sendto(peer, &c, 1, 0, (struct sockaddr *)&n, len));
		c = 0;
		ASSERT_EQ(1, recv(self->fd, &c, 1, 0));
		EXPECT_EQ('x', c);
	}
	close(peer);
}

TEST_F(bind, ephemeral_default_range)
{
	__u16 port;

	ASSERT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, 0, &port));
	EXPECT_LE(WSPBIND_RANGE_LOW, port);
	EXPECT_GE(WSPBIND_RANGE_HIGH, port);
	EXPECT_EQ(port, util_sock_port(self->fd));
	EXPECT_TRUE(sock_has_addr(self->fd, variant->family, ADDR_LOOPBACK));
}

TEST_F(bind, ephemeral_any)
{
	__u16 port;

	ASSERT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_ANY, 0, &port));
	EXPECT_LE(WSPBIND_RANGE_LOW, port);
	EXPECT_GE(WSPBIND_RANGE_HIGH, port);
	EXPECT_EQ(port, util_sock_port(self->fd));
}

TEST_F(bind, family_winsock_numbering)
{
	struct name n;
	int len = name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	__u16 port;

	n.family = variant->family == AF_INET6 ? WSPBIND_WS_AF_INET6 :
						 WSPBIND_WS_AF_INET;
	EXPECT_EQ(0, do_bind(_metadata, self->dev, self->fd,
			     WSPBIND_BIND_WINSOCK_AF, &n, len, &port));
	EXPECT_EQ(TEST_PORT, port);
	EXPECT_EQ(TEST_PORT, util_sock_port(self->fd));
}

TEST_F(bind, family_linux_numbering)
{
	struct name n;
	int len = name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	__u16 port;

	EXPECT_EQ(variant->family, n.family);
	EXPECT_EQ(0, do_bind(_metadata, self->dev, self->fd, 0, &n, len,
			     &port));
	EXPECT_EQ(TEST_PORT, port);
}

struct family_case {
	__u16 family;
	__u32 flags;
};

/* Each name is long enough for either family: only the family is wrong. */
static void expect_family_refused(struct __test_metadata *_metadata,
				  int dev, int fd, int family,
				  const struct family_case *cases, int count)
{
	struct name n;
	int i;

	for (i = 0; i < count; i++) {
		name_init(&n, family, ADDR_ANY, TEST_PORT);
		n.family = cases[i].family;
		EXPECT_EQ(WSPBIND_WSAEFAULT,
			  do_bind(_metadata, dev, fd, cases[i].flags, &n,
				  name_len(AF_INET6), NULL))
			TH_LOG("family %#x, flags %#x", cases[i].family,
			       cases[i].flags);
	}
	expect_usable(_metadata, dev, fd, family);
}

/* Linux's AF_INET6 (10) under WSPBIND_BIND_WINSOCK_AF, Winsock's (23) without. */
TEST_F(bind, family_wrong_numbering)
{
	static const struct family_case cases[] = {
		{ AF_INET6, WSPBIND_BIND_WINSOCK_AF },
		{ WSPBIND_WS_AF_INET6, 0 },
	};

	if (variant->family != AF_INET6)
		SKIP(return, "AF_INET is 2 in both numberings");
	expect_family_refused(_metadata, self->dev, self->fd, variant->family,
			      cases, ARRAY_SIZE(cases));
}

TEST_F(bind, family_other)
{
	const struct family_case ip4[] = {
		{ AF_INET6, 0 },
		{ WSPBIND_WS_AF_INET6, WSPBIND_BIND_WINSOCK_AF },
	};
	const struct family_case ip6[] = {
		{ AF_INET, 0 },
		{ WSPBIND_WS_AF_INET, WSPBIND_BIND_WINSOCK_AF },
	};

	if (variant->family == AF_INET)
		expect_family_refused(_metadata, self->dev, self->fd, AF_INET,
				      ip4, ARRAY_SIZE(ip4));
	else
		expect_family_refused(_metadata, self->dev, self->fd, AF_INET6,
				      ip6, ARRAY_SIZE(ip6));
}

/* AF_UNSPEC too, which Linux's bind(2) takes as AF_INET with INADDR_ANY. */
TEST_F(bind, family_unknown)
{
	static const struct family_case cases[] = {
		{ 0xdead, 0 },
		{ 0xdead, WSPBIND_BIND_WINSOCK_AF },
		{ AF_UNSPEC, 0 },
		{ AF_UNSPEC, WSPBIND_BIND_WINSOCK_AF },
		{ AF_UNIX, 0 },
		{ 0xffff, 0 },
	};

	expect_family_refused(_metadata, self->dev, self->fd, variant->family,
			      cases, ARRAY_SIZE(cases));
}

TEST_F(bind, namelen_negative)
{
	static const int lens[] = { -1, -28, INT_MIN };
	struct name n;
	unsigned int i;

	name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		EXPECT_EQ(WSPBIND_WSAEFAULT,
			  do_bind(_metadata, self->dev, self->fd, 0, &n,
				  lens[i], NULL))
			TH_LOG("namelen %d", lens[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, variant->family);
}

/* For IPv6 that includes 24, the RFC 2133 size Linux's bind(2) accepts. */
TEST_F(bind, namelen_too_short)
{
	const int need = name_len(variant->family);
	const int lens[] = { 0, 1, 2, 24, need - 1 };
	struct name n;
	unsigned int i;

	name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		if (lens[i] >= need)
			continue;
		EXPECT_EQ(WSPBIND_WSAEFAULT,
			  do_bind(_metadata, self->dev, self->fd, 0, &n,
				  lens[i], NULL))
			TH_LOG("namelen %d", lens[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, variant->family);
}

TEST_F(bind, namelen_exact)
{
	struct name n;
	int len = name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	__u16 port;

	EXPECT_EQ(0, do_bind(_metadata, self->dev, self->fd, 0, &n, len,
			     &port));
	EXPECT_EQ(TEST_PORT, port);
}

TEST_F(bind, namelen_name_max)
{
	struct name n;
	__u16 port;

	name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	EXPECT_EQ(0, do_bind(_metadata, self->dev, self->fd, 0, &n,
			     WSPBIND_NAME_MAX, &port));
	EXPECT_EQ(TEST_PORT, port);
}

/* Past WSPBIND_NAME_MAX nothing is read: the name ends where memory does. */
TEST_F(bind, namelen_beyond_name_max)
{
	static const int lens[] = {
		WSPBIND_NAME_MAX + 1, 4096, 100000, INT_MAX,
	};
	char *name = map_guarded(_metadata) - WSPBIND_NAME_MAX;
	struct name n;
	unsigned int i;
	__u16 port;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		int fd = i ? variant_socket(variant, 0) : self->fd;

		ASSERT_LE(0, fd);
		name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT + i);
		memcpy(name, &n, WSPBIND_NAME_MAX);
		EXPECT_EQ(0, do_bind(_metadata, self->dev, fd, 0, name,
				     lens[i], &port))
			TH_LOG("namelen %d", lens[i]);
		EXPECT_EQ(TEST_PORT + i, port);
		if (fd != self->fd)
			close(fd);
	}
}

TEST_F(bind, name_null)
{
	EXPECT_EQ(WSPBIND_WSAEFAULT,
		  do_bind(_metadata, self->dev, self->fd, 0, NULL,
			  name_len(variant->family), NULL));
	expect_usable(_metadata, self->dev, self->fd, variant->family);
}

/* The name starts in readable memory and runs into a PROT_NONE page. */
TEST_F(bind, name_partly_unreadable)
{
	const int need = name_len(variant->family);
	const int readable[] = { 2, need - 1 };
	char *end = map_guarded(_metadata);
	struct name n;
	unsigned int i;

	name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	for (i = 0; i < ARRAY_SIZE(readable); i++) {
		memcpy(end - readable[i], &n, readable[i]);
		EXPECT_EQ(WSPBIND_WSAEFAULT,
			  do_bind(_metadata, self->dev, self->fd, 0,
				  end - readable[i], need, NULL))
			TH_LOG("%d bytes readable", readable[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, variant->family);
}

TEST_F(bind, name_unreadable)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *end = map_guarded(_metadata);
	char *unmapped;
	struct name n;
	struct {
		const char *what;
		__u64 name;
	} cases[] = {
		{ "PROT_NONE page", (uintptr_t)end },
		{ "unmapped page", 0 },
		{ "bit 63 set", (1ULL << 63) | (uintptr_t)&n },
		/* A 32-bit caller's pointer is not cut to 32 bits. */
		{ "4 GiB above a good name", (1ULL << 32) | (uintptr_t)&n },
	};
	unsigned int i, count = ARRAY_SIZE(cases);
	struct wspbind_bind req;

	unmapped = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(unmapped != MAP_FAILED);
	ASSERT_EQ(0, munmap(unmapped, ps));
	cases[1].name = (uintptr_t)unmapped;
	if (sizeof(void *) > 4)
		count--;	/* may be mapped in a 64-bit process */

	name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	for (i = 0; i < count; i++) {
		req_init(&req, self->fd, 0, NULL, name_len(variant->family));
		req.name = cases[i].name;
		EXPECT_EQ(WSPBIND_WSAEFAULT, wsp_request(self->dev, &req))
			TH_LOG("%s", cases[i].what);
		EXPECT_EQ(0, req.out_port);
	}
	expect_usable(_metadata, self->dev, self->fd, variant->family);
}

/* Exactly what namelen says is read, up to the last readable byte. */
TEST_F(bind, name_at_end_of_mapping)
{
	const int need = name_len(variant->family);
	char *name = map_guarded(_metadata) - need;
	struct name n;
	__u16 port;

	name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	memcpy(name, &n, need);
	EXPECT_EQ(0, do_bind(_metadata, self->dev, self->fd, 0, name, need,
			     &port));
	EXPECT_EQ(TEST_PORT, port);
}

TEST_F(bind, already_bound)
{
	__u16 port;

	ASSERT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, TEST_PORT, NULL));
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT + 1, &port));
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_LOOPBACK, 0, &port));
	EXPECT_EQ(TEST_PORT, util_sock_port(self->fd));
}

TEST_F(bind, already_bound_by_bind_syscall)
{
	ASSERT_EQ(0, sys_bind(self->fd, variant->family, ADDR_LOOPBACK,
			      TEST_PORT));
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT + 1, NULL));
	EXPECT_EQ(TEST_PORT, util_sock_port(self->fd));
}

/* listen() without bind() picks a port. */
TEST_F(bind, listening)
{
	int port;

	if (variant->type != SOCK_STREAM)
		SKIP(return, "UDP does not listen");
	ASSERT_EQ(0, listen(self->fd, 1));
	port = util_sock_port(self->fd);
	ASSERT_LT(0, port);
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT, NULL));
	EXPECT_EQ(port, util_sock_port(self->fd));
}

TEST_F(bind, connected)
{
	int listener = -1, port;
	struct name n;
	int len;

	len = name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT + 1);
	if (variant->type == SOCK_STREAM) {
		listener = variant_socket(variant, 0);
		ASSERT_LE(0, listener);
		ASSERT_EQ(0, sys_bind(listener, variant->family, ADDR_LOOPBACK,
				      TEST_PORT + 1));
		ASSERT_EQ(0, listen(listener, 1));
	}
	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&n, len));
	port = util_sock_port(self->fd);
	ASSERT_LT(0, port);
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT, NULL));
	EXPECT_EQ(port, util_sock_port(self->fd));
	if (listener >= 0)
		close(listener);
}

TEST_F(bind, addr_in_use)
{
	static const struct {
		enum addr_kind holder, kind;
	} cases[] = {
		{ ADDR_LOOPBACK, ADDR_LOOPBACK },
		{ ADDR_ANY, ADDR_LOOPBACK },
		{ ADDR_LOOPBACK, ADDR_ANY },
		{ ADDR_ANY, ADDR_ANY },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int holder = variant_socket(variant, 0);

		ASSERT_LE(0, holder);
		ASSERT_EQ(0, sys_bind(holder, variant->family, cases[i].holder,
				      TEST_PORT));
		EXPECT_EQ(WSPBIND_WSAEADDRINUSE,
			  bind_addr(_metadata, self->dev, self->fd,
				    variant->family, cases[i].kind, TEST_PORT,
				    NULL))
			TH_LOG("case %u", i);
		close(holder);
	}
	expect_usable(_metadata, self->dev, self->fd, variant->family);
}

/* A dual-stack IPv6 wildcard and an IPv4 wildcard share a port space. */
TEST_F(bind, addr_in_use_dual_stack)
{
	int holder = new_socket(other_family(variant->family), variant->type,
				0);

	ASSERT_LE(0, holder);
	ASSERT_EQ(0, sys_bind(holder, other_family(variant->family), ADDR_ANY,
			      TEST_PORT));
	EXPECT_EQ(WSPBIND_WSAEADDRINUSE,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_ANY, TEST_PORT, NULL));
	expect_usable(_metadata, self->dev, self->fd, variant->family);
	close(holder);
}

/* SO_REUSEADDR shares a port only when both sockets set it. */
TEST_F(bind, addr_in_use_reuseaddr_one_side)
{
	int holder = variant_socket(variant, 0);
	int fd = variant_socket(variant, SO_REUSEADDR);

	ASSERT_LE(0, holder);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sys_bind(holder, variant->family, ADDR_LOOPBACK,
			      TEST_PORT));
	EXPECT_EQ(WSPBIND_WSAEADDRINUSE,
		  bind_addr(_metadata, self->dev, fd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT, NULL));
	expect_usable(_metadata, self->dev, fd, variant->family);
	close(fd);
	close(holder);
}

/* ... and never with a TCP listener. */
TEST_F(bind, addr_in_use_reuseaddr_listener)
{
	int holder = variant_socket(variant, SO_REUSEADDR);
	int fd = variant_socket(variant, SO_REUSEADDR);

	if (variant->type != SOCK_STREAM)
		SKIP(return, "UDP does not listen");
	ASSERT_LE(0, holder);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sys_bind(holder, variant->family, ADDR_LOOPBACK,
			      TEST_PORT));
	ASSERT_EQ(0, listen(holder, 1));
	EXPECT_EQ(WSPBIND_WSAEADDRINUSE,
		  bind_addr(_metadata, self->dev, fd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT, NULL));
	expect_usable(_metadata, self->dev, fd, variant->family);
	close(fd);
	close(holder);
}

static void expect_port_shared(struct __test_metadata *_metadata, int dev,
			       const FIXTURE_VARIANT(bind) *variant, int opt)
{
	int holder = variant_socket(variant, opt);
	int fd = variant_socket(variant, opt);
	__u16 port;

	ASSERT_LE(0, holder);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sys_bind(holder, variant->family, ADDR_LOOPBACK,
			      TEST_PORT));
	EXPECT_EQ(0, bind_addr(_metadata, dev, fd, variant->family,
			       ADDR_LOOPBACK, TEST_PORT, &port));
	EXPECT_EQ(TEST_PORT, port);
	close(fd);
	close(holder);
}

/* Both with SO_REUSEADDR, neither listening: bind(2) shares the port. */
TEST_F(bind, reuseaddr_shared)
{
	expect_port_shared(_metadata, self->dev, variant, SO_REUSEADDR);
}

TEST_F(bind, reuseport_shared)
{
	expect_port_shared(_metadata, self->dev, variant, SO_REUSEPORT);
}

TEST_F(bind, addr_not_local)
{
	static const int ports[] = { TEST_PORT, 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		EXPECT_EQ(WSPBIND_WSAEADDRNOTAVAIL,
			  bind_addr(_metadata, self->dev, self->fd,
				    variant->family, ADDR_FOREIGN, ports[i],
				    NULL))
			TH_LOG("port %d", ports[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, variant->family);
}

/* IP_FREEBIND lifts the check, as for bind(2). */
TEST_F(bind, freebind_not_local)
{
	int one = 1;
	__u16 port;

	if (variant->family == AF_INET) {
		ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_IP, IP_FREEBIND,
					&one, sizeof(one)));
	} else {
		ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_IPV6, IPV6_FREEBIND,
					&one, sizeof(one)));
	}
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, self->fd,
			       variant->family, ADDR_FOREIGN, TEST_PORT,
			       &port));
	EXPECT_EQ(TEST_PORT, port);
	EXPECT_TRUE(sock_has_addr(self->fd, variant->family, ADDR_FOREIGN));
}

TEST_F(bind, scope_id_unknown)
{
	struct name n;
	int len;

	if (variant->family != AF_INET6)
		SKIP(return, "IPv6 only");
	len = name_init(&n, AF_INET6, ADDR_ANY, TEST_PORT);
	n.sin6.sin6_addr.s6_addr[0] = 0xfe;
	n.sin6.sin6_addr.s6_addr[1] = 0x80;
	n.sin6.sin6_addr.s6_addr[15] = 1;
	n.sin6.sin6_scope_id = 12345;
	EXPECT_EQ(WSPBIND_WSAEADDRNOTAVAIL,
		  do_bind(_metadata, self->dev, self->fd, 0, &n, len, NULL));
	EXPECT_EQ(0, util_sock_port(self->fd));
}

TEST_F(bind, v4_mapped)
{
	struct name n;
	int len;
	__u16 port;

	if (variant->family != AF_INET6)
		SKIP(return, "IPv6 only");
	len = name_init(&n, AF_INET6, ADDR_ANY, TEST_PORT);
	n.sin6.sin6_addr.s6_addr[10] = 0xff;
	n.sin6.sin6_addr.s6_addr[11] = 0xff;
	n.sin6.sin6_addr.s6_addr[12] = 127;
	n.sin6.sin6_addr.s6_addr[15] = 1;
	EXPECT_EQ(0, do_bind(_metadata, self->dev, self->fd, 0, &n, len,
			     &port));
	EXPECT_EQ(TEST_PORT, port);
}

TEST_F(bind, privileged_port_as_root)
{
	__u16 port;

	EXPECT_EQ(0, bind_addr(_metadata, self->dev, self->fd,
			       variant->family, ADDR_LOOPBACK, PRIV_PORT,
			       &port));
	EXPECT_EQ(PRIV_PORT, port);
}

/* Then a port above 1023 on the same socket works. */
TEST_F(bind, privileged_port_unprivileged)
{
	struct bind_job *job = job_new(_metadata, self->dev, variant->family,
				       variant->type);

	job->drop_privs = true;
	job_step(job, ADDR_LOOPBACK, PRIV_PORT, true);
	job_step(job, ADDR_LOOPBACK, 40000, false);
	job_run(_metadata, job);
	EXPECT_EQ(WSPBIND_WSAEACCES, job->wsa[0]);
	EXPECT_EQ(0, job->port[0]);
	EXPECT_EQ(0, job->wsa[1]);
	EXPECT_EQ(40000, job->port[1]);
}

/* The namespace's net.ipv4.ip_unprivileged_port_start counts. */
TEST_F(bind, privileged_port_start_lowered)
{
	struct bind_job *job = job_new(_metadata, self->dev, variant->family,
				       variant->type);

	ASSERT_EQ(0, util_write_file(UNPRIV_PORT_SYSCTL, "80"));
	job->drop_privs = true;
	job_step(job, ADDR_LOOPBACK, PRIV_PORT, true);
	job_run(_metadata, job);
	EXPECT_EQ(0, job->wsa[0]);
	EXPECT_EQ(PRIV_PORT, job->port[0]);
}

/* An unprivileged port 0 skips the range's privileged ports. */
TEST_F(bind, ephemeral_unprivileged)
{
	struct bind_job *job = job_new(_metadata, self->dev, variant->family,
				       variant->type);

	ASSERT_EQ(0, set_range("1023 1024"));
	job->drop_privs = true;
	job_step(job, ADDR_LOOPBACK, 0, true);
	job_step(job, ADDR_LOOPBACK, 0, true);
	job_run(_metadata, job);
	EXPECT_EQ(0, job->wsa[0]);
	EXPECT_EQ(1024, job->port[0]);
	EXPECT_EQ(WSPBIND_WSAENOBUFS, job->wsa[1]);
	EXPECT_EQ(0, job->port[1]);
}

/* Precedence: a socket with a port fails before its name is read. */
TEST_F(bind, precedence_fault_before_inval)
{
	ASSERT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, TEST_PORT, NULL));
	EXPECT_EQ(WSPBIND_WSAEFAULT,
		  do_bind(_metadata, self->dev, self->fd, 0, NULL,
			  name_len(variant->family), NULL));
	EXPECT_EQ(WSPBIND_WSAEFAULT,
		  bind_addr(_metadata, self->dev, self->fd,
			    other_family(variant->family), ADDR_LOOPBACK,
			    TEST_PORT, NULL));
}

TEST_F(bind, precedence_inval_before_addrnotavail)
{
	ASSERT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, TEST_PORT, NULL));
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_FOREIGN, TEST_PORT, NULL));
}

TEST_F(bind, precedence_inval_before_addrinuse)
{
	int holder = variant_socket(variant, 0);

	ASSERT_LE(0, holder);
	ASSERT_EQ(0, sys_bind(holder, variant->family, ADDR_LOOPBACK,
			      TEST_PORT + 1));
	ASSERT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, TEST_PORT, NULL));
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT + 1, NULL));
	close(holder);
}

TEST_F(bind, precedence_inval_before_acces)
{
	struct bind_job *job = job_new(_metadata, self->dev, variant->family,
				       variant->type);

	job->drop_privs = true;
	job_step(job, ADDR_LOOPBACK, 40000, true);
	job_step(job, ADDR_LOOPBACK, PRIV_PORT, false);
	job_run(_metadata, job);
	EXPECT_EQ(0, job->wsa[0]);
	EXPECT_EQ(WSPBIND_WSAEINVAL, job->wsa[1]);
}

/* The header's table puts the port's privilege before the address. */
/*
 * The bind's own checks come in bind(2)'s order, which differs by family:
 * IPv4 tests the address before the port's privilege, IPv6 after.
 */
TEST_F(bind, precedence_of_acces_and_addrnotavail)
{
	struct bind_job *job = job_new(_metadata, self->dev, variant->family,
				       variant->type);

	job->drop_privs = true;
	job_step(job, ADDR_FOREIGN, PRIV_PORT, true);
	job_run(_metadata, job);
	EXPECT_EQ(variant->family == AF_INET ? WSPBIND_WSAEADDRNOTAVAIL :
					       WSPBIND_WSAEACCES, job->wsa[0]);
	EXPECT_EQ(0, job->port[0]);
}

TEST_F(bind, precedence_acces_before_addrinuse)
{
	struct bind_job *job = job_new(_metadata, self->dev, variant->family,
				       variant->type);

	ASSERT_EQ(0, sys_bind(self->fd, variant->family, ADDR_LOOPBACK,
			      PRIV_PORT));
	job->drop_privs = true;
	job_step(job, ADDR_LOOPBACK, PRIV_PORT, true);
	job_run(_metadata, job);
	EXPECT_EQ(WSPBIND_WSAEACCES, job->wsa[0]);
}

/*
 * WSAEINPROGRESS, made deterministic: the first call claims the socket,
 * then faults on @name, which lies in a userfaultfd page nobody has filled
 * yet; while it waits, a second call on the same socket is refused.
 */
TEST_F(bind, in_progress)
{
	long ps = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {};
	struct uffdio_copy copy = {};
	struct bind_thread t = {};
	struct uffd_msg msg;
	struct pollfd pfd;
	pthread_t thread;
	char *page, *src;
	int uffd, other, dupfd, len;
	struct name n;
	__u16 port;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	page = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(page != MAP_FAILED);
	reg.range.start = (uintptr_t)page;
	reg.range.len = ps;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));

	len = name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	t.dev = self->dev;
	t.fd = self->fd;
	t.name = page;
	t.namelen = len;
	ASSERT_EQ(0, pthread_create(&thread, NULL, bind_thread_fn, &t));

	pfd.fd = uffd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 10000))
		TH_LOG("the first call never read its name");
	ASSERT_EQ((ssize_t)sizeof(msg), read(uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);

	/* With a good name, through another fd, and with no name at all. */
	EXPECT_EQ(WSPBIND_WSAEINPROGRESS,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT + 1, NULL));
	dupfd = dup(self->fd);
	ASSERT_LE(0, dupfd);
	EXPECT_EQ(WSPBIND_WSAEINPROGRESS,
		  bind_addr(_metadata, self->dev, dupfd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT + 1, NULL));
	EXPECT_EQ(WSPBIND_WSAEINPROGRESS,
		  do_bind(_metadata, self->dev, self->fd, 0, NULL, -1, NULL));

	/* Other sockets are not held up. */
	other = variant_socket(variant, 0);
	ASSERT_LE(0, other);
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, other, variant->family,
			       ADDR_LOOPBACK, 0, &port));

	src = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(src != MAP_FAILED);
	memcpy(src, &n, len);
	copy.dst = (uintptr_t)page;
	copy.src = (uintptr_t)src;
	copy.len = ps;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_COPY, &copy));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, t.wsa);
	EXPECT_EQ(TEST_PORT, t.port);
	EXPECT_EQ(TEST_PORT, util_sock_port(self->fd));

	/* Over: the socket is simply bound now. */
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  bind_addr(_metadata, self->dev, dupfd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT + 1, NULL));
	close(other);
	close(dupfd);
	close(uffd);
}

/*
 * Port 0 gives a port no other socket holds on an overlapping address,
 * whatever SO_REUSEADDR and SO_REUSEPORT say.
 */
static void expect_ephemeral_unique(struct __test_metadata *_metadata,
				    int dev,
				    const FIXTURE_VARIANT(bind) *variant,
				    int opt)
{
	__u16 port[3];
	int fd[3], i;

	ASSERT_EQ(0, set_range("40000 40001"));
	for (i = 0; i < 3; i++) {
		fd[i] = variant_socket(variant, opt);
		ASSERT_LE(0, fd[i]);
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, bind_addr(_metadata, dev, fd[i], variant->family,
				       ADDR_LOOPBACK, 0, &port[i]));
		EXPECT_LE(40000, port[i]);
		EXPECT_GE(40001, port[i]);
		EXPECT_EQ(port[i], util_sock_port(fd[i]));
	}
	EXPECT_NE(port[0], port[1]);
	EXPECT_EQ(WSPBIND_WSAENOBUFS,
		  bind_addr(_metadata, dev, fd[2], variant->family,
			    ADDR_LOOPBACK, 0, NULL));
	expect_usable(_metadata, dev, fd[2], variant->family);
	for (i = 0; i < 3; i++)
		close(fd[i]);
}

TEST_F(bind, ephemeral_exhausted)
{
	expect_ephemeral_unique(_metadata, self->dev, variant, 0);
}

TEST_F(bind, ephemeral_unique_reuseaddr)
{
	expect_ephemeral_unique(_metadata, self->dev, variant, SO_REUSEADDR);
}

TEST_F(bind, ephemeral_unique_reuseport)
{
	expect_ephemeral_unique(_metadata, self->dev, variant, SO_REUSEPORT);
}

/*
 * Linux's SO_REUSEADDR and SO_REUSEPORT do not decide a WSPBind. A failed
 * search gives them back as they were; a socket it binds keeps its own
 * SO_REUSEADDR and carries SO_REUSEPORT (the mark of a socket without
 * SO_EXCLUSIVEADDRUSE), never SK_FORCE_REUSE.
 */
TEST_F(bind, ephemeral_keeps_reuse_options)
{
	int a = variant_socket(variant, SO_REUSEADDR);
	int b = variant_socket(variant, SO_REUSEADDR);
	int one = 1;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, setsockopt(a, SOL_SOCKET, SO_REUSEPORT, &one,
				sizeof(one)));
	ASSERT_EQ(0, setsockopt(b, SOL_SOCKET, SO_REUSEPORT, &one,
				sizeof(one)));
	ASSERT_EQ(0, set_range("40000 40000"));

	EXPECT_EQ(0, bind_addr(_metadata, self->dev, a, variant->family,
			       ADDR_LOOPBACK, 0, NULL));
	EXPECT_EQ(WSPBIND_WSAENOBUFS,
		  bind_addr(_metadata, self->dev, b, variant->family,
			    ADDR_LOOPBACK, 0, NULL));
	EXPECT_EQ(1, get_sockopt_int(a, SOL_SOCKET, SO_REUSEADDR));
	EXPECT_EQ(1, get_sockopt_int(a, SOL_SOCKET, SO_REUSEPORT));
	EXPECT_EQ(1, get_sockopt_int(b, SOL_SOCKET, SO_REUSEADDR));
	EXPECT_EQ(1, get_sockopt_int(b, SOL_SOCKET, SO_REUSEPORT));
	/* and b, with no Winsock option, may not share a's address. */
	EXPECT_EQ(WSPBIND_WSAEADDRINUSE,
		  bind_addr(_metadata, self->dev, b, variant->family,
			    ADDR_LOOPBACK, 40000, NULL));
	close(a);
	close(b);
}

TEST_F(bind, ephemeral_freed_port_reused)
{
	__u16 port[2], again;
	int fd[3], i;

	ASSERT_EQ(0, set_range("40000 40001"));
	for (i = 0; i < 3; i++) {
		fd[i] = variant_socket(variant, 0);
		ASSERT_LE(0, fd[i]);
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, bind_addr(_metadata, self->dev, fd[i],
				       variant->family, ADDR_LOOPBACK, 0,
				       &port[i]));
	}
	ASSERT_EQ(WSPBIND_WSAENOBUFS,
		  bind_addr(_metadata, self->dev, fd[2], variant->family,
			    ADDR_LOOPBACK, 0, NULL));
	close(fd[0]);
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, fd[2], variant->family,
			       ADDR_LOOPBACK, 0, &again));
	EXPECT_EQ(port[0], again);
	close(fd[1]);
	close(fd[2]);
}

/* A port taken by bind(2), on the wildcard and with SO_REUSEADDR, is skipped. */
TEST_F(bind, ephemeral_skips_busy)
{
	int holder = variant_socket(variant, SO_REUSEADDR);
	int a = variant_socket(variant, SO_REUSEADDR);
	int b = variant_socket(variant, SO_REUSEADDR);
	__u16 port;

	ASSERT_LE(0, holder);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, set_range("40000 40001"));
	ASSERT_EQ(0, sys_bind(holder, variant->family, ADDR_ANY, 40000));
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, a, variant->family,
			       ADDR_LOOPBACK, 0, &port));
	EXPECT_EQ(40001, port);
	EXPECT_EQ(WSPBIND_WSAENOBUFS,
		  bind_addr(_metadata, self->dev, b, variant->family,
			    ADDR_LOOPBACK, 0, NULL));
	close(holder);
	close(a);
	close(b);
}

/*
 * Winsock's port-0 ports are unique on the machine, not per address: a
 * port another socket holds on an address that does not overlap this
 * one's is not given for port 0, though it can still be asked for by
 * number. (IPv6-only on the IPv6 side keeps the two addresses apart.)
 */
TEST_F(bind, ephemeral_unique_across_addresses)
{
	int other = other_family(variant->family);
	int holder = new_socket(other, variant->type, 0);
	int v6only = variant->family == AF_INET6 ? self->fd : holder;
	int one = 1;
	__u16 port;

	ASSERT_LE(0, holder);
	ASSERT_EQ(0, setsockopt(v6only, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				sizeof(one)));
	ASSERT_EQ(0, set_range("40000 40000"));
	ASSERT_EQ(0, sys_bind(holder, other, ADDR_LOOPBACK, 40000));
	EXPECT_EQ(WSPBIND_WSAENOBUFS,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_LOOPBACK, 0, NULL));
	EXPECT_EQ(0, util_sock_port(self->fd));
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, 40000, &port));
	EXPECT_EQ(40000, port);
	close(holder);
}

TEST_F(bind, ephemeral_reserved_ports)
{
	__u16 port[2];
	int fd[3], i;

	ASSERT_EQ(0, set_range("40000 40002"));
	ASSERT_EQ(0, util_write_file(RESERVED_SYSCTL, "40001"));
	for (i = 0; i < 3; i++) {
		fd[i] = variant_socket(variant, 0);
		ASSERT_LE(0, fd[i]);
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, bind_addr(_metadata, self->dev, fd[i],
				       variant->family, ADDR_LOOPBACK, 0,
				       &port[i]));
	}
	EXPECT_EQ(40000 + 40002, port[0] + port[1]);
	EXPECT_NE(40001, port[0]);
	EXPECT_NE(40001, port[1]);
	EXPECT_EQ(WSPBIND_WSAENOBUFS,
		  bind_addr(_metadata, self->dev, fd[2], variant->family,
			    ADDR_LOOPBACK, 0, NULL));
	/* A reserved port can still be asked for by number. */
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, fd[2], variant->family,
			       ADDR_LOOPBACK, 40001, NULL));
	for (i = 0; i < 3; i++)
		close(fd[i]);
}

TEST_F(bind, ephemeral_single_port)
{
	__u16 port;

	ASSERT_EQ(0, set_range("2000 2000"));
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, 0, &port));
	EXPECT_EQ(2000, port);
}

#define RACERS 8

/* Concurrent port-0 binds with SO_REUSEADDR never share a port. */
TEST_F(bind, ephemeral_concurrent)
{
	struct bind_thread t[RACERS];
	pthread_t thread[RACERS];
	pthread_barrier_t start;
	struct name n;
	int i, j, len;

	ASSERT_EQ(0, set_range("40000 40007"));
	len = name_init(&n, variant->family, ADDR_LOOPBACK, 0);
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, RACERS));
	for (i = 0; i < RACERS; i++) {
		t[i] = (struct bind_thread){
			.dev = self->dev,
			.fd = variant_socket(variant, SO_REUSEADDR),
			.name = &n,
			.namelen = len,
			.start = &start,
		};
		ASSERT_LE(0, t[i].fd);
	}
	for (i = 0; i < RACERS; i++) {
		ASSERT_EQ(0, pthread_create(&thread[i], NULL, bind_thread_fn,
					    &t[i]));
	}
	for (i = 0; i < RACERS; i++)
		pthread_join(thread[i], NULL);
	for (i = 0; i < RACERS; i++) {
		EXPECT_EQ(0, t[i].wsa) TH_LOG("racer %d", i);
		EXPECT_LE(40000, t[i].port);
		EXPECT_GE(40007, t[i].port);
		for (j = 0; j < i; j++) {
			EXPECT_NE(t[j].port, t[i].port)
				TH_LOG("racers %d and %d", j, i);
		}
	}
	EXPECT_EQ(WSPBIND_WSAENOBUFS,
		  bind_addr(_metadata, self->dev, self->fd, variant->family,
			    ADDR_LOOPBACK, 0, NULL));
	for (i = 0; i < RACERS; i++)
		close(t[i].fd);
	pthread_barrier_destroy(&start);
}

/* A cgroup/bind{4,6} program that refuses every bind. */
static int bpf_deny_bind(enum bpf_attach_type type)
{
	static const struct bpf_insn insns[] = {
		/* r0 = 0; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return util_bpf_bind_prog(type, insns, ARRAY_SIZE(insns));
}

/*
 * The bind runs as bind(2) would, so the socket's cgroup BPF bind hook
 * applies: its refusal is WSAEACCES. cgroup2 is mounted in a mount
 * namespace of the test's own.
 */
TEST_F(bind, cgroup_bpf_refuses)
{
	enum bpf_attach_type type = variant->family == AF_INET ?
				    BPF_CGROUP_INET4_BIND :
				    BPF_CGROUP_INET6_BIND;
	char procs[96];
	int prog, cgroup, fd, ret;

	prog = bpf_deny_bind(type);
	if (prog < 0)
		SKIP(return, "BPF_PROG_LOAD: %s", strerror(errno));
	ret = util_cgroup2_mount();
	if (ret)
		SKIP(return, "cannot mount cgroup2: %s", strerror(-ret));

	snprintf(self->cgroup, sizeof(self->cgroup),
		 CGROUP_MNT "/wspbind_test.%d", getpid());
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", self->cgroup);
	ASSERT_EQ(0, mkdir(self->cgroup, 0755));
	cgroup = open(self->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, cgroup);
	ASSERT_EQ(0, util_bpf_cgroup(BPF_PROG_ATTACH, prog, cgroup, type));

	/* A socket belongs to the cgroup it was made in. */
	ASSERT_EQ(0, util_write_pid(procs));
	fd = variant_socket(variant, 0);
	ASSERT_EQ(0, util_write_pid(CGROUP_MNT "/cgroup.procs"));
	ASSERT_LE(0, fd);

	EXPECT_EQ(WSPBIND_WSAEACCES,
		  bind_addr(_metadata, self->dev, fd, variant->family,
			    ADDR_LOOPBACK, TEST_PORT, NULL));
	ASSERT_EQ(0, util_bpf_cgroup(BPF_PROG_DETACH, prog, cgroup, type));
	expect_usable(_metadata, self->dev, fd, variant->family);
	close(fd);
	close(cgroup);
	close(prog);
}

/* The range is the socket's namespace's, not the caller's. */
TEST_F(bind, ephemeral_socket_netns)
{
	__u16 port;

	ASSERT_EQ(0, set_range("41000 41000"));
	ASSERT_EQ(0, util_enter_netns());
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, self->fd, variant->family,
			       ADDR_LOOPBACK, 0, &port));
	EXPECT_EQ(41000, port);
}

/*
 * Opening the device grants no port: a group member that is not root
 * still needs CAP_NET_BIND_SERVICE below the namespace's
 * ip_unprivileged_port_start, and from it on binds as anyone would.
 */
#define UNPRIV_START		2000

static struct member_job *
member_bind(struct __test_metadata *_metadata,
	    const FIXTURE_VARIANT(bind) *variant, int port)
{
	unsigned int gid;
	char start[16];

	if (module_group(&gid) || !gid)
		return NULL;
	snprintf(start, sizeof(start), "%d", UNPRIV_START);
	EXPECT_EQ(0, util_write_file(UNPRIV_PORT_SYSCTL, start));
	return member_run(_metadata, gid, variant->family, variant->type,
			  port);
}

TEST_F(bind, group_member_below_unprivileged_start)
{
	struct member_job *job = member_bind(_metadata, variant,
					     UNPRIV_START - 1);

	if (!job)
		SKIP(return, "the module was loaded without group=");
	EXPECT_EQ(0, job->open_ret);
	EXPECT_EQ(WSPBIND_WSAEACCES, job->wsa);
	EXPECT_EQ(0, job->bound);
}

TEST_F(bind, group_member_from_unprivileged_start)
{
	struct member_job *job = member_bind(_metadata, variant, UNPRIV_START);

	if (!job)
		SKIP(return, "the module was loaded without group=");
	EXPECT_EQ(0, job->open_ret);
	EXPECT_EQ(0, job->wsa);
	EXPECT_EQ(UNPRIV_START, job->bound);
}

/* Sockets WSPBind does not serve; the name is always a good IPv4 one. */
FIXTURE(kind) {
	int dev;
	struct name name;
	int namelen;
};

FIXTURE_SETUP(kind)
{
	const char *skip = env_init(_metadata, &self->dev);

	if (skip)
		SKIP(return, "%s", skip);
	self->namelen = name_init(&self->name, AF_INET, ADDR_LOOPBACK,
				  TEST_PORT);
	/* Let root open ICMP sockets; no harm if it cannot. */
	util_write_file(PING_GROUP_SYSCTL, "0 0");
}

FIXTURE_TEARDOWN(kind)
{
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(kind, not_a_socket)
{
	int pipefd[2], closed;
	struct {
		const char *what;
		int fd;
	} cases[] = {
		{ "fd -1", -1 },
		{ "closed fd", -1 },
		{ "pipe", -1 },
		{ "regular file", open("/proc/self/exe", O_RDONLY | O_CLOEXEC) },
		{ "eventfd", eventfd(0, EFD_CLOEXEC) },
		{ "epoll", epoll_create1(EPOLL_CLOEXEC) },
		{ "the device", self->dev },
		{ "INT_MAX", INT_MAX },
	};
	unsigned int i;

	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	cases[2].fd = pipefd[0];
	closed = fcntl(pipefd[1], F_DUPFD_CLOEXEC, 1000);
	ASSERT_LE(0, closed);
	close(closed);
	cases[1].fd = closed;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (i > 0) {
			ASSERT_LE(0, cases[i].fd) TH_LOG("%s", cases[i].what);
		}
		EXPECT_EQ(WSPBIND_WSAENOTSOCK,
			  do_bind(_metadata, self->dev, cases[i].fd, 0,
				  &self->name, self->namelen, NULL))
			TH_LOG("%s", cases[i].what);
	}
}

struct sock_kind {
	const char *what;
	int family;
	int type;
	int protocol;
};

/* Each refused with @wsa, and left as it was (getsockname unchanged). */
static void expect_kinds_refused(struct __test_metadata *_metadata, int dev,
				 const struct sock_kind *kinds, int count,
				 int wsa)
{
	struct sockaddr_storage before, after;
	socklen_t before_len, after_len;
	struct name n;
	int i, fd, tried = 0;

	for (i = 0; i < count; i++) {
		fd = socket(kinds[i].family, kinds[i].type | SOCK_CLOEXEC,
			    kinds[i].protocol);
		if (fd < 0) {
			TH_LOG("%s: not tested: %s", kinds[i].what,
			       strerror(errno));
			continue;
		}
		tried++;
		before_len = sizeof(before);
		after_len = sizeof(after);
		memset(&before, 0, sizeof(before));
		memset(&after, 0, sizeof(after));
		ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&before,
					 &before_len));
		name_init(&n, kinds[i].family == AF_INET6 ? AF_INET6 : AF_INET,
			  ADDR_LOOPBACK, TEST_PORT);
		EXPECT_EQ(wsa, do_bind(_metadata, dev, fd, 0, &n,
				       WSPBIND_NAME_MAX, NULL))
			TH_LOG("%s", kinds[i].what);
		ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&after,
					 &after_len));
		EXPECT_EQ(before_len, after_len) TH_LOG("%s", kinds[i].what);
		EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)))
			TH_LOG("%s was bound", kinds[i].what);
		close(fd);
	}
	EXPECT_LT(0, tried);
}

TEST_F(kind, other_family)
{
	static const struct sock_kind kinds[] = {
		{ "unix stream", AF_UNIX, SOCK_STREAM, 0 },
		{ "unix dgram", AF_UNIX, SOCK_DGRAM, 0 },
		{ "unix seqpacket", AF_UNIX, SOCK_SEQPACKET, 0 },
		{ "netlink", AF_NETLINK, SOCK_RAW, 0 },
		{ "packet", AF_PACKET, SOCK_DGRAM, 0 },
	};

	expect_kinds_refused(_metadata, self->dev, kinds, ARRAY_SIZE(kinds),
			     WSPBIND_WSAEAFNOSUPPORT);
}

TEST_F(kind, other_type)
{
	static const struct sock_kind kinds[] = {
		{ "raw4", AF_INET, SOCK_RAW, IPPROTO_ICMP },
		{ "raw4 udp", AF_INET, SOCK_RAW, IPPROTO_UDP },
		{ "raw6", AF_INET6, SOCK_RAW, IPPROTO_ICMPV6 },
		{ "raw6 tcp", AF_INET6, SOCK_RAW, IPPROTO_TCP },
		{ "ping4", AF_INET, SOCK_DGRAM, IPPROTO_ICMP },
		{ "ping6", AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6 },
		{ "udplite4", AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE },
		{ "udplite6", AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE },
		{ "mptcp4", AF_INET, SOCK_STREAM, IPPROTO_MPTCP },
		{ "mptcp6", AF_INET6, SOCK_STREAM, IPPROTO_MPTCP },
		{ "sctp4", AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP },
	};

	expect_kinds_refused(_metadata, self->dev, kinds, ARRAY_SIZE(kinds),
			     WSPBIND_WSAEOPNOTSUPP);
}

/* Precedence: what the fd is wins over everything wrong with the name. */
TEST_F(kind, precedence_notsock_before_fault)
{
	EXPECT_EQ(WSPBIND_WSAENOTSOCK,
		  do_bind(_metadata, self->dev, -1, 0, NULL, -1, NULL));
}

TEST_F(kind, precedence_afnosupport_before_fault)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(WSPBIND_WSAEAFNOSUPPORT,
		  do_bind(_metadata, self->dev, fd, 0, NULL, -1, NULL));
	close(fd);
}

TEST_F(kind, precedence_opnotsupp_before_fault)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);

	ASSERT_LE(0, fd);
	EXPECT_EQ(WSPBIND_WSAEOPNOTSUPP,
		  do_bind(_metadata, self->dev, fd, 0, NULL, -1, NULL));
	close(fd);
}

#include "wspbind_main.h"
