// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libwspbind's own contract: the return value and *lpErrno, a NULL
 * lpErrno, errno left alone, the device opened once with O_CLOEXEC and
 * reopened when the program closes it, WSAENETDOWN without the device and
 * WSAEACCES when its permissions refuse the caller; WSPSetSockOpt() and
 * WSPGetSockOpt() for SO_REUSEADDR and SO_EXCLUSIVEADDRUSE, which belong
 * to the socket and which WSPBind() applies; WSPGetSockName(). The bind
 * semantics themselves are the selftests' job.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wspbind.h"
#include "kselftest_harness.h"

/* The header's Winsock names must give the SPI's function types. */
static const LPWSPBIND wspbind_entry = WSPBind;
static const LPWSPSETSOCKOPT wspsetsockopt_entry = WSPSetSockOpt;
static const LPWSPGETSOCKOPT wspgetsockopt_entry = WSPGetSockOpt;
static const LPWSPGETSOCKNAME wspgetsockname_entry = WSPGetSockName;

/* How many of this process's fds are open on the device. */
static int device_fds(void)
{
	struct stat dev, st;
	struct dirent *de;
	int count = 0;
	DIR *dir;

	if (stat(WSPBIND_DEVICE_PATH, &dev))
		return -1;
	dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(dir))
			continue;
		if (!fstat(atoi(de->d_name), &st) && S_ISCHR(st.st_mode) &&
		    st.st_rdev == dev.st_rdev)
			count++;
	}
	closedir(dir);
	return count;
}

static int device_fd(void)
{
	struct stat dev, st;
	int fd;

	if (stat(WSPBIND_DEVICE_PATH, &dev))
		return -1;
	for (fd = 3; fd < 1024; fd++)
		if (!fstat(fd, &st) && S_ISCHR(st.st_mode) &&
		    st.st_rdev == dev.st_rdev)
			return fd;
	return -1;
}

static struct sockaddr_in loopback4(unsigned short port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	return sin;
}

FIXTURE(lib) {
	int sock;
};

/*
 * This harness runs a test's body even when its setup skipped, so each
 * body starts with NEED_DEVICE().
 */
#define NEED_DEVICE()							\
	do {								\
		if (self->sock < 0)					\
			SKIP(return, "/dev/wspbind is absent: the module is not loaded"); \
	} while (0)

FIXTURE_SETUP(lib)
{
	self->sock = -1;
	if (access(WSPBIND_DEVICE_PATH, F_OK))
		return;
	self->sock = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, self->sock);
}

FIXTURE_TEARDOWN(lib)
{
	if (self->sock >= 0)
		close(self->sock);
}

TEST_F(lib, success_returns_zero)
{
	struct sockaddr_in sin = loopback4(0), got;
	socklen_t len = sizeof(got);
	int err = 0xdead;

	NEED_DEVICE();
	EXPECT_EQ(0, wspbind_entry(self->sock, (struct sockaddr *)&sin,
				   sizeof(sin), &err));
	EXPECT_EQ(0xdead, err) TH_LOG("lpErrno written on success");
	ASSERT_EQ(0, getsockname(self->sock, (struct sockaddr *)&got, &len));
	EXPECT_LE(1024, ntohs(got.sin_port));
	EXPECT_GE(5000, ntohs(got.sin_port));
}

