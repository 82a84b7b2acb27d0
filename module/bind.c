// SPDX-License-Identifier: GPL-2.0
/*
 * The bind: take the caller's socket, apply Winsock's checks, bind it in
 * the caller's context (so bind(2)'s capability and cgroup BPF checks see
 * the caller), and, for port 0, search the namespace's range.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/addrconf.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/sock_reuseport.h>
#include <linux/wspbind.h>

#include "compat.h"
#include "internal.h"
#include "rules.h"
#include "sharing.h"
#include "trace.h"

bool wspbind_allow_no_new_privs;

/*
 * sin_port and sin6_port share their offset, so one helper serves both
 * families.
 */
static __be16 *wspbind_name_port(struct sockaddr_storage *addr)
{
	BUILD_BUG_ON(offsetof(struct sockaddr_in, sin_port) !=
		     offsetof(struct sockaddr_in6, sin6_port));
	return &((struct sockaddr_in *)addr)->sin_port;
}

/*
 * Copy the name into a zeroed buffer, so nothing past what the caller gave
 * reaches the bind, and check it against the socket's family: its length
 * before the copy, its first two bytes after.
 */
static u32 wspbind_copy_name(struct sockaddr_storage *addr, int *addrlen,
			     const struct wspbind_bind *req, int family)
{
	bool winsock = req->flags & WSPBIND_BIND_WINSOCK_AF;
	int len = wspbind_name_copy_len(req->namelen, family);

	memset(addr, 0, sizeof(*addr));
	if (len < 0 ||
	    copy_from_user(addr, u64_to_user_ptr(req->name), len) ||
	    wspbind_check_name_family(addr->ss_family, winsock, family))
		return WSPBIND_WSAEFAULT;

	addr->ss_family = family;
	*addrlen = wspbind_name_min_len(family);
	return 0;
}

/*
 * Linux decides on its own who may share a port: inet_csk_get_port() for
 * TCP, at bind() and again at listen(), and udp_lib_get_port() for UDP,
 * from SO_REUSEADDR and SO_REUSEPORT on both sockets. Every later bind(2)
 * and listen(2) on the port goes through that check, so a socket the
 * device binds carries options that let in no one its own options would
 * not: wspbind_linux_mark() in sharing.c says which, and why.
 *
 * Where Windows lets a claim share with a device socket and Linux, on the
 * options both carry, would not (another user's socket, a wildcard over
 * an exclusive socket's specific address), the claim alone is let
 * through, for its own bind: SK_FORCE_REUSE, the value TCP_REPAIR uses,
 * makes TCP skip its check for this socket; UDP, which wants SO_REUSEADDR
 * or SO_REUSEPORT on both sockets, takes both on the claim. The options
 * go back to the mark as soon as kernel_bind() returns, and the registry
 * looks at the port again: a socket bound with bind(2) in the meantime,
 * that Linux would have kept the claim from, undoes the claim's bind.
 */
static void wspbind_set_reuse(struct sock *sk, unsigned char reuse,
			      unsigned char reuseport)
{
	lock_sock(sk);
	sk->sk_reuse = reuse;
	sk->sk_reuseport = reuseport;
	release_sock(sk);
}

/*
 * The options a claim's bind runs with: the mark, or the forced window.
 * UDP makes a reuseport group for every socket it hashes with
 * SO_REUSEPORT (udp_lib_get_port()), which costs a bind more than the
 * bind itself; so a first UDP bind runs with the program's own
 * SO_REUSEPORT, and the mark's goes on after it, where a later socket
 * that shares the address makes the group (reuseport_add_sock()). Only a
 * UDP bind that shares (@shares: Linux refused the first, the table lets
 * it in) runs with the whole mark.
 */
