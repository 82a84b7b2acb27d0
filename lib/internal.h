/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the parts of libwspbind offer each other; not installed.
 */
#ifndef WSPBIND_LIB_INTERNAL_H
#define WSPBIND_LIB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stat;

/*
 * sockopt.c: the WSPBIND_BIND_* flags of the Winsock option of the socket
 * wspbind_sock_id() gave @st of.
 */
uint32_t wspbind_sock_flags(const struct stat *st);
/* The socket's identity; -WSAENOTSOCK when @fd is no socket. */
int wspbind_sock_id(int fd, struct stat *st);

/*
 * memory.c: copy @len bytes from or to a caller's buffer; false, and
 * nothing copied, when the buffer is NULL or not all there, so a bad
 * pointer from a Windows program is an error code, not a crash.
 */
bool wspbind_copy_in(void *dst, const void *src, size_t len);
bool wspbind_copy_out(void *dst, const void *src, size_t len);

/* The socket behind a SOCKET, or -1 when it cannot be one. */
static inline int wspbind_socket_fd(uintptr_t s)
{
	return s > 0x7fffffff ? -1 : (int)s;
}

#endif /* WSPBIND_LIB_INTERNAL_H */