TEST_F(lib, winsock_inet6_family)
{
	struct sockaddr_in6 sin6 = { .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int sock6 = socket(AF_INET6, SOCK_DGRAM, 0);
	int err = 0;

	NEED_DEVICE();
	ASSERT_LE(0, sock6);
	sin6.sin6_family = 23;	/* AF_INET6 as Winsock numbers it */
	EXPECT_EQ(0, WSPBind(sock6, (struct sockaddr *)&sin6, sizeof(sin6),
			     &err)) TH_LOG("error %d", err);
	/* The library speaks Winsock: Linux's 10 is no family there. */
	close(sock6);
	sock6 = socket(AF_INET6, SOCK_DGRAM, 0);
	ASSERT_LE(0, sock6);
	sin6.sin6_family = AF_INET6;
	EXPECT_EQ(SOCKET_ERROR, WSPBind(sock6, (struct sockaddr *)&sin6,
					sizeof(sin6), &err));
	EXPECT_EQ(WSAEFAULT, err);
	close(sock6);
}

TEST_F(lib, failure_sets_lperrno)
{
	struct sockaddr_in sin = loopback4(0);
	int err = 0;

	NEED_DEVICE();
	EXPECT_EQ(SOCKET_ERROR, WSPBind(self->sock, (struct sockaddr *)&sin,
					sizeof(sin) - 1, &err));
	EXPECT_EQ(WSAEFAULT, err);
}

TEST_F(lib, null_lperrno)
{
	struct sockaddr_in sin = loopback4(0);

	NEED_DEVICE();
	EXPECT_EQ(SOCKET_ERROR, WSPBind(self->sock, NULL, sizeof(sin), NULL));
	EXPECT_EQ(0, WSPBind(self->sock, (struct sockaddr *)&sin, sizeof(sin),
			     NULL));
}

TEST_F(lib, errno_untouched)
{
	struct sockaddr_in sin = loopback4(0);
	int err;

	NEED_DEVICE();
	errno = 4242;
	EXPECT_EQ(SOCKET_ERROR, WSPBind(self->sock, (struct sockaddr *)&sin,
					-1, &err));
	EXPECT_EQ(4242, errno);
}

TEST_F(lib, invalid_socket)
{
	struct sockaddr_in sin = loopback4(0);
	int err = 0;

	NEED_DEVICE();
	EXPECT_EQ(SOCKET_ERROR, WSPBind(INVALID_SOCKET,
					(struct sockaddr *)&sin, sizeof(sin),
					&err));
	EXPECT_EQ(WSAENOTSOCK, err);
	EXPECT_EQ(SOCKET_ERROR, WSPBind((SOCKET)INT_MAX + 1,
					(struct sockaddr *)&sin, sizeof(sin),
					&err));
	EXPECT_EQ(WSAENOTSOCK, err);
}

TEST_F(lib, device_opened_once_cloexec)
{
	struct sockaddr_in sin = loopback4(0);
	int sock2 = socket(AF_INET, SOCK_DGRAM, 0);
	int fd;

	NEED_DEVICE();
	ASSERT_EQ(0, device_fds());
	ASSERT_EQ(0, WSPBind(self->sock, (struct sockaddr *)&sin, sizeof(sin),
			     NULL));
	ASSERT_EQ(0, WSPBind(sock2, (struct sockaddr *)&sin, sizeof(sin),
			     NULL));
	EXPECT_EQ(1, device_fds());
	fd = device_fd();
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(sock2);
}

/* Programs that close every fd they do not know must not break binds. */
TEST_F(lib, device_closed_behind_its_back)
{
	struct sockaddr_in sin = loopback4(0);
	int sock2 = socket(AF_INET, SOCK_DGRAM, 0);
	int err = 0;

	NEED_DEVICE();
	ASSERT_EQ(0, WSPBind(self->sock, (struct sockaddr *)&sin, sizeof(sin),
			     NULL));
	ASSERT_EQ(0, close(device_fd()));
	EXPECT_EQ(0, WSPBind(sock2, (struct sockaddr *)&sin, sizeof(sin),
			     &err)) TH_LOG("error %d", err);
	EXPECT_EQ(1, device_fds());
	close(sock2);
}

/* ...nor one that reuses its number for another file. */
TEST_F(lib, device_number_reused)
{
	struct sockaddr_in sin = loopback4(0);
	int sock2 = socket(AF_INET, SOCK_DGRAM, 0);
	int fd, other, err = 0;

	NEED_DEVICE();
	ASSERT_EQ(0, WSPBind(self->sock, (struct sockaddr *)&sin, sizeof(sin),
			     NULL));
	fd = device_fd();
	other = open("/dev/null", O_RDONLY);
	ASSERT_EQ(fd, dup2(other, fd));
	EXPECT_EQ(0, WSPBind(sock2, (struct sockaddr *)&sin, sizeof(sin),
			     &err)) TH_LOG("error %d", err);
	/* The fd that is no longer the library's stays open. */
	EXPECT_EQ(0, fcntl(fd, F_GETFD) & ~FD_CLOEXEC);
	close(sock2);
	close(other);
}

#define FIRST_USE_THREADS 8

static void *first_use(void *arg)
{
	struct sockaddr_in sin = loopback4(0);
	int sock = socket(AF_INET, SOCK_DGRAM, 0);
	int err = 0;

	(void)arg;
	if (WSPBind(sock, (struct sockaddr *)&sin, sizeof(sin), &err))
		return (void *)(long)err;
	close(sock);
	return NULL;
}

TEST_F(lib, first_use_from_many_threads)
{
	pthread_t threads[FIRST_USE_THREADS];
	void *ret;
	int i;

	NEED_DEVICE();
	for (i = 0; i < FIRST_USE_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, first_use, NULL));
	for (i = 0; i < FIRST_USE_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(threads[i], &ret));
		EXPECT_EQ(0, (long)ret);
	}
	EXPECT_EQ(1, device_fds());
}

