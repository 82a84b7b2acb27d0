// SPDX-License-Identifier: GPL-2.0
/*
 * Enrolment (WSPBIND_IOC_ENROL): a socket that then binds with bind(2),
 * listen(2) or sendto(), the module deciding inside the kernel's own port
 * claim. What enrolment takes and refuses, that the rules are Windows's
 * where Linux's would differ, that the port search serves port 0 and the
 * autobinds, that a bound or connected socket has its protocol's own ops
 * again, and that an enrolled socket holds the module.
 *
 * The sharing and takeover programs run a second time enrolled
 * (WSPBIND_SELFTEST_ENROL=1, wspbind_util.h); the sandbox program checks
 * that seccomp, Landlock and the LSM hook see an enrolled socket's bind.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "wspbind_util.h"

#define REFCNT		"/sys/module/wspbind/refcnt"

FIXTURE(enrol) {
	int dev;
	int fd;
};

FIXTURE_VARIANT(enrol) {
	int family;
	int type;
};

INET_VARIANTS(enrol);

FIXTURE_SETUP(enrol)
{
	const char *skip = env_init(_metadata, &self->dev);

	self->fd = -1;
	if (skip)
		SKIP(return, "%s", skip);
	self->fd = new_socket(variant->family, variant->type, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(enrol)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->dev >= 0)
		close(self->dev);
}

/* bind(2) of @fd to the loopback or wildcard address and @port: -errno. */
static int enrolled_bind(int fd, int family, enum addr_kind kind, int port)
{
	return sys_bind(fd, family, kind, port);
}

static bool in_range(int port)
{
	return port >= WSPBIND_RANGE_LOW && port <= WSPBIND_RANGE_HIGH;
}

/* The module's reference count, or -1. */
static int module_refcnt(void)
{
	char buf[32];

	if (util_read_file(REFCNT, buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

/*
 * Other tests' sockets are freed after RCU grace periods, which may be
 * lazy (seconds), so the count falls now and then while a test reads it;
 * nothing else makes it rise. Wait until it is below @than (a socket's
 * reference dropped), for up to 15 s: the count then.
 */
static int refcnt_below(int than)
{
	int i, n = -1;

	for (i = 0; i < 1500; i++) {
		n = module_refcnt();
		if (n < than)
			break;
		usleep(10000);
	}
	return n;
}

/* How much the count rose over an enrolment; INT_MIN if it failed. */
static int enrol_rise(int dev, int fd, __u32 flags)
{
	int before = module_refcnt();

	if (wsp_enrol(dev, fd, flags))
		return INT_MIN;
	return module_refcnt() - before;
}

TEST_F(enrol, both_options_refused)
{
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  wsp_enrol(self->dev, self->fd, WSPBIND_BIND_REUSEADDR |
				     WSPBIND_BIND_EXCLUSIVEADDRUSE));
}

TEST_F(enrol, unknown_flag_fails_the_ioctl)
{
	EXPECT_EQ(-EINVAL, wsp_enrol(self->dev, self->fd,
				     WSPBIND_BIND_WINSOCK_AF));
}

TEST_F(enrol, not_a_socket)
{
	EXPECT_EQ(WSPBIND_WSAENOTSOCK, wsp_enrol(self->dev, -1, 0));
	EXPECT_EQ(WSPBIND_WSAENOTSOCK, wsp_enrol(self->dev, self->dev, 0));
}

TEST_F(enrol, bound_socket_refused)
{
	ASSERT_EQ(0, sys_bind(self->fd, variant->family, ADDR_LOOPBACK,
			      TEST_PORT));
	EXPECT_EQ(WSPBIND_WSAEINVAL, wsp_enrol(self->dev, self->fd, 0));
}

/* connect(AF_UNSPEC): a UDP socket bound to port 0 lets go of its port. */
static int disconnect(int fd)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };

	return connect(fd, &sa, sizeof(sa)) ? -errno : 0;
}

/*
 * Bound, the socket has its protocol's ops again: enrolment refuses it,
 * and once a UDP socket lets go of its port (bound to port 0, then
 * disconnected), its next autobind is Linux's, out of the range.
 */
