// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for what the wspbind module reports about its binds: the
 * tracepoint wspbind:wspbind_bind, the per-network-namespace counters
 * in /proc/net/wspbind, and the audit record of the name bound.
 *
 * Each test runs in a network namespace of its own, so its counters start
 * at zero and its ports are free; the tracepoint is read through a tracefs
 * instance of its own, filtered on the test's pid, so other tracers and
 * other binds do not disturb it. Binds are to the wildcard address: no
 * packet is ever sent.
 *
 * Needs root and the wspbind module loaded.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/wspbind.h>

#include "kselftest_harness.h"
#include "wspbind_util.h"

#define COUNTERS_PATH	"/proc/net/wspbind"
#define TRACEFS		"/sys/kernel/tracing"

#define FIXED_PORT	34567
#define SEARCH_PORT	20000	/* the whole range of the tests' namespaces */

/* The counters, in the order /proc/net/wspbind lists them. */
enum counter {
	C_BINDS, C_SUCCESSES, C_SEARCHES, C_PROBES,
	C_WSAEINTR, C_WSAEACCES, C_WSAEFAULT, C_WSAEINVAL, C_WSAEINPROGRESS,
	C_WSAENOTSOCK, C_WSAEOPNOTSUPP, C_WSAEAFNOSUPPORT, C_WSAEADDRINUSE,
	C_WSAEADDRNOTAVAIL, C_WSAENETDOWN, C_WSAENOBUFS,
	C_SOCKETS,	/* a gauge, not a count: not compared */
	NR_COUNTERS
};

static const char * const counter_names[NR_COUNTERS] = {
	"binds", "successes", "searches", "probes",
	"WSAEINTR", "WSAEACCES", "WSAEFAULT", "WSAEINVAL", "WSAEINPROGRESS",
	"WSAENOTSOCK", "WSAEOPNOTSUPP", "WSAEAFNOSUPPORT", "WSAEADDRINUSE",
	"WSAEADDRNOTAVAIL", "WSAENETDOWN", "WSAENOBUFS",
	"sockets",
};

struct counters {
	unsigned long v[NR_COUNTERS];
};

/*
 * Reads @path into @c. Returns 0, -errno, or -EPROTO when the file does
 * not list exactly the counters above, in that order.
 */
static int counters_read(const char *path, struct counters *c)
{
	char name[32];
	int i, n, ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	for (i = 0; i < NR_COUNTERS && !ret; i++) {
		n = fscanf(f, "%31s %lu\n", name, &c->v[i]);
		if (n != 2 || strcmp(name, counter_names[i]))
			ret = -EPROTO;
	}
	if (!ret && fgetc(f) != EOF)
		ret = -EPROTO;
	fclose(f);
	return ret;
}

static void expect_same(struct __test_metadata *_metadata,
			const struct counters *want, const struct counters *got,
			const char *whose)
{
	int i;

	for (i = 0; i < C_SOCKETS; i++) {
		const char *name = counter_names[i];

		EXPECT_EQ(want->v[i], got->v[i])
			TH_LOG("%s counter %s", whose, name ? name : "?");
	}
}

static void expect_counters(struct __test_metadata *_metadata,
			    const struct counters *want)
{
	struct counters got;

	ASSERT_EQ(0, counters_read(COUNTERS_PATH, &got));
	expect_same(_metadata, want, &got, "our");
}

/*
 * A network namespace of our own whose port-0 range is the one port
 * SEARCH_PORT: the first search takes it, the second finds it taken.
 */
static int enter_test_netns(void)
{
	int ret = util_enter_netns();

	return ret ? ret : util_write_file(WSPBIND_RANGE_SYSCTL, "20000 20000");
}

/* WSPBind to @family's wildcard at @port, a name of @namelen bytes. */
static int bind_any_len(int dev, int fd, int family, int port, int namelen)
{
	struct name n;

	name_init(&n, family, ADDR_ANY, port);
	return wsp_bind(dev, fd, 0, &n, namelen, NULL);
}

static int bind_any(int dev, int fd, int family, int port)
{
	struct name n;

	return wsp_bind(dev, fd, 0, &n, name_init(&n, family, ADDR_ANY, port),
			NULL);
}

/* One failing and one succeeding bind of each kind the counters split. */
struct bind_seq {
	const char *line;	/* the tracepoint's fields, for the trace test */
	int wsa;
};

