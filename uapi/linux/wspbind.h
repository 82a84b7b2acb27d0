/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wspbind: Winsock bind semantics (LPWSPBind) for Linux sockets.
 */
#ifndef _UAPI_LINUX_WSPBIND_H
#define _UAPI_LINUX_WSPBIND_H

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * DOC: General ioctl format
 *
 * The device /dev/wspbind (%WSPBIND_DEVICE_PATH) has two commands,
 * %WSPBIND_IOC_BIND and %WSPBIND_IOC_ENROL. As in iommufd, the command
 * number carries no size: each argument struct starts with a __u32 @size
 * that user space sets to sizeof() the struct it was built with. The
 * kernel accepts any @size at least as large as the first version of the
 * struct; bytes it does not know must be zero (otherwise -E2BIG), and
 * bytes user space did not pass read as zero.
 *
 * The ioctl itself fails (returns -1 and sets errno) only when the request
 * is malformed:
 *
 * - %ENOTTY: the command is neither of the two.
 * - %EFAULT: the request struct cannot be read, or cannot be written back;
 *   the kernel writes the answer fields once before it binds, so then
 *   nothing is bound. Only if another thread takes the struct's memory
 *   away during the call does the bind stand with %EFAULT returned
 *   (getsockname() tells).
 * - %EINVAL: @size is smaller than the first version, an unknown bit is
 *   set in @flags, or a reserved field is not zero.
 * - %E2BIG: @size is larger than the kernel knows and the extra bytes are
 *   not zero.
 *
 * Every other outcome, success included, returns 0 and reports a Winsock
 * answer in @out_wsa_error, so a compatibility layer never has to guess how
 * a Linux errno translates.
 */

/**
 * DOC: Winsock error codes
 *
 * @out_wsa_error of &struct wspbind_bind holds 0 on success or one of these
 * values (the Windows numbers). Checks are made in this order, so the first
 * row that applies wins; the rows from WSAEACCES for the port on come from
 * the bind itself, in the order bind(2) makes its checks for the family:
 *
 * ========================== ==============================================
 * WSPBIND_WSAEACCES          the caller runs with no_new_privs or under a
 *                            seccomp filter, and the module parameter
 *                            allow_no_new_privs is off
 * WSPBIND_WSAENOTSOCK        the fd is not open, or is not a socket
 * WSPBIND_WSAEAFNOSUPPORT    the socket is not AF_INET or AF_INET6
 * WSPBIND_WSAEOPNOTSUPP      the socket is not TCP (SOCK_STREAM) or UDP
 *                            (SOCK_DGRAM)
 * WSPBIND_WSAEINPROGRESS     another WSPBind is in progress on this socket;
 *                            the call does not wait for it
 * WSPBIND_WSAEFAULT          @namelen is negative or too small for the
 *                            socket's family (16 for AF_INET, 28 for AF_INET6),
 *                            @name cannot be read, or the first two bytes of
 *                            @name are not the socket's family
 * WSPBIND_WSAEINVAL          the socket already has a local port: it is bound,
 *                            connected or listening; or @flags has both
 *                            %WSPBIND_BIND_REUSEADDR and
 *                            %WSPBIND_BIND_EXCLUSIVEADDRUSE
 * WSPBIND_WSAEADDRNOTAVAIL   an IPv6 name has a scope id but its address is
 *                            not link-local, or a link-local address with
 *                            scope id 0 is on no interface
 * WSPBIND_WSAENOBUFS         out of memory for the socket's entry in the
 *                            sharing registry
 * WSPBIND_WSAEACCES          the port needs CAP_NET_BIND_SERVICE, or a cgroup
 *                            BPF program refused the bind; or the address
 *                            is in use and the sharing rules deny this
 *                            socket (see "Address sharing")
 * WSPBIND_WSAEADDRNOTAVAIL   the address is not local to the socket's
 *                            network namespace, or its scope id names no
 *                            interface
 * WSPBIND_WSAEADDRINUSE      the address and port are in use: a socket
 *                            bound through the device holds them and the
 *                            sharing rules refuse, or one bound with
 *                            bind(2) does and bind(2) would refuse
 * WSPBIND_WSAENOBUFS         out of memory, or port 0 was asked for and
 *                            every port of the namespace's range is held by
 *                            a socket of the same protocol, on any address
 * WSPBIND_WSAEINTR           a fatal signal interrupted the port search
 * WSPBIND_WSAENETDOWN        the network stack answered ENETDOWN
 * ========================== ==============================================
 *
 * An address in use answers WSAEACCES rather than WSAEADDRINUSE when the
 * caller may not bind the port at all (below
 * net.ipv4.ip_unprivileged_port_start without CAP_NET_BIND_SERVICE), and
 * WSAEINVAL for a v4-mapped address on an IPV6_V6ONLY socket, as bind(2)
 * tells of those first.
 *
 * Linux errors met while binding translate as follows: EACCES and EPERM to
 * WSAEACCES, EADDRINUSE to WSAEADDRINUSE, EADDRNOTAVAIL and ENODEV to
 * WSAEADDRNOTAVAIL, EAFNOSUPPORT to WSAEAFNOSUPPORT, EBADF and ENOTSOCK to
 * WSAENOTSOCK, EFAULT to WSAEFAULT, EINTR to WSAEINTR, EINPROGRESS to
 * WSAEINPROGRESS, ENETDOWN to WSAENETDOWN, ENOBUFS and ENOMEM to
 * WSAENOBUFS, EOPNOTSUPP to WSAEOPNOTSUPP, and any other error (EINVAL
 * included) to WSAEINVAL.
 */
