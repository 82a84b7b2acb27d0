/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Windows's address sharing rules, as pure functions: which bound address
 * covers which, Microsoft's table of who may share with whom, and Linux's
 * own rule for sockets bound outside the device. Built into the module and
 * into user-space unit tests alike.
 */
#ifndef _WSPBIND_SHARING_H
#define _WSPBIND_SHARING_H

#ifdef __KERNEL__
#include <linux/in6.h>
#include <linux/types.h>
#else
#include "test/user_shim.h"
#endif

/**
 * enum wspbind_opt - the Winsock option in force on a socket
 * @WSPBIND_OPT_NONE: neither option: Windows's default
 * @WSPBIND_OPT_REUSEADDR: SO_REUSEADDR
 * @WSPBIND_OPT_EXCLUSIVE: SO_EXCLUSIVEADDRUSE
 */
enum wspbind_opt {
	WSPBIND_OPT_NONE,
	WSPBIND_OPT_REUSEADDR,
	WSPBIND_OPT_EXCLUSIVE,
};

/**
 * enum wspbind_share - one cell of Microsoft's sharing table
 * @WSPBIND_SHARE_OK: the second bind succeeds
 * @WSPBIND_SHARE_INUSE: WSAEADDRINUSE
 * @WSPBIND_SHARE_DENIED: WSAEACCES
 * @WSPBIND_SHARE_CHECK: an access check: granted when both sockets belong
 *	to the same user, otherwise WSAEACCES
 */
enum wspbind_share {
	WSPBIND_SHARE_OK,
	WSPBIND_SHARE_INUSE,
	WSPBIND_SHARE_DENIED,
	WSPBIND_SHARE_CHECK,
};

/**
 * enum wspbind_overlap - how two bound addresses of one port relate
 * @WSPBIND_DISJOINT: they never meet: the rules do not apply
 * @WSPBIND_SAME: the same address (two wildcards, or one specific address)
 * @WSPBIND_FIRST_WIDER: the first is a wildcard that covers the second
 * @WSPBIND_SECOND_WIDER: the second is a wildcard that covers the first
 */
enum wspbind_overlap {
	WSPBIND_DISJOINT,
	WSPBIND_SAME,
	WSPBIND_FIRST_WIDER,
	WSPBIND_SECOND_WIDER,
};

/**
 * struct wspbind_addr - a socket's local address, as the rules see it
 * @family: the socket's family, AF_INET or AF_INET6
 * @v6only: an AF_INET6 socket with IPV6_V6ONLY: it holds no IPv4 address
 * @dev: the device the socket is bound to (a scope id, SO_BINDTODEVICE),
 *	0 for none
 * @v4: the IPv4 address of an AF_INET socket
 * @v6: the IPv6 address of an AF_INET6 socket (v4-mapped for an IPv4 one)
 */
struct wspbind_addr {
	u16 family;
	bool v6only;
	int dev;
	__be32 v4;
	struct in6_addr v6;
};

enum wspbind_overlap wspbind_addr_overlap(const struct wspbind_addr *first,
					  const struct wspbind_addr *second);
enum wspbind_share wspbind_share_cell(enum wspbind_opt first, bool first_wild,
				      enum wspbind_opt second,
				      bool second_wild);
enum wspbind_share wspbind_share_decide(enum wspbind_opt first_opt,
					const struct wspbind_addr *first,
					enum wspbind_opt second_opt,
					const struct wspbind_addr *second,
					bool same_user);
enum wspbind_share wspbind_share_worse(enum wspbind_share a,
				       enum wspbind_share b);
int wspbind_share_errno(enum wspbind_share share);

/**
 * struct wspbind_linux_reuse - what Linux's own rule looks at on a socket
 * @reuse: SO_REUSEADDR
 * @reuseport: SO_REUSEPORT
 * @listening: a TCP socket in LISTEN
 * @timewait: a TCP connection in TIME_WAIT
 */
struct wspbind_linux_reuse {
	bool reuse;
	bool reuseport;
	bool listening;
	bool timewait;
};

/**
 * struct wspbind_party - one side of a sharing decision: the socket being
 *	bound, or a socket that holds the port
 * @addr: the address it asks for; a holder's, for a device socket the one
 *	it was bound to (connect() may have narrowed a wildcard since)
 * @opt: its Winsock option; a device socket's only
 * @device: bound through the device, so Microsoft's table judges it;
 *	otherwise Linux's own rule does
 * @linux_reuse: the Linux options it carries (the claim's: its mark,
 *	wspbind_linux_mark()) and its state
 */
struct wspbind_party {
	struct wspbind_addr addr;
	enum wspbind_opt opt;
	bool device;
	struct wspbind_linux_reuse linux_reuse;
};

enum wspbind_share wspbind_share_holder(bool tcp,
					const struct wspbind_party *claim,
					const struct wspbind_party *holder,
					bool same_user, bool *force);
bool wspbind_linux_shares(bool tcp, const struct wspbind_linux_reuse *mine,
			  const struct wspbind_linux_reuse *holder,
			  bool same_user);
void wspbind_linux_mark(enum wspbind_opt opt,
			const struct wspbind_linux_reuse *own,
			struct wspbind_linux_reuse *mark);

#endif /* _WSPBIND_SHARING_H */
