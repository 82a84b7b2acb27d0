/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every wspbind selftest program shares: their start (a seed, root,
 * the device), a network namespace of their own with loopback up, names to
 * bind to, one WSPBind through the device (wsp_bind() and its request),
 * a socket's port, sysfs and sysctl files, other users, cgroup bind
 * programs, the namespace's count of sockets and of registry entries, and
 * a small seeded random generator.
 *
 * A program built on kselftest_harness.h (included before this file) also
 * gets the fixtures' helpers at the end: binds whose answers are checked,
 * the test's own namespace, shared memory and child processes.
 */
#ifndef _WSPBIND_UTIL_H
#define _WSPBIND_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/magic.h>
#include <linux/wspbind.h>

#include "kselftest.h"

#define WSPBIND_RANGE_SYSCTL	"/proc/sys/net/wspbind/ephemeral_port_range"
#define WSPBIND_PARAMS		"/sys/module/wspbind/parameters/"
#define WSPBIND_GROUP_PARAM	WSPBIND_PARAMS "group"
#define CGROUP_MNT		"/sys/fs/cgroup"

/* A new network namespace's port-0 range. */
#define WSPBIND_RANGE_LOW	1024
#define WSPBIND_RANGE_HIGH	5000
#define WSPBIND_RANGE_DEFAULT	"1024\t5000\n"

/* Ports outside every range the tests set. */
#define TEST_PORT		34567
#define USABLE_PORT		35567

#define NOBODY			65534

/* In the output fields before each call: the kernel must overwrite them. */
#define POISON_WSA		0xdeadbeefu
#define POISON_PORT		0xbeef

/* xorshift64*: small, fast, and the same sequence on 32- and 64-bit. */
static inline uint64_t util_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* A uniform value in [0, n). */
static inline uint32_t util_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)((util_rand(state) >> 32) % n);
}

/* splitmix64, to derive independent, non-zero stream seeds from one seed. */
static inline uint64_t util_seed(uint64_t seed, uint64_t stream)
{
	uint64_t z = seed + (stream + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

/* A seed for a run given none: the clock's and the pid's, 48 bits. */
static inline uint64_t util_clock_seed(void)
{
	return ((uint64_t)time(NULL) << 20 ^ getpid()) & 0xffffffffffffULL;
}

/*
 * The device, opened by root: a program that is not root, or finds no
 * device, skips as a whole. @root_for says what root is needed for.
 */
static inline int util_open_dev_as_root(const char *root_for)
{
	int dev;

	if (geteuid() != 0)
		ksft_exit_skip("needs root (%s)\n", root_for);
	dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		ksft_exit_skip("cannot open " WSPBIND_DEVICE_PATH ": %s\n",
			       strerror(errno));
	return dev;
}

static inline double util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Write @val to a sysctl, sysfs, tracefs or cgroup file: 0 or -errno. */
static inline int util_write_file(const char *path, const char *val)
{
	ssize_t len = strlen(val), n;
	int fd;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n == len ? 0 : n < 0 ? n : -EIO;
}

/* The start of @path, as a string in @buf: 0 or -errno. */
static inline int util_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return 0;
}

/* The caller into the cgroup whose cgroup.procs is @procs: 0 or -errno. */
static inline int util_write_pid(const char *procs)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	return util_write_file(procs, pid);
}

/*
 * Wait, up to five seconds, until bind(2) takes an IPv6 address: a new
 * address may need DAD first. 0, or the error of the last try.
 */
static inline int util_wait_bindable6(const struct sockaddr_in6 *a6)
{
	int fd, i, ret = -EADDRNOTAVAIL;

	for (i = 0; i < 500; i++) {
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		ret = bind(fd, (const struct sockaddr *)a6, sizeof(*a6)) ?
		      -errno : 0;
		close(fd);
		if (ret != -EADDRNOTAVAIL)
			return ret;
		usleep(10000);
	}
	return ret;
}

/*
 * Enter a new network namespace and bring its loopback up (::1 too, where
 * the kernel has IPv6). 0 or -errno.
 */
