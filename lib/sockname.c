// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libwspbind: WSPGetSockName(), a bound socket's address as Winsock gives
 * it. Linux answers getsockname() on an unbound socket with port 0 and
 * its own family numbers; Winsock refuses it with WSAEINVAL and numbers
 * AF_INET6 23. The addresses are laid out alike otherwise (SOCKADDR_IN6
 * is Linux's 28-byte sockaddr_in6).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "wspbind.h"
#include "internal.h"

static int wspbind_sockname(int fd, struct sockaddr_storage *ss, int *len)
{
	socklen_t sl = sizeof(*ss);
	struct stat st;

	if (wspbind_sock_id(fd, &st))
		return WSAENOTSOCK;
	memset(ss, 0, sizeof(*ss));
	if (getsockname(fd, (struct sockaddr *)ss, &sl))
		return WSAENOTSOCK;
	if (ss->ss_family == AF_INET) {
		if (!((struct sockaddr_in *)ss)->sin_port)
			return WSAEINVAL;
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		if (!((struct sockaddr_in6 *)ss)->sin6_port)
			return WSAEINVAL;
		ss->ss_family = WSPBIND_WS_AF_INET6;
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return WSAEAFNOSUPPORT;
}

int WSPBIND_API WSPGetSockName(uintptr_t s, struct sockaddr *name,
			       int *lpnamelen, int *lpErrno)
{
	int saved_errno = errno, have = 0, len = 0, wsa;
	struct sockaddr_storage ss;

	wsa = wspbind_sockname(wspbind_socket_fd(s), &ss, &len);
	if (!wsa && (!wspbind_copy_in(&have, lpnamelen, sizeof(have)) ||
		     have < len || !wspbind_copy_out(name, &ss, len) ||
		     !wspbind_copy_out(lpnamelen, &len, sizeof(len))))
		wsa = WSAEFAULT;
	errno = saved_errno;
	if (!wsa)
		return 0;
	if (lpErrno)
		*lpErrno = wsa;
	return SOCKET_ERROR;
}
