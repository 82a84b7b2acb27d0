// SPDX-License-Identifier: GPL-2.0
/*
 * The bind: take the caller's socket, apply Winsock's checks, bind it in
 * the caller's context (so bind(2)'s capability and cgroup BPF checks see
 * the caller), and, for port 0, search the namespace's range.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/sock.h>
#include <linux/wspbind.h>

#include "compat.h"
#include "rules.h"
#include "trace.h"
#include "wspbind.h"

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

/* One port-0 search. */
struct wspbind_search {
	struct socket *sock;
	struct sockaddr_storage *addr;
	int addrlen;
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
		*wspbind_name_port(s->addr) = htons(candidate);
		err = wspbind_kernel_bind(s->sock, s->addr, s->addrlen);
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
 * goes on; they are back on once the search ends.
 */
static int wspbind_bind_any_port(struct socket *sock,
				 struct sockaddr_storage *addr, int addrlen,
				 u32 *tried)
{
	struct wspbind_search s = {
		.sock = sock,
		.addr = addr,
		.addrlen = addrlen,
		.may_bind_privileged = -1,
	};
	DECLARE_BITMAP(held, WSPBIND_CLASS_MAX);
	struct sock *sk = sock->sk;
	u32 span, stride, classes, seed, first, class, count, i, j, index;
	unsigned char reuse, reuseport;
	int err = -EADDRINUSE;
	u16 low, high;
	bool restore;

	wspbind_net_range(sock_net(sk), &low, &high);
	span = (u32)high - low + 1;
	stride = wspbind_held_stride(sk);
	classes = min(stride, span);
	/* One draw: the first class, and where each class's walk starts. */
	seed = get_random_u32();
	first = seed % classes;

	/*
	 * Most sockets set neither option, and then there is nothing to switch
	 * off or back on: a first look without the lock tells.
	 */
	restore = sk->sk_reuse != SK_NO_REUSE || sk->sk_reuseport;
	if (restore) {
		lock_sock(sk);
		reuse = sk->sk_reuse;
		reuseport = sk->sk_reuseport;
		sk->sk_reuse = SK_NO_REUSE;
		sk->sk_reuseport = 0;
		release_sock(sk);
	}

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

	if (restore) {
		lock_sock(sk);
		sk->sk_reuse = reuse;
		sk->sk_reuseport = reuseport;
		release_sock(sk);
	}

	*tried = s.tried;
	/* Every port of the range is taken: Winsock calls that WSAENOBUFS. */
	return err == -EADDRINUSE ? -ENOBUFS : err;
}

/* Bind a socket that passed every check. */
static u32 wspbind_bind_socket(struct socket *sock,
			       struct sockaddr_storage *addr, int addrlen,
			       u16 *port, struct wspbind_event *ev)
{
	int err;

	if (READ_ONCE(inet_sk(sock->sk)->inet_num))
		return WSPBIND_WSAEINVAL;

	if (*wspbind_name_port(addr)) {
		err = wspbind_kernel_bind(sock, addr, addrlen);
	} else {
		ev->searched = true;
		err = wspbind_bind_any_port(sock, addr, addrlen, &ev->probes);
	}
	if (err)
		return wspbind_wsa_from_errno(err);

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
		wsa = wspbind_bind_socket(sock, &addr, addrlen, port, &ev);
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
