// SPDX-License-Identifier: GPL-2.0
/*
 * Is a port held by any socket of the namespace, on any address? A read-only
 * look at the table the protocol's own bind consults: TCP's bind hash, under
 * the bucket's lock (one bucket per port and namespace, alive while a
 * socket, TIME_WAIT ones included, holds the port), and UDP's port hash,
 * under RCU (every bound UDP socket, hashed by port).
 *
 * The port search uses it to pass over held ports without a bind attempt
 * each: Winsock's port 0 gives a port no other socket holds on any local
 * address, so a held port is never a candidate. kernel_bind() stays the
 * authority on the ports it does try.
 */
#include <linux/bitmap.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/udp.h>
#include <net/inet_hashtables.h>
#include <net/sock.h>
#include <net/udp.h>

#include "compat.h"
#include "internal.h"

static bool wspbind_tcp_port_held(const struct sock *sk, u16 port)
{
	struct inet_hashinfo *hinfo = wspbind_tcp_hashinfo(sk);
	struct net *net = sock_net(sk);
	struct inet_bind_hashbucket *head;
	struct inet_bind_bucket *tb;
	bool held = false;

	head = &hinfo->bhash[inet_bhashfn(net, port, hinfo->bhash_size)];
	spin_lock_bh(&head->lock);
	inet_bind_bucket_for_each(tb, &head->chain) {
		if (net_eq(ib_net(tb), net) && tb->port == port) {
			held = true;
			break;
		}
	}
	spin_unlock_bh(&head->lock);
	return held;
}

/*
 * UDP sockets are freed after an RCU grace period and enter and leave the
 * port hash with RCU list operations, so the walk needs no lock.
 */
static bool wspbind_udp_port_held(const struct sock *sk, u16 port)
{
	struct udp_table *table = wspbind_udp_table(sk);
	struct net *net = sock_net(sk);
	struct udp_hslot *hslot = udp_hashslot(table, net, port);
	struct sock *sk2;
	bool held = false;

	rcu_read_lock();
	sk_for_each_rcu(sk2, &hslot->head) {
		if (net_eq(sock_net(sk2), net) &&
		    READ_ONCE(udp_sk(sk2)->udp_port_hash) == port) {
			held = true;
			break;
		}
	}
	rcu_read_unlock();
	return held;
}

/**
 * wspbind_held_stride() - how the port search groups its candidates
 * @sk: the socket being bound
 *
 * UDP hashes a port to slot (port + salt) % slots, so the ports one stride
 * of slots apart share a slot, and one walk of it tells which of them are
 * held; TCP's bind hash has a bucket per port, looked at one by one.
 *
 * Return: the number of UDP hash slots, when no class of ports one stride
 * apart can exceed %WSPBIND_CLASS_MAX; 1 (no grouping) otherwise.
 */
u32 wspbind_held_stride(const struct sock *sk)
{
	u32 slots;

	if (sk->sk_protocol == IPPROTO_TCP)
		return 1;
	slots = wspbind_udp_table(sk)->mask + 1;
	return slots >= 65536 / WSPBIND_CLASS_MAX ? slots : 1;
}

/**
 * wspbind_held_class() - which ports of a class are held
 * @sk: the socket being bound, UDP
 * @first: the class's first port
 * @stride: the stride, from wspbind_held_stride(), above 1
 * @count: ports in the class, at most %WSPBIND_CLASS_MAX
 * @held: set with bit k for port @first + k * @stride held by a socket of
 *	either family, on any address, in @sk's namespace; others cleared
 */
void wspbind_held_class(const struct sock *sk, u16 first, u32 stride,
			u32 count, unsigned long *held)
{
	struct udp_table *table = wspbind_udp_table(sk);
	struct net *net = sock_net(sk);
	struct udp_hslot *hslot = udp_hashslot(table, net, first);
	struct sock *sk2;
	u32 port;

	bitmap_zero(held, WSPBIND_CLASS_MAX);
	rcu_read_lock();
	sk_for_each_rcu(sk2, &hslot->head) {
		if (!net_eq(sock_net(sk2), net))
			continue;
		port = READ_ONCE(udp_sk(sk2)->udp_port_hash);
		if (port >= first && (port - first) % stride == 0 &&
		    (port - first) / stride < count)
			__set_bit((port - first) / stride, held);
	}
	rcu_read_unlock();
}

/**
 * wspbind_port_held() - does any socket of @sk's kind hold a port?
 * @sk: a TCP or UDP socket, IPv4 or IPv6; its namespace and protocol
 *	choose the table
 * @port: the port, in host byte order
 *
 * Sockets of either family count, bound to any address, in @sk's network
 * namespace. The answer may be stale as soon as the lock drops: a bind
 * that follows still decides.
 *
 * Return: true when some socket holds @port.
 */
bool wspbind_port_held(const struct sock *sk, u16 port)
{
	if (sk->sk_protocol == IPPROTO_TCP)
		return wspbind_tcp_port_held(sk, port);
	return wspbind_udp_port_held(sk, port);
}

static void wspbind_tcp_visit_holders(struct net *net, u16 port,
				      wspbind_holder_fn_t fn, void *arg)
{
	struct inet_hashinfo *hinfo = wspbind_tcp_hashinfo_net(net);
	struct inet_bind_hashbucket *head;
	struct inet_bind_bucket *tb;

	head = &hinfo->bhash[inet_bhashfn(net, port, hinfo->bhash_size)];
	spin_lock_bh(&head->lock);
	inet_bind_bucket_for_each(tb, &head->chain) {
		/* One bucket per VRF (l3mdev) that binds the port. */
		if (net_eq(ib_net(tb), net) && tb->port == port)
			wspbind_tcp_visit_owners(tb, fn, arg);
	}
	spin_unlock_bh(&head->lock);
}

static void wspbind_udp_visit_holders(struct net *net, u16 port,
				      wspbind_holder_fn_t fn, void *arg)
{
	struct udp_hslot *hslot;
	struct sock *sk2;

	hslot = udp_hashslot(wspbind_udp_table_net(net), net, port);
	spin_lock_bh(&hslot->lock);
	sk_for_each(sk2, &hslot->head) {
		if (net_eq(sock_net(sk2), net) &&
		    udp_sk(sk2)->udp_port_hash == port)
			fn(sk2, arg);
	}
	spin_unlock_bh(&hslot->lock);
}

/**
 * wspbind_visit_holders() - visit every holder of a port
 * @net: the namespace
 * @protocol: IPPROTO_TCP or IPPROTO_UDP
 * @port: the port, in host byte order
 * @fn: called for each socket bound to the port, on any address, and for
 *	TCP each TIME_WAIT connection too (only its &struct sock_common part
 *	may be read then: check sk_state first); it runs under the table's
 *	lock with bottom halves off and must not sleep
 * @arg: passed to @fn
 *
 * The holders are the ones the protocol's own bind looks at: the answer
 * is exact while the lock is held, and a bind that follows still decides.
 */
void wspbind_visit_holders(struct net *net, u8 protocol, u16 port,
			   wspbind_holder_fn_t fn, void *arg)
{
	if (protocol == IPPROTO_TCP)
		wspbind_tcp_visit_holders(net, port, fn, arg);
	else
		wspbind_udp_visit_holders(net, port, fn, arg);
}
