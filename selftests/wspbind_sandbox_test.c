// SPDX-License-Identifier: GPL-2.0
/*
 * The device under a sandbox: a process with no_new_privs, or under a
 * seccomp filter installed without it, is refused unless the module
 * parameter allow_no_new_privs says otherwise; and Landlock's TCP bind
 * rules and an LSM's socket_bind hook, which bind(2) obeys and the device
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
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/btf.h>
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

/*
 * A child that enters a sandbox (@enter: 0, or the errno of the step that
 * failed), then binds one socket with bind(2), another, to the same name,
 * through the device, and a third enrolled and then with bind(2); each
 * closed again before the next.
 */
struct sandbox_job {
	int dev;
	int family;
	int type;
	int port;
	int (*enter)(void);
	/* results */
	int err;		/* errno of a failed setup step, or 0 */
	int syscall_ret;	/* bind(2): 0 or -errno */
	int syscall_bound;	/* bind(2)'s socket's port afterwards */
	int wsa;		/* the device's answer */
	int bound;		/* the device's socket's port afterwards */
	int enrol_wsa;		/* the enrolment's answer */
	int enrolled_ret;	/* the enrolled socket's bind(2): 0 or -errno */
	int enrolled_bound;	/* its port afterwards */
};

static void sandbox_job_run(void *arg)
{
	struct sandbox_job *job = arg;
	struct name n;
	int fd, len;

	job->err = job->enter();
	if (job->err)
		return;
	fd = new_socket(job->family, job->type, 0);
	if (fd < 0) {
		job->err = errno;
		return;
	}
	job->syscall_ret = sys_bind(fd, job->family, ADDR_LOOPBACK, job->port);
	job->syscall_bound = util_sock_port(fd);
	close(fd);
	fd = new_socket(job->family, job->type, 0);
	if (fd < 0) {
		job->err = errno;
		return;
	}
	len = name_init(&n, job->family, ADDR_LOOPBACK, job->port);
	job->wsa = wsp_bind(job->dev, fd, 0, &n, len, NULL);
	job->bound = util_sock_port(fd);
	close(fd);
	fd = new_socket(job->family, job->type, 0);
	if (fd < 0) {
		job->err = errno;
		return;
	}
	job->enrol_wsa = wsp_enrol(job->dev, fd, 0);
	job->enrolled_ret = sys_bind(fd, job->family, ADDR_LOOPBACK, job->port);
	job->enrolled_bound = util_sock_port(fd);
	close(fd);
}

/* sandbox_job_run() in a child: its results, in memory shared with it. */
static struct sandbox_job *sandbox_run(struct __test_metadata *_metadata,
				       int dev, int family, int type,
				       int port, int (*enter)(void))
{
	struct sandbox_job *job = map_shared(_metadata, sizeof(*job));

	job->dev = dev;
	job->family = family;
	job->type = type;
	job->port = port;
	job->enter = enter;
	run_child(_metadata, sandbox_job_run, job);
	return job;
}

/*
 * The binds of sandbox_job_run() under the filter, with allow_no_new_privs
 * set to @nnp: bind(2) must be refused, and the device answer @wsa and
 * leave the port @bound.
 */
