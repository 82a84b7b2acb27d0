// SPDX-License-Identifier: GPL-2.0
/*
 * Windows's address sharing rules: when may a second socket bind an
 * address and port that a first one holds? The answer depends on the
 * Winsock option in force on each (none, SO_REUSEADDR, SO_EXCLUSIVEADDRUSE)
 * and on whether each address is a wildcard or a specific one: Microsoft's
 * table "Sharing Transport Addresses", below. Nothing here touches a
 * socket, so KUnit and user-space tests call these directly; registry.c
 * finds the sockets that hold a port and asks wspbind_share_holder() of
 * each.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/string.h>
#else
#include <string.h>
#endif

#include <linux/wspbind.h>
#include "sharing.h"

/*
 * How one address looks from one IP version: not at all, as a wildcard,
 * or as a specific address. A dual-stack IPv6 wildcard ([::] without
 * IPV6_V6ONLY) covers IPv4 too, but Windows ranks it below IPv4's own
 * wildcard: 0.0.0.0 then counts as the more specific of the two (the
 * cross-family rows of Wine's test_reuseaddr, which record Windows's
 * answers, follow from that and the table).
 */
enum wspbind_view {
	WSPBIND_VIEW_NONE,
	WSPBIND_VIEW_DUAL_ANY,	/* IPv4 only: a dual-stack [::] */
	WSPBIND_VIEW_ANY,
	WSPBIND_VIEW_SPECIFIC,
};

static bool wspbind_in6_any(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return !memcmp(a, &any, sizeof(any));
}

static bool wspbind_in6_v4mapped(const struct in6_addr *a)
{
	static const unsigned char prefix[12] = {
		[10] = 0xff, [11] = 0xff,
	};

	return !memcmp(a->s6_addr, prefix, sizeof(prefix));
}

static __be32 wspbind_in6_mapped_v4(const struct in6_addr *a)
{
	__be32 v4;

	memcpy(&v4, &a->s6_addr[12], sizeof(v4));
	return v4;
}

static enum wspbind_view wspbind_view4(const struct wspbind_addr *a,
				       __be32 *v4)
{
	if (a->family == AF_INET) {
		*v4 = a->v4;
	} else if (wspbind_in6_v4mapped(&a->v6)) {
		*v4 = wspbind_in6_mapped_v4(&a->v6);
	} else {
		*v4 = 0;
		if (a->v6only || !wspbind_in6_any(&a->v6))
			return WSPBIND_VIEW_NONE;
		return WSPBIND_VIEW_DUAL_ANY;
	}
	return *v4 ? WSPBIND_VIEW_SPECIFIC : WSPBIND_VIEW_ANY;
}

static enum wspbind_view wspbind_view6(const struct wspbind_addr *a)
{
	if (a->family != AF_INET6 || wspbind_in6_v4mapped(&a->v6))
		return WSPBIND_VIEW_NONE;
	return wspbind_in6_any(&a->v6) ? WSPBIND_VIEW_ANY :
					 WSPBIND_VIEW_SPECIFIC;
}

/*
 * Two views of one IP version: the wider (lower) one covers the other;
 * two specific addresses meet only when they are equal.
 */
static enum wspbind_overlap wspbind_views_overlap(enum wspbind_view first,
						  enum wspbind_view second,
						  bool equal)
{
	if (first == WSPBIND_VIEW_NONE || second == WSPBIND_VIEW_NONE)
		return WSPBIND_DISJOINT;
	if (first == WSPBIND_VIEW_SPECIFIC && second == WSPBIND_VIEW_SPECIFIC)
		return equal ? WSPBIND_SAME : WSPBIND_DISJOINT;
	if (first == second)
		return WSPBIND_SAME;
	return first < second ? WSPBIND_FIRST_WIDER : WSPBIND_SECOND_WIDER;
}

/*
 * The relation of two addresses, and for %WSPBIND_SAME whether that one
 * address is a wildcard.
 */
