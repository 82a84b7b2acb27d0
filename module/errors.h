/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * The error table: inside the module every step of a bind answers in
 * negative errno, and wspbind_wsa_from_errno() alone turns that into the
 * Winsock code the caller is given. Built into the module and into
 * user-space unit tests alike.
 */
#ifndef _WSPBIND_ERRORS_H
#define _WSPBIND_ERRORS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "test/user_shim.h"
#endif

/*
 * Every Winsock error a bind can end in, with its name, in the uAPI
 * header's numeric order, as { code, "name" } pairs: the counters
 * (counters.c) fill their table from this one list, and the tracepoint
 * (trace.h) hands it to __print_symbolic(), which takes such pairs, as
 * the symbol lists of include/trace/events/ headers are shared.
 */
#define WSPBIND_WSA_NAMES					\
	{ WSPBIND_WSAEINTR, "WSAEINTR" },			\
	{ WSPBIND_WSAEACCES, "WSAEACCES" },			\
	{ WSPBIND_WSAEFAULT, "WSAEFAULT" },			\
	{ WSPBIND_WSAEINVAL, "WSAEINVAL" },			\
	{ WSPBIND_WSAEINPROGRESS, "WSAEINPROGRESS" },		\
	{ WSPBIND_WSAENOTSOCK, "WSAENOTSOCK" },			\
	{ WSPBIND_WSAEOPNOTSUPP, "WSAEOPNOTSUPP" },		\
	{ WSPBIND_WSAEAFNOSUPPORT, "WSAEAFNOSUPPORT" },		\
	{ WSPBIND_WSAEADDRINUSE, "WSAEADDRINUSE" },		\
	{ WSPBIND_WSAEADDRNOTAVAIL, "WSAEADDRNOTAVAIL" },	\
	{ WSPBIND_WSAENETDOWN, "WSAENETDOWN" },			\
	{ WSPBIND_WSAENOBUFS, "WSAENOBUFS" }

u32 wspbind_wsa_from_errno(int err);

#endif /* _WSPBIND_ERRORS_H */
