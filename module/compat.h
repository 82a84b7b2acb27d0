/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels wspbind builds for lives here, so
 * the other files read the same on all of them.
 */
#ifndef _WSPBIND_COMPAT_H
#define _WSPBIND_COMPAT_H

#include <linux/net.h>
#include <linux/socket.h>
#include <linux/sysctl.h>
#include <linux/version.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/udp.h>

/* 6.11 made the table handed to a proc handler const. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define wspbind_ctl_table const struct ctl_table
#else
#define wspbind_ctl_table struct ctl_table
#endif

/*
 * 6.6 added register_net_sysctl_sz(), which takes the number of entries
 * and, from 6.11, no longer needs the empty entry that ends the table.
 * Tables here keep that entry for the older kernels; @count excludes it.
 */
static inline struct ctl_table_header *
wspbind_register_net_sysctl(struct net *net, const char *path,
			    struct ctl_table *table, size_t count)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return register_net_sysctl_sz(net, path, table, count);
#else
	return register_net_sysctl(net, path, table);
#endif
}

/*
 * 6.19 gave kernel_bind(), and the pre_connect and connect of a struct
 * proto, a struct sockaddr_unsized.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define wspbind_sockaddr sockaddr_unsized
#else
#define wspbind_sockaddr sockaddr
#endif

static inline int wspbind_kernel_bind(struct socket *sock,
				      struct sockaddr_storage *addr,
				      int addrlen)
{
	return kernel_bind(sock, (struct wspbind_sockaddr *)addr, addrlen);
}

/*
 * TCP's bind hash: the namespace's own table or the global one (6.1 gave
 * namespaces their own established hash, and this helper to find it; 6.16
 * retired DCCP and named the helper for TCP alone).
 */
static inline struct inet_hashinfo *
wspbind_tcp_hashinfo(const struct sock *sk)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
	return tcp_get_hashinfo(sk);
#else
	return tcp_or_dccp_get_hashinfo(sk);
#endif
}

/* The same, from the namespace alone (a sweep has no socket). */
static inline struct inet_hashinfo *wspbind_tcp_hashinfo_net(struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}

/*
 * TCP keeps, per port, whether every socket bound to it has SO_REUSEADDR
 * (fastreuse) or SO_REUSEPORT of one uid (fastreuseport), so that a bind
 * with the same may skip the check; inet_csk_get_port() sets them from
 * the options a socket binds with. A bind made with SK_FORCE_REUSE counts
 * as SO_REUSEADDR there, so once its options are back to what the socket
 * carries, the port's summary must not claim more than they do. 6.18 gave
 * each port-and-address bucket a copy of that summary.
 */
static inline void wspbind_tcp_fastreuse_off(struct sock *sk)
{
	struct inet_hashinfo *hinfo = wspbind_tcp_hashinfo(sk);
	struct inet_bind_hashbucket *head;
	struct inet_bind_bucket *tb;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
	struct inet_bind2_bucket *tb2;
#endif

	head = &hinfo->bhash[inet_bhashfn(sock_net(sk), inet_sk(sk)->inet_num,
					  hinfo->bhash_size)];
	spin_lock_bh(&head->lock);
	tb = inet_csk(sk)->icsk_bind_hash;
	if (tb && !sk->sk_reuse)
		tb->fastreuse = 0;
	if (tb && !sk->sk_reuseport)
		tb->fastreuseport = 0;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
	tb2 = inet_csk(sk)->icsk_bind2_hash;
	if (tb2 && !sk->sk_reuse)
		tb2->fastreuse = 0;
	if (tb2 && !sk->sk_reuseport)
		tb2->fastreuseport = 0;
#endif
	spin_unlock_bh(&head->lock);
}

/* What wspbind_visit_holders() calls for each holder of a port. */
typedef void (*wspbind_holder_fn_t)(const struct sock *sk, void *arg);

/*
 * Call @fn for each socket and TIME_WAIT connection of a TCP port's bind
 * bucket: 6.8 moved them from the port's bucket to one bucket per port
 * and address, each on the port's bucket's bhash2 list. Either way the
 * port's bind hash lock, which the caller holds, keeps the lists still.
 */
static inline void wspbind_tcp_visit_owners(struct inet_bind_bucket *tb,
					    wspbind_holder_fn_t fn, void *arg)
{
	struct sock *sk2;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	struct inet_bind2_bucket *tb2;

	hlist_for_each_entry(tb2, &tb->bhash2, bhash_node)
		sk_for_each_bound(sk2, &tb2->owners)
			fn(sk2, arg);
#else
	sk_for_each_bound(sk2, &tb->owners)
		fn(sk2, arg);
#endif
}

/*
 * The uid that owns a socket, as SO_REUSEPORT compares them: 6.16 keeps
 * it in the socket (sk_uid()) and dropped sock_i_uid(), which read it
 * from the socket's inode.
 */
static inline kuid_t wspbind_sock_uid(const struct sock *sk)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
	return sk_uid(sk);
#else
	return sock_i_uid((struct sock *)sk);
#endif
}

/* 6.2 moved UDP's hash table from the protocol to the namespace. */
static inline struct udp_table *wspbind_udp_table(const struct sock *sk)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return sock_net(sk)->ipv4.udp_table;
#else
	return sk->sk_prot->h.udp_table;
#endif
}

static inline struct udp_table *wspbind_udp_table_net(struct net *net)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return net->ipv4.udp_table;
#else
	return &udp_table;
#endif
}

#endif /* _WSPBIND_COMPAT_H */