#define WSPBIND_WSAEINTR		10004
#define WSPBIND_WSAEACCES		10013
#define WSPBIND_WSAEFAULT		10014
#define WSPBIND_WSAEINVAL		10022
#define WSPBIND_WSAEINPROGRESS		10036
#define WSPBIND_WSAENOTSOCK		10038
#define WSPBIND_WSAEOPNOTSUPP		10045
#define WSPBIND_WSAEAFNOSUPPORT		10047
#define WSPBIND_WSAEADDRINUSE		10048
#define WSPBIND_WSAEADDRNOTAVAIL	10049
#define WSPBIND_WSAENETDOWN		10050
#define WSPBIND_WSAENOBUFS		10055

/**
 * DOC: Address sharing
 *
 * Who may bind an address and port that another socket holds is decided
 * by Windows's rules, across every socket of the caller's network
 * namespace, whatever process made it, for TCP and UDP, IPv4 and IPv6.
 * Each socket bound through the device is bound with the Winsock option
 * its @flags give: none (Windows's default), SO_REUSEADDR
 * (%WSPBIND_BIND_REUSEADDR) or SO_EXCLUSIVEADDRUSE
 * (%WSPBIND_BIND_EXCLUSIVEADDRUSE). Linux's own SO_REUSEADDR and
 * SO_REUSEPORT on the socket no longer decide a WSPBind.
 *
 * - A second bind to a port that a socket bound through the device holds
 *   is answered by Microsoft's table "Sharing Transport Addresses", by the
 *   option on each socket and by whether each address is a wildcard or a
 *   specific one (the table is in Documentation/sharing.rst). Its access
 *   check is granted when both sockets belong to the same uid, otherwise
 *   it answers WSAEACCES. A wildcard and a specific address, or two
 *   different specific addresses, are different fully qualified
 *   addresses: 0.0.0.0:P and 127.0.0.1:P may both bind and listen.
 * - A dual-stack AF_INET6 wildcard (IPV6_V6ONLY off) holds IPv4 too, as a
 *   wildcard below 0.0.0.0: 0.0.0.0:P binds beside it. A v4-mapped IPv6
 *   address is the IPv4 address it maps. An IPV6_V6ONLY socket holds no
 *   IPv4 address.
 * - TIME_WAIT connections, and the accepted connections of a closed
 *   listener, do not hold the address, except those of an
 *   SO_EXCLUSIVEADDRUSE socket, which keep it (WSAEADDRINUSE) until they
 *   are gone.
 * - A socket bound with bind(2), not through the device, keeps its
 *   address as Linux says: a WSPBind that bind(2) would refuse because of
 *   it answers WSAEADDRINUSE.
 * - Port 0 is never shared, whatever the options: see @name.
 *
 * A socket bound through the device can listen beside the sockets it
 * shares its port with. Two SO_REUSEADDR TCP sockets of one uid that
 * listen on one address deliver connections to the first that listened,
 * then, once it is closed, to the next.
 */

/* Address family numbers as Winsock spells them (AF_INET is the same). */
#define WSPBIND_WS_AF_INET		2
#define WSPBIND_WS_AF_INET6		23

/* The misc device's name, and the node user space opens. */
#define WSPBIND_DEVICE_NAME		"wspbind"
#define WSPBIND_DEVICE_PATH		"/dev/" WSPBIND_DEVICE_NAME

/* The most of @name that is ever read: sizeof(struct sockaddr_storage). */
#define WSPBIND_NAME_MAX		128

/**
 * enum wspbind_bind_flags - flags for &struct wspbind_bind
 * @WSPBIND_BIND_WINSOCK_AF: the first two bytes of @name use Winsock's
 *	family numbers (AF_INET6 is 23) instead of Linux's (AF_INET6 is 10).
 * @WSPBIND_BIND_REUSEADDR: Winsock's SO_REUSEADDR is on for the socket:
 *	it may share its address, and take over an address that another
 *	socket allows to be shared (see "Address sharing").
 * @WSPBIND_BIND_EXCLUSIVEADDRUSE: Winsock's SO_EXCLUSIVEADDRUSE is on for
 *	the socket: no other socket may share its address, and its
 *	connections keep the address until they are gone. Setting both this
 *	and %WSPBIND_BIND_REUSEADDR is refused with WSAEINVAL.
 */
