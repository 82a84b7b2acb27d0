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
 * wspbind_name_copy_len() - how much of a name to read, if any
 * @namelen: the length the caller gave, possibly negative
 * @family: the socket's family
 *
 * The length rule, which comes before the name is read: a name shorter
 * than the family's minimum is refused unread.
 *
 * Return: @namelen capped at %WSPBIND_NAME_MAX, or -1 when @namelen is
 * below wspbind_name_min_len(@family) or @family is not served.
 */
int wspbind_name_copy_len(int namelen, int family)
{
	int min_len = wspbind_name_min_len(family);

	if (min_len < 0 || namelen < min_len)
		return -1;
	return min(namelen, WSPBIND_NAME_MAX);
}

/**
 * wspbind_check_name_family() - does a name's family match the socket's?
 * @raw_family: the first two bytes of the name, read
 * @winsock: @raw_family uses Winsock's family numbers
 * @family: the socket's family
 *
 * The family rule, which comes after the name is read.
 *
 * Return: 0 when the name names @family, otherwise WSPBIND_WSAEFAULT.
 */
u32 wspbind_check_name_family(u16 raw_family, bool winsock, int family)
{
	if (wspbind_linux_family(raw_family, winsock) != family)
		return WSPBIND_WSAEFAULT;
	return 0;
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
 * wspbind_class_size() - how many ports of a range one class holds
 * @span: the number of ports in the range, at least 1
 * @stride: the number of classes, at least 1
 * @class: which class, below @stride
 *
 * The port search groups the range in @stride classes: class @class holds
 * the ports low + @class, low + @class + @stride, ... up to the range's
 * end, so that one look at a hash slot tells about a whole class. With
 * @stride 1 the one class is the whole range.
 *
 * Return: the number of ports in the class, 0 when @class is past the
 * range.
 */
u32 wspbind_class_size(u32 span, u32 stride, u32 class)
{
	return span / stride + (class < span % stride);
}

/**
 * wspbind_class_index() - the @i-th position of a walk through a class
 * @count: ports in the class, at least 1
 * @start: where the walk starts, any value
 * @i: how many positions came before, below @count
 *
 * Walks the class once from @start, wrapping at its end, so that @i from
 * 0 to @count - 1 visits every position exactly once. One division: the
 * search calls this for every candidate.
 *
 * Return: the position, below @count.
 */
u32 wspbind_class_index(u32 count, u32 start, u32 i)
{
	u32 index = start % count + i;

	return index >= count ? index - count : index;
}

/**
 * wspbind_class_port() - the port at a position of a class
 * @low: first port of the range
 * @stride: the number of classes
 * @class: the class, below @stride
 * @index: the position in the class, below wspbind_class_size()
 *
 * Return: the port.
 */
u16 wspbind_class_port(u16 low, u32 stride, u32 class, u32 index)
{
	return low + class + index * stride;
}