static void wspbind_claim_reuse(struct sock *sk,
				const struct wspbind_claim *claim,
				const struct wspbind_linux_reuse *own,
				bool shares)
{
	const struct wspbind_linux_reuse *mark = &claim->linux_reuse;
	bool tcp = sk->sk_protocol == IPPROTO_TCP;

	if (!claim->force)
		wspbind_set_reuse(sk, mark->reuse,
				  tcp || shares ? mark->reuseport :
						  own->reuseport);
	else if (tcp)
		wspbind_set_reuse(sk, SK_FORCE_REUSE, mark->reuseport);
	else
		wspbind_set_reuse(sk, SK_CAN_REUSE, 1);
}

/*
 * What a bind sets on a socket: saved before it, so that a bind undone
 * leaves the socket as it was (a socket whose connect() failed, say,
 * still reads its old port back from getsockname()).
 */
struct wspbind_prebind {
	__be32 src4;		/* inet_saddr */
	__be32 rcv4;		/* inet_rcv_saddr */
	__be16 sport;
	u8 userlocks;
	bool v6only;
#if IS_ENABLED(CONFIG_IPV6)
	struct in6_addr src6;	/* the ipv6_pinfo's saddr */
	struct in6_addr rcv6;	/* sk_v6_rcv_saddr */
#endif
};

static void wspbind_prebind_save(struct sock *sk, struct wspbind_prebind *b)
{
	struct inet_sock *inet = inet_sk(sk);

	lock_sock(sk);
	b->src4 = inet->inet_saddr;
	b->rcv4 = inet->inet_rcv_saddr;
	b->sport = inet->inet_sport;
	b->userlocks = sk->sk_userlocks;
	b->v6only = sk->sk_ipv6only;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		b->src6 = inet6_sk(sk)->saddr;
		b->rcv6 = sk->sk_v6_rcv_saddr;
	}
#endif
	release_sock(sk);
}

/*
 * Undo the bind kernel_bind() just made: the port given back through the
 * protocol's put_port, which inet_bind() itself calls when a BPF program
 * refuses a bind it made (inet_put_port() for TCP, udp_lib_unhash() for
 * UDP), and what the bind set as it was. Another thread of the program
 * may have made the socket listen, or connect, since: that is undone
 * first. The caller holds the socket's lock.
 */
static void wspbind_unbind_locked(struct sock *sk,
				  const struct wspbind_prebind *b)
{
	struct inet_sock *inet = inet_sk(sk);

	if (sk->sk_protocol == IPPROTO_TCP && sk->sk_state != TCP_CLOSE)
		sk->sk_prot->disconnect(sk, 0);
	sk->sk_prot->put_port(sk);
	inet->inet_sport = b->sport;
	inet->inet_saddr = b->src4;
	WRITE_ONCE(inet->inet_rcv_saddr, b->rcv4);
	sk->sk_userlocks = b->userlocks;
	sk->sk_ipv6only = b->v6only;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		inet6_sk(sk)->saddr = b->src6;
		sk->sk_v6_rcv_saddr = b->rcv6;
	}
#endif
}

/*
 * Two TCP sockets with SO_REUSEADDR may listen on one address; Windows
 * gives the connections to the first that listened, and to the next once
 * that one closes. Linux gives them to the last one hashed, unless the
 * listeners form an SO_REUSEPORT group, which the kernel builds at
 * listen() from listeners of one uid on one address that carry
 * SO_REUSEPORT (as the mark has it): its members keep the order they
 * joined in, the group's program picks one, and a member that leaves
 * hands its slot to the last one. A classic BPF program that returns 0
 * therefore picks Windows's listener.
 *
 * A program costs a JIT compilation, so only sockets that share their
 * very address get one: when a socket binds beside a twin (a live
 * SO_REUSEADDR socket of the same uid on the same address, found by the
 * registry), the twin's group gets the program. A twin that listens has
 * its group already; one that does not yet gets a group of its own,
 * which its listen() keeps, and the socket just bound joins it when it
 * listens. The new socket itself stays out of any group until then:
 * Linux refuses a listen() to a socket in a group of its own beside a
 * listener, so of two twins the one bound first must listen first (as
 * Windows programs do: Documentation/sharing.rst lists the limit).
 */