static void seccomp_expect(struct __test_metadata *_metadata, int dev,
			   int type, const char *nnp, int wsa, int bound)
{
	struct sandbox_job *job;

	ASSERT_EQ(0, util_write_file(NNP_PARAM, nnp));
	job = sandbox_run(_metadata, dev, AF_INET, type, TEST_PORT,
			  seccomp_refuse_bind);
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
 * An enrolled socket binds with bind(2), which the filter sees: the
 * device enrols the sandboxed caller's socket, and the filter refuses its
 * bind as it refuses any other.
 */
static void seccomp_expect_enrolled(struct __test_metadata *_metadata,
				    int dev, int type)
{
	struct sandbox_job *job;

	ASSERT_EQ(0, util_write_file(NNP_PARAM, "0"));
	job = sandbox_run(_metadata, dev, AF_INET, type, TEST_PORT,
			  seccomp_refuse_bind);
	if (job->err == EINVAL)
		SKIP(return, "no seccomp filters in this kernel (CONFIG_SECCOMP_FILTER)");
	ASSERT_EQ(0, job->err) TH_LOG("child setup: %s", strerror(job->err));
	EXPECT_EQ(0, job->enrol_wsa);
	EXPECT_EQ(-EPERM, job->enrolled_ret);
	EXPECT_EQ(0, job->enrolled_bound);
}

TEST_F(nnp, seccomp_filter_meets_enrolled_bind_tcp)
{
	seccomp_expect_enrolled(_metadata, self->dev, SOCK_STREAM);
}

TEST_F(nnp, seccomp_filter_meets_enrolled_bind_udp)
{
	seccomp_expect_enrolled(_metadata, self->dev, SOCK_DGRAM);
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

/* The sandbox of the landlock tests: only LL_ALLOWED_PORT over TCP. */
static int landlock_enter(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return errno;
	return landlock_allow_only(LL_ALLOWED_PORT);
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

/* Which of sandbox_job_run()'s binds a landlock test looks at. */
#define LL_SYSCALL	NULL		/* bind(2) */
#define LL_ENROLLED	"enrolled"	/* an enrolled socket's bind(2) */

/*
 * The binds of @port under the ruleset: bind(2)'s if @nnp is LL_SYSCALL,
 * the enrolled socket's if LL_ENROLLED, else the device's with
 * allow_no_new_privs set to @nnp, must answer @want (-errno, or the
 * device's Winsock answer) and leave the socket holding the port @bound.
 */
static void landlock_expect(struct __test_metadata *_metadata,
			    FIXTURE_DATA(landlock) *self,
			    const FIXTURE_VARIANT(landlock) *variant,
			    const char *nnp, int port, int want, int bound)
{
	bool enrolled = nnp && !strcmp(nnp, LL_ENROLLED);

	struct sandbox_job *job;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, util_write_file(NNP_PARAM, nnp && !enrolled ? nnp : "0"));
	job = sandbox_run(_metadata, self->dev, variant->family,
			  variant->type, port, landlock_enter);
	ASSERT_EQ(0, job->err) TH_LOG("child setup: %s", strerror(job->err));
	if (enrolled) {
		EXPECT_EQ(0, job->enrol_wsa);
		EXPECT_EQ(want, job->enrolled_ret);
		EXPECT_EQ(bound, job->enrolled_bound);
	} else if (nnp) {
		EXPECT_EQ(want, job->wsa);
		EXPECT_EQ(bound, job->bound);
	} else {
		EXPECT_EQ(want, job->syscall_ret);
		EXPECT_EQ(bound, job->syscall_bound);
	}
}

TEST_F(landlock, bind_syscall_denied)
{
	landlock_expect(_metadata, self, variant, LL_SYSCALL, LL_DENIED_PORT,
			-EACCES, 0);
}

/* The ruleset refuses only what it should. */
TEST_F(landlock, bind_syscall_allowed)
{
	landlock_expect(_metadata, self, variant, LL_SYSCALL, LL_ALLOWED_PORT,
			0, LL_ALLOWED_PORT);
}

/* An enrolled socket's bind is bind(2): the ruleset holds for it. */
TEST_F(landlock, enrolled_bind_denied)
{
	landlock_expect(_metadata, self, variant, LL_ENROLLED, LL_DENIED_PORT,
			-EACCES, 0);
}

TEST_F(landlock, enrolled_bind_allowed)
{
	landlock_expect(_metadata, self, variant, LL_ENROLLED,
			LL_ALLOWED_PORT, 0, LL_ALLOWED_PORT);
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

/*
 * An LSM: a BPF LSM program on the socket_bind hook that refuses every
 * bind of the test's own process with EPERM. AppArmor, which Debian's
 * kernels run, and SELinux need their userland to compile and load a
 * policy, which the VM's busybox lacks; the BPF LSM hangs on the same
 * hook, security_socket_bind(), and needs only bpf(2). bind(2) runs the
 * hook; the device's kernel_bind() does not, and binds: measured, as for
 * Landlock. No sandbox mark (no_new_privs, seccomp) tells the device of
 * such a rule, so a process an LSM confines that can open the device
 * binds what the LSM denies it (security.rst).
 */
#define LSM_HOOK		"bpf_lsm_socket_bind"

/* The bytes of @path, read whole into malloc()ed memory: its size, or -errno. */
static long read_whole(const char *path, char **buf)
{
	long len = 0, n;
	size_t cap = 1 << 20;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*buf = malloc(cap);
	while (*buf) {
		n = read(fd, *buf + len, cap - len);
		if (n <= 0) {
			if (n < 0)
				len = -errno;
			break;
		}
		len += n;
		if ((size_t)len == cap)
			*buf = realloc(*buf, cap *= 2);
	}
	close(fd);
	if (!*buf)
		return -ENOMEM;
	return len;
}

/* What follows a BTF type's struct btf_type, by its kind; -1: unknown. */
static long btf_type_extra(const struct btf_type *t)
{
	unsigned int vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		return sizeof(__u32);
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* The BTF id of the kernel function @name: the id, or -errno. */
static int btf_vmlinux_func(const char *name)
{
	const struct btf_header *h;
	long len, off, end, extra;
	const char *strs;
	char *buf = NULL;
	int id = 1, ret = -ENOENT;

	len = read_whole("/sys/kernel/btf/vmlinux", &buf);
	if (len < 0) {
		free(buf);
		return len;
	}
	h = (const struct btf_header *)buf;
	if ((size_t)len < sizeof(*h) || h->magic != BTF_MAGIC ||
	    (__u64)h->hdr_len + h->str_off + h->str_len > (__u64)len ||
	    (__u64)h->hdr_len + h->type_off + h->type_len > (__u64)len) {
		free(buf);
		return -EINVAL;
	}
	strs = buf + h->hdr_len + h->str_off;
	off = h->hdr_len + h->type_off;
	end = off + h->type_len;
	while (off + (long)sizeof(struct btf_type) <= end) {
		const struct btf_type *t = (const void *)(buf + off);

		if (BTF_INFO_KIND(t->info) == BTF_KIND_FUNC &&
		    t->name_off < h->str_len && !strcmp(strs + t->name_off, name)) {
			ret = id;
			break;
		}
		extra = btf_type_extra(t);
		if (extra < 0) {
			ret = -EINVAL;
			break;
		}
		off += sizeof(*t) + extra;
		id++;
	}
	free(buf);
	return ret;
}

/*
 * Load and attach the program: it returns -EPERM from the socket_bind hook
 * for @tgid's binds and 0 for everyone else's. The link's fd, or -errno;
 * @log gets the verifier's words.
 */
static int lsm_refuse_binds_of(int btf_id, int tgid, char *log, size_t size)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_current_pid_tgid },
		{ .code = BPF_ALU64 | BPF_RSH | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = 32 },
		{ .code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = BPF_REG_0,
		  .off = 2, .imm = tgid },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = -EPERM },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int prog, link;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_LSM;
	attr.expected_attach_type = BPF_LSM_MAC;
	attr.attach_btf_id = btf_id;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (uintptr_t)"GPL";
	attr.log_buf = (uintptr_t)log;
	attr.log_size = size;
	attr.log_level = 1;
	prog = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (prog < 0)
		return -errno;
	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.prog_fd = prog;
	link = syscall(__NR_bpf, BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
	if (link < 0)
		link = -errno;
	/* The link holds the program. */
	close(prog);
	return link;
}

FIXTURE(lsm) {
	int dev;
	int link;
	const char *skip;	/* why the tests cannot run, or NULL */
	char why[160];
	char log[4096];
};

FIXTURE_VARIANT(lsm) {
	int family;
	int type;
};

INET_VARIANTS(lsm);

/* Is the BPF LSM among the LSMs this boot runs? */
static bool bpf_lsm_active(char *list, size_t size)
{
	char *p;

	mkdir("/sys/kernel/security", 0755);
	mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	if (util_read_file("/sys/kernel/security/lsm", list, size))
		return false;
	for (p = strtok(list, ",\n"); p; p = strtok(NULL, ",\n"))
		if (!strcmp(p, "bpf"))
			return true;
	return false;
}

FIXTURE_SETUP(lsm)
{
	char lsms[128] = "";
	int id;

	self->link = -1;
	self->skip = env_init(_metadata, &self->dev);
	if (self->skip)
		return;
	if (!bpf_lsm_active(lsms, sizeof(lsms))) {
		snprintf(self->why, sizeof(self->why),
			 "the BPF LSM is not enabled (CONFIG_BPF_LSM, lsm=): this boot runs %s",
			 lsms[0] ? lsms : "none known");
		self->skip = self->why;
		return;
	}
	id = btf_vmlinux_func(LSM_HOOK);
	if (id < 0) {
		snprintf(self->why, sizeof(self->why), "no BTF id for %s: %s",
			 LSM_HOOK, strerror(-id));
		self->skip = self->why;
		return;
	}
	self->link = lsm_refuse_binds_of(id, getpid(), self->log,
					 sizeof(self->log));
	ASSERT_LE(0, self->link) TH_LOG("BPF LSM program: %s\n%s",
					strerror(-self->link), self->log);
}

FIXTURE_TEARDOWN(lsm)
{
	if (self->link >= 0)
		close(self->link);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(lsm, bind_syscall_denied)
{
	int fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	fd = new_socket(variant->family, variant->type, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EPERM, sys_bind(fd, variant->family, ADDR_LOOPBACK,
				   TEST_PORT));
	EXPECT_EQ(0, util_sock_port(fd));
	close(fd);
}

/*
 * An enrolled socket binds with bind(2), which runs the hook: the device
 * enrols it, and the LSM refuses its bind.
 */
TEST_F(lsm, enrolled_bind_meets_the_hook)
{
	int fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	fd = new_socket(variant->family, variant->type, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, wsp_enrol(self->dev, fd, 0));
	EXPECT_EQ(-EPERM, sys_bind(fd, variant->family, ADDR_LOOPBACK,
				   TEST_PORT));
	EXPECT_EQ(0, util_sock_port(fd));
	close(fd);
}

/* Measured, not wanted: kernel_bind() runs no LSM hook. */
TEST_F(lsm, device_bypasses_the_hook)
{
	struct name n;
	int fd, len;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	fd = new_socket(variant->family, variant->type, 0);
	ASSERT_LE(0, fd);
	len = name_init(&n, variant->family, ADDR_LOOPBACK, TEST_PORT);
	EXPECT_EQ(0, wsp_bind(self->dev, fd, 0, &n, len, NULL));
	EXPECT_EQ(TEST_PORT, util_sock_port(fd));
	close(fd);
}

#include "wspbind_main.h"
