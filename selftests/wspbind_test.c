// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for /dev/wspbind: WSPBIND_IOC_BIND binds a TCP or UDP socket with
 * Winsock's checks and error codes (LPWSPBind), and draws port 0 from the
 * network namespace's net.wspbind.ephemeral_port_range.
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
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
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
#define NNP_PARAM		WSPBIND_PARAMS "allow_no_new_privs"

#define PRIV_PORT		80

/*
 * The ioctl itself: command, size, flags, reserved bits. One IPv4 UDP
 * socket and a good name for it.
 */
FIXTURE(abi) {
	int dev;
	int fd;
	struct name name;
	int namelen;
};

FIXTURE_SETUP(abi)
{
	const char *skip = env_init(_metadata, &self->dev);

	self->fd = -1;
	if (skip)
		SKIP(return, "%s", skip);
	self->fd = new_socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->fd);
	self->namelen = name_init(&self->name, AF_INET, ADDR_LOOPBACK,
				  TEST_PORT);
}

FIXTURE_TEARDOWN(abi)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(abi, unknown_command)
{
	static const struct {
		const char *what;
		unsigned long cmd;
	} cmds[] = {
		{ "nr + 1", _IO(WSPBIND_TYPE, WSPBIND_CMD_BIND + 1) },
		{ "nr - 1", _IO(WSPBIND_TYPE, WSPBIND_CMD_BIND - 1) },
		{ "nr 0", _IO(WSPBIND_TYPE, 0) },
		{ "type + 1", _IO(WSPBIND_TYPE + 1, WSPBIND_CMD_BIND) },
		{ "type - 1", _IO(WSPBIND_TYPE - 1, WSPBIND_CMD_BIND) },
		{ "type 0", _IO(0, WSPBIND_CMD_BIND) },
		{ "_IOR", _IOR(WSPBIND_TYPE, WSPBIND_CMD_BIND,
			       struct wspbind_bind) },
		{ "_IOW", _IOW(WSPBIND_TYPE, WSPBIND_CMD_BIND,
			       struct wspbind_bind) },
		{ "_IOWR", _IOWR(WSPBIND_TYPE, WSPBIND_CMD_BIND,
				 struct wspbind_bind) },
	};
	struct wspbind_bind req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		EXPECT_EQ(-1, ioctl(self->dev, cmds[i].cmd, &req));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("%s", cmds[i].what);
		/* ENOTTY comes before any look at the argument. */
		EXPECT_EQ(-1, ioctl(self->dev, cmds[i].cmd, NULL));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("%s, NULL", cmds[i].what);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, request_null)
{
	EXPECT_EQ(-1, ioctl(self->dev, WSPBIND_IOC_BIND, NULL));
	EXPECT_EQ(EFAULT, errno);
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, request_unreadable)
{
	char *end = map_guarded(_metadata);
	struct wspbind_bind req;
	__u32 size = sizeof(req);
	const struct {
		const char *what;
		void *arg;
	} cases[] = {
		{ "in a PROT_NONE page", end },
		/* @size readable, the rest not */
		{ "across into a PROT_NONE page", end - sizeof(size) },
		{ "kernel address", (void *)(uintptr_t)-4096 },
	};
	unsigned int i;

	req_init(&req, self->fd, 0, &self->name, self->namelen);
	memcpy(end - sizeof(req), &req, sizeof(req));
	memcpy(end - sizeof(size), &size, sizeof(size));

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-1, ioctl(self->dev, WSPBIND_IOC_BIND, cases[i].arg));
		EXPECT_EQ(EFAULT, errno) TH_LOG("%s", cases[i].what);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

/*
 * The answer could not be written back: EFAULT, before anything is bound,
 * so nothing happens that the caller cannot learn of.
 */
