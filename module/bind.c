// SPDX-License-Identifier: GPL-2.0
/*
 * The bind: take the caller's socket, apply Winsock's checks, bind it in
 * the caller's context (so bind(2)'s capability and cgroup BPF checks see
 * the caller), and, for port 0, search the namespace's range.
 */
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seccomp.h>
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
#include "errors.h"
#include "internal.h"
#include "rules.h"
#include "sharing.h"
#include "trace.h"

bool wspbind_allow_no_new_privs;

/*
 * A sandboxed caller: one running with no_new_privs, which Landlock and a
 * seccomp filter installed without CAP_SYS_ADMIN require, or under a
 * seccomp filter at all, which a process with CAP_SYS_ADMIN (a container
 * runtime) installs without no_new_privs. kernel_bind() runs neither the
 * LSM socket_bind hook nor a seccomp filter's verdict on bind(2): the
 * filter sees this device's ioctl, never the bind made for it, and what
 * it would say of bind(2) cannot be asked. So such a caller is refused.
 */
static bool wspbind_caller_sandboxed(void)
{
	return task_no_new_privs(current) ||
	       seccomp_mode(&current->seccomp) == SECCOMP_MODE_FILTER;
}

/*
 * sin_port and sin6_port share their offset, so one helper serves both
 * families.
 */
__be16 *wspbind_name_port(struct sockaddr_storage *addr)
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
static int wspbind_copy_name(struct sockaddr_storage *addr, int *addrlen,
			     const struct wspbind_bind *req, int family)
{
	bool winsock = req->flags & WSPBIND_BIND_WINSOCK_AF;
	int len = wspbind_name_copy_len(req->namelen, family);
	int err;

	memset(addr, 0, sizeof(*addr));
	if (len < 0 ||
	    copy_from_user(addr, u64_to_user_ptr(req->name), len))
		return -EFAULT;
	err = wspbind_check_name_family(addr->ss_family, winsock, family);
	if (err)
		return err;

	addr->ss_family = family;
	*addrlen = wspbind_name_min_len(family);
	return 0;
}

/*
 * bind(2) puts the name it was given in its syscall's audit event, a
 * SOCKADDR record (audit_sockaddr(), which a module cannot call), written
 * when a rule logs the syscall. A WSPBind puts the name it binds in the
 * ioctl's event, the same record in the same hex, whenever audit is on
 * and the caller's syscalls are audited at all (some rule exists): a
 * module cannot ask whether a rule will log the ioctl, so the record is
 * written either way, and no device bind goes unrecorded.
 */
static void wspbind_audit_name(const struct sockaddr_storage *addr, int len)
{
	const u8 *p = (const u8 *)addr;
	struct audit_buffer *ab;
	int i;

	if (audit_enabled == AUDIT_OFF || audit_dummy_context())
		return;
	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_SOCKADDR);
	if (!ab)
		return;
	audit_log_format(ab, "saddr=");
	for (i = 0; i < len; i++)
		audit_log_format(ab, "%02X", p[i]);
	audit_log_end(ab);
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
void wspbind_binder_set_reuse(struct wspbind_binder *b, unsigned char reuse,
			      unsigned char reuseport)
{
	wspbind_binder_lock(b);
	b->sk->sk_reuse = reuse;
	b->sk->sk_reuseport = reuseport;
	wspbind_binder_unlock(b);
}

/*
 * How a claim binds its socket. Through the device's ioctl the module
 * binds with kernel_bind(), the path bind(2) takes past its syscall, and
 * takes the socket's lock for each step in between. An enrolled socket's
 * claim runs inside the kernel's own bind(2), listen(2) or autobind
 * (enrol.c), which holds the socket's lock already, and takes the port
 * with the protocol's own get_port: the one inet_bind() would have called.
 */
int wspbind_binder_bind(struct wspbind_binder *b, u16 port)
{
	if (b->base)
		return b->base->get_port(b->sk, port);
	*wspbind_name_port(b->addr) = htons(port);
	return wspbind_kernel_bind(b->sock, b->addr, b->addrlen);
}

