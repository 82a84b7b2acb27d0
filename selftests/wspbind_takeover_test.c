// SPDX-License-Identifier: GPL-2.0
/*
 * A socket bound through /dev/wspbind must never be easier to take over
 * than the same socket bound with bind(2). Each test plays the attacker: a
 * process of another uid, with no access to the device, that binds (and
 * listens) with plain bind(2) and Linux's SO_REUSEADDR / SO_REUSEPORT,
 * before or after the Winsock socket. Its sockets are made by a child
 * running as that uid (a socket's owner, which SO_REUSEPORT compares, is
 * the uid that made it) and handed back over a Unix socket.
 *
 * Variants: TCP and UDP over IPv4 and IPv6, and a dual-stack [::] Winsock
 * socket against an IPv4 attacker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/magic.h>
#include <linux/userfaultfd.h>
#include <linux/wspbind.h>
#include <netinet/in.h>

#include "kselftest_harness.h"
#include "wspbind_util.h"

#define ATTACKER	1000
#define PORT		41000

/* Run @fn as @uid in a child; a descriptor it makes comes back, or -1. */
static int as_uid_fd(uid_t uid, int (*fn)(void *), void *arg)
{
	char data = 0, cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int sv[2], fd = -1, status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	pid = fork();
	if (pid < 0)
		goto out;
	if (!pid) {
		close(sv[0]);
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid))
			_exit(1);
		fd = fn(arg);
		if (fd < 0)
			_exit(2);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(fd));
		_exit(sendmsg(sv[1], &msg, 0) == 1 ? 0 : 3);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		goto out;
	if (recvmsg(sv[0], &msg, 0) == 1) {
		cmsg = CMSG_FIRSTHDR(&msg);
		if (cmsg && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
	}
out:
	close(sv[0]);
	close(sv[1]);
	return fd;
}

struct sock_spec {
	int family;
	int type;
	bool reuseaddr;
	bool reuseport;
};

