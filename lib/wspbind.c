// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libwspbind: WSPBind(). The socket is enrolled on /dev/wspbind
 * (WSPBIND_IOC_ENROL) with its Winsock option and then bound with
 * bind(2): the bind is the program's own, so every check the kernel makes
 * of a bind holds for it (the LSM hook, seccomp, audit, Landlock), and the
 * module decides inside it. What only the device's WSPBIND_IOC_BIND
 * checked is checked here first, with the module's own rules
 * (module/rules.c): the name's length and family, and Windows's IPv6
 * scope ids; bind(2)'s errno becomes a Winsock code through the module's
 * error table (module/errors.c). A module older than enrolment binds
 * through WSPBIND_IOC_BIND.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wspbind.h"
#include "internal.h"
#include "errors.h"
#include "rules.h"

/* wspbind_call()'s answer when the module has no WSPBIND_IOC_ENROL. */
#define WSPBIND_NO_ENROL	(-1)

/*
 * WSAEINPROGRESS: another WSPBind() of this process is under way on the
 * socket. The device's mark (module/inflight.c) lasts for its ioctl
 * alone, and an enrolled socket's bind is made here, so the library keeps
 * a mark of its own, by socket (a dup() is the same socket); a process
 * with more binds under way at once than it has slots goes unmarked.
 */
#define WSPBIND_INFLIGHT_MAX	64

static struct {
	dev_t dev;
	ino_t ino;
} wspbind_inflight[WSPBIND_INFLIGHT_MAX];
static pthread_mutex_t wspbind_inflight_lock = PTHREAD_MUTEX_INITIALIZER;

/* 0 and the slot taken (-1: none), or WSAEINPROGRESS. */
static int wspbind_inflight_begin(const struct stat *st, int *slot)
{
	int i, unused = -1;

	*slot = -1;
	pthread_mutex_lock(&wspbind_inflight_lock);
	for (i = 0; i < WSPBIND_INFLIGHT_MAX; i++) {
		if (!wspbind_inflight[i].ino) {
			if (unused < 0)
				unused = i;
		} else if (wspbind_inflight[i].dev == st->st_dev &&
			   wspbind_inflight[i].ino == st->st_ino) {
			pthread_mutex_unlock(&wspbind_inflight_lock);
			return WSAEINPROGRESS;
		}
	}
	if (unused >= 0) {
		wspbind_inflight[unused].dev = st->st_dev;
		wspbind_inflight[unused].ino = st->st_ino;
		*slot = unused;
	}
	pthread_mutex_unlock(&wspbind_inflight_lock);
	return 0;
}

static void wspbind_inflight_end(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&wspbind_inflight_lock);
	wspbind_inflight[slot].ino = 0;
	pthread_mutex_unlock(&wspbind_inflight_lock);
}

/* The device, opened on first use and kept; -1 until then. */
static int wspbind_fd = -1;

/*
 * WSPBIND_DEVICE in the environment names another device node (a test, a
 * chroot); secure_getenv() ignores it in set-id programs.
 */
static const char *wspbind_device_path(void)
{
	const char *path = secure_getenv("WSPBIND_DEVICE");

	return path && *path ? path : WSPBIND_DEVICE_PATH;
}

/*
 * Return the device's fd, opening it if no thread has yet, or a negated
 * Winsock error. Threads that race here each open it; one wins and the
 * others close theirs.
 */