/*
 * Seven binds on sockets of @family and @type, in the namespace we are
 * in: a fixed port and the same port again, a search that gets
 * SEARCH_PORT and one that finds no port left, a socket already bound, a
 * file that is no socket, a name too short. Returns how many gave the
 * expected answer. Each bind's WSA code goes to @wsa.
 */
#define SEQ_LEN 7
static int run_sequence(int dev, int family, int type, int wsa[SEQ_LEN])
{
	static const int want[SEQ_LEN] = {
		0, WSPBIND_WSAEADDRINUSE, 0, WSPBIND_WSAENOBUFS,
		WSPBIND_WSAEINVAL, WSPBIND_WSAENOTSOCK, WSPBIND_WSAEFAULT,
	};
	int fd[4], notsock, i, good = 0;

	for (i = 0; i < 4; i++)
		fd[i] = socket(family, type | SOCK_CLOEXEC, 0);
	notsock = open("/dev/null", O_RDONLY | O_CLOEXEC);

	wsa[0] = bind_any(dev, fd[0], family, FIXED_PORT);
	wsa[1] = bind_any(dev, fd[1], family, FIXED_PORT);
	wsa[2] = bind_any(dev, fd[2], family, 0);
	wsa[3] = bind_any(dev, fd[3], family, 0);
	wsa[4] = bind_any(dev, fd[0], family, FIXED_PORT);
	wsa[5] = bind_any(dev, notsock, family, FIXED_PORT);
	wsa[6] = bind_any_len(dev, fd[1], family, FIXED_PORT, 4);

	for (i = 0; i < SEQ_LEN; i++)
		good += wsa[i] == want[i];
	for (i = 0; i < 4; i++)
		close(fd[i]);
	close(notsock);
	return good;
}

/* What run_sequence() leaves in a fresh namespace's counters. */
static void sequence_counters(struct counters *c, int times)
{
	memset(c, 0, sizeof(*c));
	c->v[C_BINDS] = SEQ_LEN * times;
	c->v[C_SUCCESSES] = 2 * times;
	c->v[C_SEARCHES] = 2 * times;
	c->v[C_PROBES] = 2 * times;	/* one port each */
	c->v[C_WSAEADDRINUSE] = times;
	c->v[C_WSAENOBUFS] = times;
	c->v[C_WSAEINVAL] = times;
	c->v[C_WSAENOTSOCK] = times;
	c->v[C_WSAEFAULT] = times;
}

FIXTURE(observe) {
	int dev;
};

FIXTURE_VARIANT(observe) {
	int family;
	int type;
};

INET_VARIANTS(observe);

FIXTURE_SETUP(observe)
{
	int ret;

	self->dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (self->dev < 0)
		SKIP(return, "cannot open " WSPBIND_DEVICE_PATH " (is the module loaded?)");
	ret = enter_test_netns();
	ASSERT_EQ(0, ret) TH_LOG("test namespace: %s", strerror(-ret));
}

/* A tracefs instance of the test's own, under a private mount of tracefs. */
static char instance[64];

FIXTURE_TEARDOWN(observe)
{
	/* Instances are global, whatever the mount namespace. */
	if (instance[0])
		rmdir(instance);
	if (self->dev >= 0)
		close(self->dev);
}

/* A new namespace's counters are all there, all zero, and 0400 root. */
TEST_F(observe, counters_start_at_zero)
{
	struct counters zero = { };
	struct stat st;

	ASSERT_EQ(0, stat(COUNTERS_PATH, &st));
	EXPECT_EQ((mode_t)(S_IFREG | 0400), st.st_mode);
	EXPECT_EQ((uid_t)0, st.st_uid);
	expect_counters(_metadata, &zero);
}

TEST_F(observe, counters_count_each_answer)
{
	struct counters want;
	int wsa[SEQ_LEN];

	ASSERT_EQ(SEQ_LEN, run_sequence(self->dev, variant->family,
					variant->type, wsa));
	sequence_counters(&want, 1);
	expect_counters(_metadata, &want);

	/* Counters only go up: a second round adds as much again. */
	ASSERT_EQ(SEQ_LEN, run_sequence(self->dev, variant->family,
					variant->type, wsa));
	sequence_counters(&want, 2);
	expect_counters(_metadata, &want);
}

struct netns_job {
	int dev;
	int family;
	int type;
	int sock;		/* a socket of the parent's namespace */
	struct counters *child;	/* shared: the child namespace's counters */
};

