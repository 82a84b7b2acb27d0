// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libwspbind: copies to and from a caller's buffers that fail, rather
 * than crash, on a bad pointer. Winsock answers WSAEFAULT for a buffer it
 * cannot read or write. process_vm_readv() and process_vm_writev() on the
 * calling process itself copy through the kernel, which refuses a bad
 * address with EFAULT; a process may always do this to itself.
 */
#define _GNU_SOURCE
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

bool wspbind_copy_in(void *dst, const void *src, size_t len)
{
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)src, .iov_len = len };

	return src &&
	       process_vm_readv(getpid(), &local, 1, &remote, 1, 0) ==
	       (ssize_t)len;
}

bool wspbind_copy_out(void *dst, const void *src, size_t len)
{
	struct iovec local = { .iov_base = (void *)src, .iov_len = len };
	struct iovec remote = { .iov_base = dst, .iov_len = len };

	return dst &&
	       process_vm_writev(getpid(), &local, 1, &remote, 1, 0) ==
	       (ssize_t)len;
}