TEST_F(abi, request_read_only)
{
	long ps = sysconf(_SC_PAGESIZE);
	struct wspbind_bind *req;

	req = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(req != MAP_FAILED);
	req_init(req, self->fd, 0, &self->name, self->namelen);
	ASSERT_EQ(0, mprotect(req, ps, PROT_READ));

	EXPECT_EQ(-1, ioctl(self->dev, WSPBIND_IOC_BIND, req));
	EXPECT_EQ(EFAULT, errno);
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, size_too_small)
{
	static const __u32 sizes[] = {
		0, 1, 4, 8, 16, 24, sizeof(struct wspbind_bind) - 1,
	};
	struct wspbind_bind req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		req.size = sizes[i];
		EXPECT_EQ(-EINVAL, wsp_request(self->dev, &req))
			TH_LOG("size %u", sizes[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

/* A newer struct whose extra bytes are all 0 reads as this one. */
TEST_F(abi, size_larger_zero_tail)
{
	long ps = sysconf(_SC_PAGESIZE);
	const __u32 sizes[] = {
		sizeof(struct wspbind_bind) + 1, sizeof(struct wspbind_bind) + 4,
		sizeof(struct wspbind_bind) + 8, 64, ps, ps + 1,
	};
	unsigned char *buf = calloc(1, 2 * ps);
	struct wspbind_bind req;
	unsigned int i;
	__u32 j;

	ASSERT_TRUE(buf != NULL);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		int fd = new_socket(AF_INET, SOCK_DGRAM, 0);

		ASSERT_LE(0, fd);
		memset(buf, 0, 2 * ps);
		req_init(&req, fd, 0, &self->name, self->namelen);
		req.size = sizes[i];
		memcpy(buf, &req, sizeof(req));

		EXPECT_EQ(0, wsp_request(self->dev, buf))
			TH_LOG("size %u", sizes[i]);
		memcpy(&req, buf, sizeof(req));
		EXPECT_EQ(TEST_PORT, req.out_port);
		EXPECT_EQ(TEST_PORT, util_sock_port(fd));
		EXPECT_EQ(sizes[i], req.size);
		/* Nothing past the struct it knows is written. */
		for (j = sizeof(req); j < sizes[i]; j++)
			if (buf[j])
				break;
		EXPECT_EQ(sizes[i], j) TH_LOG("size %u", sizes[i]);
		close(fd);
	}
	free(buf);
}

TEST_F(abi, size_larger_nonzero_tail)
{
	long ps = sysconf(_SC_PAGESIZE);
	const struct {
		__u32 size;
		__u32 nonzero;
	} cases[] = {
		{ sizeof(struct wspbind_bind) + 1, sizeof(struct wspbind_bind) },
		{ 40, 39 },
		{ 64, sizeof(struct wspbind_bind) },
		{ 64, 63 },
		{ ps, ps - 1 },
	};
	unsigned char *buf = calloc(1, ps);
	struct wspbind_bind req;
	unsigned int i;

	ASSERT_TRUE(buf != NULL);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(buf, 0, ps);
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		req.size = cases[i].size;
		memcpy(buf, &req, sizeof(req));
		buf[cases[i].nonzero] = 0x80;

		EXPECT_EQ(-E2BIG, wsp_request(self->dev, buf))
			TH_LOG("size %u, byte %u set", cases[i].size,
			       cases[i].nonzero);
	}
	free(buf);
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

/* @size says there is more than can be read. */
TEST_F(abi, size_larger_unreadable_tail)
{
	char *end = map_guarded(_metadata);
	const __u32 sizes[] = {
		sizeof(struct wspbind_bind) + 1, 64, sysconf(_SC_PAGESIZE),
		UINT32_MAX,
	};
	struct wspbind_bind req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		req.size = sizes[i];
		memcpy(end - sizeof(req), &req, sizeof(req));
		EXPECT_EQ(-EFAULT, wsp_request(self->dev, end - sizeof(req)))
			TH_LOG("size %u", sizes[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, unknown_flags)
{
	struct wspbind_bind req;
	unsigned int bit;

	/* Bits 0 to 2 are WINSOCK_AF, REUSEADDR and EXCLUSIVEADDRUSE. */
	for (bit = 3; bit < 32; bit++) {
		req_init(&req, self->fd, 1u << bit, &self->name, self->namelen);
		EXPECT_EQ(-EINVAL, wsp_request(self->dev, &req))
			TH_LOG("flag bit %u", bit);
	}
	req_init(&req, self->fd, UINT32_MAX, &self->name, self->namelen);
	EXPECT_EQ(-EINVAL, wsp_request(self->dev, &req));
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, reserved_nonzero)
{
	static const __u16 values[] = { 1, 0x100, 0xffff };
	struct wspbind_bind req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		req.__reserved = values[i];
		EXPECT_EQ(-EINVAL, wsp_request(self->dev, &req))
			TH_LOG("__reserved %#x", values[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, out_fields_ignored_on_input)
{
	struct wspbind_bind req;

	req_init(&req, self->fd, 0, &self->name, self->namelen);
	req.out_wsa_error = WSPBIND_WSAEFAULT;
	req.out_port = 0xffff;
	EXPECT_EQ(0, wsp_request(self->dev, &req));
	EXPECT_EQ(TEST_PORT, req.out_port);
	EXPECT_EQ(TEST_PORT, util_sock_port(self->fd));
}

TEST_F(abi, out_port_zero_on_error)
{
	struct wspbind_bind req;

	req_init(&req, self->fd, 0, &self->name, 1);
	req.out_port = 0xffff;
	EXPECT_EQ(WSPBIND_WSAEFAULT, wsp_request(self->dev, &req));
	EXPECT_EQ(0, req.out_port);
}

struct open_probe {
	int err;
	int ret;
};

static void open_as_nobody(void *arg)
{
	struct open_probe *p = arg;
	int fd;

	p->err = drop_to_nobody();
	if (p->err)
		return;
	fd = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	p->ret = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
}

/* Unless the module's group parameter names a group, only root opens it. */
TEST_F(abi, open_unprivileged)
{
	struct open_probe *p = map_shared(_metadata, sizeof(*p));
	char group[16];

	if (util_read_file(WSPBIND_GROUP_PARAM, group, sizeof(group)))
		SKIP(return, "cannot read " WSPBIND_GROUP_PARAM);
	if (strcmp(group, "0\n"))
		SKIP(return, "the module was loaded with group=%s", group);
	run_child(_metadata, open_as_nobody, p);
	ASSERT_EQ(0, p->err);
	EXPECT_EQ(-EACCES, p->ret);
}

/* Only the output fields change. */
TEST_F(abi, input_fields_preserved)
{
	struct wspbind_bind req, orig;

	req_init(&req, self->fd, WSPBIND_BIND_WINSOCK_AF, &self->name,
		 self->namelen);
	orig = req;
	EXPECT_EQ(0, wsp_request(self->dev, &req));
	EXPECT_EQ(orig.size, req.size);
	EXPECT_EQ(orig.flags, req.flags);
	EXPECT_EQ(orig.sockfd, req.sockfd);
	EXPECT_EQ(orig.namelen, req.namelen);
	EXPECT_EQ(orig.name, req.name);
	EXPECT_EQ(0, req.__reserved);
}

TEST_F(abi, node_mode_default)
{
	unsigned int gid;
	struct stat st;

	ASSERT_EQ(0, module_group(&gid));
	if (gid)
		SKIP(return, "the module was loaded with group=%u", gid);
	ASSERT_EQ(0, stat(WSPBIND_DEVICE_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0660U, st.st_mode & 07777);
	EXPECT_EQ(0U, st.st_uid);
	EXPECT_EQ(0U, st.st_gid);
}

TEST_F(abi, node_mode_group)
{
	unsigned int gid;
	struct stat st;

	ASSERT_EQ(0, module_group(&gid));
	if (!gid)
		SKIP(return, "the module was loaded without group=");
	ASSERT_EQ(0, stat(WSPBIND_DEVICE_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666U, st.st_mode & 07777);
}

TEST_F(abi, open_group_member)
{
	struct member_job *job;
	unsigned int gid;

	ASSERT_EQ(0, module_group(&gid));
	if (!gid)
		SKIP(return, "the module was loaded without group=");
	job = member_run(_metadata, gid, 0, 0, 0);
	EXPECT_EQ(0, job->open_ret);
}

/* The node is 0666, so only open() stands in the way. */
TEST_F(abi, open_group_nonmember)
{
	struct member_job *job;
	unsigned int gid;

	ASSERT_EQ(0, module_group(&gid));
	if (!gid)
		SKIP(return, "the module was loaded without group=");
	job = member_run(_metadata, 0, 0, 0, 0);
	EXPECT_EQ(-EACCES, job->open_ret);
}

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

/* net.wspbind.ephemeral_port_range */
FIXTURE(range) {
	int dev;
};

FIXTURE_SETUP(range)
{
	const char *skip = env_init(_metadata, &self->dev);

	if (skip)
		SKIP(return, "%s", skip);
}

FIXTURE_TEARDOWN(range)
{
	if (self->dev >= 0)
		close(self->dev);
}

static void expect_range(struct __test_metadata *_metadata, const char *want)
{
	char buf[64];

	ASSERT_EQ(0, util_read_file(WSPBIND_RANGE_SYSCTL, buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
}

TEST_F(range, read_default)
{
	expect_range(_metadata, WSPBIND_RANGE_DEFAULT);
}

TEST_F(range, write_valid)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "2000 3000", "2000\t3000\n" },
		{ "2001\t3001\n", "2001\t3001\n" },
		{ "  2002   3002 \n", "2002\t3002\n" },
		{ "1 65535", "1\t65535\n" },
		{ "2000 2000", "2000\t2000\n" },
		{ "1024 5000", WSPBIND_RANGE_DEFAULT },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(0, util_write_file(WSPBIND_RANGE_SYSCTL, cases[i].in))
			TH_LOG("\"%s\"", cases[i].in);
		expect_range(_metadata, cases[i].out);
	}
}

/* A refused write changes nothing. */
TEST_F(range, write_invalid)
{
	static const char *const bad[] = {
		"5000 1024", "0 100", "1 65536", "100", "garbage", "-1 100",
		"1024 -5000", "70000 70001", "1024 5000x", "0 0",
	};
	unsigned int i;

	ASSERT_EQ(0, util_write_file(WSPBIND_RANGE_SYSCTL, "2000 3000"));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, util_write_file(WSPBIND_RANGE_SYSCTL, bad[i]))
			TH_LOG("\"%s\"", bad[i]);
		expect_range(_metadata, "2000\t3000\n");
	}
}

TEST_F(range, write_single_port)
{
	int fd = new_socket(AF_INET, SOCK_DGRAM, 0);
	__u16 port;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, util_write_file(WSPBIND_RANGE_SYSCTL, "2000 2000"));
	expect_range(_metadata, "2000\t2000\n");
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, fd, AF_INET,
			       ADDR_LOOPBACK, 0, &port));
	EXPECT_EQ(2000, port);
	close(fd);
}

/* A write by a process without CAP_NET_ADMIN is refused. */
struct range_writer {
	int err;
	int ret;
};

static void write_range_as_nobody(void *arg)
{
	struct range_writer *w = arg;

	w->err = drop_to_nobody();
	if (w->err)
		return;
	w->ret = util_write_file(WSPBIND_RANGE_SYSCTL, "2000 3000");
}

TEST_F(range, write_unprivileged)
{
	struct range_writer *w = map_shared(_metadata, sizeof(*w));

	run_child(_metadata, write_range_as_nobody, w);
	ASSERT_EQ(0, w->err);
	EXPECT_EQ(-EACCES, w->ret);
	expect_range(_metadata, WSPBIND_RANGE_DEFAULT);
}

struct netns_probe {
	int dev;
	int err;
	char range[64];
	int wsa;
	__u16 port;
};

static void probe_new_netns(void *arg)
{
	struct netns_probe *p = arg;
	struct name n;
	int fd, len;

	p->err = -util_enter_netns();
	if (!p->err)
		p->err = -util_read_file(WSPBIND_RANGE_SYSCTL, p->range, sizeof(p->range));
	if (p->err)
		return;
	fd = new_socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		p->err = errno;
		return;
	}
	len = name_init(&n, AF_INET, ADDR_LOOPBACK, 0);
	p->wsa = wsp_bind(p->dev, fd, 0, &n, len, &p->port);
	close(fd);
}

TEST_F(range, per_netns)
{
	struct netns_probe *p = map_shared(_metadata, sizeof(*p));
	int fd = new_socket(AF_INET, SOCK_DGRAM, 0);
	__u16 port;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, util_write_file(WSPBIND_RANGE_SYSCTL, "41000 41000"));
	p->dev = self->dev;
	run_child(_metadata, probe_new_netns, p);
	ASSERT_EQ(0, p->err) TH_LOG("child: %s", strerror(p->err));
	EXPECT_STREQ(WSPBIND_RANGE_DEFAULT, p->range);
	EXPECT_EQ(0, p->wsa);
	EXPECT_LE(WSPBIND_RANGE_LOW, p->port);
	EXPECT_GE(WSPBIND_RANGE_HIGH, p->port);

	expect_range(_metadata, "41000\t41000\n");
	EXPECT_EQ(0, bind_addr(_metadata, self->dev, fd, AF_INET,
			       ADDR_LOOPBACK, 0, &port));
	EXPECT_EQ(41000, port);
	close(fd);
}