static inline int util_enter_netns(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	struct sockaddr_in6 a6 = {
		.sin6_family = AF_INET6,
		.sin6_addr = IN6ADDR_LOOPBACK_INIT,
	};
	int fd, ret = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			ret = -errno;
	} else {
		ret = -errno;
	}
	close(fd);
	if (ret)
		return ret;
	/* ::1 needs no DAD on loopback, but allow it a moment. */
	ret = util_wait_bindable6(&a6);
	return ret == -EAFNOSUPPORT ? 0 : ret;
}

/* The local port of @fd in host byte order, 0 when unbound, or -errno. */
static inline int util_sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -errno;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -EAFNOSUPPORT;
}

/* A name of @family: the address given as text ("::1", "0.0.0.0"...). */
static inline int util_name(struct sockaddr_storage *ss, int family,
			    const char *addr, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, addr, &a->sin_addr);
		return sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &a->sin6_addr);
		return sizeof(*a);
	}
}

/* A loopback name, IPv4 or IPv6, with @port. */
static inline int util_loopback(struct sockaddr_storage *ss, int family,
				int port)
{
	return util_name(ss, family, family == AF_INET ? "127.0.0.1" : "::1",
			 port);
}

enum addr_kind {
	ADDR_LOOPBACK,		/* 127.0.0.1, ::1 */
	ADDR_ANY,		/* 0.0.0.0, :: */
	ADDR_FOREIGN,		/* 192.0.2.1, 2001:db8::1: not local */
};

/* What @name points at: raw bytes, the family in the first two. */
struct name {
	union {
		__u16 family;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
		unsigned char bytes[WSPBIND_NAME_MAX];
	};
};

/* The shortest name Winsock takes: SOCKADDR_IN or the 28-byte SOCKADDR_IN6. */
static inline int name_len(int family)
{
	return family == AF_INET6 ? 28 : 16;
}

/* A name of @family and @kind at @port; its length, name_len(). */
static inline int name_init(struct name *n, int family, enum addr_kind kind,
			    int port)
{
	static const struct in6_addr foreign6 = {
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } }
	};

	memset(n, 0, sizeof(*n));
	if (family == AF_INET) {
		static const in_addr_t addr4[] = {
			[ADDR_LOOPBACK] = INADDR_LOOPBACK,
			[ADDR_ANY] = INADDR_ANY,
			[ADDR_FOREIGN] = 0xc0000201,	/* 192.0.2.1 */
		};

		n->sin.sin_family = AF_INET;
		n->sin.sin_port = htons(port);
		n->sin.sin_addr.s_addr = htonl(addr4[kind]);
	} else {
		n->sin6.sin6_family = AF_INET6;
		n->sin6.sin6_port = htons(port);
		if (kind == ADDR_LOOPBACK)
			n->sin6.sin6_addr = in6addr_loopback;
		else if (kind == ADDR_FOREIGN)
			n->sin6.sin6_addr = foreign6;
	}
	return name_len(family);
}

