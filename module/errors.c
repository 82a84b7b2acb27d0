// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * The error table: which Winsock code each Linux error becomes. The
 * module's bind answers in negative errno at every step, its own checks
 * included (a name that cannot be read is -EFAULT, a port range with no
 * free port -ENOBUFS, a sharing the table refuses -EADDRINUSE or
 * -EACCES), and wspbind_do_bind() translates once, here. The uAPI
 * header's "Winsock error codes" section prints this table for callers.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#endif

#include <linux/wspbind.h>
#include "errors.h"

/**
 * wspbind_wsa_from_errno() - translate a Linux error to a Winsock error
 * @err: an errno value, negative as the kernel returns it, or 0
 *
 * Return: 0 for 0, otherwise the WSPBIND_WSAE* code the uAPI header's
 * error table gives for @err; WSPBIND_WSAEINVAL for any error it does not
 * name.
 */
u32 wspbind_wsa_from_errno(int err)
{
	switch (err < 0 ? -err : err) {
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
	case EAFNOSUPPORT:
		return WSPBIND_WSAEAFNOSUPPORT;
	case EBADF:
	case ENOTSOCK:
		return WSPBIND_WSAENOTSOCK;
	case EFAULT:
		return WSPBIND_WSAEFAULT;
	case EINTR:
		return WSPBIND_WSAEINTR;
	case EINPROGRESS:
		return WSPBIND_WSAEINPROGRESS;
	case ENETDOWN:
		return WSPBIND_WSAENETDOWN;
	case ENOBUFS:
	case ENOMEM:
		return WSPBIND_WSAENOBUFS;
	case EOPNOTSUPP:
		return WSPBIND_WSAEOPNOTSUPP;
	default:
		return WSPBIND_WSAEINVAL;
	}
}