/*
 * no_new_privs: refused unless the module parameter allow_no_new_privs
 * says otherwise. The parameter is global: teardown puts it back.
 */
FIXTURE(nnp) {
	int dev;
	char saved[8];
};

FIXTURE_SETUP(nnp)
{
	const char *skip = env_init(_metadata, &self->dev);

	self->saved[0] = '\0';
	if (skip)
		SKIP(return, "%s", skip);
	if (util_read_file(NNP_PARAM, self->saved, sizeof(self->saved)))
		SKIP(return, "cannot read " NNP_PARAM);
}

FIXTURE_TEARDOWN(nnp)
{
	if (self->saved[0])
		util_write_file(NNP_PARAM, self->saved);
	if (self->dev >= 0)
		close(self->dev);
}

static struct bind_job *nnp_job(struct __test_metadata *_metadata, int dev)
{
	struct bind_job *job = job_new(_metadata, dev, AF_INET, SOCK_DGRAM);

	job->no_new_privs = true;
	job_step(job, ADDR_LOOPBACK, TEST_PORT, true);
	return job;
}

TEST_F(nnp, refused)
{
	struct bind_job *job = nnp_job(_metadata, self->dev);

	ASSERT_EQ(0, util_write_file(NNP_PARAM, "0"));
	job_run(_metadata, job);
	EXPECT_EQ(WSPBIND_WSAEACCES, job->wsa[0]);
	EXPECT_EQ(0, job->port[0]);
}