TEST(device_absent_is_enetdown)
{
	struct sockaddr_in sin = loopback4(0);
	int sock = socket(AF_INET, SOCK_STREAM, 0);
	int err = 0;

	ASSERT_LE(0, sock);
	ASSERT_EQ(0, setenv("WSPBIND_DEVICE", "/nonexistent/wspbind", 1));
	EXPECT_EQ(SOCKET_ERROR, WSPBind(sock, (struct sockaddr *)&sin,
					sizeof(sin), &err));
	EXPECT_EQ(WSAENETDOWN, err);
	close(sock);
}

TEST(device_forbidden_is_eacces)
{
	struct sockaddr_in sin = loopback4(0);
	int sock = socket(AF_INET, SOCK_STREAM, 0);
	int err = 0;

	if (access(WSPBIND_DEVICE_PATH, F_OK))
		SKIP(return, "/dev/wspbind is absent: the module is not loaded");
	if (getuid())
		SKIP(return, "needs root to drop to an unprivileged user");
	ASSERT_LE(0, sock);
	/* The node is 0660 root:root by default. */
	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	EXPECT_EQ(SOCKET_ERROR, WSPBind(sock, (struct sockaddr *)&sin,
					sizeof(sin), &err));
	EXPECT_EQ(WSAEACCES, err);
	close(sock);
}

/*
 * Whether the kernel has process_vm_readv() (CONFIG_CROSS_MEMORY_ATTACH),
 * through which the library turns a bad pointer into WSAEFAULT.
 */
static bool cross_memory_attach(void)
{
	struct iovec a = { .iov_base = &a, .iov_len = 1 };

	return process_vm_readv(getpid(), &a, 1, &a, 1, 0) == 1 ||
	       (errno != ENOSYS && errno != EPERM);
}

/* An option's BOOL as WSPGetSockOpt() reads it; -WSA code on failure. */
static int get_opt(int s, int optname)
{
	int val = 0x1234, len = sizeof(val), err = 0;

	if (wspgetsockopt_entry(s, WS_SOL_SOCKET, optname, (char *)&val, &len,
				&err))
		return -err;
	return len == sizeof(int) ? val : -1;
}

static int set_opt(int s, int optname, int on)
{
	int err = 0;

	if (wspsetsockopt_entry(s, WS_SOL_SOCKET, optname, (char *)&on,
				sizeof(on), &err))
		return err;
	return 0;
}

TEST(sockopt_default_off)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_LE(0, s);
	EXPECT_EQ(0, get_opt(s, WS_SO_REUSEADDR));
	EXPECT_EQ(0, get_opt(s, WS_SO_EXCLUSIVEADDRUSE));
	close(s);
}

TEST(sockopt_set_and_clear)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	ASSERT_LE(0, s);
	EXPECT_EQ(0, set_opt(s, WS_SO_REUSEADDR, 0x100));
	EXPECT_EQ(1, get_opt(s, WS_SO_REUSEADDR));
	EXPECT_EQ(0, get_opt(s, WS_SO_EXCLUSIVEADDRUSE));
	EXPECT_EQ(0, set_opt(s, WS_SO_REUSEADDR, 0));
	EXPECT_EQ(0, get_opt(s, WS_SO_REUSEADDR));
	close(s);
}

