// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of Windows's address sharing through /dev/wspbind: the flags
 * WSPBIND_BIND_REUSEADDR and WSPBIND_BIND_EXCLUSIVEADDRUSE, Microsoft's
 * table of who may share an address with whom, the rows of Wine's
 * test_reuseaddr that mix IPv4 with IPv6 (Windows's recorded answers),
 * listening and which listener a connection reaches, TIME_WAIT, sockets
 * bound with bind(2), other users, other processes and other namespaces.
 *
 * Every test runs in a network namespace of its own. Needs root and the
 * wspbind module loaded.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ipv6.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/wspbind.h>

#include "kselftest_harness.h"
#include "wspbind_sharing_table.h"
#include "wspbind_util.h"

#define BASE_PORT	40000

enum opt { NONE, REUSE, EXCL };
enum where { W, S };		/* the wildcard, or loopback */

/* The Winsock answers, by the names Microsoft's table uses. */
#define OK	0
#define INUSE	WSPBIND_WSAEADDRINUSE
#define DENIED	WSPBIND_WSAEACCES
#define CHECK	(-1)		/* the same user: OK; another: DENIED */

/*
 * Microsoft's "Sharing Transport Addresses" (wspbind_sharing_table.h):
 * row, the second bind; column, the first. Each cell as the device
 * answers it, CHECK for the access check.
 */
static int table(int row, int col)
{
	static const int wsa[] = {
		[SHARING_OK] = OK,
		[SHARING_INUSE] = INUSE,
		[SHARING_DENIED] = DENIED,
		[SHARING_CHECK] = CHECK,
	};

	return wsa[sharing_table[row][col]];
}

/*
 * Where Linux's own check answers instead: a UDP socket needs
 * SO_REUSEADDR or SO_REUSEPORT on the holder to share its port, and an
 * SO_EXCLUSIVEADDRUSE socket carries neither, so that no socket bound with
 * bind(2) can share it either (Documentation/sharing.rst). The two cells
 * that let a wildcard in over an exclusive socket's specific address are
 * then WSAEADDRINUSE for UDP.
 */
static int cell_want(int type, int row, int col)
{
	int want = table(row, col) == CHECK ? OK : table(row, col);

	if (type == SOCK_DGRAM && col == 5 && (row == 0 || row == 2))
		return INUSE;
	return want;
}

static const char * const cell_names[6] = {
	"none W", "none S", "reuse W", "reuse S", "excl W", "excl S",
};

static __u32 opt_flags(enum opt opt)
{
	static const __u32 flags[] = {
		[NONE] = 0,
		[REUSE] = WSPBIND_BIND_REUSEADDR,
		[EXCL] = WSPBIND_BIND_EXCLUSIVEADDRUSE,
	};

	return flags[opt];
}

static const char *where_addr(int family, enum where where)
{
	if (family == AF_INET)
		return where == W ? "0.0.0.0" : "127.0.0.1";
	return where == W ? "::" : "::1";
}

/*
 * One WSPBind with flags to @addr (text): the answer, or -errno if the
 * ioctl failed, -EPROTO if it bound another port than @port.
 */
static int share_bind(int dev, int fd, __u32 flags, int family,
		      const char *addr, int port)
{
	__u16 out;
	int ret = wsp_bind_text(dev, fd, flags, family, addr, port, &out);

	if (!ret && out != port && port)
		return -EPROTO;
	return ret;
}

/* A socket; AF_INET6 ones are dual-stack unless @v6only. */
static int sock_new(int family, int type, bool v6only)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	int v = v6only;

	if (fd >= 0 && family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v))) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE(share) {
	int dev;
	int fd[2];
};

FIXTURE_VARIANT(share) {
	int family;
	int type;
};

INET_VARIANTS(share);

FIXTURE_SETUP(share)
{
	self->fd[0] = self->fd[1] = -1;
	self->dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	assert_netns(_metadata);
}

FIXTURE_TEARDOWN(share)
{
	if (self->fd[0] >= 0)
		close(self->fd[0]);
	if (self->fd[1] >= 0)
		close(self->fd[1]);
	close(self->dev);
}

/*
 * One row of the table: the first socket binds each column's way, then a
 * second socket binds the row's way, on a port of its own per column.
 * The second's answer is the cell (CHECK granted: one user); a refused
 * socket stays unbound.
 */