/* A socket, with the SOL_SOCKET option @opt (SO_REUSEADDR...) if not 0. */
static inline int new_socket(int family, int type, int opt)
{
	int one = 1;
	int fd;

	fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd >= 0 && opt && setsockopt(fd, SOL_SOCKET, opt, &one, sizeof(one))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* bind(2), for the sockets that stand in the way: 0 or -errno. */
static inline int sys_bind(int fd, int family, enum addr_kind kind, int port)
{
	struct name n;
	int len = name_init(&n, family, kind, port);

	return bind(fd, (struct sockaddr *)&n, len) ? -errno : 0;
}

/* One request, its output fields poisoned. */
static inline void req_init(struct wspbind_bind *req, int fd, __u32 flags,
			    const void *name, int namelen)
{
	memset(req, 0, sizeof(*req));
	req->size = sizeof(*req);
	req->flags = flags;
	req->sockfd = fd;
	req->namelen = namelen;
	req->name = (uintptr_t)name;
	req->out_wsa_error = POISON_WSA;
	req->out_port = POISON_PORT;
}

/* Returns -errno when the ioctl fails, else out_wsa_error. */
static inline int wsp_request(int dev, void *req)
{
	if (ioctl(dev, WSPBIND_IOC_BIND, req))
		return -errno;
	return ((struct wspbind_bind *)req)->out_wsa_error;
}

/*
 * A Linux error of bind(2) as Winsock reads it: the uAPI header's table
 * ("Winsock error codes"), for the errors an enrolled bind can give.
 */
static inline int wsa_of_errno(int err)
{
	switch (err) {
	case 0:
		return 0;
	case EACCES:
	case EPERM:
		return WSPBIND_WSAEACCES;
	case EADDRINUSE:
		return WSPBIND_WSAEADDRINUSE;
	case EADDRNOTAVAIL:
	case ENODEV:
		return WSPBIND_WSAEADDRNOTAVAIL;
	case ENOBUFS:
	case ENOMEM:
		return WSPBIND_WSAENOBUFS;
	case EINTR:
		return WSPBIND_WSAEINTR;
	default:
		return WSPBIND_WSAEINVAL;
	}
}

/* One ioctl(WSPBIND_IOC_ENROL): the Winsock answer, or -errno. */
static inline int wsp_enrol(int dev, int fd, __u32 flags)
{
	struct wspbind_enrol req = {
		.size = sizeof(req),
		.flags = flags,
		.sockfd = fd,
		.out_wsa_error = POISON_WSA,
	};

	if (ioctl(dev, WSPBIND_IOC_ENROL, &req))
		return -errno;
	return req.out_wsa_error;
}

/*
 * The programs that bind through wsp_bind() run a second time with
 * WSPBIND_SELFTEST_ENROL=1 in their environment: each WSPBind is then an
 * enrolment and the program's own bind(2).
 */
static inline bool wsp_enrol_mode(void)
{
	const char *v = getenv("WSPBIND_SELFTEST_ENROL");

	return v && !strcmp(v, "1");
}

/* wsp_bind() the enrolled way: WSPBIND_IOC_ENROL, then bind(2). */
static inline int wsp_enrol_bind(int dev, int fd, __u32 flags,
				 const void *name, int namelen, __u16 *port)
{
	struct sockaddr_storage ss;
	int ret;

	if (port)
		*port = 0;
	ret = wsp_enrol(dev, fd, flags & ~WSPBIND_BIND_WINSOCK_AF);
	if (ret)
		return ret;
	if (namelen < 0 || namelen > (int)sizeof(ss))
		return WSPBIND_WSAEFAULT;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, name, namelen);
	if (flags & WSPBIND_BIND_WINSOCK_AF &&
	    ss.ss_family == WSPBIND_WS_AF_INET6)
		ss.ss_family = AF_INET6;
	if (bind(fd, (struct sockaddr *)&ss, namelen))
		return wsa_of_errno(errno);
	ret = util_sock_port(fd);
	if (port && ret > 0)
		*port = ret;
	return 0;
}

/*
 * One WSPBind of @fd to @name (Linux family numbers unless @flags say
 * WSPBIND_BIND_WINSOCK_AF): the Winsock answer, or -errno when the ioctl
 * itself failed; the port goes to @port. Safe in threads and forked
 * children: checks nothing itself.
 */
static inline int wsp_bind(int dev, int fd, __u32 flags, const void *name,
			   int namelen, __u16 *port)
{
	struct wspbind_bind req;
	int ret;

	if (wsp_enrol_mode())
		return wsp_enrol_bind(dev, fd, flags, name, namelen, port);
	req_init(&req, fd, flags, name, namelen);
	ret = wsp_request(dev, &req);
	if (port)
		*port = req.out_port;
	return ret;
}

/* wsp_bind() to an address given as text (util_name()). */
static inline int wsp_bind_text(int dev, int fd, __u32 flags, int family,
				const char *addr, int port, __u16 *out)
{
	struct sockaddr_storage ss;
	int len = util_name(&ss, family, addr, port);

	return wsp_bind(dev, fd, flags, &ss, len, out);
}

/* "sockets N" of /proc/net/wspbind: the sharing registry's entries. */
static inline int util_registry_sockets(void)
{
	char name[32];
	unsigned long v;
	int ret = -1;
	FILE *f;

	f = fopen("/proc/net/wspbind", "re");
	if (!f)
		return -1;
	while (fscanf(f, "%31s %lu\n", name, &v) == 2)
		if (!strcmp(name, "sockets"))
			ret = (int)v;
	fclose(f);
	return ret;
}