/* One of the two at a time, in either order; clearing one frees the other. */
TEST(sockopt_mutually_exclusive)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, set_opt(s, WS_SO_REUSEADDR, 1));
	EXPECT_EQ(WSAEINVAL, set_opt(s, WS_SO_EXCLUSIVEADDRUSE, 1));
	EXPECT_EQ(1, get_opt(s, WS_SO_REUSEADDR));
	/* Clearing the option that is off changes nothing. */
	EXPECT_EQ(0, set_opt(s, WS_SO_EXCLUSIVEADDRUSE, 0));
	EXPECT_EQ(1, get_opt(s, WS_SO_REUSEADDR));
	ASSERT_EQ(0, set_opt(s, WS_SO_REUSEADDR, 0));
	EXPECT_EQ(0, set_opt(s, WS_SO_EXCLUSIVEADDRUSE, 1));
	EXPECT_EQ(WSAEINVAL, set_opt(s, WS_SO_REUSEADDR, 1));
	EXPECT_EQ(1, get_opt(s, WS_SO_EXCLUSIVEADDRUSE));
	close(s);
}

TEST(sockopt_bad_arguments)
{
	long ps = sysconf(_SC_PAGESIZE);
	int s = socket(AF_INET, SOCK_STREAM, 0), on = 1, len, err, fds[2];
	char *none;

	ASSERT_LE(0, s);
	none = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(none != MAP_FAILED);
	err = 0;
	EXPECT_EQ(SOCKET_ERROR, WSPSetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR,
					      (char *)&on, sizeof(on) - 1,
					      &err));
	EXPECT_EQ(WSAEFAULT, err);
	err = 0;
	EXPECT_EQ(SOCKET_ERROR, WSPSetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR,
					      NULL, sizeof(on), &err));
	EXPECT_EQ(WSAEFAULT, err);
	/* An unmapped page, where the kernel copies for the library. */
	err = 0;
	if (cross_memory_attach())
		EXPECT_EQ(SOCKET_ERROR,
			  WSPSetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR,
					none, sizeof(on), &err));
	if (cross_memory_attach())
		EXPECT_EQ(WSAEFAULT, err);
	/* Linux's SOL_SOCKET (1) is no Winsock level; nor another option. */
	err = 0;
	EXPECT_EQ(SOCKET_ERROR, WSPSetSockOpt(s, SOL_SOCKET, WS_SO_REUSEADDR,
					      (char *)&on, sizeof(on), &err));
	EXPECT_EQ(WSAENOPROTOOPT, err);
	err = 0;
	EXPECT_EQ(SOCKET_ERROR, WSPSetSockOpt(s, WS_SOL_SOCKET, 0x0008,
					      (char *)&on, sizeof(on), &err));
	EXPECT_EQ(WSAENOPROTOOPT, err);
	len = sizeof(int) - 1;
	err = 0;
	EXPECT_EQ(SOCKET_ERROR, WSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR,
					      (char *)&on, &len, &err));
	EXPECT_EQ(WSAEFAULT, err);
	len = sizeof(int);
	err = 0;
	if (cross_memory_attach()) {
		EXPECT_EQ(SOCKET_ERROR,
			  WSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR,
					none, &len, &err));
		EXPECT_EQ(WSAEFAULT, err);
		err = 0;
		EXPECT_EQ(SOCKET_ERROR,
			  WSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR,
					(char *)&on, (int *)none, &err));
		EXPECT_EQ(WSAEFAULT, err);
	} else {
		TH_LOG("no process_vm_readv: unmapped pointers not tried");
	}
	ASSERT_EQ(0, pipe(fds));
	err = 0;
	EXPECT_EQ(SOCKET_ERROR, WSPSetSockOpt(fds[0], WS_SOL_SOCKET,
					      WS_SO_REUSEADDR, (char *)&on,
					      sizeof(on), &err));
	EXPECT_EQ(WSAENOTSOCK, err);
	/* A NULL lpErrno is safe, and nothing was set along the way. */
	EXPECT_EQ(SOCKET_ERROR, WSPSetSockOpt(s, WS_SOL_SOCKET, 0x0008,
					      (char *)&on, sizeof(on), NULL));
	EXPECT_EQ(0, get_opt(s, WS_SO_REUSEADDR));
	close(fds[0]);
	close(fds[1]);
	munmap(none, ps);
	close(s);
}