static int wspbind_device(void)
{
	int fd = __atomic_load_n(&wspbind_fd, __ATOMIC_ACQUIRE);
	int none = -1;

	if (fd >= 0)
		return fd;

	fd = open(wspbind_device_path(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES || errno == EPERM ? -WSAEACCES :
							   -WSAENETDOWN;
	if (!__atomic_compare_exchange_n(&wspbind_fd, &none, fd, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		close(fd);
		fd = none;
	}
	return fd;
}

/*
 * The program closed our fd behind our back (some close every fd they do
 * not know), or the number now names another file: forget it, without
 * closing what is no longer ours, so the next call opens the device anew.
 */
static void wspbind_forget_device(int fd)
{
	__atomic_compare_exchange_n(&wspbind_fd, &fd, -1, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/*
 * One ioctl @cmd whose request ends in the Winsock answer @answer points
 * at: that answer, or a Winsock error of the call itself.
 */
static int wspbind_call(unsigned long cmd, void *req, const uint32_t *answer)
{
	bool retried = false;
	int fd;

	for (;;) {
		fd = wspbind_device();
		if (fd < 0)
			return -fd;
		if (!ioctl(fd, cmd, req))
			return *answer;
		if ((errno != EBADF && errno != ENOTTY) || retried)
			break;
		wspbind_forget_device(fd);
		retried = true;
	}
	if (errno == ENOTTY && cmd == WSPBIND_IOC_ENROL)
		return WSPBIND_NO_ENROL;
	/* The request is well formed, so a refusal means a foreign device. */
	return errno == EFAULT ? WSAEFAULT : WSAENETDOWN;
}

#define WSPBIND_OPT_FLAGS	(WSPBIND_BIND_REUSEADDR | \
				 WSPBIND_BIND_EXCLUSIVEADDRUSE)

static int wspbind_enrol(int fd, uint32_t flags)
{
	struct wspbind_enrol req = {
		.size = sizeof(req),
		.flags = flags & WSPBIND_OPT_FLAGS,
		.sockfd = fd,
	};

	return wspbind_call(WSPBIND_IOC_ENROL, &req, &req.out_wsa_error);
}

/* The old way: the device binds (WSPBIND_IOC_BIND). */
static int wspbind_bind_ioctl(int fd, uint32_t flags,
			      const struct sockaddr *name, int namelen)
{
	struct wspbind_bind req = {
		.size = sizeof(req),
		.flags = WSPBIND_BIND_WINSOCK_AF | flags,
		.sockfd = fd,
		.namelen = namelen,
		.name = (uintptr_t)name,
	};

	return wspbind_call(WSPBIND_IOC_BIND, &req, &req.out_wsa_error);
}

/*
 * Windows's IPv6 scope ids, which bind(2) reads otherwise (the module's
 * bind.c applies the same to WSPBIND_IOC_BIND): a scope id on an address
 * that is not link-local is refused, and scope id 0 on a link-local one
 * means the interface that has the address.
 */
static int wspbind_check_scope(struct sockaddr_in6 *sin6)
{
	struct ifaddrs *ifs, *i;

	if (!IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
		return sin6->sin6_scope_id ? -EADDRNOTAVAIL : 0;
	if (sin6->sin6_scope_id)
		return 0;
	if (getifaddrs(&ifs))
		return -EADDRNOTAVAIL;
	for (i = ifs; i; i = i->ifa_next) {
		const struct sockaddr_in6 *a = (void *)i->ifa_addr;

		if (a && a->sin6_family == AF_INET6 &&
		    !memcmp(&a->sin6_addr, &sin6->sin6_addr,
			    sizeof(a->sin6_addr))) {
			sin6->sin6_scope_id = if_nametoindex(i->ifa_name);
			break;
		}
	}
	freeifaddrs(ifs);
	return sin6->sin6_scope_id ? 0 : -EADDRNOTAVAIL;
}

/*
 * The enrolled socket's bind: the name read and checked as the device
 * checks it, then bind(2). Answers in negative errno.
 */
static int wspbind_bind_enrolled(int fd, const struct sockaddr *name,
				 int namelen)
{
	socklen_t optlen = sizeof(int);
	struct sockaddr_storage ss;
	int family, len, err;

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &optlen))
		return -errno;
	len = wspbind_name_copy_len(namelen, family);
	memset(&ss, 0, sizeof(ss));
	if (len < 0 || !wspbind_copy_in(&ss, name, len))
		return -EFAULT;
	err = wspbind_check_name_family(ss.ss_family, true, family);
	if (err)
		return err;
	ss.ss_family = family;
	if (family == AF_INET6) {
		err = wspbind_check_scope((struct sockaddr_in6 *)&ss);
		if (err)
			return err;
	}
	if (bind(fd, (struct sockaddr *)&ss, wspbind_name_min_len(family)))
		return -errno;
	return 0;
}

int WSPBIND_API WSPBind(uintptr_t s, const struct sockaddr *name,
			int namelen, int *lpErrno)
{
	int fd = wspbind_socket_fd(s), saved_errno = errno, wsa = 0, slot = -1;
	uint32_t flags = 0;
	struct stat st;

	/* Not a socket: enrolment answers. */
	if (!wspbind_sock_id(fd, &st)) {
		flags = wspbind_sock_flags(&st);
		wsa = wspbind_inflight_begin(&st, &slot);
	}
	if (!wsa)
		wsa = wspbind_enrol(fd, flags);
	if (wsa == WSPBIND_NO_ENROL)
		wsa = wspbind_bind_ioctl(fd, flags, name, namelen);
	else if (!wsa)
		wsa = wspbind_wsa_from_errno(wspbind_bind_enrolled(fd, name,
								   namelen));
	wspbind_inflight_end(slot);
	errno = saved_errno;
	if (!wsa)
		return 0;
	if (lpErrno)
		*lpErrno = wsa;
	return SOCKET_ERROR;
}
