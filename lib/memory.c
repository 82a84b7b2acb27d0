// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libwspbind: copies to and from a caller's buffers that fail, rather
 * than crash, on a bad pointer. Winsock answers WSAEFAULT for a buffer it
 * cannot read or write. process_vm_readv() and process_vm_writev() on the
 * calling process itself copy through the kernel, which refuses a bad
 * address with EFAULT; a process may always do this to itself. A kernel
 * built without them (CONFIG_CROSS_MEMORY_ATTACH), or a seccomp filter
 * that refuses them (container runtimes' default profiles do), leaves a
 * pipe: write() reads the source and read() writes the destination, each
 * through the kernel, which refuses a bad address just as well. Only
 * where a pipe cannot be had either does a plain copy, which catches NULL
 * only, remain.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

/*
 * Through a pipe of its own: a name or an option is far below a pipe's
 * capacity, so one write() and one read() move it whole.
 */
static bool wspbind_copy_piped(void *dst, const void *src, size_t len)
{
	int fds[2];
	bool ok;

	if (pipe2(fds, O_CLOEXEC)) {
		memcpy(dst, src, len);
		return true;
	}
	ok = write(fds[1], src, len) == (ssize_t)len &&
	     read(fds[0], dst, len) == (ssize_t)len;
	close(fds[0]);
	close(fds[1]);
	return ok;
}

static bool wspbind_copy(void *dst, const void *src, size_t len, bool out)
{
	struct iovec ours = { .iov_len = len };
	struct iovec theirs = { .iov_len = len };
	int saved_errno = errno;
	ssize_t ret;
	bool ok;

	if (!dst || !src)
		return false;
	if (out) {
		ours.iov_base = (void *)src;
		theirs.iov_base = dst;
		ret = process_vm_writev(getpid(), &ours, 1, &theirs, 1, 0);
	} else {
		ours.iov_base = dst;
		theirs.iov_base = (void *)src;
		ret = process_vm_readv(getpid(), &ours, 1, &theirs, 1, 0);
	}
	if (ret < 0 && (errno == ENOSYS || errno == EPERM)) {
		ok = wspbind_copy_piped(dst, src, len);
		errno = saved_errno;
		return ok;
	}
	return ret == (ssize_t)len;
}

bool wspbind_copy_in(void *dst, const void *src, size_t len)
{
	return wspbind_copy(dst, src, len, false);
}

bool wspbind_copy_out(void *dst, const void *src, size_t len)
{
	return wspbind_copy(dst, src, len, true);
}