static int make_socket(void *arg)
{
	const struct sock_spec *spec = arg;
	int fd = socket(spec->family, spec->type | SOCK_CLOEXEC, 0);
	int one = 1, zero = 0;

	if (fd < 0)
		return -1;
	if ((spec->reuseaddr &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) ||
	    (spec->reuseport &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
	    (spec->family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The device, as the attacker would open it. */
static int open_device(void *arg)
{
	return open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

/*
 * The addresses of a variant: the Winsock socket's family, its wildcard
 * and its specific address; the attacker's family, specific address and
 * wildcard. A dual-stack [::] Winsock socket meets an IPv4 attacker.
 */
#define ON_IP4	.family = AF_INET, .wild = "0.0.0.0",			\
		.loopback = "127.0.0.1", .native_family = AF_INET,	\
		.specific = "127.0.0.1", .native_wild = "0.0.0.0"
#define ON_IP6	.family = AF_INET6, .wild = "::", .loopback = "::1",	\
		.native_family = AF_INET6, .specific = "::1",		\
		.native_wild = "::"
#define ON_DUAL	.family = AF_INET6, .wild = "::",			\
		.loopback = "::ffff:127.0.0.1", .native_family = AF_INET, \
		.specific = "127.0.0.1", .native_wild = "0.0.0.0"

/* Both fixtures: the device, the Winsock socket, the attacker's socket. */
#define SIDES			\
	int dev;		\
	int winsock;		\
	int native

#define SIDES_VARIANT			\
	int type;			\
	int family;			\
	const char *wild;		\
	const char *loopback;		\
	int native_family;		\
	const char *specific;		\
	const char *native_wild

static void sides_setup(struct __test_metadata *_metadata, int *dev,
			int *winsock, int *native)
{
	*winsock = *native = -1;
	*dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, *dev);
	assert_netns(_metadata);
}

static void sides_teardown(int dev, int winsock, int native)
{
	if (native >= 0)
		close(native);
	if (winsock >= 0)
		close(winsock);
	if (dev >= 0)
		close(dev);
}

FIXTURE(takeover) {
	SIDES;
};

FIXTURE_VARIANT(takeover) {
	SIDES_VARIANT;
};

FIXTURE_VARIANT_ADD(takeover, tcp4) { .type = SOCK_STREAM, ON_IP4 };
FIXTURE_VARIANT_ADD(takeover, udp4) { .type = SOCK_DGRAM, ON_IP4 };
FIXTURE_VARIANT_ADD(takeover, tcp6) { .type = SOCK_STREAM, ON_IP6 };
FIXTURE_VARIANT_ADD(takeover, udp6) { .type = SOCK_DGRAM, ON_IP6 };
FIXTURE_VARIANT_ADD(takeover, tcp_dual) { .type = SOCK_STREAM, ON_DUAL };
FIXTURE_VARIANT_ADD(takeover, udp_dual) { .type = SOCK_DGRAM, ON_DUAL };

FIXTURE_SETUP(takeover)
{
	sides_setup(_metadata, &self->dev, &self->winsock, &self->native);
}

FIXTURE_TEARDOWN(takeover)
{
	sides_teardown(self->dev, self->winsock, self->native);
}

/* The Winsock side: a (dual-stack) socket in *@fd, WSPBind-bound. */
static int winsock_bind(int dev, int *fd, int family, int type, __u32 flags,
			const char *addr)
{
	struct sock_spec spec = { .family = family, .type = type };

	if (*fd >= 0)
		close(*fd);
	*fd = make_socket(&spec);
	if (*fd < 0)
		return -errno;
	return wsp_bind_text(dev, *fd, flags, family, addr, PORT, NULL);
}

/* A socket in *@fd, made as @uid and bound with bind(2): errno, or 0. */
static int native_bind_as(uid_t uid, int *fd, int family, int type,
			  bool reuseaddr, bool reuseport, const char *addr)
{
	struct sock_spec spec = { family, type, reuseaddr, reuseport };
	struct sockaddr_storage ss;
	int len;

	if (*fd >= 0)
		close(*fd);
	*fd = uid ? as_uid_fd(uid, make_socket, &spec) : make_socket(&spec);
	if (*fd < 0)
		return -ECHILD;
	len = util_name(&ss, family, addr, PORT);
	return bind(*fd, (struct sockaddr *)&ss, len) ? errno : 0;
}

/* The attacker's: made as ATTACKER. */
static int native_bind(int *fd, int family, int type, bool reuseaddr,
		       bool reuseport, const char *addr)
{
	return native_bind_as(ATTACKER, fd, family, type, reuseaddr,
			      reuseport, addr);
}

/* The same, for the fixtures' variants. */
#define WINSOCK(flags, addr)						\
	winsock_bind(self->dev, &self->winsock, variant->family,	\
		     variant->type, flags, addr)
#define NATIVE(reuseaddr, reuseport, addr)				\
	native_bind(&self->native, variant->native_family,		\
		    variant->type, reuseaddr, reuseport, addr)

/* The attacker cannot use the device at all. */
TEST_F(takeover, device_closed_to_other_uid)
{
	int fd = as_uid_fd(ATTACKER, open_device, NULL);

	EXPECT_EQ(-1, fd);
	if (fd >= 0)
		close(fd);
}

/*
 * SO_EXCLUSIVEADDRUSE: no one may bind a specific address under the
 * wildcard, whatever Linux options they set.
 */
TEST_F(takeover, exclusive_refuses_reuseaddr)
{
	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_EXCLUSIVEADDRUSE, variant->wild));
	EXPECT_EQ(EADDRINUSE, NATIVE(true, false, variant->specific));
	EXPECT_EQ(EADDRINUSE, NATIVE(true, true, variant->specific));
	EXPECT_EQ(EADDRINUSE, NATIVE(false, true, variant->specific));
}

/* ... nor on the exclusive socket's very address. */
TEST_F(takeover, exclusive_refuses_same_address)
{
	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_EXCLUSIVEADDRUSE, variant->wild));
	EXPECT_EQ(EADDRINUSE, NATIVE(true, true, variant->native_wild));
}

