/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of the module offer each other.
 */
#ifndef _WSPBIND_INTERNAL_H
#define _WSPBIND_INTERNAL_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/uidgid.h>

#include "compat.h"
#include "sharing.h"

struct net;
struct proto;
struct sock;
struct sockaddr_storage;
struct socket;
struct wspbind_bind;

/* netns.c: the per-namespace port range and its sysctl */
int wspbind_netns_init(void);
void wspbind_netns_exit(void);
void wspbind_net_range(const struct net *net, u16 *low, u16 *high);

/* inflight.c: one WSPBind at a time on a socket */
struct wspbind_inflight {
	struct hlist_node node;
	const struct socket *sock;
};

bool wspbind_inflight_begin(struct wspbind_inflight *entry,
			    const struct socket *sock);
void wspbind_inflight_end(struct wspbind_inflight *entry);

/* inuse.c: ports held by any socket of the namespace */
#define WSPBIND_CLASS_MAX	512	/* ports in a class of the search */

u32 wspbind_held_stride(const struct sock *sk);
void wspbind_held_class(const struct sock *sk, u16 first, u32 stride,
			u32 count, unsigned long *held);
bool wspbind_port_held(const struct sock *sk, u16 port);
void wspbind_visit_holders(struct net *net, u8 protocol, u16 port,
			   wspbind_holder_fn_t fn, void *arg);

/* registry.c: the Winsock option of each socket bound, and the decision */
struct wspbind_bucket;
struct wspbind_entry;

/* A port taken for one decision: wspbind_port_lock() fills it in. */
struct wspbind_port {
	struct wspbind_bucket *bucket;
	struct net *net;
	u16 port;
	u8 protocol;
};

#define WSPBIND_MAX_TWINS	4

/* A socket that asks for an address on a port. */
struct wspbind_claim {
	const struct sock *sk;
	/* Its option, address and mark (the options it carries once bound). */
	struct wspbind_party party;
	/*
	 * A look before a bind that Linux refused: it learns whether the
	 * bind may skip Linux's check (@force: Windows lets the claim share
	 * with a device socket that Linux's check, on the options both
	 * carry, would refuse it beside). The look after the bind, with the
	 * port locked, is the one that decides, and finds the twins.
	 */
	bool first_look;
	bool force;
	/*
	 * Filled in by wspbind_port_decide() for a TCP SO_REUSEADDR claim:
	 * live SO_REUSEADDR sockets of the same uid on the very same
	 * address whose group has no program, each held with sock_hold(),
	 * for the caller to sock_put(); @twins_have_prog when one of them
	 * has it. The first bind beside a twin gives that twin the program,
	 * and every later one finds it: more than one twin without it, and
	 * the cap, come only after a program could not be made, which
	 * leaves Linux's order.
	 */
	struct sock *twins[WSPBIND_MAX_TWINS];
	int nr_twins;
	bool twins_have_prog;
};

int wspbind_registry_init(void);
void wspbind_registry_exit(void);
int wspbind_registry_count(struct net *net);
void wspbind_sock_addr(const struct sock *sk, struct wspbind_addr *addr);
int wspbind_port_lock(struct wspbind_port *p, struct net *net, u8 protocol,
		      u16 port);
void wspbind_port_unlock(struct wspbind_port *p);
enum wspbind_share wspbind_port_decide(struct wspbind_port *p,
				       struct wspbind_claim *claim);
struct wspbind_entry *wspbind_entry_new(void);
void wspbind_entry_drop(struct wspbind_entry *e);
void wspbind_port_register(struct wspbind_port *p, struct wspbind_entry *e,
			   struct socket *sock, enum wspbind_opt opt);

/* What one WSPBind did: for the tracepoint (trace.h) and the counters. */
struct wspbind_event {
	u16 family;		/* the socket's; AF_UNSPEC without a socket */
	u16 type;		/* the socket's; 0 without a socket */
	u16 req_port;		/* the port asked for; 0 before the name is read */
	u16 port;		/* the port bound; 0 on failure */
	u32 wsa;		/* 0 or a WSPBIND_WSAE* code (errors.h) */
	u32 probes;		/* ports the port-0 search looked at */
	bool searched;		/* a port-0 search ran */
};

/* counters.c: per-namespace counters in /proc/net/wspbind */
int wspbind_counters_init(void);
void wspbind_counters_exit(void);
void wspbind_count_bind(struct net *net, const struct wspbind_event *ev);

/* bind.c: the bind itself, the order of its checks, and its undo */
extern bool wspbind_allow_no_new_privs;

u32 wspbind_do_bind(const struct wspbind_bind *req, u16 *port);
int wspbind_flags_opt(u32 flags, enum wspbind_opt *opt);
bool wspbind_group_has_prog(const struct sock *sk);
__be16 *wspbind_name_port(struct sockaddr_storage *addr);
void wspbind_report(struct net *net, struct wspbind_event *ev, u32 wsa,
		    u16 port);

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

void wspbind_prebind_save(struct sock *sk, struct wspbind_prebind *b);
void wspbind_unbind_locked(struct sock *sk, const struct wspbind_prebind *b);

/*
 * How one claim binds its socket: through the device's ioctl, with
 * kernel_bind() and the name (@addr), the socket as it was saved in
 * @before; or, for an enrolled socket, inside the kernel's own bind,
 * listen or autobind, with the protocol's own ops (@base) and the
 * socket's lock held by the kernel.
 */
struct wspbind_binder {
	struct socket *sock;
	struct sock *sk;
	struct sockaddr_storage *addr;
	int addrlen;
	struct wspbind_prebind before;
	const struct proto *base;
};

int wspbind_binder_bind(struct wspbind_binder *b, u16 port);
void wspbind_binder_undo(struct wspbind_binder *b);
void wspbind_binder_lock(struct wspbind_binder *b);
void wspbind_binder_unlock(struct wspbind_binder *b);
void wspbind_binder_set_reuse(struct wspbind_binder *b, unsigned char reuse,
			      unsigned char reuseport);
int wspbind_claim(struct wspbind_binder *b, u16 port,
		  struct wspbind_entry *entry, enum wspbind_opt opt,
		  struct wspbind_event *ev);

/* port_search.c: port 0 */
int wspbind_port_search(struct wspbind_binder *b, struct wspbind_entry *entry,
			enum wspbind_opt opt, u32 *tried);

/* enrol.c: a socket given the module's protocol ops, bound with bind(2) */
struct wspbind_enrol;

int wspbind_enrol_init(void);
u32 wspbind_do_enrol(const struct wspbind_enrol *req);
bool wspbind_sk_enrolled(const struct sock *sk);

#endif /* _WSPBIND_INTERNAL_H */
