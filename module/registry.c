// SPDX-License-Identifier: GPL-2.0
/*
 * Which Winsock option each socket was bound with, and the decision of a
 * bind to a port that other sockets hold.
 *
 * Linux knows every socket that holds a port: TCP's bind hash lists them
 * (TIME_WAIT connections included), UDP's port hash too. What it does not
 * know is the Winsock option a socket was bound with, so each socket bound
 * through the device gets an entry here, filed under its namespace,
 * protocol and port. A bind reads the port's holders from the kernel's
 * table and the port's entries from here, and applies sharing.c's rules:
 * its cost grows with the holders of that one port, never with the
 * sockets bound elsewhere.
 *
 * An entry points at its socket but never follows the pointer: it only
 * compares it, and the socket's inode number, with the holders the
 * kernel's table lists. An entry whose socket no longer holds the port is
 * freed by the next look at that port, or within a second by a sweep of
 * the whole registry, whichever comes first. A holder without an entry
 * (bound with bind(2), or a device socket's accepted or TIME_WAIT
 * connection) is judged by Linux's own rule, on the options it carries:
 * those of an SO_EXCLUSIVEADDRUSE socket keep its address, as Windows
 * keeps it for the socket's connections (sharing.c, wspbind_linux_mark()).
 *
 * Each bucket has its own mutex, which a bind holds from its decision to
 * its entry, so two binds of one port never decide at once; binds of
 * different ports take different locks (barring a shared bucket).
 *
 * A look asks, for every holder the kernel lists, which entry is its.
 * With N sockets bound to one port (each on its own address, say) a walk
 * of the bucket's list for each holder would make one bind cost N * N,
 * under the kernel's table lock with bottom halves off; so a bucket that
 * holds more than a few entries indexes them by socket too, in a hash it
 * grows as they come, and a look costs N.
 */
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/workqueue.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "internal.h"
#include "sharing.h"

#define WSPBIND_REGISTRY_BITS	10
#define WSPBIND_SWEEP_INTERVAL	HZ
/* A bucket's index by socket: made at 16 entries, at most 64Ki chains. */
#define WSPBIND_BY_SK_MIN_BITS	4
#define WSPBIND_BY_SK_MAX_BITS	16

struct wspbind_entry {
	struct hlist_node node;
	struct hlist_node sock_node;	/* in the bucket's by_sk, if it has one */
	possible_net_t net;
	const struct sock *sk;		/* compared, never dereferenced */
	unsigned long ino;		/* the socket's inode, to tell a reused sk */
	struct wspbind_addr addr;	/* as bound: for an exclusive entry */
	u16 port;
	u8 protocol;
	u8 opt;				/* enum wspbind_opt */
	/* What one look at the port found, under the bucket's lock. */
	bool live;			/* its socket still holds the port */
	u32 sweep;			/* the last sweep that looked */
};

struct wspbind_bucket {
	struct mutex lock;		/* one decision at a time; guards the rest */
	struct hlist_head head;		/* every entry */
	struct hlist_head *by_sk;	/* NULL, or 1 << by_sk_bits chains */
	unsigned int by_sk_bits;
	unsigned int count;		/* entries */
};

struct wspbind_registry_net {
	atomic_t entries;
};

static struct wspbind_bucket wspbind_registry[1 << WSPBIND_REGISTRY_BITS];
static atomic_t wspbind_registry_entries = ATOMIC_INIT(0);
static unsigned int wspbind_registry_id __read_mostly;
static struct delayed_work wspbind_sweep_work;
static struct kmem_cache *wspbind_entry_cache;
static u32 wspbind_sweep_gen;

static struct wspbind_bucket *wspbind_bucket(const struct net *net,
					     u8 protocol, u16 port)
{
	u32 key = jhash_3words(port, protocol, net_hash_mix(net), 0);

	return &wspbind_registry[hash_32(key, WSPBIND_REGISTRY_BITS)];
}

static bool wspbind_entry_of_port(const struct wspbind_entry *e,
				  const struct wspbind_port *p)
{
	return e->port == p->port && e->protocol == p->protocol &&
	       net_eq(read_pnet(&e->net), p->net);
}

