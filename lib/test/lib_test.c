// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libwspbind's own contract: the return value and *lpErrno, a NULL
 * lpErrno, errno left alone, the device opened once with O_CLOEXEC and
 * reopened when the program closes it, WSAENETDOWN without the device and
 * WSAEACCES when its permissions refuse the caller. The bind semantics
 * themselves are the selftests' job.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wspbind.h"
#include "kselftest_harness.h"

/* The header's Winsock names must give the SPI's function type. */
static const LPWSPBIND wspbind_entry = WSPBind;

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

TEST_HARNESS_MAIN