/*
 * ... not even for the exclusive socket's own user, whom Linux's
 * SO_REUSEPORT would let in beside a socket that carries it.
 */
TEST_F(takeover, exclusive_refuses_same_uid_reuseport)
{
	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_EXCLUSIVEADDRUSE, variant->wild));
	EXPECT_EQ(EADDRINUSE, native_bind_as(0, &self->native,
					     variant->native_family,
					     variant->type, true, true,
					     variant->native_wild));
	EXPECT_EQ(EADDRINUSE, native_bind_as(0, &self->native,
					     variant->native_family,
					     variant->type, false, true,
					     variant->specific));
}

/*
 * A socket with neither option: as with bind(2), another uid's
 * SO_REUSEADDR or SO_REUSEPORT gets nowhere near it.
 */
TEST_F(takeover, default_refuses_other_uid)
{
	ASSERT_EQ(0, WINSOCK(0, variant->wild));
	EXPECT_EQ(EADDRINUSE, NATIVE(true, false, variant->specific));
	EXPECT_EQ(EADDRINUSE, NATIVE(false, true, variant->specific));
	EXPECT_EQ(EADDRINUSE, NATIVE(true, true, variant->native_wild));
}

/*
 * Winsock's SO_REUSEADDR offers the address to share, as Linux's does
 * for bind(2); SO_REUSEPORT of another uid still may not join it.
 */
TEST_F(takeover, reuseaddr_refuses_other_uid_reuseport)
{
	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_REUSEADDR, variant->wild));
	EXPECT_EQ(EADDRINUSE, NATIVE(false, true, variant->specific));
	EXPECT_EQ(EADDRINUSE, NATIVE(false, true, variant->native_wild));
}

/*
 * The attacker first, then the Winsock socket: Linux's rule holds, as for
 * bind(2). A Winsock socket without SO_REUSEADDR does not share; one with
 * it shares as bind(2) with SO_REUSEADDR would.
 */
TEST_F(takeover, native_first_keeps_its_address)
{
	ASSERT_EQ(0, NATIVE(true, false, variant->native_wild));
	EXPECT_EQ(WSPBIND_WSAEADDRINUSE, WINSOCK(0, variant->wild));
	EXPECT_EQ(WSPBIND_WSAEADDRINUSE,
		  WINSOCK(WSPBIND_BIND_EXCLUSIVEADDRUSE, variant->wild));
	EXPECT_EQ(0, WINSOCK(WSPBIND_BIND_REUSEADDR, variant->wild));
}

/*
 * A Winsock socket of another user binds a wildcard over a specific
 * address that a Winsock socket with SO_REUSEADDR holds: Windows lets it,
 * Linux's SO_REUSEPORT would not (the owners differ), so that bind skips
 * Linux's check. The port must not then count as one every socket of
 * which has SO_REUSEADDR: a third socket with SO_REUSEADDR is refused
 * beside the wildcard one, which has none.
 */
TEST_F(takeover, forced_bind_leaves_linux_check_whole)
{
	struct sock_spec spec = {
		.family = variant->family,
		.type = variant->type,
	};
	struct sockaddr_storage ss;
	int other, len, third = -1;

	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_REUSEADDR, variant->loopback));
	other = as_uid_fd(ATTACKER, make_socket, &spec);
	ASSERT_LE(0, other);
	len = util_name(&ss, variant->family, variant->wild, PORT);
	EXPECT_EQ(0, wsp_bind(self->dev, other, 0, &ss, len, NULL));
	EXPECT_EQ(EADDRINUSE, native_bind(&third, variant->family,
					  variant->type, true, false,
					  variant->wild));
	if (third >= 0)
		close(third);
	close(other);
}