TEST_F(nnp, allowed_by_parameter)
{
	struct bind_job *job = nnp_job(_metadata, self->dev);

	ASSERT_EQ(0, util_write_file(NNP_PARAM, "1"));
	job_run(_metadata, job);
	EXPECT_EQ(0, job->wsa[0]);
	EXPECT_EQ(TEST_PORT, job->port[0]);
}

/* The first row of the table: before the fd is even looked up. */
TEST_F(nnp, precedence_acces_before_notsock)
{
	struct bind_job *job = nnp_job(_metadata, self->dev);

	job->step[0].bad_fd = true;
	ASSERT_EQ(0, util_write_file(NNP_PARAM, "0"));
	job_run(_metadata, job);
	EXPECT_EQ(WSPBIND_WSAEACCES, job->wsa[0]);
}

/*
 * Landlock: a ruleset that handles TCP bind (ABI 4, Linux 6.7) and allows
 * one port. Landlock needs no_new_privs, which the device refuses unless
 * allow_no_new_privs is set; and then the LSM hook that Landlock hangs on
 * does not run for kernel_bind(), so the sandbox is bypassed. The tests
 * pin down both. The C library's headers predate ABI 4: its uAPI is here.
 */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset	444
#define __NR_landlock_add_rule		445
#define __NR_landlock_restrict_self	446
#endif
#define LL_CREATE_RULESET_VERSION	(1U << 0)
#define LL_ACCESS_NET_BIND_TCP		(1ULL << 0)
#define LL_RULE_NET_PORT		2
#define LL_ABI_NET			4

