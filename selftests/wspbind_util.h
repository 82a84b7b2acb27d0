/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What wspbind_fuzz, wspbind_stress and wspbind_share_test share: their
 * start (a seed, root, the device), a network namespace of their own with
 * loopback up, one WSPBind through the device, a socket's port, a sysctl
 * write, the namespace's count of sockets and of registry entries, and a
 * small seeded random generator.
 */
#ifndef _WSPBIND_UTIL_H
#define _WSPBIND_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/wspbind.h>

#include "kselftest.h"

#define WSPBIND_RANGE_SYSCTL	"/proc/sys/net/wspbind/ephemeral_port_range"

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

/* Enter a new network namespace and bring its loopback up (::1 too). */
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
	return util_wait_bindable6(&a6);
}

/* The local port of @fd in host byte order, 0 when unbound, -1 on error. */
static inline int util_sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

/*
 * One WSPBind of @fd to @name (Linux family numbers) with @flags. Returns
 * the Winsock answer, or -errno when the ioctl itself failed; the port
 * goes to @port.
 */
static inline int util_wspbind_flags(int dev, int fd, __u32 flags,
				     const void *name, int namelen, int *port)
{
	struct wspbind_bind req = {
		.size = sizeof(req),
		.flags = flags,
		.sockfd = fd,
		.namelen = namelen,
		.name = (uintptr_t)name,
	};

	if (ioctl(dev, WSPBIND_IOC_BIND, &req))
		return -errno;
	if (port)
		*port = req.out_port;
	return req.out_wsa_error;
}

static inline int util_wspbind(int dev, int fd, const void *name, int namelen,
			       int *port)
{
	return util_wspbind_flags(dev, fd, 0, name, namelen, port);
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

static inline int util_write_file(const char *path, const char *val)
{
	ssize_t len = strlen(val), n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	close(fd);
	if (n < 0)
		return -errno;
	return n == len ? 0 : -EIO;
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

#endif /* _WSPBIND_UTIL_H */