static void table_row(struct __test_metadata *_metadata,
		      FIXTURE_DATA(share) *self,
		      const FIXTURE_VARIANT(share) *variant, int row)
{
	int col, want, got, port;

	for (col = 0; col < 6; col++) {
		int fam = variant->family;

		port = BASE_PORT + row * 6 + col;
		self->fd[0] = sock_new(fam, variant->type, false);
		self->fd[1] = sock_new(fam, variant->type, false);
		ASSERT_LE(0, self->fd[0]);
		ASSERT_LE(0, self->fd[1]);
		ASSERT_EQ(0, share_bind(self->dev, self->fd[0],
					opt_flags(col / 2), fam,
					where_addr(fam, col % 2), port));
		want = cell_want(variant->type, row, col);
		got = share_bind(self->dev, self->fd[1], opt_flags(row / 2),
				 fam, where_addr(fam, row % 2), port);
		EXPECT_EQ(want, got)
			TH_LOG("%s after %s", cell_names[row], cell_names[col]);
		EXPECT_EQ(want ? 0 : port, util_sock_port(self->fd[1]));
		close(self->fd[0]);
		close(self->fd[1]);
		self->fd[0] = self->fd[1] = -1;
	}
}

TEST_F(share, row_none_wildcard)
{
	table_row(_metadata, self, variant, 0);
}

TEST_F(share, row_none_specific)
{
	table_row(_metadata, self, variant, 1);
}

TEST_F(share, row_reuseaddr_wildcard)
{
	table_row(_metadata, self, variant, 2);
}

TEST_F(share, row_reuseaddr_specific)
{
	table_row(_metadata, self, variant, 3);
}

TEST_F(share, row_exclusive_wildcard)
{
	table_row(_metadata, self, variant, 4);
}

TEST_F(share, row_exclusive_specific)
{
	table_row(_metadata, self, variant, 5);
}

struct child_bind {
	int dev;
	int family;
	int type;
	int row;
	int port;
};

/* The second bind of a cell, in a process of its own. */
static int child_second_bind(void *arg)
{
	struct child_bind *c = arg;
	int fd = sock_new(c->family, c->type, false);
	int ret;

	if (fd < 0)
		return 254;
	ret = share_bind(c->dev, fd, opt_flags(c->row / 2), c->family,
			 where_addr(c->family, c->row % 2), c->port);
	return ret == OK ? 0 : ret == DENIED ? 1 : ret == INUSE ? 2 : 3;
}

/*
 * Each CHECK cell, with the second socket made by another process: of the
 * same user, granted; of another user, WSAEACCES.
 */
TEST_F(share, check_cells_by_user)
{
	struct child_bind c = {
		.dev = self->dev,
		.family = variant->family,
		.type = variant->type,
	};
	int row, col, checked = 0;

	for (row = 0; row < 6; row++) {
		for (col = 0; col < 6; col++) {
			if (table(row, col) != CHECK)
				continue;
			checked++;
			c.row = row;
			c.port = BASE_PORT + row * 6 + col;
			self->fd[0] = sock_new(c.family, c.type, false);
			ASSERT_LE(0, self->fd[0]);
			ASSERT_EQ(0, share_bind(self->dev, self->fd[0],
						opt_flags(col / 2), c.family,
						where_addr(c.family, col % 2),
						c.port));
			EXPECT_EQ(1, util_run_as(NOBODY, child_second_bind, &c))
				TH_LOG("%s after %s, another user",
				       cell_names[row], cell_names[col]);
			EXPECT_EQ(0, util_run_as(0, child_second_bind, &c))
				TH_LOG("%s after %s, the same user",
				       cell_names[row], cell_names[col]);
			close(self->fd[0]);
			self->fd[0] = -1;
		}
	}
	EXPECT_EQ(5, checked);
}

/* Both flags at once: WSAEINVAL, and the socket stays unbound. */
TEST_F(share, both_flags)
{
	self->fd[0] = sock_new(variant->family, variant->type, false);
	ASSERT_LE(0, self->fd[0]);
	EXPECT_EQ(WSPBIND_WSAEINVAL,
		  share_bind(self->dev, self->fd[0],
			     WSPBIND_BIND_REUSEADDR |
			     WSPBIND_BIND_EXCLUSIVEADDRUSE,
			     variant->family, where_addr(variant->family, S),
			     BASE_PORT));
	EXPECT_EQ(0, util_sock_port(self->fd[0]));
	EXPECT_EQ(0, share_bind(self->dev, self->fd[0], 0, variant->family,
				where_addr(variant->family, S), BASE_PORT));
}

