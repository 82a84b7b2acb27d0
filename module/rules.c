// SPDX-License-Identifier: GPL-2.0
/*
 * The Winsock bind rules as pure functions: errno translation, the socket
 * kinds served, the family and length checks on the name, and the port
 * range arithmetic. Nothing here touches a socket, so KUnit and user-space
 * tests call these directly.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/minmax.h>
#include <linux/net.h>
#include <linux/socket.h>
#endif

#include <linux/wspbind.h>
#include "rules.h"

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

/**
 * wspbind_check_kind() - is this a socket WSPBind serves?
 * @family: the socket's address family
 * @type: the socket's type (SOCK_STREAM, SOCK_DGRAM, ...)
 * @protocol: the socket's protocol
 *
 * Only TCP and UDP over IPv4 and IPv6 are served; the bind of any other
 * socket is never attempted.
 *
 * Return: 0 when served, WSPBIND_WSAEAFNOSUPPORT for another family,
 * WSPBIND_WSAEOPNOTSUPP for another type or protocol.
 */
u32 wspbind_check_kind(int family, int type, int protocol)
{
	if (family != AF_INET && family != AF_INET6)
		return WSPBIND_WSAEAFNOSUPPORT;
	if (type == SOCK_STREAM && protocol == IPPROTO_TCP)
		return 0;
	if (type == SOCK_DGRAM && protocol == IPPROTO_UDP)
		return 0;
	return WSPBIND_WSAEOPNOTSUPP;
}

/**
 * wspbind_linux_family() - the Linux family a name's first two bytes mean
 * @raw: the first two bytes of the name, in host byte order
 * @winsock: @raw uses Winsock's family numbers
 *
 * Return: AF_INET or AF_INET6, or 0 when @raw names neither.
 */
u16 wspbind_linux_family(u16 raw, bool winsock)
{
	if (raw == AF_INET)
		return AF_INET;
	if (raw == (winsock ? WSPBIND_WS_AF_INET6 : AF_INET6))
		return AF_INET6;
	return 0;
}

/**
 * wspbind_name_min_len() - the shortest name Winsock accepts for a family
 * @family: AF_INET or AF_INET6
 *
 * Winsock's SOCKADDR_IN6 is 28 bytes, so the 24-byte RFC 2133 form that
 * Linux's bind(2) still accepts is refused here.
 *
 * Return: the length in bytes, or -1 for any other family.
 */
int wspbind_name_min_len(int family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return -1;
	}
}

/**
 * wspbind_check_name() - the Winsock checks on a name
 * @namelen: the length the caller gave, possibly negative
 * @raw_family: the first two bytes of the name
 * @winsock: @raw_family uses Winsock's family numbers
 * @family: the socket's family
 *
 * Return: 0 when the name fits the socket, otherwise WSPBIND_WSAEFAULT.
 */
u32 wspbind_check_name(int namelen, u16 raw_family, bool winsock,
		       int family)
{
	int min_len = wspbind_name_min_len(family);

	if (min_len < 0 || namelen < min_len)
		return WSPBIND_WSAEFAULT;
	if (wspbind_linux_family(raw_family, winsock) != family)
		return WSPBIND_WSAEFAULT;
	return 0;
}

/**
 * wspbind_name_copy_len() - how much of a name to read
 * @namelen: the length the caller gave, at least the family's minimum
 *
 * Return: @namelen, capped at %WSPBIND_NAME_MAX.
 */
int wspbind_name_copy_len(int namelen)
{
	return min(namelen, WSPBIND_NAME_MAX);
}

/**
 * wspbind_range_valid() - may a port range be set?
 * @low: first port
 * @high: last port
 *
 * Return: true when 1 <= @low <= @high <= 65535.
 */
bool wspbind_range_valid(int low, int high)
{
	return low >= 1 && low <= high && high <= 65535;
}

/**
 * wspbind_range_pack() - pack a range into one word
 * @low: first port
 * @high: last port
 *
 * One word is read and written whole, so a reader never sees the low end
 * of one range with the high end of another.
 *
 * Return: the packed range.
 */
u32 wspbind_range_pack(u16 low, u16 high)
{
	return (u32)low << 16 | high;
}

/**
 * wspbind_range_low() - first port of a packed range
 * @range: a value from wspbind_range_pack()
 *
 * Return: the first port.
 */
u16 wspbind_range_low(u32 range)
{
	return range >> 16;
}

/**
 * wspbind_range_high() - last port of a packed range
 * @range: a value from wspbind_range_pack()
 *
 * Return: the last port.
 */
u16 wspbind_range_high(u32 range)
{
	return range & 0xffff;
}

/**
 * wspbind_port_candidate() - the @i-th port to try in a search
 * @low: first port of the range
 * @high: last port of the range, at least @low
 * @start: where the search starts, any value
 * @i: how many candidates came before
 *
 * Walks the range once from a random start, wrapping at @high, so that
 * @i from 0 to @high - @low visits every port exactly once.
 *
 * Return: the port.
 */
u16 wspbind_port_candidate(u16 low, u16 high, u32 start, u32 i)
{
	u32 span = (u32)high - low + 1;

	return low + (start % span + i % span) % span;
}