static enum wspbind_overlap wspbind_overlap_wild(const struct wspbind_addr *first,
						 const struct wspbind_addr *second,
						 bool *same_wild)
{
	enum wspbind_view view_first, view_second;
	enum wspbind_overlap ret;
	__be32 v4_first, v4_second;

	if (first->dev && second->dev && first->dev != second->dev)
		return WSPBIND_DISJOINT;

	view_first = wspbind_view6(first);
	view_second = wspbind_view6(second);
	ret = wspbind_views_overlap(view_first, view_second,
				    !memcmp(&first->v6, &second->v6,
					    sizeof(first->v6)));
	if (ret == WSPBIND_DISJOINT) {
		view_first = wspbind_view4(first, &v4_first);
		view_second = wspbind_view4(second, &v4_second);
		ret = wspbind_views_overlap(view_first, view_second,
					    v4_first == v4_second);
	}
	*same_wild = view_first != WSPBIND_VIEW_SPECIFIC;
	return ret;
}

/**
 * wspbind_addr_overlap() - how two local addresses of one port relate
 * @first: the address bound first
 * @second: the address being bound
 *
 * Sockets bound to different devices never meet. Otherwise IPv6 is
 * compared with IPv6 and IPv4 with IPv4, a v4-mapped IPv6 address counting
 * as the IPv4 address it maps and a dual-stack wildcard as both [::] and
 * the widest IPv4 wildcard.
 *
 * Return: the relation; %WSPBIND_DISJOINT when the rules do not apply.
 */
enum wspbind_overlap wspbind_addr_overlap(const struct wspbind_addr *first,
					  const struct wspbind_addr *second)
{
	bool same_wild;

	return wspbind_overlap_wild(first, second, &same_wild);
}

#define OK	WSPBIND_SHARE_OK
#define INUSE	WSPBIND_SHARE_INUSE
#define DENIED	WSPBIND_SHARE_DENIED
#define CHECK	WSPBIND_SHARE_CHECK

/*
 * Microsoft's table, "Sharing Transport Addresses" (the WSK documentation
 * of Windows's transport layer): the result of a second bind to a port
 * that a first socket holds, for each option on each socket and for a
 * wildcard (W) or specific (S) address. A row is the second socket, a
 * column the first, each in the order none W, none S, SO_REUSEADDR W,
 * SO_REUSEADDR S, SO_EXCLUSIVEADDRUSE W, SO_EXCLUSIVEADDRUSE S. Two W,
 * or two S, mean the same address; a W and an S, a wildcard over the
 * specific address it covers.
 */
static const unsigned char wspbind_share_table[6][6] = {
	/* none W */	{ INUSE,  OK,     INUSE, OK,     INUSE,  OK     },
	/* none S */	{ CHECK,  INUSE,  CHECK, DENIED, DENIED, INUSE  },
	/* reuse W */	{ DENIED, OK,     OK,    OK,     DENIED, OK     },
	/* reuse S */	{ CHECK,  DENIED, OK,    OK,     DENIED, DENIED },
	/* excl W */	{ INUSE,  INUSE,  INUSE, INUSE,  INUSE,  INUSE  },
	/* excl S */	{ CHECK,  INUSE,  CHECK, INUSE,  DENIED, INUSE  },
};

#undef OK
#undef INUSE
#undef DENIED
#undef CHECK

static unsigned int wspbind_share_index(enum wspbind_opt opt, bool wild)
{
	return opt * 2 + !wild;
}

/**
 * wspbind_share_cell() - one cell of Microsoft's table
 * @first: the option on the socket that holds the address
 * @first_wild: its address is a wildcard
 * @second: the option on the socket being bound
 * @second_wild: its address is a wildcard
 *
 * Return: the cell, %WSPBIND_SHARE_CHECK included.
 */
enum wspbind_share wspbind_share_cell(enum wspbind_opt first, bool first_wild,
				      enum wspbind_opt second,
				      bool second_wild)
{
	return wspbind_share_table[wspbind_share_index(second, second_wild)]
				  [wspbind_share_index(first, first_wild)];
}