/*
 * A socket bound with bind(2) keeps its address as Linux says: beside it,
 * a WSPBind answers WSAEADDRINUSE wherever bind(2) would refuse, whatever
 * its Winsock option.
 */
TEST_F(share, native_holder)
{
	struct sockaddr_storage ss;
	int len, fam = variant->family;
	enum opt opt;

	self->fd[0] = sock_new(fam, variant->type, false);
	ASSERT_LE(0, self->fd[0]);
	len = util_name(&ss, fam, where_addr(fam, S), BASE_PORT);
	ASSERT_EQ(0, bind(self->fd[0], (struct sockaddr *)&ss, len));
	for (opt = NONE; opt <= EXCL; opt++) {
		self->fd[1] = sock_new(fam, variant->type, false);
		ASSERT_LE(0, self->fd[1]);
		EXPECT_EQ(INUSE, share_bind(self->dev, self->fd[1],
					    opt_flags(opt), fam,
					    where_addr(fam, W), BASE_PORT))
			TH_LOG("option %d, wildcard", opt);
		EXPECT_EQ(INUSE, share_bind(self->dev, self->fd[1],
					    opt_flags(opt), fam,
					    where_addr(fam, S), BASE_PORT))
			TH_LOG("option %d, specific", opt);
		close(self->fd[1]);
		self->fd[1] = -1;
	}
}

/* ... and where bind(2) would share (SO_REUSEADDR on both), so may it. */
TEST_F(share, native_holder_linux_reuseaddr)
{
	int fam = variant->family, one = 1, len;
	struct sockaddr_storage ss;

	self->fd[0] = sock_new(fam, variant->type, false);
	self->fd[1] = sock_new(fam, variant->type, false);
	ASSERT_LE(0, self->fd[0]);
	ASSERT_LE(0, self->fd[1]);
	ASSERT_EQ(0, setsockopt(self->fd[0], SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)));
	ASSERT_EQ(0, setsockopt(self->fd[1], SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)));
	len = util_name(&ss, fam, where_addr(fam, S), BASE_PORT);
	ASSERT_EQ(0, bind(self->fd[0], (struct sockaddr *)&ss, len));
	EXPECT_EQ(OK, share_bind(self->dev, self->fd[1], 0, fam,
				 where_addr(fam, S), BASE_PORT));
}

/* A second namespace knows nothing of the first's sockets. */
TEST_F(share, namespaces_independent)
{
	int fam = variant->family;

	self->fd[0] = sock_new(fam, variant->type, false);
	ASSERT_LE(0, self->fd[0]);
	ASSERT_EQ(0, share_bind(self->dev, self->fd[0],
				WSPBIND_BIND_EXCLUSIVEADDRUSE, fam,
				where_addr(fam, W), BASE_PORT));
	assert_netns(_metadata);
	self->fd[1] = sock_new(fam, variant->type, false);
	ASSERT_LE(0, self->fd[1]);
	EXPECT_EQ(OK, share_bind(self->dev, self->fd[1],
				 WSPBIND_BIND_EXCLUSIVEADDRUSE, fam,
				 where_addr(fam, W), BASE_PORT));
}

/*
 * The registry holds an entry per socket bound through the device, and
 * none once the sockets are closed (the sweep runs every second).
 */
TEST_F(share, registry_entries_go)
{
	int fam = variant->family, fds[8], i, left;

	for (i = 0; i < 8; i++) {
		fds[i] = sock_new(fam, variant->type, false);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, share_bind(self->dev, fds[i],
					i % 2 ? WSPBIND_BIND_REUSEADDR : 0, fam,
					where_addr(fam, S),
					i % 2 ? BASE_PORT : 0));
	}
	EXPECT_EQ(8, util_registry_sockets());
	for (i = 0; i < 8; i++)
		close(fds[i]);
	for (i = 0; i < 50 && (left = util_registry_sockets()) > 0; i++)
		usleep(100000);
	EXPECT_EQ(0, left);
}

/*
 * Many device sockets on one port, each on an address of its own (IPv4
 * loopback addresses; v4-mapped ones for AF_INET6): past 16 the registry
 * finds a holder's entry through its index by socket. Every holder must
 * still be found, as it grows, and after half the holders close: a second
 * socket without an option on a live holder's address is refused by the
 * table (WSAEADDRINUSE; Linux's SO_REUSEPORT, which both carry, would let
 * it in), and binds where a holder closed.
 */