void wspbind_binder_lock(struct wspbind_binder *b)
{
	if (!b->base)
		lock_sock(b->sk);
}

void wspbind_binder_unlock(struct wspbind_binder *b)
{
	if (!b->base)
		release_sock(b->sk);
}

/*
 * Give back the port wspbind_binder_bind() took; the socket is locked.
 * Inside the kernel's bind the port alone: the kernel puts back the
 * address it set when the claim fails.
 */
void wspbind_binder_undo(struct wspbind_binder *b)
{
	if (b->base)
		b->base->put_port(b->sk);
	else
		wspbind_unbind_locked(b->sk, &b->before);
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
static void wspbind_claim_reuse(struct wspbind_binder *b,
				const struct wspbind_claim *claim,
				const struct wspbind_linux_reuse *own,
				bool shares)
{
	const struct wspbind_linux_reuse *mark = &claim->party.linux_reuse;
	bool tcp = b->sk->sk_protocol == IPPROTO_TCP;

	if (!claim->force)
		wspbind_binder_set_reuse(b, mark->reuse,
					 tcp || shares ? mark->reuseport :
							 own->reuseport);
	else if (tcp)
		wspbind_binder_set_reuse(b, SK_FORCE_REUSE, mark->reuseport);
	else
		wspbind_binder_set_reuse(b, SK_CAN_REUSE, 1);
}

void wspbind_prebind_save(struct sock *sk, struct wspbind_prebind *b)
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
void wspbind_unbind_locked(struct sock *sk, const struct wspbind_prebind *b)
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
bool wspbind_group_has_prog(const struct sock *sk)
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
	/*
	 * Another socket's lock: an enrolled socket's claim holds its own
	 * (enrol.c), so the twin's is taken one level down for lockdep.
	 */
	lock_sock_nested(sk, SINGLE_DEPTH_NESTING);
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

/*
 * Give the twins' groups the program, and put the twins. Not where a twin
 * has it already: that twin's group is the one the others join as they
 * listen, and a twin given a group of its own before its listen() could
 * not then listen beside that group's listeners (Linux refuses a socket
 * in a group beside listeners not in it).
 */
static void wspbind_join_twins(struct wspbind_claim *claim)
{
	int i;

	for (i = 0; i < claim->nr_twins; i++) {
		/* Delivery only: a failure leaves Linux's order. */
		if (!claim->twins_have_prog)
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
static int wspbind_check_scope(struct net *net, struct sockaddr_in6 *sin6)
{
	if (!(ipv6_addr_type(&sin6->sin6_addr) & IPV6_ADDR_LINKLOCAL))
		return sin6->sin6_scope_id ? -EADDRNOTAVAIL : 0;
	if (!sin6->sin6_scope_id)
		sin6->sin6_scope_id = wspbind_link_local_dev(net,
							     &sin6->sin6_addr);
	return sin6->sin6_scope_id ? 0 : -EADDRNOTAVAIL;
}
#else
static int wspbind_check_scope(struct net *net, struct sockaddr_in6 *sin6)
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
 * port, before anything is bound, says: 0 to bind again. Where the table
 * refuses too, its answer (-EADDRINUSE or -EACCES) is the one to give,
 * so a socket the table denies hears WSAEACCES though Linux said
 * EADDRINUSE; -EADDRINUSE where only Linux's rule refuses (a socket
 * bound with bind(2)).
 */
static int wspbind_may_share(struct sock *sk, struct wspbind_claim *claim,
			     u16 port)
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
	if (share != WSPBIND_SHARE_OK)
		return wspbind_share_errno(share);
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
static int wspbind_bind_shared(struct wspbind_binder *b, u16 port,
			       struct wspbind_entry *entry,
			       enum wspbind_opt opt)
{
	struct sock *sk = b->sk;
	struct wspbind_linux_reuse own = {
		.reuse = sk->sk_reuse,
		.reuseport = sk->sk_reuseport,
	};
	struct wspbind_claim claim = {
		.sk = sk,
		.party = { .opt = opt, .device = true },
	};
	const struct wspbind_linux_reuse *mark = &claim.party.linux_reuse;
	enum wspbind_share share;
	struct wspbind_port p;
	int err;

	/* Inside the kernel's bind, the socket has its address already. */
	if (b->base)
		wspbind_sock_addr(sk, &claim.party.addr);
	else
		wspbind_claim_addr(sk, b->addr, &claim.party.addr);
	wspbind_linux_mark(opt, &own, &claim.party.linux_reuse);

	wspbind_claim_reuse(b, &claim, &own, false);
	err = wspbind_binder_bind(b, port);
	if (err == -EADDRINUSE) {
		err = wspbind_may_share(sk, &claim, port);
		if (!err) {
			wspbind_claim_reuse(b, &claim, &own, true);
			err = wspbind_binder_bind(b, port);
		}
	}

	wspbind_binder_lock(b);
	if (err) {
		sk->sk_reuse = own.reuse;
		sk->sk_reuseport = own.reuseport;
		goto out_release;
	}
	sk->sk_reuse = mark->reuse;
	sk->sk_reuseport = mark->reuseport;
	if (claim.force && sk->sk_protocol == IPPROTO_TCP)
		wspbind_tcp_fastreuse_off(sk);

	wspbind_sock_addr(sk, &claim.party.addr);
	err = wspbind_port_lock(&p, sock_net(sk), sk->sk_protocol,
				inet_sk(sk)->inet_num);
	if (err) {
		wspbind_binder_undo(b);
		goto out_release;
	}
	share = wspbind_port_decide(&p, &claim);
	if (share == WSPBIND_SHARE_OK) {
		wspbind_port_register(&p, entry, b->sock, opt);
	} else {
		wspbind_binder_undo(b);
		sk->sk_reuse = own.reuse;
		sk->sk_reuseport = own.reuseport;
		err = wspbind_share_errno(share);
	}
	wspbind_port_unlock(&p);
	wspbind_binder_unlock(b);
	if (share == WSPBIND_SHARE_OK)
		wspbind_join_twins(&claim);
	while (claim.nr_twins)
		sock_put(claim.twins[--claim.nr_twins]);
	return err;

out_release:
	wspbind_binder_unlock(b);
	return err;
}

/**
 * wspbind_claim() - bind a socket by Winsock's rules
 * @b: how: through the ioctl, or inside the kernel's bind (enrol.c)
 * @port: the port asked for, in host byte order; 0 for the port search
 * @entry: the registry entry to file the socket under; the caller frees
 *	it on failure
 * @opt: the socket's Winsock option
 * @ev: what the bind did, for the tracepoint and the counters
 *
 * Return: 0, or a negative errno: bind(2)'s own errors first, then the
 * sharing table's, then the port search's.
 */
int wspbind_claim(struct wspbind_binder *b, u16 port,
		  struct wspbind_entry *entry, enum wspbind_opt opt,
		  struct wspbind_event *ev)
{
	if (port)
		return wspbind_bind_shared(b, port, entry, opt);
	ev->searched = true;
	return wspbind_port_search(b, entry, opt, &ev->probes);
}

/* The Winsock option a request's flags carry; -EINVAL for both. */
int wspbind_flags_opt(u32 flags, enum wspbind_opt *opt)
{
	u32 both = WSPBIND_BIND_REUSEADDR | WSPBIND_BIND_EXCLUSIVEADDRUSE;

	if ((flags & both) == both)
		return -EINVAL;
	if (flags & WSPBIND_BIND_REUSEADDR)
		*opt = WSPBIND_OPT_REUSEADDR;
	else if (flags & WSPBIND_BIND_EXCLUSIVEADDRUSE)
		*opt = WSPBIND_OPT_EXCLUSIVE;
	else
		*opt = WSPBIND_OPT_NONE;
	return 0;
}

/* Tell the tracepoint and @net's counters what one WSPBind did. */
void wspbind_report(struct net *net, struct wspbind_event *ev, u32 wsa,
		    u16 port)
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
 * The checks run in the order of the uAPI header's error table ("DOC:
 * Winsock error codes"), one row after another, so that the first that
 * applies gives the answer; the bind's own errors come last, in the order
 * bind(2) makes its checks, and then the sharing table's. This function
 * alone owns that order. Every step answers in negative errno, and the
 * one translation to a Winsock code (errors.c) is made on the way out.
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
	struct wspbind_binder b = {};
	struct wspbind_entry *entry;
	enum wspbind_opt opt;
	struct socket *sock;
	int addrlen, err;
	struct sock *sk;
	u32 wsa;

	/*
	 * WSAEACCES: bind() through this device skips the LSM socket_bind
	 * hook, which a module cannot call, and seccomp's filters; a
	 * sandboxed caller must not gain a way around its rules.
	 */
	if (wspbind_caller_sandboxed() &&
	    !READ_ONCE(wspbind_allow_no_new_privs)) {
		err = -EACCES;
		goto out_report;
	}

	/* WSAENOTSOCK: -EBADF or -ENOTSOCK. */
	sock = sockfd_lookup(req->sockfd, &err);
	if (!sock)
		goto out_report;
	sk = sock->sk;
	ev.family = sk->sk_family;
	ev.type = sock->type;

	/* WSAEAFNOSUPPORT, WSAEOPNOTSUPP. */
	err = wspbind_check_kind(sk->sk_family, sock->type, sk->sk_protocol);
	if (err)
		goto out_put_sock;

	/* WSAEINPROGRESS. */
	if (!wspbind_inflight_begin(&inflight, sock)) {
		err = -EINPROGRESS;
		goto out_put_sock;
	}

	/* WSAEFAULT: the length, the copy, the family. */
	err = wspbind_copy_name(&addr, &addrlen, req, sk->sk_family);
	if (err)
		goto out_end;
	wspbind_audit_name(&addr, addrlen);
	ev.req_port = ntohs(*wspbind_name_port(&addr));

	/*
	 * WSAEINVAL: a local port already; an enrolled socket, which binds
	 * with bind(2) (enrol.c; the in-progress mark keeps an enrolment
	 * from starting meanwhile); both options.
	 */
	err = READ_ONCE(inet_sk(sk)->inet_num) || wspbind_sk_enrolled(sk) ?
		-EINVAL : wspbind_flags_opt(req->flags, &opt);
	if (err)
		goto out_end;

	/* WSAEADDRNOTAVAIL: the scope id. */
	if (sk->sk_family == AF_INET6) {
		err = wspbind_check_scope(sock_net(sk),
					  (struct sockaddr_in6 *)&addr);
		if (err)
			goto out_end;
	}

	/* WSAENOBUFS: before the bind, which is never undone for memory. */
	entry = wspbind_entry_new();
	if (!entry) {
		err = -ENOMEM;
		goto out_end;
	}

	/* The bind: bind(2)'s own errors, then the sharing table's. */
	b.sock = sock;
	b.sk = sk;
	b.addr = &addr;
	b.addrlen = addrlen;
	wspbind_prebind_save(sk, &b.before);
	err = wspbind_claim(&b, ntohs(*wspbind_name_port(&addr)), entry, opt,
			    &ev);
	if (err)
		wspbind_entry_drop(entry);
	else
		*port = READ_ONCE(inet_sk(sk)->inet_num);

out_end:
	wspbind_inflight_end(&inflight);
out_put_sock:
	wsa = wspbind_wsa_from_errno(err);
	/* While the socket, and so its namespace, is held. */
	wspbind_report(sock_net(sk), &ev, wsa, *port);
	sockfd_put(sock);
	return wsa;

out_report:
	wsa = wspbind_wsa_from_errno(err);
	wspbind_report(current->nsproxy->net_ns, &ev, wsa, 0);
	return wsa;
}
