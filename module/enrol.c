// SPDX-License-Identifier: GPL-2.0
/*
 * Enrolment: a socket given the module's own protocol ops, so that the
 * program binds it with plain bind(2) and the module decides inside the
 * kernel's own port claim.
 *
 * bind(2), listen(2) of an unbound TCP socket, and UDP's autobind (sendto()
 * or connect() of an unbound socket) all ask the protocol for a port
 * through sk->sk_prot->get_port, with the socket locked. An enrolled socket
 * has an sk_prot that is a copy of its protocol's (tcp_prot, udp_prot and
 * their IPv6 twins), one copy per Winsock option, whose get_port makes
 * the claim by Windows's rules (wspbind_claim() in bind.c): the same
 * decision, the same registry and the same port search as a WSPBind,
 * made in the caller's syscall. So the LSM socket_bind hook, seccomp,
 * audit, cgroup bind programs, CAP_NET_BIND_SERVICE and Landlock all see
 * the bind as they see any other, and the port the module decides is the
 * one the kernel claims, after a cgroup program rewrote it.
 *
 * kTLS and sockmap give a socket their own proto the same way; like them
 * the module takes only a socket that still has its protocol's own
 * (sk_prot and sk_prot_creator both the base), and its copies have no
 * psock_update_sk_prot, which makes sockmap refuse an enrolled socket.
 *
 * The copy lives for one claim. Its get_port gives the socket back its
 * base ops once it has a port, and so does a connect(), before the
 * protocol's own pre_connect (where a cgroup connect program may call
 * bpf_bind(), which may not sleep, as the claim does) or connect (a TCP
 * connect() takes its port without get_port): a bound or connected socket
 * never carries the module's ops, its listen(2) is checked by Linux's
 * rule on the options the claim left, and kTLS never copies them.
 *
 * The copies live in the module, and a socket may be freed long after
 * its claim. Enrolment makes the copy the socket's sk_prot_creator too and
 * takes a module reference for it: sk_prot_free(), core code, drops that
 * reference when the socket is freed, and a TIME_WAIT connection, made
 * from sk_prot_creator, holds one of its own (inet_twsk_alloc()). So the
 * module cannot be unloaded while any socket that may reach a copy lives.
 * An accepted connection is cloned from its listener's sk_prot, by then
 * the base's, and holds no reference.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/udp.h>
#include <linux/wspbind.h>

#include "compat.h"
#include "errors.h"
#include "internal.h"
#include "rules.h"

enum {
	WSPBIND_BASE_TCP,
	WSPBIND_BASE_UDP,
	WSPBIND_BASE_TCP6,
	WSPBIND_BASE_UDP6,
	WSPBIND_BASES
};

#define WSPBIND_OPTS	(WSPBIND_OPT_EXCLUSIVE + 1)

/* A protocol's ops with the claim in get_port, for one Winsock option. */
struct wspbind_proto {
	struct proto prot;
	struct proto *base;
	enum wspbind_opt opt;
};

static struct wspbind_proto wspbind_protos[WSPBIND_BASES][WSPBIND_OPTS];

/* One of the module's copies, or NULL. */
static struct wspbind_proto *wspbind_proto_find(const struct proto *prot)
{
	const void *p = prot, *first = wspbind_protos;

	if (p < first || p >= first + sizeof(wspbind_protos))
		return NULL;
	return container_of((struct proto *)prot, struct wspbind_proto, prot);
}

/*
 * The socket's copy, from sk_prot_creator, which enrolment set and only
 * the socket's allocation changes: sk_prot itself may be a layer's copy of
 * the module's (a ULP that wrapped it).
 */
static struct wspbind_proto *wspbind_sk_proto(const struct sock *sk)
{
	return wspbind_proto_find(sk->sk_prot_creator);
}

bool wspbind_sk_enrolled(const struct sock *sk)
{
	return wspbind_proto_find(READ_ONCE(sk->sk_prot));
}