TEST_F(share, many_holders_each_found)
{
	enum { N = 100 };
	int fam = variant->family, holders[N], i, fd, want, got;
	char addr[32];

	for (i = 0; i < N; i++) {
		snprintf(addr, sizeof(addr), "%s127.0.0.%d",
			 fam == AF_INET6 ? "::ffff:" : "", 2 + i);
		holders[i] = sock_new(fam, variant->type, false);
		ASSERT_LE(0, holders[i]);
		ASSERT_EQ(0, share_bind(self->dev, holders[i], 0, fam, addr,
					BASE_PORT))
			TH_LOG("holder %d", i);
	}
	for (i = 0; i < N; i += 2)
		close(holders[i]);
	for (i = 0; i < N; i++) {
		snprintf(addr, sizeof(addr), "%s127.0.0.%d",
			 fam == AF_INET6 ? "::ffff:" : "", 2 + i);
		fd = sock_new(fam, variant->type, false);
		ASSERT_LE(0, fd);
		want = i % 2 ? INUSE : OK;
		got = share_bind(self->dev, fd, 0, fam, addr, BASE_PORT);
		EXPECT_EQ(want, got)
			TH_LOG("beside holder %d (%s)", i,
			       i % 2 ? "live" : "closed");
		close(fd);
	}
	for (i = 1; i < N; i += 2)
		close(holders[i]);
}

/*
 * Rows of Wine's test_reuseaddr that mix AF_INET with dual-stack AF_INET6
 * sockets and v4-mapped addresses (tests_exclusive), Windows's answers,
 * and two rows of ours that bind(2) answers alike: the first socket
 * binds, then the second; the answer is the second's.
 */
static const struct mixed_case {
	int family[2];
	const char *addr[2];
	bool excl[2];
	int want;
} mixed_cases[] = {
	{ { AF_INET, AF_INET }, { "0.0.0.0", "127.0.0.1" }, { 1, 0 }, DENIED },
	{ { AF_INET6, AF_INET }, { "::", "127.0.0.1" }, { 1, 0 }, DENIED },
	{ { AF_INET, AF_INET }, { "0.0.0.0", "127.0.0.1" }, { 0, 1 }, OK },
	{ { AF_INET, AF_INET }, { "0.0.0.0", "127.0.0.1" }, { 1, 1 }, DENIED },
	{ { AF_INET, AF_INET }, { "127.0.0.1", "0.0.0.0" }, { 1, 0 }, OK },
	{ { AF_INET, AF_INET }, { "127.0.0.1", "0.0.0.0" }, { 0, 1 }, INUSE },
	{ { AF_INET, AF_INET6 }, { "127.0.0.1", "::" }, { 0, 1 }, INUSE },
	{ { AF_INET6, AF_INET }, { "::1", "0.0.0.0" }, { 0, 1 }, OK },
	{ { AF_INET6, AF_INET }, { "::1", "127.0.0.1" }, { 1, 1 }, OK },
	{ { AF_INET6, AF_INET }, { "::ffff:127.0.0.1", "0.0.0.0" }, { 0, 1 },
	  INUSE },
	{ { AF_INET6, AF_INET }, { "::", "0.0.0.0" }, { 1, 0 }, DENIED },
	{ { AF_INET6, AF_INET }, { "::", "0.0.0.0" }, { 0, 1 }, OK },
	{ { AF_INET, AF_INET }, { "0.0.0.0", "0.0.0.0" }, { 0, 1 }, INUSE },
	{ { AF_INET, AF_INET }, { "0.0.0.0", "0.0.0.0" }, { 0, 0 }, INUSE },
	{ { AF_INET6, AF_INET }, { "::", "0.0.0.0" }, { 0, 0 }, OK },
	{ { AF_INET6, AF_INET }, { "::ffff:0.0.0.0", "0.0.0.0" }, { 0, 0 },
	  INUSE },
	{ { AF_INET6, AF_INET }, { "::ffff:127.0.0.1", "127.0.0.1" }, { 0, 0 },
	  INUSE },
	{ { AF_INET, AF_INET6 }, { "127.0.0.1", "::ffff:127.0.0.1" }, { 0, 0 },
	  INUSE },
	{ { AF_INET, AF_INET }, { "127.0.0.1", "127.0.0.1" }, { 1, 0 }, INUSE },
	{ { AF_INET, AF_INET }, { "127.0.0.1", "127.0.0.1" }, { 0, 1 }, INUSE },
	/* Ours: [::1] is no IPv4 address, so 0.0.0.0 holds nothing of it. */
	{ { AF_INET, AF_INET6 }, { "0.0.0.0", "::1" }, { 1, 0 }, OK },
	{ { AF_INET, AF_INET6 }, { "0.0.0.0", "::1" }, { 0, 0 }, OK },
};