/*
 * The race: a forced bind (as above) against another user's bind(2) of
 * a specific address under its wildcard, over and over. Linux forbids the
 * two at once (neither has SO_REUSEADDR), so at most one may succeed.
 */
struct race {
	int dev, family, native_family, type;
	const char *wild, *specific;
	int holder, winsock, native;
	int winsock_ok, native_ok;
	pthread_barrier_t start;
};

static void *race_winsock(void *arg)
{
	struct race *r = arg;
	struct sockaddr_storage ss;
	int len = util_name(&ss, r->family, r->wild, PORT);

	pthread_barrier_wait(&r->start);
	r->winsock_ok = !wsp_bind(r->dev, r->winsock, 0, &ss, len,
					    NULL);
	return NULL;
}

static void *race_native(void *arg)
{
	struct race *r = arg;
	struct sockaddr_storage ss;
	int len = util_name(&ss, r->native_family, r->specific, PORT);

	pthread_barrier_wait(&r->start);
	r->native_ok = !bind(r->native, (struct sockaddr *)&ss, len);
	return NULL;
}

/*
 * 200 rounds under the debug kernel's KASAN and lockdep, emulated, come
 * near the harness's default 30 s (a run on a loaded machine ran into
 * it): the limit is the test's own.
 */
TEST_F_TIMEOUT(takeover, forced_bind_races_native_bind, 120)
{
	struct sock_spec mine = {
		.family = variant->family,
		.type = variant->type,
	};
	struct sock_spec theirs = {
		.family = variant->native_family,
		.type = variant->type,
	};
	struct race r = {
		.dev = self->dev,
		.family = variant->family,
		.native_family = variant->native_family,
		.type = variant->type,
		.wild = variant->wild,
		.specific = variant->specific,
	};
	int i, both = 0, winsock_won = 0, native_won = 0;
	pthread_t t[2];

	/* The holder that makes the Winsock bind a forced one. */
	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_REUSEADDR,
			     variant->family == AF_INET ? "127.0.0.2" :
			     "::ffff:127.0.0.2"));
	ASSERT_EQ(0, pthread_barrier_init(&r.start, NULL, 2));
	for (i = 0; i < 200; i++) {
		r.winsock = as_uid_fd(ATTACKER, make_socket, &mine);
		r.native = as_uid_fd(ATTACKER + 1, make_socket, &theirs);
		ASSERT_LE(0, r.winsock);
		ASSERT_LE(0, r.native);
		ASSERT_EQ(0, pthread_create(&t[0], NULL, race_winsock, &r));
		ASSERT_EQ(0, pthread_create(&t[1], NULL, race_native, &r));
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		both += r.winsock_ok && r.native_ok;
		winsock_won += r.winsock_ok && !r.native_ok;
		native_won += r.native_ok && !r.winsock_ok;
		close(r.winsock);
		close(r.native);
	}
	pthread_barrier_destroy(&r.start);
	EXPECT_EQ(0, both);
	TH_LOG("%d rounds: Winsock first %d, native first %d", i,
	       winsock_won, native_won);
}

/* TCP's listen(), which goes through Linux's check once more. */
FIXTURE(listen_takeover) {
	SIDES;
};

FIXTURE_VARIANT(listen_takeover) {
	SIDES_VARIANT;
};

FIXTURE_VARIANT_ADD(listen_takeover, tcp4) { .type = SOCK_STREAM, ON_IP4 };
FIXTURE_VARIANT_ADD(listen_takeover, tcp6) { .type = SOCK_STREAM, ON_IP6 };
FIXTURE_VARIANT_ADD(listen_takeover, tcp_dual) {
	.type = SOCK_STREAM, ON_DUAL
};

FIXTURE_SETUP(listen_takeover)
{
	sides_setup(_metadata, &self->dev, &self->winsock, &self->native);
}

FIXTURE_TEARDOWN(listen_takeover)
{
	sides_teardown(self->dev, self->winsock, self->native);
}