/**
 * wspbind_port_lock() - take a port for one decision
 * @p: filled in; pass to the other wspbind_port_*() calls
 * @net: the namespace
 * @protocol: IPPROTO_TCP or IPPROTO_UDP
 * @port: the port, in host byte order
 *
 * May sleep; a fatal signal ends the wait. Nothing that holds a bucket's
 * lock waits for a socket's lock (a bind takes its own socket's lock
 * first), so the wait is as long as one decision.
 *
 * Return: 0, or -EINTR (the port is not taken).
 */
int wspbind_port_lock(struct wspbind_port *p, struct net *net, u8 protocol,
		      u16 port)
{
	p->net = net;
	p->protocol = protocol;
	p->port = port;
	p->bucket = wspbind_bucket(net, protocol, port);
	return mutex_lock_killable(&p->bucket->lock);
}

/**
 * wspbind_port_unlock() - release a port taken by wspbind_port_lock()
 * @p: the port
 */
void wspbind_port_unlock(struct wspbind_port *p)
{
	mutex_unlock(&p->bucket->lock);
}

/*
 * A full socket's inode number; 0 for a TIME_WAIT connection or a socket
 * its file has let go of. The inode is freed after an RCU grace period,
 * and the caller holds the table's lock with bottom halves off.
 */
static unsigned long wspbind_sock_ino(const struct sock *sk)
{
	struct socket *sock;

	if (sk->sk_state == TCP_TIME_WAIT)
		return 0;
	sock = READ_ONCE(sk->sk_socket);
	return sock ? SOCK_INODE(sock)->i_ino : 0;
}

/* Is @e the entry of @sk, a holder of @p? @ino: its inode, once read. */
static bool wspbind_entry_is(const struct wspbind_entry *e,
			     const struct wspbind_port *p,
			     const struct sock *sk, unsigned long *ino)
{
	if (e->sk != sk || !wspbind_entry_of_port(e, p))
		return false;
	if (!*ino)
		*ino = wspbind_sock_ino(sk);
	return *ino && e->ino == *ino;
}

static struct wspbind_entry *wspbind_entry_find(const struct wspbind_port *p,
						const struct sock *sk)
{
	struct wspbind_bucket *b = p->bucket;
	struct wspbind_entry *e;
	unsigned long ino = 0;

	if (b->by_sk) {
		hlist_for_each_entry(e, &b->by_sk[hash_ptr(sk, b->by_sk_bits)],
				     sock_node) {
			if (wspbind_entry_is(e, p, sk, &ino))
				return e;
		}
		return NULL;
	}
	hlist_for_each_entry(e, &b->head, node) {
		if (wspbind_entry_is(e, p, sk, &ino))
			return e;
	}
	return NULL;
}

/*
 * Index a bucket's entries by socket in 1 << @bits chains. Without the
 * memory the bucket keeps the index it has (its chains grow longer), or
 * none: a look is then slower, never wrong.
 */
static void wspbind_bucket_index(struct wspbind_bucket *b, unsigned int bits)
{
	struct hlist_head *by_sk;
	struct wspbind_entry *e;

	by_sk = kvcalloc(1U << bits, sizeof(*by_sk),
			 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!by_sk)
		return;
	hlist_for_each_entry(e, &b->head, node)
		hlist_add_head(&e->sock_node, &by_sk[hash_ptr(e->sk, bits)]);
	kvfree(b->by_sk);
	b->by_sk = by_sk;
	b->by_sk_bits = bits;
}

/* File @e in its bucket, and grow the index to keep its chains short. */
static void wspbind_bucket_add(struct wspbind_bucket *b,
			       struct wspbind_entry *e)
{
	unsigned int bits = b->by_sk ? b->by_sk_bits : WSPBIND_BY_SK_MIN_BITS;

	hlist_add_head(&e->node, &b->head);
	if (b->by_sk)
		hlist_add_head(&e->sock_node,
			       &b->by_sk[hash_ptr(e->sk, b->by_sk_bits)]);
	b->count++;
	if (!b->by_sk && b->count >= 1U << bits)
		wspbind_bucket_index(b, bits);
	else if (b->by_sk && b->count > 2U << bits &&
		 bits < WSPBIND_BY_SK_MAX_BITS)
		wspbind_bucket_index(b, bits + 1);
}