/* Wine's rows are TCP's; for UDP, Linux's check as in cell_want(). */
static int mixed_want(const struct mixed_case *m, int type)
{
	if (type == SOCK_DGRAM && m->excl[0] && !m->excl[1] &&
	    m->want == OK && !strcmp(m->addr[0], "127.0.0.1") &&
	    !strcmp(m->addr[1], "0.0.0.0"))
		return INUSE;
	return m->want;
}

FIXTURE(mixed) {
	int dev;
};

FIXTURE_VARIANT(mixed) {
	int type;
};

FIXTURE_VARIANT_ADD(mixed, tcp) {
	.type = SOCK_STREAM,
};

FIXTURE_VARIANT_ADD(mixed, udp) {
	.type = SOCK_DGRAM,
};

FIXTURE_SETUP(mixed)
{
	self->dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	assert_netns(_metadata);
}

FIXTURE_TEARDOWN(mixed)
{
	close(self->dev);
}

TEST_F(mixed, wine_exclusive_rows)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(mixed_cases); i++) {
		const struct mixed_case *m = &mixed_cases[i];
		int fd[2], port = BASE_PORT + i;

		for (j = 0; j < 2; j++) {
			fd[j] = sock_new(m->family[j], variant->type, false);
			ASSERT_LE(0, fd[j]);
		}
		ASSERT_EQ(0, share_bind(self->dev, fd[0],
					m->excl[0] ? opt_flags(EXCL) : 0,
					m->family[0], m->addr[0], port))
			TH_LOG("row %u, first bind", i);
		EXPECT_EQ(mixed_want(m, variant->type),
			  share_bind(self->dev, fd[1],
				     m->excl[1] ? opt_flags(EXCL) : 0,
				     m->family[1], m->addr[1], port))
			TH_LOG("row %u: %s then %s", i, m->addr[0], m->addr[1]);
		close(fd[0]);
		close(fd[1]);
	}
}

/* test_ipv6only: [::] exclusive refuses 0.0.0.0 with SO_REUSEADDR. */
TEST_F(mixed, dual_stack_exclusive_refuses_reuseaddr)
{
	int fd6 = sock_new(AF_INET6, variant->type, false);
	int fd4 = sock_new(AF_INET, variant->type, false);

	ASSERT_LE(0, fd6);
	ASSERT_LE(0, fd4);
	ASSERT_EQ(0, share_bind(self->dev, fd6, opt_flags(EXCL), AF_INET6, "::",
				BASE_PORT));
	EXPECT_EQ(DENIED, share_bind(self->dev, fd4, opt_flags(REUSE), AF_INET,
				     "0.0.0.0", BASE_PORT));
	close(fd4);
	close(fd6);
}

/* An IPV6_V6ONLY wildcard holds no IPv4 address. */
TEST_F(mixed, v6only_holds_no_ipv4)
{
	int fd6 = sock_new(AF_INET6, variant->type, true);
	int fd4 = sock_new(AF_INET, variant->type, false);

	ASSERT_LE(0, fd6);
	ASSERT_LE(0, fd4);
	ASSERT_EQ(0, share_bind(self->dev, fd6, opt_flags(EXCL), AF_INET6, "::",
				BASE_PORT));
	EXPECT_EQ(OK, share_bind(self->dev, fd4, opt_flags(EXCL), AF_INET,
				 "0.0.0.0", BASE_PORT));
	close(fd4);
	close(fd6);
}

/*
 * Listening and delivery, TCP: which of several listeners of one port a
 * loopback connection reaches.
 */
FIXTURE(listen) {
	int dev;
};

FIXTURE_SETUP(listen)
{
	self->dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	assert_netns(_metadata);
}

FIXTURE_TEARDOWN(listen)
{
	close(self->dev);
}