struct ll_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;
};

struct ll_net_port_attr {
	__u64 allowed_access;
	__u64 port;
};

#define LL_ALLOWED_PORT		USABLE_PORT
#define LL_DENIED_PORT		TEST_PORT

/* Only @port may be bound over TCP from now on. Returns 0 or an errno. */
static int landlock_allow_only(int port)
{
	struct ll_ruleset_attr ruleset = {
		.handled_access_net = LL_ACCESS_NET_BIND_TCP,
	};
	struct ll_net_port_attr rule = {
		.allowed_access = LL_ACCESS_NET_BIND_TCP,
		.port = port,
	};
	int fd, ret = 0;

	fd = syscall(__NR_landlock_create_ruleset, &ruleset, sizeof(ruleset),
		     0);
	if (fd < 0)
		return errno;
	if (syscall(__NR_landlock_add_rule, fd, LL_RULE_NET_PORT, &rule, 0) ||
	    syscall(__NR_landlock_restrict_self, fd, 0))
		ret = errno;
	close(fd);
	return ret;
}

/* One TCP bind, by bind(2) or the device, under landlock_allow_only(). */
struct landlock_job {
	int dev;
	int family;
	int type;
	int port;
	bool through_device;
	/* results */
	int err;		/* errno of a failed setup step, or 0 */
	int ret;		/* bind(2): 0 or -errno; the device: the WSA code */
	int bound;		/* the socket's port afterwards */
};

