// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libwspbind: WSPBind() as one ioctl on /dev/wspbind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "wspbind.h"
#include "internal.h"

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

static int wspbind_call(struct wspbind_bind *req)
{
	bool retried = false;
	int fd;

	for (;;) {
		fd = wspbind_device();
		if (fd < 0)
			return -fd;
		if (!ioctl(fd, WSPBIND_IOC_BIND, req))
			return req->out_wsa_error;
		if ((errno != EBADF && errno != ENOTTY) || retried)
			break;
		wspbind_forget_device(fd);
		retried = true;
	}
	/* The request is well formed, so a refusal means a foreign device. */
	return errno == EFAULT ? WSAEFAULT : WSAENETDOWN;
}

int WSPBIND_API WSPBind(uintptr_t s, const struct sockaddr *name,
			int namelen, int *lpErrno)
{
	struct wspbind_bind req = {
		.size = sizeof(req),
		.flags = WSPBIND_BIND_WINSOCK_AF,
		.sockfd = wspbind_socket_fd(s),
		.namelen = namelen,
		.name = (uintptr_t)name,
	};
	int saved_errno = errno;
	int wsa;

	req.flags |= wspbind_sock_flags(req.sockfd);
	wsa = wspbind_call(&req);
	errno = saved_errno;
	if (!wsa)
		return 0;
	if (lpErrno)
		*lpErrno = wsa;
	return SOCKET_ERROR;
}