/*
 * TCP: a Winsock socket with SO_REUSEADDR on a specific address; another
 * uid binds the wildcard with SO_REUSEADDR (Linux lets two such sockets
 * be bound) and listens. The Winsock socket's listen() must then fail, as
 * bind(2)'s would, and leave the connections to the other's listener.
 */
TEST_F(listen_takeover, listen_over_native_listener)
{
	struct sockaddr_storage ss;
	struct pollfd pfd;
	int c, len;

	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_REUSEADDR, variant->loopback));
	ASSERT_EQ(0, NATIVE(true, false, variant->native_wild));
	ASSERT_EQ(0, listen(self->native, 8));
	EXPECT_EQ(-1, listen(self->winsock, 8));
	EXPECT_EQ(EADDRINUSE, errno);

	c = socket(variant->native_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, c);
	len = util_name(&ss, variant->native_family, variant->specific, PORT);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&ss, len));
	pfd.fd = self->native;
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 2000));
	close(c);
}

/* The other order: the Winsock socket listens first; the wildcard fails. */
TEST_F(listen_takeover, native_bind_under_winsock_listener)
{
	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_REUSEADDR, variant->loopback));
	ASSERT_EQ(0, listen(self->winsock, 8));
	EXPECT_EQ(EADDRINUSE, NATIVE(true, false, variant->native_wild));
	EXPECT_EQ(EADDRINUSE, NATIVE(true, true, variant->native_wild));
}

/*
 * A device user keeps its own socket's lock: a thread stuck in
 * setsockopt(IP_OPTIONS), which copies the options with the socket
 * locked (after a first, unlocked copy of an int), from a page whose
 * fault a userfaultfd does not serve: the options start 4 bytes before
 * the end of an ordinary page and run on into that one. Its WSPBind
 * of that socket waits for the lock. Another caller's WSPBind of the same
 * port must not wait with it: the module holds no lock of its own while a
 * bind waits for a socket's.
 */
FIXTURE(stuck) {
	int dev;
	int uffd;
	char *page;
	int fd[2];
};

FIXTURE_VARIANT(stuck) {
	int type;
};

FIXTURE_VARIANT_ADD(stuck, tcp4) {
	.type = SOCK_STREAM,
};

FIXTURE_VARIANT_ADD(stuck, udp4) {
	.type = SOCK_DGRAM,
};

FIXTURE_SETUP(stuck)
{
	struct uffdio_api api = { .api = UFFD_API };
	long ps = sysconf(_SC_PAGESIZE);
	struct uffdio_register reg = {
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int ret;

	self->fd[0] = self->fd[1] = -1;
	self->dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	ret = util_enter_netns();
	ASSERT_EQ(0, ret) TH_LOG("network namespace: %s", strerror(-ret));
	/* Without O_NONBLOCK, poll() on it answers POLLERR at once. */
	self->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, self->uffd) TH_LOG("userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->uffd, UFFDIO_API, &api));
	self->page = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->page != MAP_FAILED);
	memset(self->page, 0, ps);
	reg.range.start = (uintptr_t)self->page + ps;
	reg.range.len = ps;
	self->page += ps - 4;
	ASSERT_EQ(0, ioctl(self->uffd, UFFDIO_REGISTER, &reg));
}

FIXTURE_TEARDOWN(stuck)
{
	if (self->uffd >= 0)
		close(self->uffd);
	if (self->fd[0] >= 0)
		close(self->fd[0]);
	if (self->fd[1] >= 0)
		close(self->fd[1]);
	close(self->dev);
}

struct stuck_call {
	int dev, fd;
	const char *page;
	int answer;
	double took;
};

static void *stuck_setsockopt(void *arg)
{
	struct stuck_call *c = arg;

	setsockopt(c->fd, IPPROTO_IP, IP_OPTIONS, c->page, 8);
	return NULL;
}