/* The socket's own ops again; its lock is held. */
static void wspbind_enrol_leave(struct sock *sk, struct wspbind_proto *wp)
{
	if (sk->sk_prot == &wp->prot)
		WRITE_ONCE(sk->sk_prot, wp->base);
}

/*
 * get_port: bind(2) (__inet_bind(), __inet6_bind()), listen(2)
 * (inet_csk_listen_start()) and UDP's autobind (inet_autobind()) call it
 * with the socket locked and its address set. The claim answers in
 * errno, as bind(2) passes on: -EACCES where the sharing rules deny the
 * socket, -ENOBUFS where the range is full.
 */
static int wspbind_enrolled_get_port(struct sock *sk, unsigned short snum)
{
	struct wspbind_proto *wp = wspbind_sk_proto(sk);
	struct wspbind_event ev = {
		.family = sk->sk_family,
		.type = sk->sk_type,
		.req_port = snum,
	};
	struct wspbind_binder b = {
		.sock = sk->sk_socket,
		.sk = sk,
	};
	struct wspbind_entry *entry;
	int err;

	if (WARN_ON_ONCE(!wp || !b.sock))
		return -EINVAL;
	b.base = wp->base;
	entry = wspbind_entry_new();
	if (!entry) {
		err = -ENOBUFS;
		goto out;
	}
	err = wspbind_claim(&b, snum, entry, wp->opt, &ev);
	if (err)
		wspbind_entry_drop(entry);
	else
		wspbind_enrol_leave(sk, wp);
out:
	wspbind_report(sock_net(sk), &ev, wspbind_wsa_from_errno(err),
		       inet_sk(sk)->inet_num);
	return err;
}

/* TCP: inet_stream_connect() calls both with the socket locked. */
static int wspbind_enrolled_tcp_pre_connect(struct sock *sk,
					    struct wspbind_sockaddr *uaddr,
					    int addr_len)
{
	struct wspbind_proto *wp = wspbind_sk_proto(sk);

	wspbind_enrol_leave(sk, wp);
	return wp->base->pre_connect(sk, uaddr, addr_len);
}

static int wspbind_enrolled_tcp_connect(struct sock *sk,
					struct wspbind_sockaddr *uaddr,
					int addr_len)
{
	struct wspbind_proto *wp = wspbind_sk_proto(sk);

	wspbind_enrol_leave(sk, wp);
	return wp->base->connect(sk, uaddr, addr_len);
}

/*
 * UDP: inet_dgram_connect() calls pre_connect unlocked, then autobinds
 * (get_port, which leaves), then connect: only pre_connect needs its own.
 */
static int wspbind_enrolled_udp_pre_connect(struct sock *sk,
					    struct wspbind_sockaddr *uaddr,
					    int addr_len)
{
	struct wspbind_proto *wp = wspbind_sk_proto(sk);

	lock_sock(sk);
	wspbind_enrol_leave(sk, wp);
	release_sock(sk);
	return wp->base->pre_connect(sk, uaddr, addr_len);
}

static void wspbind_protos_build(int i, struct proto *base)
{
	bool tcp = i == WSPBIND_BASE_TCP || i == WSPBIND_BASE_TCP6;
	int opt;

	for (opt = 0; opt < WSPBIND_OPTS; opt++) {
		struct wspbind_proto *wp = &wspbind_protos[i][opt];

		wp->prot = *base;
		wp->prot.owner = THIS_MODULE;
		wp->prot.get_port = wspbind_enrolled_get_port;
		if (base->pre_connect)
			wp->prot.pre_connect = tcp ?
				wspbind_enrolled_tcp_pre_connect :
				wspbind_enrolled_udp_pre_connect;
		if (tcp)
			wp->prot.connect = wspbind_enrolled_tcp_connect;
#ifdef CONFIG_BPF_SYSCALL
		wp->prot.psock_update_sk_prot = NULL;
#endif
		wp->base = base;
		wp->opt = opt;
	}
}

