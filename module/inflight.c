// SPDX-License-Identifier: GPL-2.0
/*
 * Winsock answers WSAEINPROGRESS, rather than waiting, when a bind is
 * already under way on the socket. Each call registers an entry that lives
 * on its own stack for the length of the call, so this costs no allocation.
 */
#include <linux/hashtable.h>
#include <linux/spinlock.h>

#include "wspbind.h"

#define WSPBIND_INFLIGHT_BITS	6

static DEFINE_HASHTABLE(wspbind_inflight, WSPBIND_INFLIGHT_BITS);
static DEFINE_SPINLOCK(wspbind_inflight_lock);

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
	struct wspbind_inflight *other;
	bool claimed = true;

	spin_lock(&wspbind_inflight_lock);
	hash_for_each_possible(wspbind_inflight, other, node,
			       (unsigned long)sock) {
		if (other->sock == sock) {
			claimed = false;
			break;
		}
	}
	if (claimed) {
		entry->sock = sock;
		hash_add(wspbind_inflight, &entry->node, (unsigned long)sock);
	}
	spin_unlock(&wspbind_inflight_lock);
	return claimed;
}

/**
 * wspbind_inflight_end() - release a socket claimed by
 *	wspbind_inflight_begin()
 * @entry: the entry that claimed it
 */
void wspbind_inflight_end(struct wspbind_inflight *entry)
{
	spin_lock(&wspbind_inflight_lock);
	hash_del(&entry->node);
	spin_unlock(&wspbind_inflight_lock);
}