/*
 * Under a seccomp filter that refuses process_vm_readv() and
 * process_vm_writev() (as container runtimes' profiles do), a bad pointer
 * is still WSAEFAULT, not a crash: the library copies through a pipe.
 */
static int refuse_cross_memory_attach(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_readv,
			 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_writev,
			 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = {
		.len = sizeof(f) / sizeof(f[0]),
		.filter = f,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

TEST(bad_pointer_under_seccomp)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *none = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	int status, s;
	pid_t pid;

	ASSERT_TRUE(none != MAP_FAILED);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int on = 1, len = sizeof(on), err = 0, got = 0;
		struct iovec a = { .iov_base = &on, .iov_len = 1 };

		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			_exit(9);
		if (refuse_cross_memory_attach())
			_exit(errno == EINVAL ? 10 : 15);
		if (process_vm_readv(getpid(), &a, 1, &a, 1, 0) != -1 ||
		    errno != EPERM)
			_exit(11);	/* the filter is not in force */
		if (WSPSetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR, none,
				  sizeof(on), &err) != SOCKET_ERROR ||
		    err != WSAEFAULT)
			_exit(12);
		err = 0;
		if (WSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR, none,
				  &len, &err) != SOCKET_ERROR ||
		    err != WSAEFAULT)
			_exit(13);
		/* and good pointers still work through the pipe */
		if (WSPSetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR,
				  (char *)&on, sizeof(on), &err) ||
		    WSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_REUSEADDR,
				  (char *)&got, &len, &err) || got != 1)
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	munmap(none, ps);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 10)
		SKIP(return, "no seccomp filters in this kernel (CONFIG_SECCOMP_FILTER)");
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("killed by signal %d",
					      WTERMSIG(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* The option is the socket's: a dup sees it, a new socket does not. */
TEST(sockopt_belongs_to_the_socket)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), d, again;

	ASSERT_LE(0, s);
	ASSERT_EQ(0, set_opt(s, WS_SO_EXCLUSIVEADDRUSE, 1));
	d = dup(s);
	ASSERT_LE(0, d);
	EXPECT_EQ(1, get_opt(d, WS_SO_EXCLUSIVEADDRUSE));
	close(s);
	EXPECT_EQ(1, get_opt(d, WS_SO_EXCLUSIVEADDRUSE));
	close(d);
	again = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(s < d ? s : d, again);
	EXPECT_EQ(0, get_opt(again, WS_SO_EXCLUSIVEADDRUSE));
	close(again);
}