TEST_F(enrol, bound_socket_leaves)
{
	struct sockaddr_storage to;
	int len = util_loopback(&to, variant->family, TEST_PORT);

	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd, 0));
	ASSERT_EQ(0, enrolled_bind(self->fd, variant->family, ADDR_LOOPBACK,
				   0));
	EXPECT_TRUE(in_range(util_sock_port(self->fd)));
	EXPECT_EQ(WSPBIND_WSAEINVAL, wsp_enrol(self->dev, self->fd, 0));
	if (variant->type != SOCK_DGRAM)
		return;
	ASSERT_EQ(0, disconnect(self->fd));
	ASSERT_EQ(0, util_sock_port(self->fd));
	ASSERT_EQ(1, sendto(self->fd, "x", 1, 0, (struct sockaddr *)&to, len));
	EXPECT_FALSE(in_range(util_sock_port(self->fd)))
		TH_LOG("port %d", util_sock_port(self->fd));
}

/* An enrolled socket binds with bind(2), not with the ioctl. */
TEST_F(enrol, ioctl_bind_refused)
{
	struct name n;
	int len = name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	struct wspbind_bind req;

	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd, 0));
	req_init(&req, self->fd, 0, &n, len);
	EXPECT_EQ(WSPBIND_WSAEINVAL, wsp_request(self->dev, &req));
	EXPECT_EQ(0, util_sock_port(self->fd));
}

/*
 * Windows's rule where Linux's differs: a wildcard and a specific address
 * are two addresses (Linux refuses the second without SO_REUSEADDR); and
 * an SO_EXCLUSIVEADDRUSE holder keeps a second socket of its own user off
 * with WSAEACCES, as bind(2)'s errno EACCES.
 */
TEST_F(enrol, wildcard_then_specific_shares)
{
	int fd2 = new_socket(variant->family, variant->type, 0);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd, 0));
	ASSERT_EQ(0, wsp_enrol(self->dev, fd2, 0));
	ASSERT_EQ(0, enrolled_bind(self->fd, variant->family, ADDR_ANY,
				   TEST_PORT));
	EXPECT_EQ(0, enrolled_bind(fd2, variant->family, ADDR_LOOPBACK,
				   TEST_PORT));
	EXPECT_EQ(TEST_PORT, util_sock_port(fd2));
	close(fd2);
}

TEST_F(enrol, exclusive_refuses_with_eacces)
{
	int fd2 = new_socket(variant->family, variant->type, 0);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd,
			       WSPBIND_BIND_EXCLUSIVEADDRUSE));
	ASSERT_EQ(0, wsp_enrol(self->dev, fd2, WSPBIND_BIND_REUSEADDR));
	ASSERT_EQ(0, enrolled_bind(self->fd, variant->family, ADDR_ANY,
				   TEST_PORT));
	EXPECT_EQ(-EACCES, enrolled_bind(fd2, variant->family, ADDR_ANY,
					 TEST_PORT));
	EXPECT_EQ(0, util_sock_port(fd2));
	/* Still enrolled after the failure: a bind elsewhere is Windows's. */
	EXPECT_EQ(0, enrolled_bind(fd2, variant->family, ADDR_ANY, 0));
	EXPECT_TRUE(in_range(util_sock_port(fd2)));
	close(fd2);
}

/* A native socket beside an enrolled one: Linux's check, as for bind(2). */
TEST_F(enrol, native_socket_refused)
{
	int fd2 = new_socket(variant->family, variant->type, SO_REUSEADDR);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd,
			       WSPBIND_BIND_EXCLUSIVEADDRUSE));
	ASSERT_EQ(0, enrolled_bind(self->fd, variant->family, ADDR_ANY,
				   TEST_PORT));
	EXPECT_EQ(-EADDRINUSE, sys_bind(fd2, variant->family, ADDR_LOOPBACK,
					TEST_PORT));
	close(fd2);
}