/* A bound socket's address is a wildcard (for a group's bind_inany). */
static bool wspbind_sk_bound_any(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return ipv6_addr_any(&sk->sk_v6_rcv_saddr) ||
		       (ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr) &&
			!sk->sk_rcv_saddr);
#endif
	return !sk->sk_rcv_saddr;
}

/* Does a socket's group have a program already? */
static bool wspbind_group_has_prog(const struct sock *sk)
{
	struct sock_reuseport *reuse;
	bool has;

	rcu_read_lock();
	reuse = rcu_dereference(sk->sk_reuseport_cb);
	has = reuse && rcu_access_pointer(reuse->prog);
	rcu_read_unlock();
	return has;
}

static int wspbind_first_listener_wins(struct sock *sk)
{
	struct sock_filter ret0 = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog_kern fprog = { .len = 1, .filter = &ret0 };
	struct bpf_prog *prog;
	int err = 0;

	if (wspbind_group_has_prog(sk))
		return 0;
	err = bpf_prog_create(&prog, &fprog);
	if (err)
		return err;
	lock_sock(sk);
	/* A listener alone has the group its listen() made; make sure. */
	if (!sk_unhashed(sk) && !rcu_access_pointer(sk->sk_reuseport_cb))
		err = reuseport_alloc(sk, wspbind_sk_bound_any(sk));
	if (!err) {
		sk->sk_reuseport = 1;
		err = reuseport_attach_prog(sk, prog);
	}
	release_sock(sk);
	if (err)
		bpf_prog_destroy(prog);
	return err;
}

/* Give the twins' groups the program, and put the twins. */
static void wspbind_join_twins(struct wspbind_claim *claim)
{
	int i;

	for (i = 0; i < claim->nr_twins; i++) {
		/* Delivery only: a failure leaves Linux's order. */
		wspbind_first_listener_wins(claim->twins[i]);
		sock_put(claim->twins[i]);
	}
	claim->nr_twins = 0;
}

#if IS_ENABLED(CONFIG_IPV6)
/* The one device that holds a link-local address; 0 when none does. */
static int wspbind_link_local_dev(struct net *net, const struct in6_addr *a)
{
	struct net_device *dev;
	int ifindex = 0;

	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		if (ipv6_chk_addr(net, a, dev, 0)) {
			ifindex = dev->ifindex;
			break;
		}
	}
	rcu_read_unlock();
	return ifindex;
}

/*
 * Windows's IPv6 scope ids: a scope id names the link of a link-local
 * address, and means nothing for any other address, which Windows refuses
 * with one (Linux ignores it); scope id 0 on a link-local address means
 * the link that has the address (Linux refuses it with EINVAL).
 */
static u32 wspbind_check_scope(struct net *net, struct sockaddr_in6 *sin6)
{
	if (!(ipv6_addr_type(&sin6->sin6_addr) & IPV6_ADDR_LINKLOCAL))
		return sin6->sin6_scope_id ? WSPBIND_WSAEADDRNOTAVAIL : 0;
	if (!sin6->sin6_scope_id)
		sin6->sin6_scope_id = wspbind_link_local_dev(net,
							     &sin6->sin6_addr);
	return sin6->sin6_scope_id ? 0 : WSPBIND_WSAEADDRNOTAVAIL;
}
#else
static u32 wspbind_check_scope(struct net *net, struct sockaddr_in6 *sin6)
{
	return 0;
}
#endif

/* The address a name asks for, as the sharing rules see it. */
static void wspbind_claim_addr(const struct sock *sk,
			       const struct sockaddr_storage *addr,
			       struct wspbind_addr *a)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)addr;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	memset(a, 0, sizeof(*a));
	a->family = sk->sk_family;
	a->dev = READ_ONCE(sk->sk_bound_dev_if);
	if (sk->sk_family == AF_INET) {
		a->v4 = sin->sin_addr.s_addr;
		return;
	}
	a->v6 = sin6->sin6_addr;
	a->v6only = sk->sk_ipv6only;
	if (sin6->sin6_scope_id)
		a->dev = sin6->sin6_scope_id;
}