/**
 * wspbind_sock_addr() - a bound socket's local address, for the rules
 * @sk: a socket or TIME_WAIT connection (only its common part is read)
 * @addr: filled in
 */
void wspbind_sock_addr(const struct sock *sk, struct wspbind_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	addr->family = sk->sk_family;
	addr->dev = READ_ONCE(sk->sk_bound_dev_if);
	addr->v4 = sk->sk_rcv_saddr;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		addr->v6 = sk->sk_v6_rcv_saddr;
		addr->v6only = sk->sk_ipv6only;
	}
#endif
}

/* One look at a port: what each holder says of the claim. */
struct wspbind_look {
	const struct wspbind_port *p;
	struct wspbind_claim *claim;		/* NULL for a sweep */
	enum wspbind_share share;
	int uid_known;				/* claim's uid read yet */
	kuid_t uid;
};

/* The claim's owner, read once and only when a holder asks. */
static bool wspbind_look_same_user(struct wspbind_look *look,
				   const struct sock *h)
{
	if (!look->uid_known) {
		look->uid = wspbind_sock_uid(look->claim->sk);
		look->uid_known = 1;
	}
	return uid_eq(wspbind_sock_uid(h), look->uid);
}

/*
 * A live SO_REUSEADDR TCP socket of the same user on the claim's very
 * address: bind.c gives it the program that picks the first listener,
 * unless a twin has one already (its group is the one the others join).
 */
static void wspbind_look_twin(struct wspbind_look *look, struct sock *h,
			      const struct wspbind_party *holder,
			      enum wspbind_overlap how)
{
	struct wspbind_claim *claim = look->claim;

	if (look->p->protocol != IPPROTO_TCP ||
	    claim->party.opt != WSPBIND_OPT_REUSEADDR ||
	    holder->opt != WSPBIND_OPT_REUSEADDR || how != WSPBIND_SAME)
		return;
	if (wspbind_group_has_prog(h)) {
		claim->twins_have_prog = true;
		return;
	}
	if (claim->nr_twins == WSPBIND_MAX_TWINS)
		return;
	sock_hold(h);
	claim->twins[claim->nr_twins++] = h;
}

/* Linux's options and state on a holder, as its own check reads them. */
static void wspbind_holder_reuse(const struct sock *h,
				 struct wspbind_linux_reuse *theirs)
{
	theirs->reuse = h->sk_reuse;
	theirs->reuseport = h->sk_reuseport;
	theirs->timewait = h->sk_state == TCP_TIME_WAIT;
	theirs->listening = h->sk_state == TCP_LISTEN;
}

/*
 * One holder of the port: a device socket is described by its entry (the
 * address it was bound to, its option), any other by what it holds now;
 * sharing.c's wspbind_share_holder() judges it. A first look learns there
 * whether the claim must skip Linux's check; the look that decides finds
 * the twins.
 */
static void wspbind_look_holder(const struct sock *h, void *arg)
{
	struct wspbind_look *look = arg;
	struct wspbind_claim *claim = look->claim;
	struct wspbind_party holder = { };
	enum wspbind_overlap how;
	enum wspbind_share share;
	struct wspbind_entry *e;
	bool same_user;

	if (claim && h == claim->sk)
		return;

	e = wspbind_entry_find(look->p, h);
	if (e)
		e->live = true;
	if (!claim)
		return;

	if (e) {
		holder.addr = e->addr;
		holder.opt = e->opt;
		holder.device = true;
	} else {
		wspbind_sock_addr(h, &holder.addr);
	}
	how = wspbind_addr_overlap(&holder.addr, &claim->party.addr);
	if (how == WSPBIND_DISJOINT)
		return;
	wspbind_holder_reuse(h, &holder.linux_reuse);
	/* A TIME_WAIT connection has no owner to read. */
	same_user = !holder.linux_reuse.timewait &&
		    wspbind_look_same_user(look, h);
	share = wspbind_share_holder(look->p->protocol == IPPROTO_TCP,
				     &claim->party, &holder, same_user,
				     claim->first_look ? &claim->force : NULL);
	look->share = wspbind_share_worse(look->share, share);
	if (e && share == WSPBIND_SHARE_OK && same_user && !claim->first_look)
		wspbind_look_twin(look, (struct sock *)h, &holder, how);
}