/* Enrolled again before its bind, the socket takes the new option. */
TEST_F(enrol, option_changes_before_the_bind)
{
	int fd2 = new_socket(variant->family, variant->type, 0);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd, 0));
	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd,
			       WSPBIND_BIND_EXCLUSIVEADDRUSE));
	ASSERT_EQ(0, enrolled_bind(self->fd, variant->family, ADDR_ANY,
				   TEST_PORT));
	ASSERT_EQ(0, wsp_enrol(self->dev, fd2, 0));
	/* Beside a default socket this would bind; beside an exclusive not. */
	EXPECT_EQ(-EACCES, enrolled_bind(fd2, variant->family, ADDR_LOOPBACK,
					 TEST_PORT));
	close(fd2);
}

TEST_F(enrol, port0_from_the_range)
{
	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd, 0));
	ASSERT_EQ(0, enrolled_bind(self->fd, variant->family, ADDR_LOOPBACK,
				   0));
	EXPECT_TRUE(in_range(util_sock_port(self->fd)))
		TH_LOG("port %d", util_sock_port(self->fd));
}

/*
 * The binds the kernel makes itself: listen(2) of an unbound TCP socket,
 * sendto() of an unbound UDP socket. Both ask get_port for port 0.
 */
TEST_F(enrol, autobind_from_the_range)
{
	struct sockaddr_storage to;
	int len = util_loopback(&to, variant->family, TEST_PORT);

	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd, 0));
	if (variant->type == SOCK_STREAM) {
		ASSERT_EQ(0, listen(self->fd, 1));
	} else {
		ASSERT_EQ(1, sendto(self->fd, "x", 1, 0,
				    (struct sockaddr *)&to, len));
	}
	EXPECT_TRUE(in_range(util_sock_port(self->fd)))
		TH_LOG("port %d", util_sock_port(self->fd));
	EXPECT_EQ(WSPBIND_WSAEINVAL, wsp_enrol(self->dev, self->fd, 0));
}

/*
 * connect() of an unbound TCP socket takes its port without get_port:
 * the socket leaves first, and the kernel's ephemeral range serves it.
 */
TEST_F(enrol, connect_leaves)
{
	struct sockaddr_storage to;
	int len = util_loopback(&to, variant->family, TEST_PORT);
	int l = new_socket(variant->family, variant->type, 0);

	if (variant->type != SOCK_STREAM)
		SKIP(close(l); return, "UDP's connect() autobinds through get_port");
	ASSERT_LE(0, l);
	ASSERT_EQ(0, sys_bind(l, variant->family, ADDR_LOOPBACK, TEST_PORT));
	ASSERT_EQ(0, listen(l, 1));
	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd, 0));
	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&to, len));
	EXPECT_FALSE(in_range(util_sock_port(self->fd)))
		TH_LOG("port %d", util_sock_port(self->fd));
	EXPECT_EQ(WSPBIND_WSAEINVAL, wsp_enrol(self->dev, self->fd, 0));
	/*
	 * Disconnected, it lets go of that port (getsockname() still says
	 * it), so it binds again; and that bind is Linux's.
	 */
	ASSERT_EQ(0, disconnect(self->fd));
	ASSERT_EQ(0, sys_bind(self->fd, variant->family, ADDR_LOOPBACK, 0));
	EXPECT_FALSE(in_range(util_sock_port(self->fd)))
		TH_LOG("port %d", util_sock_port(self->fd));
	close(l);
}

/*
 * Each enrolled socket holds one reference to the module, from its
 * enrolment (not again when enrolled again) until it is freed.
 */
TEST_F(enrol, socket_holds_the_module)
{
	int i, rise = 0, before;

	/* A fall meanwhile hides the rise: look for it a few times. */
	for (i = 0; i < 10 && rise != 1; i++) {
		close(self->fd);
		self->fd = new_socket(variant->family, variant->type, 0);
		ASSERT_LE(0, self->fd);
		rise = enrol_rise(self->dev, self->fd, 0);
		ASSERT_GE(1, rise) TH_LOG("more than one reference");
	}
	EXPECT_EQ(1, rise);
	/* Enrolled again, no second reference; none for the bind either. */
	EXPECT_GE(0, enrol_rise(self->dev, self->fd, WSPBIND_BIND_REUSEADDR));
	before = module_refcnt();
	ASSERT_EQ(0, enrolled_bind(self->fd, variant->family, ADDR_LOOPBACK,
				   TEST_PORT));
	EXPECT_GE(before, module_refcnt());
	/* Freed, the socket gives its reference back. */
	before = module_refcnt();
	close(self->fd);
	self->fd = -1;
	EXPECT_GT(before, refcnt_below(before));
}