enum wspbind_bind_flags {
	WSPBIND_BIND_WINSOCK_AF = 1 << 0,
	WSPBIND_BIND_REUSEADDR = 1 << 1,
	WSPBIND_BIND_EXCLUSIVEADDRUSE = 1 << 2,
};

/**
 * struct wspbind_bind - ioctl(WSPBIND_IOC_BIND)
 * @size: sizeof(struct wspbind_bind)
 * @flags: bitwise or of &enum wspbind_bind_flags
 * @sockfd: the socket to bind, a file descriptor of the calling process
 * @namelen: the length of @name as the caller of WSPBind passed it; may be
 *	negative (which is refused with WSAEFAULT). At most
 *	%WSPBIND_NAME_MAX bytes are read; a larger @namelen is accepted and
 *	the bytes past %WSPBIND_NAME_MAX are ignored.
 * @name: user pointer to the address, a sockaddr_in or sockaddr_in6 whose
 *	first two bytes hold the family in host byte order. An IPv6 scope id
 *	is taken only on a link-local address; 0 there means the interface
 *	that has the address. Port 0 asks for a port from the network
 *	namespace's range,
 *	net.wspbind.ephemeral_port_range (default 1024-5000), that no socket
 *	of the same protocol holds on any address.
 * @out_wsa_error: 0 on success, otherwise a WSPBIND_WSAE* code
 * @out_port: the local port the socket is bound to, in host byte order;
 *	0 when @out_wsa_error is not 0
 * @__reserved: must be 0
 *
 * Binds @sockfd like bind(2), with Winsock's checks and error codes: see
 * "Winsock error codes" above. The output fields are ignored on input.
 */
struct wspbind_bind {
	__u32 size;
	__u32 flags;
	__s32 sockfd;
	__s32 namelen;
	__aligned_u64 name;
	__u32 out_wsa_error;
	__u16 out_port;
	__u16 __reserved;
};

/**
 * struct wspbind_enrol - ioctl(WSPBIND_IOC_ENROL)
 * @size: sizeof(struct wspbind_enrol)
 * @flags: the socket's Winsock option: %WSPBIND_BIND_REUSEADDR,
 *	%WSPBIND_BIND_EXCLUSIVEADDRUSE or neither (%WSPBIND_BIND_WINSOCK_AF
 *	is refused: there is no name)
 * @sockfd: the socket, a TCP or UDP socket of the calling process that has
 *	no local port
 * @out_wsa_error: 0 on success, otherwise a WSPBIND_WSAE* code
 *
 * Enrols @sockfd: its next bind(2), the bind listen(2) makes of an unbound
 * TCP socket and the bind sendto() makes of an unbound UDP socket claim
 * the port by the rules of "Address sharing", with the Winsock option
 * @flags give, and port 0 draws from the namespace's range as a WSPBind
 * does. The bind is the caller's own syscall, so the LSM socket_bind hook,
 * seccomp, audit and cgroup programs see it; it answers in errno, which
 * the "Winsock error codes" table translates (EACCES where the sharing
 * rules deny the socket, ENOBUFS where the range is full; a UDP socket's
 * sendto() says EAGAIN for both). Once bound, or once connect() is called,
 * the socket is the protocol's own again, with the options of a socket
 * WSPBind bound. An enrolled socket that is not yet bound may be enrolled
 * again, to change its option. While an enrolled socket, or a TIME_WAIT
 * connection of one, exists the module cannot be unloaded.
 *
 * @out_wsa_error is WSPBIND_WSAENOTSOCK, WSAEAFNOSUPPORT or WSAEOPNOTSUPP
 * as for a WSPBind; WSPBIND_WSAEINPROGRESS while a WSPBind is in progress
 * on the socket; WSPBIND_WSAEINVAL for both options, or a socket that has a
 * local port; WSPBIND_WSAEOPNOTSUPP also for a socket whose protocol
 * operations another layer has replaced (kTLS, a sockmap, IPV6_ADDRFORM).
 * %WSPBIND_IOC_BIND on an enrolled socket answers WSPBIND_WSAEINVAL.
 */
struct wspbind_enrol {
	__u32 size;
	__u32 flags;
	__s32 sockfd;
	__u32 out_wsa_error;
};

#define WSPBIND_TYPE		0xDC
#define WSPBIND_CMD_BIND	0x80
#define WSPBIND_CMD_ENROL	0x81

#define WSPBIND_IOC_BIND	_IO(WSPBIND_TYPE, WSPBIND_CMD_BIND)
#define WSPBIND_IOC_ENROL	_IO(WSPBIND_TYPE, WSPBIND_CMD_ENROL)

#endif /* _UAPI_LINUX_WSPBIND_H */
