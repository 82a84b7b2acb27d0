// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * The Winsock bind rules as pure functions: the socket kinds served, the
 * family and length checks on the name, and the port range's validation
 * and packing. Nothing here touches a socket, so KUnit and user-space
 * tests call these directly. Like every step of the bind, they answer in
 * negative errno (errors.c translates).
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
 * wspbind_check_kind() - is this a socket WSPBind serves?
 * @family: the socket's address family
 * @type: the socket's type (SOCK_STREAM, SOCK_DGRAM, ...)
 * @protocol: the socket's protocol
 *
 * Only TCP and UDP over IPv4 and IPv6 are served; the bind of any other
 * socket is never attempted.
 *
 * Return: 0 when served, -EAFNOSUPPORT for another family, -EOPNOTSUPP
 * for another type or protocol.
 */
int wspbind_check_kind(int family, int type, int protocol)
{
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (type == SOCK_STREAM && protocol == IPPROTO_TCP)
		return 0;
	if (type == SOCK_DGRAM && protocol == IPPROTO_UDP)
		return 0;
	return -EOPNOTSUPP;
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
 * Return: 0 when the name names @family, otherwise -EFAULT (Winsock's
 * answer for a name it cannot use).
 */
int wspbind_check_name_family(u16 raw_family, bool winsock, int family)
{
	if (wspbind_linux_family(raw_family, winsock) != family)
		return -EFAULT;
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