/*
 * The module cannot be unloaded while an enrolled socket lives, even with
 * the device closed: delete_module() refuses it.
 */
TEST_F(enrol, unload_refused_while_enrolled)
{
	ASSERT_EQ(0, wsp_enrol(self->dev, self->fd, 0));
	close(self->dev);
	self->dev = -1;
	EXPECT_EQ(-1, syscall(__NR_delete_module, "wspbind", O_NONBLOCK));
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(0, access(WSPBIND_DEVICE_PATH, F_OK));
}

/*
 * A cgroup connect program that calls bpf_bind(): the kernel then calls
 * get_port from the program, where nothing may sleep, as the module's
 * claim does. The enrolled socket must have left before (its
 * pre_connect), so that the kernel's own get_port serves the program; on
 * the debug kernel a sleep there is a report that fails the boot.
 */
#define HOOK_PORT	42001
#define CGROUP_ENROL	CGROUP_MNT "/wspbind_enrol"

static int connect_bind_prog(void)
{
	struct bpf_insn insns[] = {
		/* r6 = ctx */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_6,
		  .src_reg = BPF_REG_1 },
		/* a sockaddr_in on the stack: 127.0.0.1:HOOK_PORT */
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10,
		  .off = -16, .imm = AF_INET | htons(HOOK_PORT) << 16 },
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10,
		  .off = -12, .imm = htonl(INADDR_LOOPBACK) },
		{ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10,
		  .off = -8, .imm = 0 },
		/* bpf_bind(ctx, &sin, 16) */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_REG_6 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = -16 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3,
		  .imm = 16 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_bind },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return util_bpf_bind_prog(BPF_CGROUP_INET4_CONNECT, insns,
				  ARRAY_SIZE(insns));
}

FIXTURE(hook) {
	int dev;
	int cgroup;
	int prog;
};

FIXTURE_VARIANT(hook) {
	int type;
};

FIXTURE_VARIANT_ADD(hook, tcp4) { .type = SOCK_STREAM };
FIXTURE_VARIANT_ADD(hook, udp4) { .type = SOCK_DGRAM };

FIXTURE_SETUP(hook)
{
	const char *skip = env_init(_metadata, &self->dev);

	self->cgroup = self->prog = -1;
	if (skip)
		SKIP(return, "%s", skip);
	self->prog = connect_bind_prog();
	self->cgroup = cgroup_with_prog(_metadata, CGROUP_ENROL, self->prog,
					BPF_CGROUP_INET4_CONNECT);
}

FIXTURE_TEARDOWN(hook)
{
	util_write_pid(CGROUP_MNT "/cgroup.procs");
	if (self->prog >= 0)
		close(self->prog);
	if (self->cgroup >= 0)
		close(self->cgroup);
	rmdir(CGROUP_ENROL);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(hook, bpf_bind_in_connect_takes_the_kernels_path)
{
	struct sockaddr_storage to;
	int len = util_loopback(&to, AF_INET, TEST_PORT);
	int l = -1, fd = new_socket(AF_INET, variant->type, 0);

	ASSERT_LE(0, fd);
	if (variant->type == SOCK_STREAM) {
		l = new_socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_LE(0, l);
		ASSERT_EQ(0, sys_bind(l, AF_INET, ADDR_LOOPBACK, TEST_PORT));
		ASSERT_EQ(0, listen(l, 1));
	}
	ASSERT_EQ(0, wsp_enrol(self->dev, fd, 0));
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&to, len))
		TH_LOG("connect: %s", strerror(errno));
	EXPECT_EQ(HOOK_PORT, util_sock_port(fd));
	/* It has left: enrolment refuses the bound socket. */
	EXPECT_EQ(WSPBIND_WSAEINVAL, wsp_enrol(self->dev, fd, 0));
	close(fd);
	if (l >= 0)
		close(l);
}

#include "wspbind_main.h"