static void wspbind_entry_free(struct wspbind_bucket *b,
			       struct wspbind_entry *e)
{
	struct wspbind_registry_net *rn;

	rn = net_generic(read_pnet(&e->net), wspbind_registry_id);
	hlist_del(&e->node);
	if (b->by_sk)
		hlist_del(&e->sock_node);
	if (!--b->count) {
		kvfree(b->by_sk);
		b->by_sk = NULL;
	}
	atomic_dec(&rn->entries);
	atomic_dec(&wspbind_registry_entries);
	kmem_cache_free(wspbind_entry_cache, e);
}

/*
 * Read the port's holders, then free the entries whose socket is gone.
 * Returns what the claim may do.
 */
static enum wspbind_share wspbind_port_look(const struct wspbind_port *p,
					    struct wspbind_claim *claim,
					    u32 sweep)
{
	struct wspbind_look look = {
		.p = p,
		.claim = claim,
		.share = WSPBIND_SHARE_OK,
	};
	struct wspbind_entry *e;
	struct hlist_node *tmp;

	wspbind_visit_holders(p->net, p->protocol, p->port,
			      wspbind_look_holder, &look);

	hlist_for_each_entry_safe(e, tmp, &p->bucket->head, node) {
		if (!wspbind_entry_of_port(e, p))
			continue;
		e->sweep = sweep;
		if (!e->live)
			wspbind_entry_free(p->bucket, e);
		else
			e->live = false;
	}
	return look.share;
}

/**
 * wspbind_port_decide() - may a socket bind a port that others may hold?
 * @p: the port, locked
 * @claim: the socket, the option it is bound with and the address it asks
 *	for
 *
 * Every holder of the port in its namespace has its say: a socket bound
 * through the device by Microsoft's table (sharing.c), any other by
 * Linux's own rule on the options it carries. The claim learns whether
 * its bind must skip Linux's check (&wspbind_claim.force).
 *
 * A first look (&wspbind_claim.first_look) also learns whether the bind
 * must skip Linux's check; the look after the bind, with the claim's
 * socket bound and locked, is the one that decides, and a TCP
 * SO_REUSEADDR claim learns its twins there (see &struct wspbind_claim),
 * which the caller must sock_put().
 *
 * Return: %WSPBIND_SHARE_OK, %WSPBIND_SHARE_INUSE or %WSPBIND_SHARE_DENIED.
 */
enum wspbind_share wspbind_port_decide(struct wspbind_port *p,
				       struct wspbind_claim *claim)
{
	return wspbind_port_look(p, claim, READ_ONCE(wspbind_sweep_gen));
}

/**
 * wspbind_entry_new() - an entry for a socket about to be bound
 *
 * Allocated before the bind, so that a bind never has to be undone for
 * want of memory.
 *
 * Return: the entry, or NULL.
 */
struct wspbind_entry *wspbind_entry_new(void)
{
	return kmem_cache_zalloc(wspbind_entry_cache, GFP_KERNEL);
}

/**
 * wspbind_entry_drop() - free an entry wspbind_port_register() did not take
 * @e: the entry, or NULL
 */
void wspbind_entry_drop(struct wspbind_entry *e)
{
	if (e)
		kmem_cache_free(wspbind_entry_cache, e);
}

/**
 * wspbind_port_register() - file a socket just bound to a locked port
 * @p: the port, locked, the one the socket is now bound to
 * @e: an entry from wspbind_entry_new(); the registry owns it from here
 * @sock: the socket
 * @opt: the Winsock option it was bound with
 */
void wspbind_port_register(struct wspbind_port *p, struct wspbind_entry *e,
			   struct socket *sock, enum wspbind_opt opt)
{
	struct wspbind_registry_net *rn = net_generic(p->net,
						      wspbind_registry_id);