TEST(sockopt_seen_after_fork)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), status;
	pid_t pid;

	ASSERT_LE(0, s);
	ASSERT_EQ(0, set_opt(s, WS_SO_REUSEADDR, 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(get_opt(s, WS_SO_REUSEADDR) == 1 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(s);
}

/* Many sockets closed with an option on: the table keeps up. */
TEST(sockopt_many_sockets)
{
	int i, s;

	for (i = 0; i < 1000; i++) {
		s = socket(AF_INET, SOCK_DGRAM, 0);
		ASSERT_LE(0, s);
		ASSERT_EQ(0, set_opt(s, WS_SO_REUSEADDR, 1));
		close(s);
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, s);
	EXPECT_EQ(0, get_opt(s, WS_SO_REUSEADDR));
	close(s);
}

/* WSPBind() passes the option: SO_REUSEADDR shares, a plain socket not. */
TEST_F(lib, wspbind_applies_reuseaddr)
{
	struct sockaddr_in sin = loopback4(41000);
	int a, b, c, err = 0;

	NEED_DEVICE();
	a = socket(AF_INET, SOCK_DGRAM, 0);
	b = socket(AF_INET, SOCK_DGRAM, 0);
	c = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, set_opt(a, WS_SO_REUSEADDR, 1));
	ASSERT_EQ(0, set_opt(b, WS_SO_REUSEADDR, 1));
	EXPECT_EQ(0, WSPBind(a, (struct sockaddr *)&sin, sizeof(sin), &err));
	EXPECT_EQ(0, WSPBind(b, (struct sockaddr *)&sin, sizeof(sin), &err));
	EXPECT_EQ(SOCKET_ERROR, WSPBind(c, (struct sockaddr *)&sin, sizeof(sin),
					&err));
	EXPECT_EQ(WSAEACCES, err);
	close(a);
	close(b);
	close(c);
}

TEST_F(lib, wspbind_applies_exclusiveaddruse)
{
	struct sockaddr_in any = loopback4(41001), lo = loopback4(41001);
	int a, b, err = 0;

	NEED_DEVICE();
	any.sin_addr.s_addr = htonl(INADDR_ANY);
	a = socket(AF_INET, SOCK_STREAM, 0);
	b = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, set_opt(a, WS_SO_EXCLUSIVEADDRUSE, 1));
	EXPECT_EQ(0, WSPBind(a, (struct sockaddr *)&any, sizeof(any), &err));
	EXPECT_EQ(SOCKET_ERROR, WSPBind(b, (struct sockaddr *)&lo, sizeof(lo),
					&err));
	EXPECT_EQ(WSAEACCES, err);
	close(a);
	close(b);
}

TEST_F(lib, getsockname_unbound)
{
	struct sockaddr_in sin;
	int len = sizeof(sin), err = 0;

	NEED_DEVICE();
	EXPECT_EQ(SOCKET_ERROR, wspgetsockname_entry(self->sock,
						     (struct sockaddr *)&sin,
						     &len, &err));
	EXPECT_EQ(WSAEINVAL, err);
	EXPECT_EQ((int)sizeof(sin), len);
}

