// SPDX-License-Identifier: GPL-2.0
/*
 * Winsock answers WSAEINPROGRESS, rather than waiting, when a bind is
 * already under way on the socket. Each call registers an entry that lives
 * on its own stack for the length of the call, so this costs no allocation.
 */
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include "internal.h"

#define WSPBIND_INFLIGHT_BITS	6

/*
 * One lock per bucket, so that binds of different sockets rarely meet on
 * a lock: a bind takes its socket's bucket's lock twice, briefly.
 */
static struct wspbind_inflight_bucket {
	spinlock_t lock;		/* guards head */
	struct hlist_head head;
} wspbind_inflight[1 << WSPBIND_INFLIGHT_BITS] = {
	[0 ... (1 << WSPBIND_INFLIGHT_BITS) - 1] = {
		.lock = __SPIN_LOCK_UNLOCKED(wspbind_inflight.lock),
	},
};

static struct wspbind_inflight_bucket *
wspbind_inflight_bucket(const struct socket *sock)
{
	return &wspbind_inflight[hash_ptr(sock, WSPBIND_INFLIGHT_BITS)];
}

/**
 * wspbind_inflight_begin() - claim a socket for one WSPBind
 * @entry: caller's entry, valid until wspbind_inflight_end()
 * @sock: the socket
 *
 * Return: true when the socket was claimed, false when another call holds
 * it.
 */
bool wspbind_inflight_begin(struct wspbind_inflight *entry,
			    const struct socket *sock)
{
	struct wspbind_inflight_bucket *b = wspbind_inflight_bucket(sock);
	struct wspbind_inflight *other;
	bool claimed = true;

	spin_lock(&b->lock);
	hlist_for_each_entry(other, &b->head, node) {
		if (other->sock == sock) {
			claimed = false;
			break;
		}
	}
	if (claimed) {
		entry->sock = sock;
		hlist_add_head(&entry->node, &b->head);
	}
	spin_unlock(&b->lock);
	return claimed;
}

/**
 * wspbind_inflight_end() - release a socket claimed by
 *	wspbind_inflight_begin()
 * @entry: the entry that claimed it
 */
void wspbind_inflight_end(struct wspbind_inflight *entry)
{
	struct wspbind_inflight_bucket *b = wspbind_inflight_bucket(entry->sock);

	spin_lock(&b->lock);
	hlist_del(&entry->node);
	spin_unlock(&b->lock);
}