/*
 * After Linux refused a bind: would Windows's table let it in, with the
 * whole mark or past Linux's check (&wspbind_claim.force)? A look at the
 * port, before anything is bound, says; where the table refuses too, its
 * answer is the one to give. -EADDRINUSE where only Linux's rule refuses
 * (a socket bound with bind(2)).
 */
static int wspbind_may_share(struct sock *sk, struct wspbind_claim *claim,
			     u16 port, u32 *wsa)
{
	enum wspbind_share share;
	struct wspbind_port p;
	int err;

	claim->first_look = true;
	err = wspbind_port_lock(&p, sock_net(sk), sk->sk_protocol, port);
	if (err)
		return err;
	share = wspbind_port_decide(&p, claim);
	wspbind_port_unlock(&p);
	claim->first_look = false;
	if (share != WSPBIND_SHARE_OK) {
		*wsa = wspbind_share_wsa(share);
		return 0;
	}
	/* TCP's first bind had the whole mark already. */
	if (!claim->force && sk->sk_protocol == IPPROTO_TCP)
		return -EADDRINUSE;
	return 0;
}

/*
 * An explicit port. The bind runs first, with the options the socket is
 * to carry and no lock of the module's held, so that the port's lock is
 * never held while the caller's own socket lock is waited for; Linux's
 * check has its say there, and its earlier answers (the port's
 * privilege, a v4-mapped address on an IPV6_V6ONLY socket) come first.
 * Only where Linux refuses does the registry look whether Windows's table
 * lets the claim in, and if so it binds again: with the whole mark (UDP),
 * or forced past the check.
 *
 * Then, the socket locked (so nothing of the program's can listen() on
 * it meanwhile), the options are the mark again, and the registry looks
 * at the address and port the socket is bound to (a cgroup bind program
 * may have rewritten both; setsockopt() may have changed IPV6_V6ONLY),
 * with that port locked, and decides: a device socket the table does not
 * let this one share with, or a bind(2) that came in during a forced bind
 * and that Linux would have kept this one from, undoes this bind;
 * otherwise the socket is filed before the lock drops, so the next look
 * at the port sees it.
 */
static int wspbind_bind_shared(struct socket *sock,
			       struct sockaddr_storage *addr, int addrlen,
			       struct wspbind_entry *entry,
			       enum wspbind_opt opt, u32 *wsa)
{
	struct sock *sk = sock->sk;
	u16 port = ntohs(*wspbind_name_port(addr));
	struct wspbind_linux_reuse own = {
		.reuse = sk->sk_reuse,
		.reuseport = sk->sk_reuseport,
	};
	struct wspbind_claim claim = { .sk = sk, .opt = opt };
	const struct wspbind_linux_reuse *mark = &claim.linux_reuse;
	struct wspbind_prebind before;
	enum wspbind_share share;
	struct wspbind_port p;
	int err;

	wspbind_claim_addr(sk, addr, &claim.addr);
	wspbind_linux_mark(opt, &own, &claim.linux_reuse);
	wspbind_prebind_save(sk, &before);

	wspbind_claim_reuse(sk, &claim, &own, false);
	err = wspbind_kernel_bind(sock, addr, addrlen);
	if (err == -EADDRINUSE) {
		err = wspbind_may_share(sk, &claim, port, wsa);
		if (!err && !*wsa) {
			wspbind_claim_reuse(sk, &claim, &own, true);
			err = wspbind_kernel_bind(sock, addr, addrlen);
		}
	}

	lock_sock(sk);
	if (err || *wsa) {
		sk->sk_reuse = own.reuse;
		sk->sk_reuseport = own.reuseport;
		goto out_release;
	}
	sk->sk_reuse = mark->reuse;
	sk->sk_reuseport = mark->reuseport;
	if (claim.force && sk->sk_protocol == IPPROTO_TCP)
		wspbind_tcp_fastreuse_off(sk);

