// SPDX-License-Identifier: GPL-2.0
/*
 * The port range: the sysctl net.wspbind.ephemeral_port_range, read,
 * written (well, badly, by whom), and one per network namespace, whose
 * range port 0 is drawn from.
 *
 * Every test runs in a network namespace of its own, with lo up.
 *
 * Needs root and the wspbind module loaded.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/wspbind.h>

#include "kselftest_harness.h"
#include "wspbind_util.h"

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

#include "wspbind_main.h"
