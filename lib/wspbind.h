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
#ifndef WSAENOPROTOOPT
#define WSAENOPROTOOPT		WSPBIND_WSAENOPROTOOPT
#endif

/* Winsock's socket-level options, by their Windows numbers. */
#ifndef WS_SOL_SOCKET
#define WS_SOL_SOCKET		WSPBIND_WS_SOL_SOCKET
#endif
#ifndef WS_SO_REUSEADDR
#define WS_SO_REUSEADDR		WSPBIND_WS_SO_REUSEADDR
#endif
#ifndef WS_SO_EXCLUSIVEADDRUSE
#define WS_SO_EXCLUSIVEADDRUSE	WSPBIND_WS_SO_EXCLUSIVEADDRUSE
#endif

/*
 * ws2spi.h declares LPWSPBIND; the Windows SDK's, mingw-w64's and Wine's
 * guard themselves with _WINSOCK2SPI_, the older MinGW's with _WS2SPI_H.
 */
#if !defined(_WINSOCK2SPI_) && !defined(_WS2SPI_H)
typedef int (WSPAPI *LPWSPBIND)(SOCKET s, const struct sockaddr *name,
				int namelen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSETSOCKOPT)(SOCKET s, int level, int optname,
				      const char *optval, int optlen,
				      LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETSOCKOPT)(SOCKET s, int level, int optname,
				      char *optval, LPINT lpoptlen,
				      LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETSOCKNAME)(SOCKET s, struct sockaddr *name,
				       LPINT lpnamelen, LPINT lpErrno);
#endif

#endif /* WSPBIND_NO_WINSOCK_NAMES */

/* The Windows numbers behind the names above. */
#define WSPBIND_WSAENOPROTOOPT		10042
#define WSPBIND_WS_SOL_SOCKET		0xffff
#define WSPBIND_WS_SO_REUSEADDR		0x0004
#define WSPBIND_WS_SO_EXCLUSIVEADDRUSE	((int)(~0x0004))

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
 * WSAENETDOWN; when its permissions refuse the caller, WSAEACCES. The
 * socket's Winsock option (WSPSetSockOpt()) decides who may share the
 * address.
 *
 * Return: 0, or SOCKET_ERROR (-1) with the Winsock error in *@lpErrno.
 */
int WSPBIND_API WSPBind(uintptr_t s, const struct sockaddr *name,
			int namelen, int *lpErrno);

/**
 * WSPSetSockOpt() - set SO_REUSEADDR or SO_EXCLUSIVEADDRUSE on a socket
 * @s: the socket: a Linux file descriptor
 * @level: %WS_SOL_SOCKET (0xffff)
 * @optname: %WS_SO_REUSEADDR or %WS_SO_EXCLUSIVEADDRUSE
 * @optval: a BOOL (int): non-zero sets the option, zero clears it
 * @optlen: at least sizeof(int)
 * @lpErrno: where the Winsock error code goes on failure; may be NULL
 *
 * The option belongs to the socket, as on Windows: a dup() of the
 * descriptor, or a child after fork(), sees it; a new socket given the same
 * descriptor number does not. WSPBind() applies it. Linux's own
 * SO_REUSEADDR is left alone.
 *
 * Return: 0, or SOCKET_ERROR with WSAENOTSOCK (@s is no socket),
 * WSAENOPROTOOPT (another level or option), WSAEFAULT (@optlen too small
 * or @optval unreadable), WSAEINVAL (the other option is on).
 */
int WSPBIND_API WSPSetSockOpt(uintptr_t s, int level, int optname,
			      const char *optval, int optlen, int *lpErrno);

/**
 * WSPGetSockOpt() - read SO_REUSEADDR or SO_EXCLUSIVEADDRUSE of a socket
 * @s: the socket
 * @level: %WS_SOL_SOCKET
 * @optname: %WS_SO_REUSEADDR or %WS_SO_EXCLUSIVEADDRUSE
 * @optval: where the BOOL goes (1 or 0)
 * @lpoptlen: in, the size of @optval, at least sizeof(int); out,
 *	sizeof(int)
 * @lpErrno: where the Winsock error code goes on failure; may be NULL
 *
 * Return: 0, or SOCKET_ERROR with WSAENOTSOCK, WSAENOPROTOOPT or WSAEFAULT
 * (as WSPSetSockOpt(), or @optval or @lpoptlen unwritable).
 */
int WSPBIND_API WSPGetSockOpt(uintptr_t s, int level, int optname,
			      char *optval, int *lpoptlen, int *lpErrno);

/**
 * WSPGetSockName() - the address a socket is bound to, in Winsock's form
 * @s: the socket
 * @name: where the address goes: a SOCKADDR_IN (16 bytes) or a
 *	SOCKADDR_IN6 (28 bytes) whose family is Winsock's (AF_INET6 is 23)
 * @lpnamelen: in, the size of @name; out, the size of the address
 * @lpErrno: where the Winsock error code goes on failure; may be NULL
 *
 * Return: 0, or SOCKET_ERROR with WSAENOTSOCK, WSAEINVAL (the socket is
 * not bound) or WSAEFAULT (*@lpnamelen too small, or @name or @lpnamelen
 * not writable).
 */
int WSPBIND_API WSPGetSockName(uintptr_t s, struct sockaddr *name,
			       int *lpnamelen, int *lpErrno);

#ifdef __cplusplus
}
#endif

#endif /* WSPBIND_H */