/* "sockets: used N" of the caller's namespace, or -1. */
static inline int util_sockets_used(void)
{
	char buf[256];
	int fd, n, used = -1;

	fd = open("/proc/net/sockstat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "sockets: used %d", &used) != 1)
		return -1;
	return used;
}

/*
 * The count once it is back to @expected, or what it is after 3 s: a
 * socket is freed when its last reference goes, TCP after its FIN
 * exchange, some after an RCU grace period.
 */
static inline int util_sockets_settle(int expected)
{
	int i, used = -1;

	for (i = 0; i < 300; i++) {
		used = util_sockets_used();
		if (used == expected)
			break;
		usleep(10000);
	}
	return used;
}

/*
 * Become @uid (and group @uid), with no capabilities left, in
 * supplementary group @gid (none if 0). Returns 0 or an errno.
 */
static inline int become_user(uid_t uid, gid_t gid)
{
	if (setgroups(gid ? 1 : 0, &gid) ||
	    setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return errno;
	return 0;
}

static inline int drop_to_nobody(void)
{
	return become_user(NOBODY, 0);
}

/*
 * Run @fn in a child process, as @uid unless 0: its exit status (255 when
 * it could not become @uid), or -errno, -ECHILD if it did not exit.
 */
static inline int util_run_as(uid_t uid, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (uid && become_user(uid, 0))
			_exit(255);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

/*
 * A cgroup/bind{4,6} program for @type (BPF_CGROUP_INET4_BIND...) of
 * @n instructions: its fd, or -1 with errno set.
 */
static inline int util_bpf_bind_prog(enum bpf_attach_type type,
				     const struct bpf_insn *insns,
				     unsigned int n)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
	attr.expected_attach_type = type;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = n;
	attr.license = (uintptr_t)"GPL";
	return syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* BPF_PROG_ATTACH or BPF_PROG_DETACH of @prog on @cgroup: 0 or -errno. */
static inline int util_bpf_cgroup(int cmd, int prog, int cgroup,
				  enum bpf_attach_type type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgroup;
	attr.attach_bpf_fd = prog;
	attr.attach_type = type;
	return syscall(__NR_bpf, cmd, &attr, sizeof(attr)) ? -errno : 0;
}

/*
 * cgroup2 on CGROUP_MNT, in a mount namespace of the caller's own (mounted
 * there unless it already is): 0 or -errno.
 */
static inline int util_cgroup2_mount(void)
{
	struct statfs fs;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	if (!statfs(CGROUP_MNT, &fs) && fs.f_type == CGROUP2_SUPER_MAGIC)
		return 0;
	return mount("cgroup2", CGROUP_MNT, "cgroup2", 0, NULL) ? -errno : 0;
}

#ifdef __KSELFTEST_HARNESS_H

/*
 * A fixture's four variants ip4_tcp, ip4_udp, ip6_tcp and ip6_udp: its
 * FIXTURE_VARIANT has an int family and an int type.
 */
#define INET_VARIANT(fixture, name, fam, typ)				\
	FIXTURE_VARIANT_ADD(fixture, name) {				\
		.family = fam,						\
		.type = typ,						\
	}

#define INET_VARIANTS(fixture)						\
	INET_VARIANT(fixture, ip4_tcp, AF_INET, SOCK_STREAM);		\
	INET_VARIANT(fixture, ip4_udp, AF_INET, SOCK_DGRAM);		\
	INET_VARIANT(fixture, ip6_tcp, AF_INET6, SOCK_STREAM);		\
	INET_VARIANT(fixture, ip6_udp, AF_INET6, SOCK_DGRAM)

/* wsp_bind() that also checks out_port: 0 on every error, a port on success. */
static inline int do_bind(struct __test_metadata *_metadata, int dev, int fd,
			  __u32 flags, const void *name, int namelen,
			  __u16 *port)
{
	__u16 out;
	int ret;

	ret = wsp_bind(dev, fd, flags, name, namelen, &out);
	if (ret > 0) {
		EXPECT_EQ(0, out) TH_LOG("out_port %u with error %d", out, ret);
	} else if (ret == 0) {
		EXPECT_NE(0, out);
	}
	if (port)
		*port = out;
	return ret;
}

static inline int bind_addr(struct __test_metadata *_metadata, int dev,
			    int fd, int family, enum addr_kind kind, int port,
			    __u16 *out)
{
	struct name n;
	int len = name_init(&n, family, kind, port);

	return do_bind(_metadata, dev, fd, 0, &n, len, out);
}

/* After a refused call: the socket holds no port and still binds. */
static inline void expect_usable(struct __test_metadata *_metadata, int dev,
				 int fd, int family)
{
	__u16 port;

	EXPECT_EQ(0, util_sock_port(fd));
	EXPECT_EQ(0, bind_addr(_metadata, dev, fd, family, ADDR_LOOPBACK,
			       USABLE_PORT, &port));
	EXPECT_EQ(USABLE_PORT, port);
	EXPECT_EQ(USABLE_PORT, util_sock_port(fd));
}

/* A network namespace of the test's own (util_enter_netns()), or fail. */
static inline void assert_netns(struct __test_metadata *_metadata)
{
	int ret = util_enter_netns();

	ASSERT_EQ(0, ret) TH_LOG("network namespace: %s", strerror(-ret));
}

/*
 * Open the device and enter a network namespace of our own. Returns NULL,
 * or why the test is skipped.
 */
static inline const char *env_init(struct __test_metadata *_metadata,
				   int *dev)
{
	int ret;

	*dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (*dev < 0)
		return "cannot open " WSPBIND_DEVICE_PATH " (is the module loaded?)";
	ret = util_enter_netns();
	if (ret == -EPERM)
		return "cannot unshare a network namespace (needs root)";
	ASSERT_EQ(0, ret) TH_LOG("network namespace: %s", strerror(-ret));
	return NULL;
}

/* Two pages, the second PROT_NONE: returns the end of the readable one. */
static inline char *map_guarded(struct __test_metadata *_metadata)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p;

	p = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_EQ(0, mprotect(p + ps, ps, PROT_NONE));
	return p + ps;
}

static inline void *map_shared(struct __test_metadata *_metadata,
			       size_t size)
{
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	memset(p, 0, size);
	return p;
}

/*
 * A child process for what cannot be undone (dropping privileges,
 * no_new_privs, another namespace): @fn writes its results to shared
 * memory and the test checks them here, in the test process.
 */
static inline void run_child(struct __test_metadata *_metadata,
			     void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#define JOB_STEPS 4

/* Binds, one step after another, in a child with fewer rights. */
struct bind_job {
	int dev;
	int family;
	int type;
	bool drop_privs;	/* run as nobody, no capabilities */
	bool no_new_privs;
	int nsteps;
	struct {
		enum addr_kind kind;
		int port;
		bool new_socket;	/* else the previous step's */
		bool bad_fd;		/* pass fd -1 */
	} step[JOB_STEPS];
	/* results */
	int err;		/* errno of a failed setup step, or 0 */
	int wsa[JOB_STEPS];
	__u16 port[JOB_STEPS];
};

static inline void bind_job_run(void *arg)
{
	struct bind_job *job = arg;
	int fd = -1, i;

	if (job->drop_privs) {
		job->err = drop_to_nobody();
		if (job->err)
			return;
	}
	if (job->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		job->err = errno;
		return;
	}
	for (i = 0; i < job->nsteps; i++) {
		struct name n;
		int len;

		/* Earlier sockets stay open, holding their ports. */
		if (job->step[i].new_socket || fd < 0) {
			fd = new_socket(job->family, job->type, 0);
			if (fd < 0) {
				job->err = errno;
				return;
			}
		}
		len = name_init(&n, job->family, job->step[i].kind,
				job->step[i].port);
		job->wsa[i] = wsp_bind(job->dev, job->step[i].bad_fd ? -1 : fd,
				       0, &n, len, &job->port[i]);
	}
}

static inline struct bind_job *job_new(struct __test_metadata *_metadata,
				       int dev, int family, int type)
{
	struct bind_job *job = map_shared(_metadata, sizeof(*job));

	job->dev = dev;
	job->family = family;
	job->type = type;
	return job;
}

static inline void job_step(struct bind_job *job, enum addr_kind kind,
			    int port, bool new_socket)
{
	job->step[job->nsteps].kind = kind;
	job->step[job->nsteps].port = port;
	job->step[job->nsteps].new_socket = new_socket;
	job->nsteps++;
}

static inline void job_run(struct __test_metadata *_metadata,
			   struct bind_job *job)
{
	run_child(_metadata, bind_job_run, job);
	ASSERT_EQ(0, job->err) TH_LOG("child setup: %s", strerror(job->err));
}

/*
 * Who may open the device. By default its node is 0660 root:root; with the
 * module parameter group=GID it is 0666 and open() lets in that group (and
 * CAP_DAC_OVERRIDE) only. Each test needs one of the two loads: make check
 * boots once more with group= (scripts/check.d/30-lanes.sh), so each runs
 * in one boot and says why it skips in the other.
 */
static inline int module_group(unsigned int *gid)
{
	char buf[16];
	int ret = util_read_file(WSPBIND_GROUP_PARAM, buf, sizeof(buf));

	if (!ret && sscanf(buf, "%u", gid) != 1)
		ret = -EINVAL;
	return ret;
}

/* An unprivileged process that opens the device itself, then binds. */
struct member_job {
	gid_t gid;		/* supplementary group, or 0 for none */
	int family;		/* 0: only open the device */
	int type;
	int port;
	/* results */
	int err;		/* errno of a failed setup step, or 0 */
	int open_ret;		/* 0 or -errno */
	int wsa;
	__u16 bound;
};

static inline void member_job_run(void *arg)
{
	struct member_job *job = arg;
	struct name n;
	int dev, fd, len;

	job->err = become_user(NOBODY, job->gid);
	if (job->err)
		return;
	dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	job->open_ret = dev < 0 ? -errno : 0;
	if (dev < 0 || !job->family)
		return;
	fd = new_socket(job->family, job->type, 0);
	if (fd < 0) {
		job->err = errno;
		return;
	}
	len = name_init(&n, job->family, ADDR_LOOPBACK, job->port);
	job->wsa = wsp_bind(dev, fd, 0, &n, len, &job->bound);
	close(fd);
	close(dev);
}

static inline struct member_job *
member_run(struct __test_metadata *_metadata, gid_t gid, int family, int type,
	   int port)
{
	struct member_job *job = map_shared(_metadata, sizeof(*job));

	job->gid = gid;
	job->family = family;
	job->type = type;
	job->port = port;
	run_child(_metadata, member_job_run, job);
	EXPECT_EQ(0, job->err) TH_LOG("child setup: %s", strerror(job->err));
	return job;
}

/*
 * Enter the cgroup @path (made if need be, in a cgroup2 mount of this
 * test's own mount namespace) and attach @prog to it as @type: the
 * cgroup's fd. The teardown moves back to the root, closes the fd and
 * removes @path.
 */
static inline int cgroup_with_prog(struct __test_metadata *_metadata,
				   const char *path, int prog,
				   enum bpf_attach_type type)
{
	char procs[128];
	int ret, cgroup;

	ret = util_cgroup2_mount();
	ASSERT_EQ(0, ret) TH_LOG("mount cgroup2: %s", strerror(-ret));
	ASSERT_TRUE(!mkdir(path, 0755) || errno == EEXIST);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	ASSERT_EQ(0, util_write_pid(procs));
	cgroup = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, cgroup);
	ASSERT_LE(0, prog) TH_LOG("BPF_PROG_LOAD: %s", strerror(errno));
	ret = util_bpf_cgroup(BPF_PROG_ATTACH, prog, cgroup, type);
	ASSERT_EQ(0, ret) TH_LOG("BPF_PROG_ATTACH: %s", strerror(-ret));
	return cgroup;
}

#endif /* __KSELFTEST_HARNESS_H */

#endif /* _WSPBIND_UTIL_H */