	wspbind_sock_addr(sk, &claim.addr);
	err = wspbind_port_lock(&p, sock_net(sk), sk->sk_protocol,
				inet_sk(sk)->inet_num);
	if (err) {
		wspbind_unbind_locked(sk, &before);
		goto out_release;
	}
	share = wspbind_port_decide(&p, &claim);
	if (share == WSPBIND_SHARE_OK) {
		wspbind_port_register(&p, entry, sock, opt);
	} else {
		wspbind_unbind_locked(sk, &before);
		sk->sk_reuse = own.reuse;
		sk->sk_reuseport = own.reuseport;
		*wsa = wspbind_share_wsa(share);
	}
	wspbind_port_unlock(&p);
	release_sock(sk);
	if (share == WSPBIND_SHARE_OK)
		wspbind_join_twins(&claim);
	while (claim.nr_twins)
		sock_put(claim.twins[--claim.nr_twins]);
	return 0;

out_release:
	release_sock(sk);
	return err;
}

/* One port-0 search. */
struct wspbind_search {
	struct socket *sock;
	struct sockaddr_storage *addr;
	int addrlen;
	struct wspbind_entry *entry;	/* filed for the port bound */
	enum wspbind_opt opt;
	struct wspbind_prebind before;	/* the socket before the search */
	int may_bind_privileged;	/* -1 until asked */
	u32 tried;			/* candidates looked at: its length */
};

/*
 * May the caller bind a port below ip_unprivileged_port_start? Asked only
 * when a candidate is one, and then once.
 */
static bool wspbind_may_bind_privileged(struct wspbind_search *s,
					struct net *net)
{
	if (s->may_bind_privileged < 0)
		s->may_bind_privileged =
			ns_capable_noaudit(net->user_ns, CAP_NET_BIND_SERVICE);
	return s->may_bind_privileged;
}

/*
 * One candidate: -EADDRINUSE to go on to the next, anything else ends the
 * search. @held is the class's bitmap, or NULL to look at the port alone.
 */
static int wspbind_try_port(struct wspbind_search *s, u16 candidate,
			    const unsigned long *held, u32 index)
{
	struct sock *sk = s->sock->sk;
	struct net *net = sock_net(sk);
	int err;

	s->tried++;
	if (inet_is_local_reserved_port(net, candidate))
		return -EADDRINUSE;
	if (inet_port_requires_bind_service(net, candidate) &&
	    !wspbind_may_bind_privileged(s, net))
		return -EADDRINUSE;

	if (held ? !test_bit(index, held) :
		   !wspbind_port_held(sk, candidate)) {
		struct wspbind_port p;

		/*
		 * Bound with no options, so Linux refuses it beside any
		 * holder of the address; then filed, under the port's lock.
		 * Until then a look at the port sees a socket bound with
		 * bind(2) with no options, which refuses as much.
		 */
		*wspbind_name_port(s->addr) = htons(candidate);
		err = wspbind_kernel_bind(s->sock, s->addr, s->addrlen);
		if (!err) {
			/* The port bound: a cgroup program may rewrite it. */
			err = wspbind_port_lock(&p, net, sk->sk_protocol,
						inet_sk(sk)->inet_num);
			if (err) {
				lock_sock(sk);
				wspbind_unbind_locked(sk, &s->before);
				release_sock(sk);
				return err;
			}
			wspbind_port_register(&p, s->entry, s->sock, s->opt);
			wspbind_port_unlock(&p);
		}
		if (err != -EADDRINUSE)
			return err;
	}
	if (fatal_signal_pending(current))
		return -EINTR;
	cond_resched();
	return -EADDRINUSE;
}