static void *timed_wspbind(void *arg)
{
	struct stuck_call *c = arg;
	struct sockaddr_storage ss;
	int len = util_name(&ss, AF_INET, "127.0.0.1", PORT);
	double t0 = util_now();

	c->answer = wsp_bind(c->dev, c->fd, 0, &ss, len, NULL);
	c->took = util_now() - t0;
	return NULL;
}

TEST_F(stuck, other_callers_of_the_port_go_on)
{
	struct stuck_call lock = { .page = self->page };
	struct stuck_call mine = { .dev = self->dev, .answer = -1 };
	struct stuck_call theirs = { .dev = self->dev, .answer = -1 };
	struct pollfd pfd = { .fd = self->uffd, .events = POLLIN };
	pthread_t t[3];

	self->fd[0] = socket(AF_INET, variant->type | SOCK_CLOEXEC, 0);
	self->fd[1] = socket(AF_INET, variant->type | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->fd[0]);
	ASSERT_LE(0, self->fd[1]);
	lock.fd = mine.fd = self->fd[0];
	theirs.fd = self->fd[1];

	ASSERT_EQ(0, pthread_create(&t[0], NULL, stuck_setsockopt, &lock));
	/* The fault is pending: that thread holds the socket's lock. */
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	ASSERT_EQ(POLLIN, pfd.revents);
	ASSERT_EQ(0, pthread_create(&t[1], NULL, timed_wspbind, &mine));
	usleep(300000);
	ASSERT_EQ(0, pthread_create(&t[2], NULL, timed_wspbind, &theirs));
	pthread_join(t[2], NULL);
	EXPECT_EQ(0, theirs.answer);
	EXPECT_GT(1.0, theirs.took);
	TH_LOG("the other caller's WSPBind took %.3f s", theirs.took);

	/* Let the stuck thread go: the fault now finds an empty page. */
	close(self->uffd);
	self->uffd = -1;
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	/* Then the first bind finds the port taken. */
	EXPECT_EQ(WSPBIND_WSAEADDRINUSE, mine.answer);
}

/*
 * A cgroup bind program may rewrite the port a bind asks for. The port
 * decided must be the port bound: a Winsock socket with no option asks
 * for one port, the program moves it onto another where a Winsock
 * socket with SO_REUSEADDR holds the same address, which Linux would let
 * the two share (SO_REUSEPORT, one uid) and Windows's table does not.
 */
#define REWRITTEN_PORT	42000

/* A cgroup bind program that sets every bind's port to REWRITTEN_PORT. */
static int rewrite_port_prog(int attach_type)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = htons(REWRITTEN_PORT) },
		{ .code = BPF_STX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_REG_2,
		  .off = offsetof(struct bpf_sock_addr, user_port) },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return util_bpf_bind_prog(attach_type, insns, ARRAY_SIZE(insns));
}

#define CGROUP_TEST	CGROUP_MNT "/wspbind_takeover"

FIXTURE(rewrite) {
	SIDES;
	int cgroup;
	int prog;
};

FIXTURE_VARIANT(rewrite) {
	SIDES_VARIANT;
	int attach_type;
};

FIXTURE_VARIANT_ADD(rewrite, tcp4) {
	.type = SOCK_STREAM, ON_IP4, .attach_type = BPF_CGROUP_INET4_BIND
};
FIXTURE_VARIANT_ADD(rewrite, udp4) {
	.type = SOCK_DGRAM, ON_IP4, .attach_type = BPF_CGROUP_INET4_BIND
};
FIXTURE_VARIANT_ADD(rewrite, tcp6) {
	.type = SOCK_STREAM, ON_IP6, .attach_type = BPF_CGROUP_INET6_BIND
};
FIXTURE_VARIANT_ADD(rewrite, udp6) {
	.type = SOCK_DGRAM, ON_IP6, .attach_type = BPF_CGROUP_INET6_BIND
};

