// SPDX-License-Identifier: GPL-2.0
/*
 * The device under a sandbox: a process with no_new_privs is refused
 * unless the module parameter allow_no_new_privs says otherwise, and
 * Landlock's TCP bind rules, which bind(2) obeys and the device, then,
 * does not.
 *
 * Every test runs in a network namespace of its own, with lo up; the
 * sandboxed binds run in child processes.
 *
 * Needs root and the wspbind module loaded.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/wspbind.h>

#include "kselftest_harness.h"
#include "wspbind_util.h"

#define NNP_PARAM		WSPBIND_PARAMS "allow_no_new_privs"

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