/**
 * wspbind_share_decide() - may a second socket bind beside a first?
 * @first_opt: the option on the socket that holds the port
 * @first: its address
 * @second_opt: the option on the socket being bound
 * @second: the address it asks for, on the same port
 * @same_user: both sockets belong to one user (the same uid), which
 *	grants Microsoft's access check
 *
 * Return: %WSPBIND_SHARE_OK, %WSPBIND_SHARE_INUSE or %WSPBIND_SHARE_DENIED;
 * never %WSPBIND_SHARE_CHECK.
 */
enum wspbind_share wspbind_share_decide(enum wspbind_opt first_opt,
					const struct wspbind_addr *first,
					enum wspbind_opt second_opt,
					const struct wspbind_addr *second,
					bool same_user)
{
	enum wspbind_overlap overlap;
	enum wspbind_share share;
	bool first_wild, second_wild, same_wild;

	overlap = wspbind_overlap_wild(first, second, &same_wild);
	switch (overlap) {
	case WSPBIND_DISJOINT:
		return WSPBIND_SHARE_OK;
	case WSPBIND_SAME:
		/* One address: both wildcards or both specific. */
		first_wild = same_wild;
		second_wild = same_wild;
		break;
	default:
		first_wild = overlap == WSPBIND_FIRST_WIDER;
		second_wild = !first_wild;
		break;
	}

	share = wspbind_share_cell(first_opt, first_wild, second_opt,
				   second_wild);
	if (share == WSPBIND_SHARE_CHECK)
		share = same_user ? WSPBIND_SHARE_OK : WSPBIND_SHARE_DENIED;
	return share;
}

/**
 * wspbind_share_worse() - the answer when two holders disagree
 * @a: one holder's answer
 * @b: another's
 *
 * A bind succeeds only when every holder of the port allows it; when
 * several refuse, WSAEADDRINUSE wins over WSAEACCES.
 *
 * Return: the answer that stands.
 */
enum wspbind_share wspbind_share_worse(enum wspbind_share a,
				       enum wspbind_share b)
{
	if (a == WSPBIND_SHARE_INUSE || b == WSPBIND_SHARE_INUSE)
		return WSPBIND_SHARE_INUSE;
	if (a == WSPBIND_SHARE_DENIED || b == WSPBIND_SHARE_DENIED)
		return WSPBIND_SHARE_DENIED;
	return WSPBIND_SHARE_OK;
}

/**
 * wspbind_share_errno() - the error for a sharing decision
 * @share: %WSPBIND_SHARE_OK, %WSPBIND_SHARE_INUSE or %WSPBIND_SHARE_DENIED
 *
 * Return: 0, -EADDRINUSE (WSAEADDRINUSE) or -EACCES (WSAEACCES).
 */
int wspbind_share_errno(enum wspbind_share share)
{
	switch (share) {
	case WSPBIND_SHARE_OK:
		return 0;
	case WSPBIND_SHARE_DENIED:
	case WSPBIND_SHARE_CHECK:
		return -EACCES;
	default:
		return -EADDRINUSE;
	}
}

/**
 * wspbind_linux_shares() - would bind(2) let two overlapping sockets share?
 * @tcp: the sockets are TCP (otherwise UDP)
 * @mine: Linux's options on the socket being bound
 * @holder: Linux's options and state of a socket bound outside the device
 * @same_user: both belong to the same uid
 *
 * Linux's own rule, as inet_csk_get_port() and udp_lib_get_port() apply
 * it to overlapping addresses: SO_REUSEADDR on both (for TCP, while the
 * holder does not listen), or SO_REUSEPORT on both with the same owner
 * (for TCP, any owner of a TIME_WAIT connection). A WSPBind beside a
 * socket bound with bind(2) is refused whenever bind(2) would refuse it.
 *
 * Return: true when Linux lets the two share.
 */