#if IS_ENABLED(CONFIG_IPV6)
/* tcpv6_prot and udpv6_prot are not exported: a kernel socket has them. */
static int wspbind_protos_build6(int i, int type, int protocol)
{
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, AF_INET6, type, protocol, &sock);
	if (err)
		return err == -EAFNOSUPPORT ? 0 : err;
	wspbind_protos_build(i, sock->sk->sk_prot);
	sock_release(sock);
	return 0;
}
#endif

/**
 * wspbind_enrol_init() - build the module's protocol ops
 *
 * Return: 0, or the error of the kernel socket that shows IPv6's ops. With
 * IPv6 disabled at boot only IPv4 sockets can be enrolled.
 */
int wspbind_enrol_init(void)
{
	int err = 0;

	wspbind_protos_build(WSPBIND_BASE_TCP, &tcp_prot);
	wspbind_protos_build(WSPBIND_BASE_UDP, &udp_prot);
#if IS_ENABLED(CONFIG_IPV6)
	err = wspbind_protos_build6(WSPBIND_BASE_TCP6, SOCK_STREAM,
				    IPPROTO_TCP);
	if (!err)
		err = wspbind_protos_build6(WSPBIND_BASE_UDP6, SOCK_DGRAM,
					    IPPROTO_UDP);
#endif
	return err;
}

/* The copy for a base and an option; NULL for a base the module lacks. */
static struct wspbind_proto *wspbind_proto_for(const struct proto *base,
					       enum wspbind_opt opt)
{
	int i;

	for (i = 0; i < WSPBIND_BASES; i++) {
		if (wspbind_protos[i][0].base == base)
			return &wspbind_protos[i][opt];
	}
	return NULL;
}

/*
 * Give @sk the copy for @opt, or, if it has one already and no port yet,
 * change it. A socket whose ops are not its protocol's own (or the
 * module's) is refused: another layer has them.
 */
static int wspbind_enrol_sock(struct sock *sk, enum wspbind_opt opt)
{
	struct wspbind_proto *cur, *creator, *wp;
	struct proto *base;
	int err = 0;

	lock_sock(sk);
	cur = wspbind_proto_find(sk->sk_prot);
	creator = wspbind_sk_proto(sk);
	base = cur ? cur->base : sk->sk_prot;
	wp = wspbind_proto_for(base, opt);
	if (!wp || (!creator && sk->sk_prot_creator != base))
		err = -EOPNOTSUPP;
	else if (inet_sk(sk)->inet_num || sk->sk_state != TCP_CLOSE)
		err = -EINVAL;
	if (err)
		goto out;
	/* One reference a socket, for its life: sk_prot_free() drops it. */
	if (!creator)
		__module_get(THIS_MODULE);
	sk->sk_prot_creator = &wp->prot;
	WRITE_ONCE(sk->sk_prot, &wp->prot);
out:
	release_sock(sk);
	return err;
}

/**
 * wspbind_do_enrol() - perform one ioctl(WSPBIND_IOC_ENROL)
 * @req: the request, already checked for size and flags
 *
 * Return: 0 on success, otherwise a WSPBIND_WSAE* code.
 */
u32 wspbind_do_enrol(const struct wspbind_enrol *req)
{
	struct wspbind_inflight inflight;
	enum wspbind_opt opt;
	struct socket *sock;
	struct sock *sk;
	int err;

	sock = sockfd_lookup(req->sockfd, &err);
	if (!sock)
		return wspbind_wsa_from_errno(err);
	sk = sock->sk;
	err = wspbind_check_kind(sk->sk_family, sock->type, sk->sk_protocol);
	if (err)
		goto out_put;
	/* Not while the ioctl binds it, which checks for an enrolment. */
	if (!wspbind_inflight_begin(&inflight, sock)) {
		err = -EINPROGRESS;
		goto out_put;
	}
	err = wspbind_flags_opt(req->flags, &opt);
	if (!err)
		err = wspbind_enrol_sock(sk, opt);
	wspbind_inflight_end(&inflight);
out_put:
	sockfd_put(sock);
	return wspbind_wsa_from_errno(err);
}
