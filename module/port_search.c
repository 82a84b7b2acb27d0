// SPDX-License-Identifier: GPL-2.0
/*
 * The port search: Winsock's port 0, a port of the namespace's range
 * (netns.c, 1024-5000 by default) that no socket of the namespace holds.
 * Which ports are held is read from the protocol's own hash (inuse.c);
 * the walk's arithmetic is in port_search.h.
 */
#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/sock.h>

#include "compat.h"
#include "internal.h"
#include "port_search.h"

/* One port-0 search. */
struct wspbind_search {
	struct wspbind_binder *b;	/* how a candidate is bound */
	struct wspbind_entry *entry;	/* filed for the port bound */
	enum wspbind_opt opt;
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
	struct sock *sk = s->b->sk;
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
		err = wspbind_binder_bind(s->b, candidate);
		if (!err) {
			/* The port bound: a cgroup program may rewrite it. */
			err = wspbind_port_lock(&p, net, sk->sk_protocol,
						inet_sk(sk)->inet_num);
			if (err) {
				wspbind_binder_lock(s->b);
				wspbind_binder_undo(s->b);
				wspbind_binder_unlock(s->b);
				return err;
			}
			wspbind_port_register(&p, s->entry, s->b->sock, s->opt);
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

/**
 * wspbind_port_search() - bind port 0: a port of the namespace's range
 * @b: the socket, unbound, and how to bind it (for the ioctl, the name:
 *	its port is 0 again on return)
 * @entry: the registry entry to file the port bound under
 * @opt: the socket's Winsock option
 * @tried: filled in: how many candidates the search looked at
 *
 * Binds a port of the range that no socket of the namespace holds, on
 * any address: Winsock's ephemeral ports are unique on the machine, not
 * per address. The range is walked once, in classes of ports that share
 * a slot of the protocol's hash (for TCP, one class: the range), the
 * first class and the start in each chosen at random (port_search.h). A
 * held port costs a look at the hash, not a bind attempt; for UDP one
 * walk of a slot serves its whole class. The socket's SO_REUSEADDR and
 * SO_REUSEPORT are off while it binds, so a port taken since the look is
 * refused and the walk goes on. The port found is filed in the registry
 * with the socket's Winsock option, and the socket then carries the
 * options of every socket the device binds (wspbind_linux_mark()); a
 * failed search gives it back its own.
 *
 * Return: 0, -ENOBUFS when every port of the range is held, -EINTR on a
 * fatal signal, or the bind's error.
 */
int wspbind_port_search(struct wspbind_binder *b, struct wspbind_entry *entry,
			enum wspbind_opt opt, u32 *tried)
{
	struct wspbind_search s = {
		.b = b,
		.entry = entry,
		.opt = opt,
		.may_bind_privileged = -1,
	};
	DECLARE_BITMAP(held, WSPBIND_CLASS_MAX);
	struct sock *sk = b->sk;
	u32 span, stride, classes, seed, first, class, count, i, j, index;
	struct wspbind_linux_reuse own, mark;
	int err = -EADDRINUSE;
	u16 low, high;

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
		wspbind_binder_set_reuse(b, SK_NO_REUSE, 0);

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
	if (b->addr)
		*wspbind_name_port(b->addr) = 0;

	wspbind_linux_mark(opt, &own, &mark);
	if (!err)
		wspbind_binder_set_reuse(b, mark.reuse, mark.reuseport);
	else if (own.reuse || own.reuseport)
		wspbind_binder_set_reuse(b, own.reuse, own.reuseport);

	*tried = s.tried;
	/*
	 * Every port of the range is taken: Winsock calls that WSAENOBUFS
	 * (bind(2) says EADDRINUSE, which would be WSAEADDRINUSE).
	 */
	return err == -EADDRINUSE ? -ENOBUFS : err;
}