FIXTURE_SETUP(rewrite)
{
	self->cgroup = self->prog = -1;
	sides_setup(_metadata, &self->dev, &self->winsock, &self->native);
	self->prog = rewrite_port_prog(variant->attach_type);
	self->cgroup = cgroup_with_prog(_metadata, CGROUP_TEST, self->prog,
					variant->attach_type);
}

FIXTURE_TEARDOWN(rewrite)
{
	sides_teardown(self->dev, self->winsock, self->native);
	util_write_pid(CGROUP_MNT "/cgroup.procs");
	if (self->prog >= 0)
		close(self->prog);
	if (self->cgroup >= 0)
		close(self->cgroup);
	rmdir(CGROUP_TEST);
}

TEST_F(rewrite, port_decided_is_port_bound)
{
	int other = -1, port = 0;

	/* Asked for PORT, bound where the program says. */
	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_REUSEADDR, variant->loopback));
	ASSERT_EQ(REWRITTEN_PORT, util_sock_port(self->winsock));
	/* Linux alone would let this one in (SO_REUSEPORT, one uid)... */
	EXPECT_EQ(WSPBIND_WSAEACCES,
		  winsock_bind(self->dev, &other, variant->family,
			       variant->type, 0, variant->loopback));
	/* ... and it stays unbound. */
	port = util_sock_port(other);
	EXPECT_EQ(0, port);
	if (other >= 0)
		close(other);
}

/*
 * The module unloaded and loaded again under a live exclusive socket: the
 * registry forgets it, but the options it carries do not change, so
 * Linux's check still refuses the attacker, and the new registry sees the
 * socket as one bound with bind(2). Runs in scripts/vm-run's guest, where
 * the module is /lib/modules/wspbind.ko (WSPBIND_KO names another);
 * last, as it takes the device away for a moment.
 */
static int module_param(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/wspbind/parameters/%s",
		 name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

TEST_F(takeover, survives_module_reload)
{
	const char *ko = getenv("WSPBIND_KO") ?: "/lib/modules/wspbind.ko";
	char group[16], nnp[4], params[64];
	int fd, port = 0, again = -1;

	if (access(ko, R_OK))
		SKIP(return, "no module file %s to load again", ko);
	ASSERT_EQ(0, module_param("group", group, sizeof(group)));
	ASSERT_EQ(0, module_param("allow_no_new_privs", nnp, sizeof(nnp)));
	snprintf(params, sizeof(params), "group=%s allow_no_new_privs=%s",
		 group, nnp);

	ASSERT_EQ(0, WINSOCK(WSPBIND_BIND_EXCLUSIVEADDRUSE, variant->wild));
	close(self->dev);
	self->dev = -1;
	if (wsp_enrol_mode()) {
		/* An enrolled socket holds the module: no unload, no gap. */
		EXPECT_EQ(-1, syscall(__NR_delete_module, "wspbind",
				      O_NONBLOCK));
		EXPECT_EQ(EWOULDBLOCK, errno);
		EXPECT_EQ(EADDRINUSE, NATIVE(true, true, variant->specific));
		return;
	}
	ASSERT_EQ(0, syscall(__NR_delete_module, "wspbind", O_NONBLOCK))
		TH_LOG("rmmod: %s", strerror(errno));

	EXPECT_EQ(EADDRINUSE, NATIVE(true, true, variant->specific));
	port = util_sock_port(self->winsock);
	EXPECT_EQ(PORT, port);

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, syscall(__NR_finit_module, fd, params, 0))
		TH_LOG("insmod %s %s: %s", ko, params, strerror(errno));
	close(fd);
	self->dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);

	EXPECT_EQ(EADDRINUSE, NATIVE(true, true, variant->specific));
	EXPECT_EQ(WSPBIND_WSAEADDRINUSE,
		  winsock_bind(self->dev, &again, variant->native_family,
			       variant->type, WSPBIND_BIND_REUSEADDR,
			       variant->specific));
	if (again >= 0)
		close(again);
}

#include "wspbind_main.h"