static void landlock_job_run(void *arg)
{
	struct landlock_job *job = arg;
	struct name n;
	int fd, len;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		job->err = errno;
		return;
	}
	job->err = landlock_allow_only(LL_ALLOWED_PORT);
	if (job->err)
		return;
	fd = new_socket(job->family, job->type, 0);
	if (fd < 0) {
		job->err = errno;
		return;
	}
	if (job->through_device) {
		len = name_init(&n, job->family, ADDR_LOOPBACK, job->port);
		job->ret = wsp_bind(job->dev, fd, 0, &n, len, NULL);
	} else {
		job->ret = sys_bind(fd, job->family, ADDR_LOOPBACK, job->port);
	}
	job->bound = util_sock_port(fd);
	close(fd);
}

FIXTURE(landlock) {
	int dev;
	char saved[8];		/* allow_no_new_privs, put back in teardown */
	const char *skip;	/* why the tests cannot run, or NULL */
	char why[96];
};

/* TCP only: Landlock has no UDP bind rules. */
FIXTURE_VARIANT(landlock) {
	int family;
	int type;
};

INET_VARIANT(landlock, ip4, AF_INET, SOCK_STREAM);
INET_VARIANT(landlock, ip6, AF_INET6, SOCK_STREAM);

/*
 * The tests SKIP themselves on self->skip: older harnesses run the body
 * even when FIXTURE_SETUP skips.
 */
FIXTURE_SETUP(landlock)
{
	int abi;

	self->skip = env_init(_metadata, &self->dev);
	if (self->skip)
		return;
	if (util_read_file(NNP_PARAM, self->saved, sizeof(self->saved))) {
		self->skip = "cannot read " NNP_PARAM;
		return;
	}
	abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
		      LL_CREATE_RULESET_VERSION);
	if (abi < 0)
		snprintf(self->why, sizeof(self->why),
			 "Landlock is not enabled: %s", strerror(errno));
	else if (abi < LL_ABI_NET)
		snprintf(self->why, sizeof(self->why),
			 "Landlock ABI %d has no TCP bind rules (needs %d, Linux 6.7)",
			 abi, LL_ABI_NET);
	if (self->why[0])
		self->skip = self->why;
}

FIXTURE_TEARDOWN(landlock)
{
	if (self->saved[0])
		util_write_file(NNP_PARAM, self->saved);
	if (self->dev >= 0)
		close(self->dev);
}

/*
 * One bind of @port under the ruleset, by bind(2) if @nnp is NULL, else
 * by the device with allow_no_new_privs set to @nnp: its answer must be
 * @want, and the port the socket holds afterwards @bound.
 */
static void landlock_expect(struct __test_metadata *_metadata,
			    FIXTURE_DATA(landlock) *self,
			    const FIXTURE_VARIANT(landlock) *variant,
			    const char *nnp, int port, int want, int bound)
{
	struct landlock_job *job;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	if (nnp)
		ASSERT_EQ(0, util_write_file(NNP_PARAM, nnp));
	job = map_shared(_metadata, sizeof(*job));
	job->dev = self->dev;
	job->family = variant->family;
	job->type = variant->type;
	job->port = port;
	job->through_device = !!nnp;
	run_child(_metadata, landlock_job_run, job);
	EXPECT_EQ(0, job->err) TH_LOG("child setup: %s", strerror(job->err));
	EXPECT_EQ(want, job->ret);
	EXPECT_EQ(bound, job->bound);
}

TEST_F(landlock, bind_syscall_denied)
{
	landlock_expect(_metadata, self, variant, NULL, LL_DENIED_PORT,
			-EACCES, 0);
}

/* The ruleset refuses only what it should. */
TEST_F(landlock, bind_syscall_allowed)
{
	landlock_expect(_metadata, self, variant, NULL, LL_ALLOWED_PORT, 0,
			LL_ALLOWED_PORT);
}

TEST_F(landlock, device_denied)
{
	landlock_expect(_metadata, self, variant, "0", LL_DENIED_PORT,
			WSPBIND_WSAEACCES, 0);
}

/* Measured, not wanted: why allow_no_new_privs is off by default. */
TEST_F(landlock, device_bypasses_with_allow_no_new_privs)
{
	landlock_expect(_metadata, self, variant, "1", LL_DENIED_PORT, 0,
			LL_DENIED_PORT);
}

#include "wspbind_main.h"