/* In a namespace of its own: the sequence twice, and a bind of @sock. */
static int netns_job_run(void *arg)
{
	struct netns_job *job = arg;
	int wsa[SEQ_LEN];

	if (enter_test_netns())
		return 1;
	if (run_sequence(job->dev, job->family, job->type, wsa) != SEQ_LEN ||
	    run_sequence(job->dev, job->family, job->type, wsa) != SEQ_LEN)
		return 2;
	/* Counted in the socket's namespace, the parent's, not here. */
	if (bind_any(job->dev, job->sock, job->family, 0))
		return 3;
	return counters_read(COUNTERS_PATH, job->child) ? 4 : 0;
}

/*
 * Two namespaces count apart: a child namespace's binds do not show in
 * ours, ours not in its, and a bind counts in the namespace of the socket,
 * not of the caller.
 */
TEST_F(observe, counters_per_namespace)
{
	struct netns_job job = {
		.dev = self->dev,
		.family = variant->family,
		.type = variant->type,
	};
	struct counters want;
	int wsa[SEQ_LEN];

	job.child = mmap(NULL, sizeof(*job.child), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(job.child != MAP_FAILED);
	ASSERT_EQ(SEQ_LEN, run_sequence(self->dev, variant->family,
					variant->type, wsa));
	job.sock = socket(variant->family, variant->type | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, job.sock);

	ASSERT_EQ(0, util_run_as(0, netns_job_run, &job));

	sequence_counters(&want, 2);
	expect_same(_metadata, &want, job.child, "the child's");

	/* Ours: one round, and the child's bind of our socket. */
	sequence_counters(&want, 1);
	want.v[C_BINDS]++;
	want.v[C_SUCCESSES]++;
	want.v[C_SEARCHES]++;
	want.v[C_PROBES]++;
	expect_counters(_metadata, &want);
	close(job.sock);
	munmap(job.child, sizeof(*job.child));
}

/*
 * Become @uid, with no capabilities left; stay dumpable, so that our own
 * /proc/self files stay ours.
 */
static int drop_to(uid_t uid)
{
	if (become_user(uid, 0) || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return -1;
	return 0;
}

/* 0 when nobody is refused the counters with EACCES. */
static int read_as_nobody(void *arg)
{
	struct counters c;

	if (drop_to(NOBODY))
		return 1;
	return counters_read(COUNTERS_PATH, &c) == -EACCES ? 0 : 2;
}

/* 0 when the root of a user namespace reads its network namespace's. */
static int read_as_userns_root(void *arg)
{
	char map[32];
	struct counters c;
	int ret;

	if (drop_to(NOBODY))
		return 1;
	if (unshare(CLONE_NEWUSER))
		return errno == EPERM || errno == EINVAL ? 4 : 2;
	snprintf(map, sizeof(map), "0 %d 1", NOBODY);
	if (util_write_file("/proc/self/setgroups", "deny") ||
	    util_write_file("/proc/self/uid_map", map) ||
	    util_write_file("/proc/self/gid_map", map) ||
	    unshare(CLONE_NEWNET))
		return 3;
	ret = counters_read(COUNTERS_PATH, &c);
	return ret ? 10 + -ret : 0;
}

/*
 * The counters are for the namespace's root: an ordinary user is refused,
 * and the root of an unprivileged user namespace reads those of the
 * network namespaces it owns.
 */
TEST_F(observe, counters_for_namespace_root)
{
	int ret;

	EXPECT_EQ(0, util_run_as(0, read_as_nobody, NULL));
	ret = util_run_as(0, read_as_userns_root, NULL);
	if (ret == 4)
		SKIP(return, "unprivileged user namespaces are disabled");
	EXPECT_EQ(0, ret);
}

static int trace_write(const char *rel, const char *val)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", instance, rel);
	return util_write_file(path, val);
}

static int trace_setup(void)
{
	char filter[64];

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	if (access(TRACEFS "/instances", F_OK) &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		return -errno;
	snprintf(instance, sizeof(instance), TRACEFS "/instances/wspbind-%d",
		 getpid());
	if (mkdir(instance, 0700))
		return -errno;
	snprintf(filter, sizeof(filter), "common_pid == %d", getpid());
	if (trace_write("events/wspbind/wspbind_bind/filter", filter) ||
	    trace_write("events/wspbind/wspbind_bind/enable", "1"))
		return -ENOENT;
	return 0;
}

/*
 * The events in the instance's buffer: each line's text after the event
 * name, joined by newlines, into @buf.
 */
static int trace_events(char *buf, size_t size)
{
	char path[160], line[512], *p;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", instance);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	buf[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, " wspbind_bind: ");
		if (line[0] == '#' || !p)
			continue;
		p += strlen(" wspbind_bind: ");
		len += snprintf(buf + len, size - len, "%s", p);
		if (len >= size)
			break;
	}
	fclose(f);
	return len < size ? 0 : -ENOSPC;
}

TEST_F(observe, tracepoint_fields)
{
	char want[1024], got[4096], names[40];
	int wsa[SEQ_LEN], ret;

	ret = trace_setup();
	if (ret == -ENODEV)
		SKIP(return, "the kernel has no tracefs");
	ASSERT_EQ(0, ret) TH_LOG("tracefs instance: %s", strerror(-ret));

	ASSERT_EQ(SEQ_LEN, run_sequence(self->dev, variant->family,
					variant->type, wsa));
	ASSERT_EQ(0, trace_write("events/wspbind/wspbind_bind/enable", "0"));

	/* The variant, as the tracepoint prints it. */
	snprintf(names, sizeof(names), "family=%s type=%s",
		 variant->family == AF_INET ? "AF_INET" : "AF_INET6",
		 variant->type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM");
	snprintf(want, sizeof(want),
		 "%1$s req_port=34567 port=34567 wsa=0 probes=0\n"
		 "%1$s req_port=34567 port=0 wsa=WSAEADDRINUSE probes=0\n"
		 "%1$s req_port=0 port=20000 wsa=0 probes=1\n"
		 "%1$s req_port=0 port=0 wsa=WSAENOBUFS probes=1\n"
		 "%1$s req_port=34567 port=0 wsa=WSAEINVAL probes=0\n"
		 "family=AF_UNSPEC type=none req_port=0 port=0 wsa=WSAENOTSOCK probes=0\n"
		 "%1$s req_port=0 port=0 wsa=WSAEFAULT probes=0\n",
		 names);
	ASSERT_EQ(0, trace_events(got, sizeof(got)));
	EXPECT_STREQ(want, got);
}

/*
 * audit: bind(2) puts the name it binds in its syscall's audit event, a
 * SOCKADDR record, and a WSPBind puts it in the ioctl's. The test is the
 * audit daemon: it enables audit, takes the records, and audits ioctl()
 * and bind() of the processes it forks; a child binds one socket with
 * bind(2) and another through the device. Both names must come back.
 */
#define AUDIT_PORT_SYSCALL	34568
#define AUDIT_PORT_DEVICE	34569

FIXTURE(audit) {
	int dev;
	int nl;
	__u32 seq;
	bool enabled, ruled;
	const char *skip;	/* why the test cannot run, or NULL */
	struct audit_rule_data rule;
};

/* One request to the audit subsystem, and its answer: 0 or -errno. */
static int audit_request(FIXTURE_DATA(audit) *self, int type,
			 const void *data, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr nh;
		char data[sizeof(struct audit_rule_data)];
	} req = { };
	char buf[8192];
	long n;

	req.nh.nlmsg_len = NLMSG_LENGTH(len);
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = ++self->seq;
	memcpy(NLMSG_DATA(&req.nh), data, len);
	if (sendto(self->nl, &req, req.nh.nlmsg_len, 0,
		   (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	/* Records that come in meanwhile are not the answer. */
	while ((n = recv(self->nl, buf, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		for (; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_ERROR &&
			    nh->nlmsg_seq == self->seq)
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
		}
	}
	return n < 0 ? -errno : -EIO;
}

static int audit_set(FIXTURE_DATA(audit) *self, __u32 enabled, __u32 pid)
{
	struct audit_status s = {
		.mask = AUDIT_STATUS_ENABLED | AUDIT_STATUS_PID,
		.enabled = enabled,
		.pid = pid,
	};

	return audit_request(self, AUDIT_SET, &s, sizeof(s));
}

static void audit_syscall(struct audit_rule_data *r, int nr)
{
	r->mask[AUDIT_WORD(nr)] |= AUDIT_BIT(nr);
}

FIXTURE_SETUP(audit)
{
	struct timeval tv = { .tv_sec = 2 };
	struct audit_rule_data *r = &self->rule;
	int ret;

	/*
	 * The test SKIPs itself on self->skip: older harnesses run the body
	 * even when FIXTURE_SETUP skips.
	 */
	self->nl = -1;
	self->dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (self->dev < 0) {
		self->skip = "cannot open " WSPBIND_DEVICE_PATH " (is the module loaded?)";
		return;
	}
	self->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (self->nl < 0 && errno == EPROTONOSUPPORT) {
		self->skip = "no audit in this kernel (CONFIG_AUDIT)";
		return;
	}
	ASSERT_LE(0, self->nl);
	ASSERT_EQ(0, setsockopt(self->nl, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
	ret = audit_set(self, 1, getpid());
	ASSERT_EQ(0, ret) TH_LOG("AUDIT_SET: %s", strerror(-ret));
	self->enabled = true;

	/* The children's ioctl() and bind() (socketcall() on i386). */
	r->flags = AUDIT_FILTER_EXIT;
	r->action = AUDIT_ALWAYS;
	r->field_count = 1;
	r->fields[0] = AUDIT_PPID;
	r->fieldflags[0] = AUDIT_EQUAL;
	r->values[0] = getpid();
	audit_syscall(r, __NR_ioctl);
	audit_syscall(r, __NR_bind);
#ifdef __NR_socketcall
	audit_syscall(r, __NR_socketcall);
#endif
	ret = audit_request(self, AUDIT_ADD_RULE, r, sizeof(*r));
	ASSERT_EQ(0, ret) TH_LOG("AUDIT_ADD_RULE: %s", strerror(-ret));
	self->ruled = true;
	ret = enter_test_netns();
	ASSERT_EQ(0, ret) TH_LOG("test namespace: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(audit)
{
	if (self->ruled)
		audit_request(self, AUDIT_DEL_RULE, &self->rule,
			      sizeof(self->rule));
	if (self->enabled)
		audit_set(self, 0, 0);
	if (self->nl >= 0)
		close(self->nl);
	if (self->dev >= 0)
		close(self->dev);
}

struct audit_job {
	int dev;
	int err;		/* errno of a failed step, or 0 */
	int wsa;
};

static void audit_job_run(void *arg)
{
	struct audit_job *job = arg;
	struct name n;
	int a, b, len;

	a = new_socket(AF_INET, SOCK_DGRAM, 0);
	b = new_socket(AF_INET, SOCK_DGRAM, 0);
	if (a < 0 || b < 0) {
		job->err = errno;
		return;
	}
	if (sys_bind(a, AF_INET, ADDR_LOOPBACK, AUDIT_PORT_SYSCALL)) {
		job->err = errno;
		return;
	}
	len = name_init(&n, AF_INET, ADDR_LOOPBACK, AUDIT_PORT_DEVICE);
	job->wsa = wsp_bind(job->dev, b, 0, &n, len, NULL);
}

/* The SOCKADDR line bind(2) writes for 127.0.0.1:@port, in @hex. */
static void audit_saddr(char *hex, size_t size, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	const unsigned char *p = (const unsigned char *)&sin;
	size_t i, off;

	off = snprintf(hex, size, "saddr=");
	for (i = 0; i < sizeof(sin) && off + 2 < size; i++)
		off += snprintf(hex + off, size - off, "%02X", p[i]);
}

TEST_F(audit, device_bind_records_the_name)
{
	struct audit_job *job = map_shared(_metadata, sizeof(*job));
	char want_syscall[64], want_device[64], buf[8192];
	bool seen_syscall = false, seen_device = false;
	long n;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	audit_saddr(want_syscall, sizeof(want_syscall), AUDIT_PORT_SYSCALL);
	audit_saddr(want_device, sizeof(want_device), AUDIT_PORT_DEVICE);
	job->dev = self->dev;
	run_child(_metadata, audit_job_run, job);
	ASSERT_EQ(0, job->err) TH_LOG("child: %s", strerror(job->err));
	ASSERT_EQ(0, job->wsa);

	while (!(seen_syscall && seen_device) &&
	       (n = recv(self->nl, buf, sizeof(buf) - 1, 0)) > 0) {
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		const char *text = NLMSG_DATA(nh);

		/*
		 * A record a message: audit's nlmsg_len counts the text
		 * alone, so the length is what recv() says.
		 */
		buf[n] = '\0';
		if (n < NLMSG_HDRLEN || nh->nlmsg_type != AUDIT_SOCKADDR)
			continue;
		if (strstr(text, want_syscall))
			seen_syscall = true;
		if (strstr(text, want_device))
			seen_device = true;
	}
	/* The mechanism itself: bind(2)'s record. */
	EXPECT_TRUE(seen_syscall) TH_LOG("no %s", want_syscall);
	EXPECT_TRUE(seen_device) TH_LOG("no %s", want_device);
}

#include "wspbind_main.h"