bool wspbind_linux_shares(bool tcp, const struct wspbind_linux_reuse *mine,
			  const struct wspbind_linux_reuse *holder,
			  bool same_user)
{
	if (mine->reuse && holder->reuse && !(tcp && holder->listening))
		return true;
	if (!mine->reuseport || !holder->reuseport)
		return false;
	return same_user || (tcp && holder->timewait);
}

/**
 * wspbind_share_holder() - what one holder of a port says of a claim
 * @tcp: the sockets are TCP (otherwise UDP)
 * @claim: the socket being bound, with its mark
 * @holder: a socket that holds the port, on an overlapping address or not
 * @same_user: both belong to one uid; false for a TIME_WAIT connection,
 *	whose owner Linux does not compare
 * @force: when not NULL, set where the holder lets the claim in and
 *	Linux's check, on the options both carry, would not: the claim's
 *	bind must then skip that check
 *
 * The sharing decision for one holder, which registry.c asks of every
 * socket of the namespace on the port: a socket bound through the device
 * is judged by Microsoft's table, on both sockets' Winsock options; any
 * other by Linux's own rule, which the kernel applies to it too, so the
 * module never lets a claim in beside a socket bound with bind(2) that
 * bind(2) would keep it from. A bind succeeds when every holder says
 * %WSPBIND_SHARE_OK (wspbind_share_worse() combines their answers).
 *
 * Return: %WSPBIND_SHARE_OK, %WSPBIND_SHARE_INUSE or %WSPBIND_SHARE_DENIED.
 */
enum wspbind_share wspbind_share_holder(bool tcp,
					const struct wspbind_party *claim,
					const struct wspbind_party *holder,
					bool same_user, bool *force)
{
	enum wspbind_share share;
	bool linux_ok;

	if (wspbind_addr_overlap(&holder->addr, &claim->addr) ==
	    WSPBIND_DISJOINT)
		return WSPBIND_SHARE_OK;
	linux_ok = wspbind_linux_shares(tcp, &claim->linux_reuse,
					&holder->linux_reuse, same_user);
	if (!holder->device)
		return linux_ok ? WSPBIND_SHARE_OK : WSPBIND_SHARE_INUSE;

	share = wspbind_share_decide(holder->opt, &holder->addr, claim->opt,
				     &claim->addr, same_user);
	if (share == WSPBIND_SHARE_OK && !linux_ok && force)
		*force = true;
	return share;
}

/**
 * wspbind_linux_mark() - Linux's options a socket bound through the device
 *	carries
 * @opt: the Winsock option it is bound with
 * @own: the options its program set itself
 * @mark: filled in: SO_REUSEADDR and SO_REUSEPORT for the socket from its
 *	bind on (the other fields are left clear)
 *
 * Linux's check, which every later bind(2) and listen(2) on the port
 * goes through, reads these, whoever binds. They never let another user
 * in where the socket's own options would not:
 *
 * - SO_REUSEPORT, which Linux honours only between sockets of one uid,
 *   on every socket but an SO_EXCLUSIVEADDRUSE one. It lets the device's
 *   sockets of one user share what Windows lets them share, listen()
 *   included, with Linux's check left on; the boundary is the one
 *   Microsoft's access check draws too.
 * - SO_REUSEADDR where Winsock's SO_REUSEADDR asked for sharing, as a
 *   compatibility layer maps it for bind(2); otherwise the program's own.
 * - Neither on an SO_EXCLUSIVEADDRUSE socket, whatever the program set:
 *   Linux then refuses every socket that overlaps it, and its accepted
 *   and TIME_WAIT connections, which inherit the options, keep its
 *   address as Windows keeps it.
 */
void wspbind_linux_mark(enum wspbind_opt opt,
			const struct wspbind_linux_reuse *own,
			struct wspbind_linux_reuse *mark)
{
	memset(mark, 0, sizeof(*mark));
	if (opt == WSPBIND_OPT_EXCLUSIVE)
		return;
	mark->reuse = opt == WSPBIND_OPT_REUSEADDR || own->reuse;
	mark->reuseport = true;
}
