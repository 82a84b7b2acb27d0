// SPDX-License-Identifier: GPL-2.0
/*
 * The device under a sandbox: a process with no_new_privs, or under a
 * seccomp filter installed without it, is refused unless the module
 * parameter allow_no_new_privs says otherwise; and Landlock's TCP bind
 * rules, which bind(2) obeys and the device, then, does not.
 *
 * Every test runs in a network namespace of its own, with lo up; the
 * sandboxed binds run in child processes.
 *
 * Needs root and the wspbind module loaded.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/net.h>
#include <linux/seccomp.h>
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
 * seccomp: a filter that refuses bind(2) with EPERM, installed without
 * no_new_privs, as a process with CAP_SYS_ADMIN (a container runtime) may.
 * The filter sees the device's ioctl, never the bind the device makes, so
 * the device refuses a caller under any filter unless allow_no_new_privs
 * is set. A 32-bit C library may bind through socketcall(2).
 */
static int seccomp_refuse_bind(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
#ifdef __NR_socketcall
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bind, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socketcall, 0, 2),
		/* the call's number: args[0]'s low word (x86 is little-endian) */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_BIND, 1, 0),
#else
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bind, 1, 0),
#endif
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = {
		.len = ARRAY_SIZE(f),
		.filter = f,
	};

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) ? errno : 0;
}

/* bind(2), then the device, of one UDP or TCP socket each, under the filter. */
struct seccomp_job {
	int dev;
	int type;
	/* results */
	int err;		/* errno of a failed setup step, or 0 */
	int syscall_ret;	/* bind(2): 0 or -errno */
	int wsa;		/* the device's answer */
	int bound;		/* the device's socket's port afterwards */
};

static void seccomp_job_run(void *arg)
{
	struct seccomp_job *job = arg;
	struct name n;
	int fd, len;

	job->err = seccomp_refuse_bind();
	if (job->err)
		return;
	fd = new_socket(AF_INET, job->type, 0);
	if (fd < 0) {
		job->err = errno;
		return;
	}
	job->syscall_ret = sys_bind(fd, AF_INET, ADDR_LOOPBACK, TEST_PORT);
	close(fd);
	fd = new_socket(AF_INET, job->type, 0);
	if (fd < 0) {
		job->err = errno;
		return;
	}
	len = name_init(&n, AF_INET, ADDR_LOOPBACK, TEST_PORT);
	job->wsa = wsp_bind(job->dev, fd, 0, &n, len, NULL);
	job->bound = util_sock_port(fd);
	close(fd);
}

/*
 * One run of seccomp_job_run() with allow_no_new_privs set to @nnp: bind(2)
 * must be refused, and the device answer @wsa and leave the port @bound.
 */
static void seccomp_expect(struct __test_metadata *_metadata, int dev,
			   int type, const char *nnp, int wsa, int bound)
{
	struct seccomp_job *job = map_shared(_metadata, sizeof(*job));

	ASSERT_EQ(0, util_write_file(NNP_PARAM, nnp));
	job->dev = dev;
	job->type = type;
	run_child(_metadata, seccomp_job_run, job);
	if (job->err == EINVAL)
		SKIP(return, "no seccomp filters in this kernel (CONFIG_SECCOMP_FILTER)");
	ASSERT_EQ(0, job->err) TH_LOG("child setup: %s", strerror(job->err));
	/* The filter is in force for bind(2). */
	EXPECT_EQ(-EPERM, job->syscall_ret);
	EXPECT_EQ(wsa, job->wsa);
	EXPECT_EQ(bound, job->bound);
}

TEST_F(nnp, seccomp_filter_refused_tcp)
{
	seccomp_expect(_metadata, self->dev, SOCK_STREAM, "0",
		       WSPBIND_WSAEACCES, 0);
}

TEST_F(nnp, seccomp_filter_refused_udp)
{
	seccomp_expect(_metadata, self->dev, SOCK_DGRAM, "0",
		       WSPBIND_WSAEACCES, 0);
}

/* Measured, not wanted: why allow_no_new_privs is off by default. */
TEST_F(nnp, seccomp_filter_bypassed_with_allow_no_new_privs)
{
	seccomp_expect(_metadata, self->dev, SOCK_DGRAM, "1", 0, TEST_PORT);
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
