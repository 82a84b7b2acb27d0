// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libwspbind: copies to and from a caller's buffers that fail, rather
 * than crash, on a bad pointer. Winsock answers WSAEFAULT for a buffer it
 * cannot read or write. process_vm_readv() and process_vm_writev() on the
 * calling process itself copy through the kernel, which refuses a bad
 * address with EFAULT; a process may always do this to itself. A kernel
 * built without them (CONFIG_CROSS_MEMORY_ATTACH), or a seccomp filter
 * that refuses them, leaves a plain copy, which catches NULL only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

static bool wspbind_copy(void *dst, const void *src, size_t len, bool out)
{
	struct iovec ours = { .iov_len = len };
	struct iovec theirs = { .iov_len = len };
	ssize_t ret;

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
		memcpy(dst, src, len);
		return true;
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