/*
 * Port 0: bind a port of the range that no socket of the namespace holds,
 * on any address: Winsock's ephemeral ports are unique on the machine,
 * not per address. The range is walked once, in classes of ports that
 * share a slot of the protocol's hash (for TCP, one class: the range), the
 * first class and the start in each chosen at random. A held port costs a
 * look at the hash, not a bind attempt; for UDP one walk of a slot serves
 * its whole class. The socket's SO_REUSEADDR and SO_REUSEPORT are off
 * while it binds, so a port taken since the look is refused and the walk
 * goes on. The port found is filed in the registry with the socket's
 * Winsock option, and the socket then carries the options of every socket
 * the device binds (wspbind_linux_mark()); a failed search gives it back
 * its own.
 */
static int wspbind_bind_any_port(struct socket *sock,
				 struct sockaddr_storage *addr, int addrlen,
				 struct wspbind_entry *entry, enum wspbind_opt opt,
				 u32 *tried)
{
	struct wspbind_search s = {
		.sock = sock,
		.addr = addr,
		.addrlen = addrlen,
		.entry = entry,
		.opt = opt,
		.may_bind_privileged = -1,
	};
	DECLARE_BITMAP(held, WSPBIND_CLASS_MAX);
	struct sock *sk = sock->sk;
	u32 span, stride, classes, seed, first, class, count, i, j, index;
	struct wspbind_linux_reuse own, mark;
	int err = -EADDRINUSE;
	u16 low, high;

	wspbind_prebind_save(sk, &s.before);
	wspbind_net_range(sock_net(sk), &low, &high);
	span = (u32)high - low + 1;
	stride = wspbind_held_stride(sk);
	classes = min(stride, span);
	/* One draw: the first class, and where each class's walk starts. */
	seed = get_random_u32();
	first = seed % classes;

	/*
	 * Most sockets set neither option, and then there is nothing to switch
	 * off: a first look without the lock tells.
	 */
	own.reuse = sk->sk_reuse;
	own.reuseport = sk->sk_reuseport;
	if (own.reuse || own.reuseport)
		wspbind_set_reuse(sk, SK_NO_REUSE, 0);

	for (j = 0; j < classes && err == -EADDRINUSE; j++) {
		class = wspbind_class_index(classes, first, j);
		count = wspbind_class_size(span, stride, class);
		if (stride > 1)
			wspbind_held_class(sk, low + class, stride, count,
					   held);
		for (i = 0; i < count && err == -EADDRINUSE; i++) {
			index = wspbind_class_index(count, seed / classes, i);
			err = wspbind_try_port(&s, wspbind_class_port(low, stride,
								      class,
								      index),
					       stride > 1 ? held : NULL, index);
		}
	}
	*wspbind_name_port(addr) = 0;

	wspbind_linux_mark(opt, &own, &mark);
	if (!err)
		wspbind_set_reuse(sk, mark.reuse, mark.reuseport);
	else if (own.reuse || own.reuseport)
		wspbind_set_reuse(sk, own.reuse, own.reuseport);

	*tried = s.tried;
	/* Every port of the range is taken: Winsock calls that WSAENOBUFS. */
	return err == -EADDRINUSE ? -ENOBUFS : err;
}

/* The Winsock option a request carries; WSAEINVAL for both. */
static u32 wspbind_req_opt(const struct wspbind_bind *req,
			   enum wspbind_opt *opt)
{
	u32 both = WSPBIND_BIND_REUSEADDR | WSPBIND_BIND_EXCLUSIVEADDRUSE;

	if ((req->flags & both) == both)
		return WSPBIND_WSAEINVAL;
	if (req->flags & WSPBIND_BIND_REUSEADDR)
		*opt = WSPBIND_OPT_REUSEADDR;
	else if (req->flags & WSPBIND_BIND_EXCLUSIVEADDRUSE)
		*opt = WSPBIND_OPT_EXCLUSIVE;
	else
		*opt = WSPBIND_OPT_NONE;
	return 0;
}

/* Bind a socket that passed every check. */
static u32 wspbind_bind_socket(struct socket *sock,
			       struct sockaddr_storage *addr, int addrlen,
			       const struct wspbind_bind *req, u16 *port,
			       struct wspbind_event *ev)
{
	struct wspbind_entry *entry;
	enum wspbind_opt opt;
	u32 wsa = 0;
	int err;