	write_pnet(&e->net, p->net);
	e->sk = sock->sk;
	e->ino = SOCK_INODE(sock)->i_ino;
	wspbind_sock_addr(sock->sk, &e->addr);
	e->port = p->port;
	e->protocol = p->protocol;
	e->opt = opt;
	e->sweep = READ_ONCE(wspbind_sweep_gen);
	wspbind_bucket_add(p->bucket, e);
	atomic_inc(&rn->entries);
	if (atomic_inc_return(&wspbind_registry_entries) == 1)
		mod_delayed_work(system_wq, &wspbind_sweep_work,
				 WSPBIND_SWEEP_INTERVAL);
}

/**
 * wspbind_registry_count() - entries filed for a namespace
 * @net: the namespace
 *
 * Return: how many; for /proc/net/wspbind.
 */
int wspbind_registry_count(struct net *net)
{
	struct wspbind_registry_net *rn = net_generic(net,
						      wspbind_registry_id);

	return atomic_read(&rn->entries);
}

/* Look at every port with an entry: entries of closed sockets go. */
static void wspbind_sweep(struct work_struct *work)
{
	struct wspbind_bucket *b;
	struct wspbind_entry *e;
	struct wspbind_port p;
	unsigned int i;
	u32 gen;

	gen = READ_ONCE(wspbind_sweep_gen) + 1;
	WRITE_ONCE(wspbind_sweep_gen, gen);
	for (i = 0; i < ARRAY_SIZE(wspbind_registry); i++) {
		b = &wspbind_registry[i];
		/* A bucket busy with a bind is looked at next time. */
		if (hlist_empty(&b->head) || !mutex_trylock(&b->lock))
			continue;
again:
		hlist_for_each_entry(e, &b->head, node) {
			if (e->sweep == gen)
				continue;
			p.bucket = b;
			p.net = read_pnet(&e->net);
			p.protocol = e->protocol;
			p.port = e->port;
			/* Sets e->sweep, and may free entries: walk again. */
			wspbind_port_look(&p, NULL, gen);
			goto again;
		}
		mutex_unlock(&b->lock);
		cond_resched();
	}
	if (atomic_read(&wspbind_registry_entries))
		mod_delayed_work(system_wq, &wspbind_sweep_work,
				 WSPBIND_SWEEP_INTERVAL);
}

/* Free every entry of a namespace (NULL: of all). */
static void wspbind_registry_purge(const struct net *net)
{
	struct wspbind_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wspbind_registry); i++) {
		struct wspbind_bucket *b = &wspbind_registry[i];

		if (hlist_empty(&b->head))
			continue;
		mutex_lock(&b->lock);
		hlist_for_each_entry_safe(e, tmp, &b->head, node) {
			if (!net || net_eq(read_pnet(&e->net), net))
				wspbind_entry_free(b, e);
		}
		mutex_unlock(&b->lock);
	}
}

static void __net_exit wspbind_registry_net_exit(struct net *net)
{
	wspbind_registry_purge(net);
}

static struct pernet_operations wspbind_registry_ops = {
	.exit = wspbind_registry_net_exit,
	.id = &wspbind_registry_id,
	.size = sizeof(struct wspbind_registry_net),
};

/**
 * wspbind_registry_init() - set the registry up
 *
 * Return: 0 or a negative errno.
 */
int wspbind_registry_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(wspbind_registry); i++) {
		mutex_init(&wspbind_registry[i].lock);
		INIT_HLIST_HEAD(&wspbind_registry[i].head);
	}
	INIT_DELAYED_WORK(&wspbind_sweep_work, wspbind_sweep);
	wspbind_entry_cache = KMEM_CACHE(wspbind_entry, SLAB_ACCOUNT);
	if (!wspbind_entry_cache)
		return -ENOMEM;
	ret = register_pernet_subsys(&wspbind_registry_ops);
	if (ret)
		kmem_cache_destroy(wspbind_entry_cache);
	return ret;
}

/**
 * wspbind_registry_exit() - free every entry, and the registry
 *
 * The device is gone by now, so no bind adds an entry.
 */
void wspbind_registry_exit(void)
{
	cancel_delayed_work_sync(&wspbind_sweep_work);
	wspbind_registry_purge(NULL);
	unregister_pernet_subsys(&wspbind_registry_ops);
	kmem_cache_destroy(wspbind_entry_cache);
}