/* A TCP socket bound through the device, listening; -1 on failure. */
static int listener(int dev, int family, enum opt opt, const char *addr,
		    int port)
{
	int fd = sock_new(family, SOCK_STREAM, false);

	if (fd < 0)
		return -1;
	if (share_bind(dev, fd, opt_flags(opt), family, addr, port) ||
	    listen(fd, 8)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Connect to @addr:@port; the client socket, or -1. */
static int connect_to(int family, const char *addr, int port)
{
	struct sockaddr_storage ss;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int len = util_name(&ss, family, addr, port);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Which of @n listeners has the pending connection: its index, or -1. */
static int which_got(const int *fds, int n)
{
	struct pollfd pfd[8];
	int i, got = -1;

	if (n > (int)ARRAY_SIZE(pfd))
		return -3;
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	if (poll(pfd, n, 2000) <= 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (pfd[i].revents & POLLIN) {
			if (got >= 0)
				return -2;
			got = i;
		}
	}
	if (got >= 0)
		close(accept(fds[got], NULL, NULL));
	return got;
}

/*
 * Which of two listeners, both bound and listening, a connection from
 * @family to @addr reaches: the index of the one that got it, -1 for
 * neither, -2 for both, -3 when a listener or the connection failed.
 */
static int reached(int dev, const int *family, const char *const *addr,
		   int to_family, const char *to)
{
	int l[2], c, i, got;

	for (i = 0; i < 2; i++)
		l[i] = listener(dev, family[i], NONE, addr[i], BASE_PORT);
	c = connect_to(to_family, to, BASE_PORT);
	got = l[0] < 0 || l[1] < 0 || c < 0 ? -3 : which_got(l, 2);
	for (i = 0; i < 2; i++)
		if (l[i] >= 0)
			close(l[i]);
	if (c >= 0)
		close(c);
	return got;
}

/* 0.0.0.0 first, 127.0.0.1 second: both listen; 127.0.0.1 reaches the
 * specific one, another loopback address the wildcard. */
TEST_F(listen, wildcard_then_specific)
{
	static const int fam[2] = { AF_INET, AF_INET };
	static const char *const addr[2] = { "0.0.0.0", "127.0.0.1" };

	EXPECT_EQ(1, reached(self->dev, fam, addr, AF_INET, "127.0.0.1"));
	EXPECT_EQ(0, reached(self->dev, fam, addr, AF_INET, "127.0.0.2"));
}

TEST_F(listen, specific_then_wildcard)
{
	static const int fam[2] = { AF_INET, AF_INET };
	static const char *const addr[2] = { "127.0.0.1", "0.0.0.0" };

	EXPECT_EQ(0, reached(self->dev, fam, addr, AF_INET, "127.0.0.1"));
}

/* [::] dual-stack and 0.0.0.0 both listen; IPv4 reaches the AF_INET one. */
TEST_F(listen, dual_stack_and_ipv4_wildcards)
{
	static const int fam[2] = { AF_INET6, AF_INET };
	static const char *const addr[2] = { "::", "0.0.0.0" };

	EXPECT_EQ(1, reached(self->dev, fam, addr, AF_INET, "127.0.0.1"));
	EXPECT_EQ(0, reached(self->dev, fam, addr, AF_INET6, "::1"));
}

/*
 * @count connections to 127.0.0.1:BASE_PORT, one after the other: each
 * must reach listener @want of the @n in @l.
 */
static void connections_reach(struct __test_metadata *_metadata,
			      const int *l, int n, int want, int count)
{
	int c, i;

	for (i = 0; i < count; i++) {
		c = connect_to(AF_INET, "127.0.0.1", BASE_PORT);
		ASSERT_LE(0, c);
		EXPECT_EQ(want, which_got(l, n)) TH_LOG("connection %d", i);
		close(c);
	}
}

/*
 * Two SO_REUSEADDR listeners on one address: the first gets the
 * connections, the second once the first is closed; a third that listens
 * then comes after the second.
 */
TEST_F(listen, reuseaddr_first_listener_wins)
{
	int l[2];

	l[0] = listener(self->dev, AF_INET, REUSE, "127.0.0.1", BASE_PORT);
	l[1] = listener(self->dev, AF_INET, REUSE, "127.0.0.1", BASE_PORT);
	ASSERT_LE(0, l[0]);
	ASSERT_LE(0, l[1]);
	connections_reach(_metadata, l, 2, 0, 4);
	close(l[0]);
	l[0] = listener(self->dev, AF_INET, REUSE, "127.0.0.1", BASE_PORT);
	ASSERT_LE(0, l[0]);
	connections_reach(_metadata, l, 2, 1, 4);
	close(l[0]);
	close(l[1]);
}

/*
 * Three SO_REUSEADDR listeners, then the first closed: Windows gives the
 * connections to the second, this module's group to the third. Measured,
 * not wanted: the group's program picks its first slot, and the kernel
 * moves the group's last member into a slot that a closing member frees
 * (reuseport_detach_sock()); no code of the module runs at that close()
 * to put the second there instead (sharing.rst, "Limits").
 */
TEST_F(listen, reuseaddr_close_first_of_three_last_gets_them)
{
	int l[3], i;

	for (i = 0; i < 3; i++) {
		l[i] = listener(self->dev, AF_INET, REUSE, "127.0.0.1",
				BASE_PORT);
		ASSERT_LE(0, l[i]) TH_LOG("listener %d", i);
	}
	connections_reach(_metadata, l, 3, 0, 1);
	close(l[0]);
	l[0] = -1;
	/* Windows: 1. */
	connections_reach(_metadata, l, 3, 2, 4);
	close(l[1]);
	close(l[2]);
}

/*
 * Six SO_REUSEADDR sockets bound on one address, more than the twins one
 * bind looks after (WSPBIND_MAX_TWINS), then made to listen in that order:
 * each listens, and the first gets every connection.
 */
TEST_F(listen, reuseaddr_first_of_six_twins_wins)
{
	int l[6], i;

	for (i = 0; i < 6; i++) {
		l[i] = sock_new(AF_INET, SOCK_STREAM, false);
		ASSERT_LE(0, l[i]);
		ASSERT_EQ(0, share_bind(self->dev, l[i], opt_flags(REUSE),
					AF_INET, "127.0.0.1", BASE_PORT))
			TH_LOG("twin %d", i);
	}
	for (i = 0; i < 6; i++) {
		int ret = listen(l[i], 8);

		ASSERT_EQ(0, ret) TH_LOG("twin %d listens: %s", i,
					 strerror(errno));
	}
	connections_reach(_metadata, l, 6, 0, 6);
	for (i = 0; i < 6; i++)
		close(l[i]);
}

/*
 * A listener at BASE_PORT with @opt, one connection accepted and closed
 * server side first (so the server's side is in TIME_WAIT), the client
 * and the listener closed: what a new bind of the address then answers.
 */
static int bind_after_time_wait(struct __test_metadata *_metadata, int dev,
				enum opt opt, enum opt again)
{
	int l, c, a, fd, ret;
	char buf;

	l = listener(dev, AF_INET, opt, "127.0.0.1", BASE_PORT);
	if (l < 0)
		return -1;
	c = connect_to(AF_INET, "127.0.0.1", BASE_PORT);
	a = accept(l, NULL, NULL);
	if (c < 0 || a < 0)
		return -1;
	close(a);
	/* The client reads the FIN, then closes: the server waits. */
	if (read(c, &buf, 1) != 0)
		return -1;
	close(c);
	close(l);
	usleep(100000);
	fd = sock_new(AF_INET, SOCK_STREAM, false);
	ret = share_bind(dev, fd, opt_flags(again), AF_INET, "127.0.0.1",
			 BASE_PORT);
	close(fd);
	return ret;
}

/* Windows lets a socket bind beside another's TIME_WAIT connections... */
TEST_F(listen, time_wait_does_not_block)
{
	EXPECT_EQ(OK, bind_after_time_wait(_metadata, self->dev, NONE, NONE));
}

TEST_F(listen, time_wait_does_not_block_reuseaddr)
{
	EXPECT_EQ(OK, bind_after_time_wait(_metadata, self->dev, NONE, REUSE));
}

/* ... but an exclusive socket's connections keep its address. */
TEST_F(listen, time_wait_of_exclusive_blocks)
{
	EXPECT_EQ(INUSE, bind_after_time_wait(_metadata, self->dev, EXCL,
					      NONE));
}

TEST_F(listen, time_wait_of_exclusive_blocks_reuseaddr)
{
	EXPECT_EQ(INUSE, bind_after_time_wait(_metadata, self->dev, EXCL,
					      REUSE));
}

/* Linux's own rule for bind(2) beside the same TIME_WAIT is untouched. */
TEST_F(listen, time_wait_native_bind_refused)
{
	struct sockaddr_storage ss;
	int fd, len;

	EXPECT_EQ(OK, bind_after_time_wait(_metadata, self->dev, NONE, NONE));
	fd = sock_new(AF_INET, SOCK_STREAM, false);
	ASSERT_LE(0, fd);
	len = util_name(&ss, AF_INET, "127.0.0.1", BASE_PORT);
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&ss, len));
	EXPECT_EQ(EADDRINUSE, errno);
	close(fd);
}

/*
 * IPv6 scope ids as Windows reads them (Wine's test_bind records them): a
 * scope id on an address that is not link-local is refused, and scope id
 * 0 on a link-local address means the interface that has it.
 */
FIXTURE(scope) {
	int dev;
	int fd;
};

FIXTURE_SETUP(scope)
{
	self->dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	assert_netns(_metadata);
	self->fd = sock_new(AF_INET6, SOCK_DGRAM, true);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(scope)
{
	close(self->fd);
	close(self->dev);
}

/* A WSPBind of @addr%@scope_id; the answer. */
static int bind_scoped(int dev, int fd, const char *addr, __u32 scope_id)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	struct wspbind_bind req = {
		.size = sizeof(req),
		.sockfd = fd,
		.namelen = sizeof(a),
		.name = (uintptr_t)&a,
	};

	inet_pton(AF_INET6, addr, &a.sin6_addr);
	a.sin6_port = htons(BASE_PORT);
	a.sin6_scope_id = scope_id;
	if (ioctl(dev, WSPBIND_IOC_BIND, &req))
		return -errno;
	return req.out_wsa_error;
}

/*
 * fe80::1 on lo: loopback takes any address. Newer kernels run DAD on it
 * too, briefly: wait until bind(2) takes the address.
 */
static int add_link_local(void)
{
	struct sockaddr_in6 a = {
		.sin6_family = AF_INET6,
		.sin6_scope_id = if_nametoindex("lo"),
	};
	struct in6_ifreq ifr = { .ifr6_prefixlen = 64 };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -errno;
	inet_pton(AF_INET6, "fe80::1", &ifr.ifr6_addr);
	a.sin6_addr = ifr.ifr6_addr;
	ifr.ifr6_ifindex = a.sin6_scope_id;
	ret = ioctl(fd, SIOCSIFADDR, &ifr) ? -errno : 0;
	close(fd);
	return ret ? ret : util_wait_bindable6(&a);
}

TEST_F(scope, loopback_with_scope_id_refused)
{
	EXPECT_EQ(WSPBIND_WSAEADDRNOTAVAIL,
		  bind_scoped(self->dev, self->fd, "::1", 1));
	EXPECT_EQ(WSPBIND_WSAEADDRNOTAVAIL,
		  bind_scoped(self->dev, self->fd, "::1", 0xabacab));
	EXPECT_EQ(0, util_sock_port(self->fd));
	EXPECT_EQ(OK, bind_scoped(self->dev, self->fd, "::1", 0));
}

TEST_F(scope, link_local_scope_zero_is_its_interface)
{
	struct sockaddr_in6 got;
	socklen_t len = sizeof(got);

	ASSERT_EQ(0, add_link_local());
	EXPECT_EQ(OK, bind_scoped(self->dev, self->fd, "fe80::1", 0));
	ASSERT_EQ(0, getsockname(self->fd, (struct sockaddr *)&got, &len));
	EXPECT_EQ(if_nametoindex("lo"), got.sin6_scope_id);
}

TEST_F(scope, link_local_unknown_scope_id)
{
	ASSERT_EQ(0, add_link_local());
	EXPECT_EQ(WSPBIND_WSAEADDRNOTAVAIL,
		  bind_scoped(self->dev, self->fd, "fe80::1", 0xabacab));
	EXPECT_EQ(0, util_sock_port(self->fd));
	EXPECT_EQ(OK, bind_scoped(self->dev, self->fd, "fe80::1",
				  if_nametoindex("lo")));
}

TEST_F(scope, link_local_on_no_interface)
{
	ASSERT_EQ(0, add_link_local());
	EXPECT_EQ(WSPBIND_WSAEADDRNOTAVAIL,
		  bind_scoped(self->dev, self->fd, "fe80::2", 0));
}

#include "wspbind_main.h"
