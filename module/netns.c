// SPDX-License-Identifier: GPL-2.0
/*
 * The port range that port 0 draws from, one per network namespace, so
 * that containers can give their Winsock programs ranges of their own:
 * sysctl net.wspbind.ephemeral_port_range, "1024 5000" by default.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "compat.h"
#include "rules.h"
#include "internal.h"

struct wspbind_net {
	u32 range;	/* wspbind_range_pack(); read and written whole */
	struct ctl_table_header *sysctl;
};

static unsigned int wspbind_net_id __read_mostly;

/**
 * wspbind_net_range() - the port range of a network namespace
 * @net: the namespace
 * @low: where the first port goes
 * @high: where the last port goes
 */
void wspbind_net_range(const struct net *net, u16 *low, u16 *high)
{
	const struct wspbind_net *wn = net_generic(net, wspbind_net_id);
	u32 range = READ_ONCE(wn->range);

	*low = wspbind_range_low(range);
	*high = wspbind_range_high(range);
}

/*
 * Reads print "low\thigh" as ip_local_port_range does. A write must give
 * both numbers and a valid range, or it fails with EINVAL and changes
 * nothing.
 */
static int wspbind_range_handler(wspbind_ctl_table *table, int write,
				 void *buffer, size_t *lenp, loff_t *ppos)
{
	struct wspbind_net *wn = table->data;
	u32 range = READ_ONCE(wn->range);
	int ports[2] = { -1, -1 };
	struct ctl_table tmp = {
		.data = ports,
		.maxlen = sizeof(ports),
		.mode = table->mode,
	};
	int ret;

	if (!write) {
		ports[0] = wspbind_range_low(range);
		ports[1] = wspbind_range_high(range);
	}
	ret = proc_dointvec(&tmp, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	if (!wspbind_range_valid(ports[0], ports[1]))
		return -EINVAL;
	WRITE_ONCE(wn->range, wspbind_range_pack(ports[0], ports[1]));
	return 0;
}

static const struct ctl_table wspbind_sysctl_template[] = {
	{
		.procname	= "ephemeral_port_range",
		.maxlen		= 2 * sizeof(int),
		.mode		= 0644,
		.proc_handler	= wspbind_range_handler,
	},
	{ }
};

static int __net_init wspbind_net_init(struct net *net)
{
	struct wspbind_net *wn = net_generic(net, wspbind_net_id);
	struct ctl_table *table;

	wn->range = wspbind_range_pack(WSPBIND_RANGE_DEFAULT_LOW,
				       WSPBIND_RANGE_DEFAULT_HIGH);

	table = kmemdup(wspbind_sysctl_template,
			sizeof(wspbind_sysctl_template), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	table[0].data = wn;

	/* The empty entry that ends the template is not counted. */
	wn->sysctl = wspbind_register_net_sysctl(net, "net/wspbind", table, 1);
	if (!wn->sysctl) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit wspbind_net_exit(struct net *net)
{
	struct wspbind_net *wn = net_generic(net, wspbind_net_id);
	const struct ctl_table *table = wn->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(wn->sysctl);
	kfree(table);
}

static struct pernet_operations wspbind_net_ops = {
	.init = wspbind_net_init,
	.exit = wspbind_net_exit,
	.id = &wspbind_net_id,
	.size = sizeof(struct wspbind_net),
};

/**
 * wspbind_netns_init() - give every network namespace its range
 *
 * Return: 0 or a negative errno.
 */
int wspbind_netns_init(void)
{
	return register_pernet_subsys(&wspbind_net_ops);
}

/**
 * wspbind_netns_exit() - undo wspbind_netns_init()
 */
void wspbind_netns_exit(void)
{
	unregister_pernet_subsys(&wspbind_net_ops);
}
