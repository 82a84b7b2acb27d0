/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uAPI header's errno translation, row by row, as the tests of
 * wspbind_wsa_from_errno() expect it: rules_test.c checks it in user space
 * and rules_kunit.c in the kernel. The errno values are the same on both
 * sides; each includes its own errno.h first.
 */
#ifndef _WSPBIND_ERRNO_TABLE_H
#define _WSPBIND_ERRNO_TABLE_H

static const struct {
	int err;
	unsigned int wsa;
} errno_table[] = {
	{ 0, 0 },
	{ EACCES, WSPBIND_WSAEACCES },
	{ EPERM, WSPBIND_WSAEACCES },
	{ EADDRINUSE, WSPBIND_WSAEADDRINUSE },
	{ EADDRNOTAVAIL, WSPBIND_WSAEADDRNOTAVAIL },
	{ ENODEV, WSPBIND_WSAEADDRNOTAVAIL },
	{ EAFNOSUPPORT, WSPBIND_WSAEAFNOSUPPORT },
	{ EBADF, WSPBIND_WSAENOTSOCK },
	{ ENOTSOCK, WSPBIND_WSAENOTSOCK },
	{ EFAULT, WSPBIND_WSAEFAULT },
	{ EINTR, WSPBIND_WSAEINTR },
	{ EINPROGRESS, WSPBIND_WSAEINPROGRESS },
	{ ENETDOWN, WSPBIND_WSAENETDOWN },
	{ ENOBUFS, WSPBIND_WSAENOBUFS },
	{ ENOMEM, WSPBIND_WSAENOBUFS },
	{ EOPNOTSUPP, WSPBIND_WSAEOPNOTSUPP },
	{ EINVAL, WSPBIND_WSAEINVAL },
	{ EISCONN, WSPBIND_WSAEINVAL },
	{ ENOENT, WSPBIND_WSAEINVAL },
};

#endif /* _WSPBIND_ERRNO_TABLE_H */