	if (READ_ONCE(inet_sk(sock->sk)->inet_num))
		return WSPBIND_WSAEINVAL;
	wsa = wspbind_req_opt(req, &opt);
	if (wsa)
		return wsa;
	if (sock->sk->sk_family == AF_INET6) {
		wsa = wspbind_check_scope(sock_net(sock->sk),
					  (struct sockaddr_in6 *)addr);
		if (wsa)
			return wsa;
	}

	/* Before the bind: a bind is never undone for want of memory. */
	entry = wspbind_entry_new();
	if (!entry)
		return WSPBIND_WSAENOBUFS;

	if (*wspbind_name_port(addr)) {
		err = wspbind_bind_shared(sock, addr, addrlen, entry, opt,
					  &wsa);
	} else {
		ev->searched = true;
		err = wspbind_bind_any_port(sock, addr, addrlen, entry, opt,
					    &ev->probes);
	}
	if (err)
		wsa = wspbind_wsa_from_errno(err);
	if (wsa) {
		wspbind_entry_drop(entry);
		return wsa;
	}

	*port = READ_ONCE(inet_sk(sock->sk)->inet_num);
	return 0;
}

/* Tell the tracepoint and @net's counters what one WSPBind did. */
static void wspbind_report(struct net *net, struct wspbind_event *ev,
			   u32 wsa, u16 port)
{
	ev->wsa = wsa;
	ev->port = wsa ? 0 : port;
	trace_wspbind_bind(ev);
	wspbind_count_bind(net, ev);
}

/**
 * wspbind_do_bind() - perform one WSPBind
 * @req: the request, already checked for size, flags and reserved fields
 * @port: where the bound port goes, in host byte order, on success
 *
 * Looks the socket up once and holds that reference for the whole call.
 * Every call is reported to the tracepoint and counted in the socket's
 * network namespace, or the caller's when there is no socket.
 *
 * Return: 0 on success, otherwise a WSPBIND_WSAE* code.
 */
u32 wspbind_do_bind(const struct wspbind_bind *req, u16 *port)
{
	struct wspbind_event ev = { .family = AF_UNSPEC };
	struct wspbind_inflight inflight;
	struct sockaddr_storage addr;
	struct socket *sock;
	int addrlen, err;
	u32 wsa;

	/*
	 * bind() through this device skips the LSM socket_bind hook, which a
	 * module cannot call; a sandboxed caller must not gain a way around
	 * its rules.
	 */
	if (task_no_new_privs(current) && !READ_ONCE(wspbind_allow_no_new_privs)) {
		wsa = WSPBIND_WSAEACCES;
		goto out_report;
	}

	sock = sockfd_lookup(req->sockfd, &err);
	if (!sock) {
		wsa = wspbind_wsa_from_errno(err);
		goto out_report;
	}
	ev.family = sock->sk->sk_family;
	ev.type = sock->type;

	wsa = wspbind_check_kind(sock->sk->sk_family, sock->type,
				 sock->sk->sk_protocol);
	if (wsa)
		goto out_put_sock;

	if (!wspbind_inflight_begin(&inflight, sock)) {
		wsa = WSPBIND_WSAEINPROGRESS;
		goto out_put_sock;
	}

	wsa = wspbind_copy_name(&addr, &addrlen, req, sock->sk->sk_family);
	if (!wsa) {
		ev.req_port = ntohs(*wspbind_name_port(&addr));
		wsa = wspbind_bind_socket(sock, &addr, addrlen, req, port,
					  &ev);
	}

	wspbind_inflight_end(&inflight);
out_put_sock:
	/* While the socket, and so its namespace, is held. */
	wspbind_report(sock_net(sock->sk), &ev, wsa, *port);
	sockfd_put(sock);
	return wsa;

out_report:
	wspbind_report(current->nsproxy->net_ns, &ev, wsa, 0);
	return wsa;
}
