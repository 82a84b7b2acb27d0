// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace counters of WSPBind calls, in /proc/net/wspbind:
 * how many binds were asked for, how many succeeded, how many ended in
 * each Winsock error, and how many port-0 searches ran and how many ports
 * they tried; last, how many sockets bound through the device the
 * sharing registry holds an entry for (registry.c). The counters are
 * per-cpu, so a bind never takes a lock or bounces a cache line to
 * count; a read adds up the CPUs.
 *
 * The file is 0400 and, like every file in /proc/net, owned by the root
 * of the user namespace that owns the network namespace: only that root
 * (or a holder of CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH over it) reads
 * it.
 */
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/wspbind.h>

#include "errors.h"
#include "internal.h"

enum wspbind_counter {
	WSPBIND_CNT_BINDS,
	WSPBIND_CNT_SUCCESSES,
	WSPBIND_CNT_SEARCHES,
	WSPBIND_CNT_PROBES,
	WSPBIND_CNT_WSA,	/* first of one per entry of wspbind_wsa_names */
};

/* The Winsock errors a bind can end in, one counter each. */
static const struct {
	u32 wsa;
	const char *name;
} wspbind_wsa_names[] = { WSPBIND_WSA_NAMES };

#define WSPBIND_NR_COUNTERS	(WSPBIND_CNT_WSA + ARRAY_SIZE(wspbind_wsa_names))

static const char * const wspbind_counter_names[WSPBIND_CNT_WSA] = {
	[WSPBIND_CNT_BINDS]	= "binds",
	[WSPBIND_CNT_SUCCESSES]	= "successes",
	[WSPBIND_CNT_SEARCHES]	= "searches",
	[WSPBIND_CNT_PROBES]	= "probes",
};

struct wspbind_counters {
	unsigned long count[WSPBIND_NR_COUNTERS];
};

struct wspbind_net_counters {
	struct wspbind_counters __percpu *pcpu;
};

static unsigned int wspbind_counters_id __read_mostly;

/**
 * wspbind_count_bind() - count one WSPBind in a namespace's counters
 * @net: the namespace: the socket's, or the caller's when there is none
 * @ev: what the bind did
 */
void wspbind_count_bind(struct net *net, const struct wspbind_event *ev)
{
	struct wspbind_net_counters *wc = net_generic(net, wspbind_counters_id);
	struct wspbind_counters __percpu *pcpu = wc->pcpu;
	unsigned int i;

	this_cpu_inc(pcpu->count[WSPBIND_CNT_BINDS]);
	if (ev->searched) {
		this_cpu_inc(pcpu->count[WSPBIND_CNT_SEARCHES]);
		this_cpu_add(pcpu->count[WSPBIND_CNT_PROBES], ev->probes);
	}
	if (!ev->wsa) {
		this_cpu_inc(pcpu->count[WSPBIND_CNT_SUCCESSES]);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(wspbind_wsa_names); i++) {
		if (wspbind_wsa_names[i].wsa == ev->wsa) {
			this_cpu_inc(pcpu->count[WSPBIND_CNT_WSA + i]);
			return;
		}
	}
}

static unsigned long wspbind_counter_sum(struct wspbind_counters __percpu *pcpu,
					 unsigned int i)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(pcpu, cpu)->count[i]);
	return sum;
}

/* One "name value" line per counter. */
static int wspbind_counters_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct wspbind_net_counters *wc = net_generic(net, wspbind_counters_id);
	unsigned int i;

	for (i = 0; i < WSPBIND_CNT_WSA; i++)
		seq_printf(seq, "%s %lu\n", wspbind_counter_names[i],
			   wspbind_counter_sum(wc->pcpu, i));
	for (i = 0; i < ARRAY_SIZE(wspbind_wsa_names); i++)
		seq_printf(seq, "%s %lu\n", wspbind_wsa_names[i].name,
			   wspbind_counter_sum(wc->pcpu, WSPBIND_CNT_WSA + i));
	/* Not a count of events: the registry's entries right now. */
	seq_printf(seq, "sockets %d\n", wspbind_registry_count(net));
	return 0;
}

static int __net_init wspbind_counters_net_init(struct net *net)
{
	struct wspbind_net_counters *wc = net_generic(net, wspbind_counters_id);

	wc->pcpu = alloc_percpu(struct wspbind_counters);
	if (!wc->pcpu)
		return -ENOMEM;
	if (!proc_create_net_single("wspbind", 0400, net->proc_net,
				    wspbind_counters_show, NULL)) {
		free_percpu(wc->pcpu);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit wspbind_counters_net_exit(struct net *net)
{
	struct wspbind_net_counters *wc = net_generic(net, wspbind_counters_id);

	remove_proc_entry("wspbind", net->proc_net);
	free_percpu(wc->pcpu);
}

static struct pernet_operations wspbind_counters_ops = {
	.init = wspbind_counters_net_init,
	.exit = wspbind_counters_net_exit,
	.id = &wspbind_counters_id,
	.size = sizeof(struct wspbind_net_counters),
};

/**
 * wspbind_counters_init() - give every network namespace its counters
 *
 * Return: 0 or a negative errno.
 */
int wspbind_counters_init(void)
{
	return register_pernet_subsys(&wspbind_counters_ops);
}

/**
 * wspbind_counters_exit() - undo wspbind_counters_init()
 */
void wspbind_counters_exit(void)
{
	unregister_pernet_subsys(&wspbind_counters_ops);
}
