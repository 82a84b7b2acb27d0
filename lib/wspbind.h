/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libwspbind: the Winsock service provider's bind (LPWSPBind) on Linux.
 *
 * WSPBind() binds a Linux socket with Winsock's rules through the
 * /dev/wspbind device. The Winsock names below are defined only when no
 * Winsock header has defined them first, so this header can be included
 * after (or without) a compatibility layer's own ws2spi.h. Define
 * WSPBIND_NO_WINSOCK_NAMES to get none of them.
 */
#ifndef WSPBIND_H
#define WSPBIND_H

#include <stdint.h>
#include <sys/socket.h>
#include <linux/wspbind.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The library is built with the platform's C calling convention. A layer
 * whose WSPAPI is a Windows convention (__stdcall, ms_abi) calls WSPBind()
 * from a thunk, as it does for any other Unix library.
 */
#define WSPBIND_API

#ifndef WSPBIND_NO_WINSOCK_NAMES

#ifndef WSPAPI
#define WSPAPI WSPBIND_API
#endif

/* A Winsock header that defines INVALID_SOCKET has defined SOCKET too. */
#ifndef INVALID_SOCKET
typedef uintptr_t SOCKET;
#define INVALID_SOCKET (~(SOCKET)0)
#endif

#ifndef SOCKET_ERROR
#define SOCKET_ERROR (-1)
#endif

/* windef.h, in both MinGW and Wine, guards itself with _WINDEF_. */
#ifndef _WINDEF_
typedef int *LPINT;
#endif

#ifndef WSAEINTR
#define WSAEINTR		WSPBIND_WSAEINTR
#endif
#ifndef WSAEACCES
#define WSAEACCES		WSPBIND_WSAEACCES
#endif
#ifndef WSAEFAULT
#define WSAEFAULT		WSPBIND_WSAEFAULT
#endif
#ifndef WSAEINVAL
#define WSAEINVAL		WSPBIND_WSAEINVAL
#endif
#ifndef WSAEINPROGRESS
#define WSAEINPROGRESS		WSPBIND_WSAEINPROGRESS
#endif
#ifndef WSAENOTSOCK
#define WSAENOTSOCK		WSPBIND_WSAENOTSOCK
#endif
#ifndef WSAEOPNOTSUPP
#define WSAEOPNOTSUPP		WSPBIND_WSAEOPNOTSUPP
#endif
#ifndef WSAEAFNOSUPPORT
#define WSAEAFNOSUPPORT		WSPBIND_WSAEAFNOSUPPORT
#endif
#ifndef WSAEADDRINUSE
#define WSAEADDRINUSE		WSPBIND_WSAEADDRINUSE
#endif
#ifndef WSAEADDRNOTAVAIL
#define WSAEADDRNOTAVAIL	WSPBIND_WSAEADDRNOTAVAIL
#endif
#ifndef WSAENETDOWN
#define WSAENETDOWN		WSPBIND_WSAENETDOWN
#endif
#ifndef WSAENOBUFS
#define WSAENOBUFS		WSPBIND_WSAENOBUFS
#endif

/*
 * ws2spi.h declares LPWSPBIND; the Windows SDK's, mingw-w64's and Wine's
 * guard themselves with _WINSOCK2SPI_, the older MinGW's with _WS2SPI_H.
 */
#if !defined(_WINSOCK2SPI_) && !defined(_WS2SPI_H)
typedef int (WSPAPI *LPWSPBIND)(SOCKET s, const struct sockaddr *name,
				int namelen, LPINT lpErrno);
#endif

#endif /* WSPBIND_NO_WINSOCK_NAMES */

/**
 * WSPBind() - bind a socket with Winsock's rules
 * @s: the socket: a Linux file descriptor
 * @name: the local address, a sockaddr_in or sockaddr_in6 whose first two
 *	bytes hold the family in Winsock numbering (AF_INET6 is 23); port 0
 *	asks for a unique port from the ephemeral range (default 1024-5000)
 * @namelen: the size of @name in bytes
 * @lpErrno: where the Winsock error code goes on failure; may be NULL
 *
 * The device /dev/wspbind is opened on first use (with O_CLOEXEC) and kept
 * for the life of the process. When it is missing the answer is
 * WSAENETDOWN; when its permissions refuse the caller, WSAEACCES.
 *
 * Return: 0, or SOCKET_ERROR (-1) with the Winsock error in *@lpErrno.
 */
int WSPBIND_API WSPBind(uintptr_t s, const struct sockaddr *name,
			int namelen, int *lpErrno);

#ifdef __cplusplus
}
#endif

#endif /* WSPBIND_H */