/* AF_INET6 comes back as Winsock's 23, in 28 bytes. */
TEST_F(lib, getsockname_inet6)
{
	struct sockaddr_in6 sin6 = { .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in6 got;
	int s = socket(AF_INET6, SOCK_DGRAM, 0), len, err = 0;

	NEED_DEVICE();
	ASSERT_LE(0, s);
	sin6.sin6_family = 23;
	ASSERT_EQ(0, WSPBind(s, (struct sockaddr *)&sin6, sizeof(sin6), &err));
	len = sizeof(got) - 1;
	EXPECT_EQ(SOCKET_ERROR, WSPGetSockName(s, (struct sockaddr *)&got, &len,
					       &err));
	EXPECT_EQ(WSAEFAULT, err);
	EXPECT_EQ((int)sizeof(got) - 1, len);
	len = 64;
	memset(&got, 0xff, sizeof(got));
	EXPECT_EQ(0, WSPGetSockName(s, (struct sockaddr *)&got, &len, &err));
	EXPECT_EQ(28, len);
	EXPECT_EQ(23, got.sin6_family);
	EXPECT_LE(1024, ntohs(got.sin6_port));
	EXPECT_GE(5000, ntohs(got.sin6_port));
	EXPECT_EQ(0, memcmp(&got.sin6_addr, &in6addr_loopback,
			    sizeof(got.sin6_addr)));
	EXPECT_EQ(SOCKET_ERROR, WSPGetSockName(s, NULL, &len, &err));
	EXPECT_EQ(WSAEFAULT, err);
	close(s);
}

/*
 * WSPBind() enrols the socket and binds it with bind(2), so a sandboxed
 * caller is served, its sandbox holding for the bind; the device's own
 * bind (WSPBIND_IOC_BIND) refuses it unless allow_no_new_privs is set.
 */
TEST_F(lib, served_under_no_new_privs)
{
	int status;
	pid_t pid;

	NEED_DEVICE();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_in sin = loopback4(0);
		int err = 0;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(9);
		if (WSPBind(self->sock, (struct sockaddr *)&sin, sizeof(sin),
			    &err))
			_exit(err == WSAEACCES ? 2 : 3);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* A WSPBind() held up by a name on a page userfaultfd has not filled. */
struct held {
	int sock;
	void *name;
	int ret;
	int err;
};

static void *held_bind(void *arg)
{
	struct held *h = arg;

	h->ret = WSPBind(h->sock, h->name, sizeof(struct sockaddr_in),
			 &h->err);
	return NULL;
}

/*
 * A second WSPBind() of a socket whose first is under way answers
 * WSAEINPROGRESS and leaves it alone; the first then binds. The enrolled
 * bind reads the name in the library, so the library keeps the mark.
 */
TEST_F(lib, in_progress)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct sockaddr_in lo = loopback4(0);
	long page = sysconf(_SC_PAGESIZE);
	struct uffdio_register reg = {
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct uffdio_copy copy = {};
	struct held h = { .ret = 42 };
	struct pollfd pfd = { .events = POLLIN };
	struct uffd_msg msg;
	pthread_t thread;
	char *area, *src;
	int err = 0;

	NEED_DEVICE();
	pfd.fd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (pfd.fd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(pfd.fd, UFFDIO_API, &api));
	area = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(area != MAP_FAILED);
	src = calloc(1, page);
	ASSERT_TRUE(src != NULL);
	reg.range.start = (unsigned long)area;
	reg.range.len = page;
	ASSERT_EQ(0, ioctl(pfd.fd, UFFDIO_REGISTER, &reg));

	h.sock = self->sock;
	h.name = area;
	ASSERT_EQ(0, pthread_create(&thread, NULL, held_bind, &h));
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	ASSERT_LT(0, read(pfd.fd, &msg, sizeof(msg)));

	EXPECT_EQ(SOCKET_ERROR, WSPBind(self->sock, (struct sockaddr *)&lo,
					sizeof(lo), &err));
	EXPECT_EQ(WSAEINPROGRESS, err);

	memcpy(src, &lo, sizeof(lo));
	copy.dst = (unsigned long)area;
	copy.src = (unsigned long)src;
	copy.len = page;
	ASSERT_EQ(0, ioctl(pfd.fd, UFFDIO_COPY, &copy));
	pthread_join(thread, NULL);
	EXPECT_EQ(0, h.ret) TH_LOG("error %d", h.err);
	close(pfd.fd);
	munmap(area, page);
	free(src);
}

/* A WSPBind of an IPv6 UDP socket to @addr%@scope_id: 0 or the error. */
static int bind_scoped(const char *addr, uint32_t scope_id)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = 23,
		.sin6_scope_id = scope_id,
	};
	int s = socket(AF_INET6, SOCK_DGRAM, 0), err = 0;

	inet_pton(AF_INET6, addr, &sin6.sin6_addr);
	if (WSPBind(s, (struct sockaddr *)&sin6, sizeof(sin6), &err))
		err = err ? err : -1;
	close(s);
	return err;
}

/*
 * Windows's scope ids, which the library applies before bind(2): Linux
 * ignores a scope id on ::1 and binds, and refuses a link-local address
 * with scope id 0 with EINVAL.
 */
TEST_F(lib, scope_id_rules)
{
	NEED_DEVICE();
	EXPECT_EQ(WSAEADDRNOTAVAIL, bind_scoped("::1", 1));
	EXPECT_EQ(0, bind_scoped("::1", 0));
	EXPECT_EQ(WSAEADDRNOTAVAIL, bind_scoped("fe80::4242", 0));
}

TEST(getsockname_not_a_socket)
{
	struct sockaddr_in sin;
	int len = sizeof(sin), err = 0, fds[2];

	ASSERT_EQ(0, pipe(fds));
	EXPECT_EQ(SOCKET_ERROR, WSPGetSockName(fds[0], (struct sockaddr *)&sin,
					       &len, &err));
	EXPECT_EQ(WSAENOTSOCK, err);
	close(fds[0]);
	close(fds[1]);
}

TEST_HARNESS_MAIN
