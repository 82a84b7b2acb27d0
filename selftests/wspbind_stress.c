// SPDX-License-Identifier: GPL-2.0
/*
 * wspbind_stress: WSPBind under concurrency, teardown and reloads.
 *
 *	wspbind_stress [--seconds N] [--module FILE] [--seed N]
 *
 * 1. Eight threads bind port 0 and close, in a range of 16 ports, for
 *    --seconds: no port is ever held by two live sockets (SO_REUSEADDR and
 *    SO_REUSEPORT set at random notwithstanding), and WSAENOBUFS never
 *    comes while fewer sockets than ports are held.
 * 2. The range exhausted on purpose: 16 sockets get the 16 ports, the 17th
 *    WSAENOBUFS, and a port freed is the next one given.
 * 3. close() and dup2() of the socket racing the ioctl; afterwards the
 *    namespace holds no socket more than before (no reference leaked).
 * 4. A namespace outliving its processes: its socket, bound from another
 *    namespace, still takes its port from its own namespace's range.
 * 5. Namespaces killed, with all their sockets, while binds are in flight.
 * 6. Eight threads bind one port, TCP and UDP, wildcard or loopback, with
 *    every Winsock option, and listen half the time: no two sockets that
 *    Microsoft's table lets share in neither order are ever live at once,
 *    every listen is accepted but where Documentation/sharing.rst's
 *    Limits say Linux refuses it (an exclusive socket that may be in the
 *    bind hash, an SO_REUSEADDR socket's own listen), and once all are
 *    closed the sharing registry is empty.
 * 7. rmmod while an fd on the device is open: refused with EWOULDBLOCK,
 *    and the device keeps working; once closed, the module unloads.
 * 8. The module loaded and unloaded 100 times while another thread opens
 *    the device, binds through it and reads the sysctl.
 *
 * 7 and 8 need --module, the module file to load again (they leave it
 * loaded, without parameters). Each part runs in network namespaces of its
 * own; needs root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "wspbind_sharing_table.h"
#include "wspbind_util.h"

#define STRESS_LOW	40000
#define STRESS_PORTS	16
#define STRESS_THREADS	8
#define NETNS_ROUNDS	12
#define RELOADS		100

static double seconds = 10;
static const char *module_path;
static uint64_t seed;

/* What a child process reports back, in memory shared with the parent. */
struct shared {
	unsigned long binds, duplicates, bad_nobufs, other, bad_port;
	unsigned long limited_listens;	/* refused where sharing.rst says */
	unsigned long answers[5];
	int sockets_before, sockets_after;
	int owner[2][STRESS_PORTS];	/* [TCP, UDP]: thread + 1, or 0 */
	int status;			/* a setup failure: -errno */
};

static struct shared *shm;

static struct shared *map_shared(void)
{
	struct shared *s;

	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	return s;
}

/*
 * Run @fn in a child process in a namespace of its own, with the device
 * open; it reports through @s. Returns the child's wait status.
 */
static int in_child_netns(void (*fn)(int dev), struct shared *s)
{
	int status, dev, ret;
	pid_t pid;

	memset(s, 0, sizeof(*s));
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (pid == 0) {
		ret = util_enter_netns();
		dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (ret || dev < 0) {
			s->status = ret ? ret : -errno;
			_exit(1);
		}
		fn(dev);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return status;
}

static bool child_ok(int status, const char *what)
{
	if (shm->status) {
		ksft_print_msg("%s: setup failed: %s\n", what,
			       strerror(-shm->status));
		return false;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ksft_print_msg("%s: child ended with status 0x%x\n", what,
			       status);
		return false;
	}
	return true;
}

static int set_range(int low, int high)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d %d", low, high);
	return util_write_file(WSPBIND_RANGE_SYSCTL, buf);
}

/* --- 1. eight threads, sixteen ports ---------------------------------- */

static int stress_dev;
static double stress_end;

static void *port0_thread(void *arg)
{
	int id = (intptr_t)arg, one = 1;
	uint64_t rnd = util_seed(seed, id);

	while (util_now() < stress_end) {
		struct sockaddr_storage ss;
		int udp = util_below(&rnd, 2), kind = util_below(&rnd, 3);
		int family = kind == 2 ? AF_INET6 : AF_INET;
		int fd, len, wsa, expected = 0;
		__u16 port = 0;

		fd = socket(family, (udp ? SOCK_DGRAM : SOCK_STREAM) |
			    SOCK_CLOEXEC, 0);
		if (fd < 0) {
			__atomic_add_fetch(&shm->other, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (util_below(&rnd, 2))
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof(one));
		if (util_below(&rnd, 4) == 0)
			setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
				   sizeof(one));
		/* 127.0.0.1, 0.0.0.0 and dual-stack :: all overlap. */
		len = util_loopback(&ss, family, 0);
		if (kind == 1)
			((struct sockaddr_in *)&ss)->sin_addr.s_addr = 0;
		if (kind == 2)
			((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_any;

		wsa = wsp_bind(stress_dev, fd, 0, &ss, len, &port);
		if (wsa == 0) {
			int slot = port - STRESS_LOW;

			__atomic_add_fetch(&shm->binds, 1, __ATOMIC_RELAXED);
			if (slot < 0 || slot >= STRESS_PORTS ||
			    util_sock_port(fd) != port) {
				__atomic_add_fetch(&shm->bad_port, 1,
						   __ATOMIC_RELAXED);
			} else if (!__atomic_compare_exchange_n(
					&shm->owner[udp][slot], &expected,
					id + 1, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST)) {
				ksft_print_msg("port %d held by threads %d and %d\n",
					       port, expected - 1, id);
				__atomic_add_fetch(&shm->duplicates, 1,
						   __ATOMIC_RELAXED);
			} else {
				usleep(util_below(&rnd, 2000));
				__atomic_store_n(&shm->owner[udp][slot], 0,
						 __ATOMIC_SEQ_CST);
			}
		} else if (wsa == WSPBIND_WSAENOBUFS) {
			/* At most 7 others hold one port each, of 16. */
			__atomic_add_fetch(&shm->bad_nobufs, 1,
					   __ATOMIC_RELAXED);
		} else {
			ksft_print_msg("thread %d: answer %d\n", id, wsa);
			__atomic_add_fetch(&shm->other, 1, __ATOMIC_RELAXED);
		}
		close(fd);
	}
	return NULL;
}

/* STRESS_THREADS threads of @fn, given their number, for --seconds. */
static void run_threads(int dev, void *(*fn)(void *))
{
	pthread_t threads[STRESS_THREADS];
	int i;

	stress_dev = dev;
	stress_end = util_now() + seconds;
	for (i = 0; i < STRESS_THREADS; i++)
		pthread_create(&threads[i], NULL, fn, (void *)(intptr_t)i);
	for (i = 0; i < STRESS_THREADS; i++)
		pthread_join(threads[i], NULL);
}

static void port0_child(int dev)
{
	if (set_range(STRESS_LOW, STRESS_LOW + STRESS_PORTS - 1)) {
		shm->status = -EIO;
		return;
	}
	run_threads(dev, port0_thread);
}

static void test_port0_unique(void)
{
	int status = in_child_netns(port0_child, shm);
	bool ok = child_ok(status, "port 0");

	ksft_print_msg("port 0: %lu binds in %.0fs by %d threads; %lu duplicates, %lu WSAENOBUFS, %lu bad ports, %lu other answers\n",
		       shm->binds, seconds, STRESS_THREADS, shm->duplicates,
		       shm->bad_nobufs, shm->bad_port, shm->other);
	ksft_test_result(ok && !shm->duplicates && shm->binds >= 100,
			 "port 0 in a range of %d ports, %d threads: never one port on two live sockets\n",
			 STRESS_PORTS, STRESS_THREADS);
	ksft_test_result(ok && !shm->bad_nobufs && !shm->bad_port &&
			 !shm->other && shm->binds >= 100,
			 "port 0: every bind succeeds in the range while fewer sockets than ports are held\n");
}

/* --- 2. the range exhausted -------------------------------------------- */

static void exhaust_child(int dev)
{
	int fds[STRESS_PORTS], seen[STRESS_PORTS] = { 0 }, i, fd;
	__u16 port;
	struct sockaddr_storage ss;
	int len = util_loopback(&ss, AF_INET, 0), one = 1;

	if (set_range(STRESS_LOW, STRESS_LOW + STRESS_PORTS - 1)) {
		shm->status = -EIO;
		return;
	}
	for (i = 0; i < STRESS_PORTS; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(fds[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		port = 0;
		if (wsp_bind(dev, fds[i], 0, &ss, len, &port) != 0 ||
		    port < STRESS_LOW || port >= STRESS_LOW + STRESS_PORTS ||
		    seen[port - STRESS_LOW]++)
			shm->bad_port++;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	shm->answers[0] = wsp_bind(dev, fd, 0, &ss, len, &port);
	shm->answers[1] = util_sock_port(fd);
	/* Free one port: it is the only one, so it comes next. */
	shm->answers[2] = util_sock_port(fds[5]);
	close(fds[5]);
	port = 0;
	shm->answers[3] = wsp_bind(dev, fd, 0, &ss, len, &port) ?: port;
}

static void test_port0_exhausted(void)
{
	int status = in_child_netns(exhaust_child, shm);
	bool ok = child_ok(status, "exhaustion");

	ksft_test_result(ok && !shm->bad_port &&
			 shm->answers[0] == WSPBIND_WSAENOBUFS &&
			 shm->answers[1] == 0 &&
			 shm->answers[3] == shm->answers[2],
			 "port 0: the 16 ports go to 16 sockets, the 17th gets WSAENOBUFS and stays unbound, then the freed port (%lu, %lu, %lu = %lu)\n",
			 shm->answers[0], shm->answers[1], shm->answers[3],
			 shm->answers[2]);
}

/* --- 3. close() racing the ioctl --------------------------------------- */

static int race_fd[2] = { -1, -1 };
static int race_pipe;
static volatile int race_stop;

static void *race_binder(void *arg)
{
	int id = (intptr_t)arg, wsa, slot;
	uint64_t rnd = util_seed(seed, 100 + id);
	struct sockaddr_storage ss;

	while (!race_stop) {
		int family = util_below(&rnd, 2) ? AF_INET6 : AF_INET;
		int len = util_loopback(&ss, family, 0);
		int fd = socket(family, (util_below(&rnd, 2) ? SOCK_STREAM :
					 SOCK_DGRAM) | SOCK_CLOEXEC, 0);

		__atomic_store_n(&race_fd[id], fd, __ATOMIC_SEQ_CST);
		wsa = wsp_bind(stress_dev, fd, 0, &ss, len, NULL);
		slot = wsa == 0 ? 0 : wsa == WSPBIND_WSAENOTSOCK ? 1 :
		       wsa == WSPBIND_WSAEINVAL ? 2 :
		       wsa == WSPBIND_WSAEINPROGRESS ? 3 :
		       wsa == WSPBIND_WSAEFAULT ? 4 : -1;
		if (slot < 0) {
			ksft_print_msg("close race: answer %d\n", wsa);
			__atomic_add_fetch(&shm->other, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_add_fetch(&shm->answers[slot], 1,
					   __ATOMIC_RELAXED);
		}
		__atomic_store_n(&race_fd[id], -1, __ATOMIC_SEQ_CST);
		close(fd);
	}
	return NULL;
}

/*
 * Closes the binders' sockets, or puts a pipe in their place, while they
 * bind. A number closed here may be taken by the other binder's next
 * socket, so a bind may also find its socket bound (WSAEINVAL), being
 * bound (WSAEINPROGRESS), or of the other family than its name
 * (WSAEFAULT): all answers the header gives.
 */
static void *race_closer(void *arg)
{
	uint64_t rnd = util_seed(seed, 200);

	while (!race_stop) {
		int fd = __atomic_load_n(&race_fd[util_below(&rnd, 2)],
					 __ATOMIC_SEQ_CST);

		if (fd < 0)
			continue;
		if (util_below(&rnd, 3))
			close(fd);
		else
			dup2(race_pipe, fd);
	}
	return NULL;
}

static void close_race_child(int dev)
{
	pthread_t binders[2], closer;
	int pipefd[2], i;
	double start;

	if (pipe2(pipefd, O_CLOEXEC)) {
		shm->status = -errno;
		return;
	}
	race_pipe = pipefd[0];
	stress_dev = dev;
	/* Our own sockets (the device is not one) start the count. */
	shm->sockets_before = util_sockets_used();
	for (i = 0; i < 2; i++)
		pthread_create(&binders[i], NULL, race_binder,
			       (void *)(intptr_t)i);
	pthread_create(&closer, NULL, race_closer, NULL);
	/* Half the time, or longer until the race has been lost a few times. */
	start = util_now();
	do {
		usleep(100000);
	} while (util_now() - start < seconds / 2 ||
		 (__atomic_load_n(&shm->answers[1], __ATOMIC_RELAXED) < 10 &&
		  util_now() - start < 2 * seconds));
	race_stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(binders[i], NULL);
	pthread_join(closer, NULL);
	shm->sockets_after = util_sockets_settle(shm->sockets_before);
}

static void test_close_race(void)
{
	int status = in_child_netns(close_race_child, shm);
	bool ok = child_ok(status, "close race");
	unsigned long *a = shm->answers;

	ksft_print_msg("close race: %lu bound, %lu WSAENOTSOCK, %lu WSAEINVAL, %lu WSAEINPROGRESS, %lu WSAEFAULT, %lu other answers\n",
		       a[0], a[1], a[2], a[3], a[4], shm->other);
	ksft_test_result(ok && !shm->other && a[0] && a[1],
			 "close() and dup2() racing the ioctl: every answer a documented one, binds and refusals both seen\n");
	ksft_test_result(ok && shm->sockets_before >= 0 &&
			 shm->sockets_after == shm->sockets_before,
			 "close race: no socket outlives its last close (sockets in use: %d before, %d after)\n",
			 shm->sockets_before, shm->sockets_after);
}

/* --- 4. a namespace outliving its processes ----------------------------- */

static int send_fd(int via, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(via, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int via)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(via, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void test_orphan_netns(int dev)
{
	struct sockaddr_storage ss;
	int sv[2], fd, status, wsa = -1, len, ok = 0;
	__u16 port = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		ksft_exit_fail_msg("socketpair: %s\n", strerror(errno));
	pid = fork();
	if (pid == 0) {
		if (util_enter_netns() || set_range(30000, 30009))
			_exit(1);
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
		_exit(fd < 0 || send_fd(sv[1], fd) ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	fd = recv_fd(sv[0]);
	if (WIFEXITED(status) && !WEXITSTATUS(status) && fd >= 0) {
		/* No process is left in its namespace; the socket holds it. */
		len = util_loopback(&ss, AF_INET6, 0);
		wsa = wsp_bind(dev, fd, 0, &ss, len, &port);
		ok = wsa == 0 && port >= 30000 && port <= 30009 &&
		     util_sock_port(fd) == port;
	}
	close(fd);
	close(sv[0]);
	close(sv[1]);
	ksft_test_result(ok,
			 "a socket whose namespace has no process left binds from that namespace's range (answer %d, port %d)\n",
			 wsa, port);
}

/* --- 5. namespaces killed with binds in flight ------------------------- */

static void *netns_binder(void *arg)
{
	int dev = (intptr_t)arg, fds[300], n = 0, i;
	struct sockaddr_storage ss;
	int len = util_loopback(&ss, AF_INET, 0);

	/* Fill the range, so searches get long, then start again. */
	for (;;) {
		fds[n] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (wsp_bind(dev, fds[n], 0, &ss, len, NULL) == 0)
			__atomic_add_fetch(&shm->binds, 1, __ATOMIC_RELAXED);
		if (++n == 300) {
			for (i = 0; i < n; i++)
				close(fds[i]);
			n = 0;
		}
	}
	return NULL;
}

static void test_netns_killed(void)
{
	uint64_t rnd = util_seed(seed, 300);
	int round, killed = 0, progressed = 0, dev, status, wsa, fd;
	__u16 port;
	struct sockaddr_storage ss;

	for (round = 0; round < NETNS_ROUNDS; round++) {
		pid_t pid;

		memset(shm, 0, sizeof(*shm));
		pid = fork();
		if (pid == 0) {
			pthread_t t[3];
			int i;

			dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
			if (util_enter_netns() || dev < 0 ||
			    set_range(20000, 20999))
				_exit(1);
			for (i = 0; i < 3; i++)
				pthread_create(&t[i], NULL, netns_binder,
					       (void *)(intptr_t)dev);
			pause();
			_exit(0);
		}
		usleep(100000 + util_below(&rnd, 400000));
		/* Only once binds are under way (a busy host is slow). */
		for (int i = 0; i < 3000 && !__atomic_load_n(&shm->binds,
							     __ATOMIC_SEQ_CST); i++)
			usleep(10000);
		progressed += shm->binds > 0;
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	}

	/* Namespaces still come and go, and bind. */
	memset(shm, 0, sizeof(*shm));
	status = 1;
	if (fork() == 0) {
		port = 0;
		dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		wsa = -1;
		if (!util_enter_netns() && dev >= 0) {
			fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			wsa = wsp_bind(dev, fd, 0, &ss,
				       util_loopback(&ss, AF_INET, 0),
				       &port);
		}
		_exit(wsa == 0 && port >= 1024 && port <= 5000 ? 0 : 1);
	}
	wait(&status);
	ksft_test_result(killed == NETNS_ROUNDS && progressed == NETNS_ROUNDS &&
			 WIFEXITED(status) && !WEXITSTATUS(status),
			 "%d namespaces killed with binds in flight (%d were binding, %d died of SIGKILL), and a new one binds\n",
			 NETNS_ROUNDS, progressed, killed);
}

/* --- 6. one port, every Winsock option ---------------------------------- */

#define SHARE_PORT	40100

static const __u32 share_flags[3] = {
	0, WSPBIND_BIND_REUSEADDR, WSPBIND_BIND_EXCLUSIVEADDRUSE,
};

struct share_holder {
	bool live;
	int udp, cell;		/* cell: option * 2 + (specific) */
};

static pthread_mutex_t share_lock = PTHREAD_MUTEX_INITIALIZER;
static struct share_holder share_live[STRESS_THREADS];

/*
 * Exclusive sockets that may be in the port's bind hash, per protocol:
 * counted from before their WSPBind (which binds before it decides, and
 * may undo) until after their close(), and how many such binds began.
 * Protected by share_lock.
 */
static int share_excl_busy[2];
static unsigned long share_excl_begun[2];

static void share_excl_count(int udp, int cell, int delta)
{
	if (cell / 2 != 2)
		return;
	pthread_mutex_lock(&share_lock);
	share_excl_busy[udp] += delta;
	share_excl_begun[udp] += delta > 0;
	pthread_mutex_unlock(&share_lock);
}

/*
 * May a listen() of a socket bound as @cell fail? listen() runs Linux's
 * check (Documentation/sharing.rst, Limits): an SO_EXCLUSIVEADDRUSE
 * socket carries no option another may share by, and an SO_REUSEADDR
 * socket may be in a reuseport group of its own (its twin's program)
 * before its listen(). @busy and @begun are share_excl_busy and
 * share_excl_begun as the listen() began: an exclusive socket in the
 * bind hash at any moment of it was counted then or began since. Called
 * with share_lock held.
 */
static bool share_listen_limited(int udp, int cell, int busy,
				 unsigned long begun)
{
	return cell / 2 != 0 || busy || share_excl_begun[udp] != begun;
}

/*
 * A cell of Microsoft's table (wspbind_sharing_table.h) that refuses even
 * one user: CHECK is an access check, which one user always passes.
 */
static bool share_refused(unsigned char cell)
{
	return cell == SHARING_INUSE || cell == SHARING_DENIED;
}

/* Could any order of two binds let both hold the port at once? */
static bool share_forbidden(int a, int b)
{
	return share_refused(sharing_table[b][a]) &&
	       share_refused(sharing_table[a][b]);
}

static void *share_thread(void *arg)
{
	int id = (intptr_t)arg, i, udp, cell, fd, wsa, busy;
	unsigned long begun;
	uint64_t rnd = util_seed(seed, 100 + id);
	struct sockaddr_in sin = { .sin_family = AF_INET };

	while (util_now() < stress_end) {
		udp = util_below(&rnd, 2);
		cell = util_below(&rnd, 6);
		fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) |
			    SOCK_CLOEXEC, 0);
		if (fd < 0) {
			__atomic_add_fetch(&shm->other, 1, __ATOMIC_RELAXED);
			continue;
		}
		sin.sin_port = htons(SHARE_PORT);
		sin.sin_addr.s_addr = htonl(cell % 2 ? INADDR_LOOPBACK : 0);
		share_excl_count(udp, cell, 1);
		wsa = wsp_bind(stress_dev, fd, share_flags[cell / 2], &sin,
			       sizeof(sin), NULL);
		if (wsa == 0) {
			__atomic_add_fetch(&shm->binds, 1, __ATOMIC_RELAXED);
			pthread_mutex_lock(&share_lock);
			busy = share_excl_busy[udp];
			begun = share_excl_begun[udp];
			pthread_mutex_unlock(&share_lock);
			if (!udp && util_below(&rnd, 2) && listen(fd, 1)) {
				pthread_mutex_lock(&share_lock);
				if (share_listen_limited(udp, cell, busy, begun))
					shm->limited_listens++;
				else
					shm->bad_port++;
				pthread_mutex_unlock(&share_lock);
			}
			pthread_mutex_lock(&share_lock);
			for (i = 0; i < STRESS_THREADS; i++) {
				struct share_holder *h = &share_live[i];

				if (!h->live || h->udp != udp ||
				    !share_forbidden(h->cell, cell))
					continue;
				ksft_print_msg("threads %d and %d hold %s port %d as cells %d and %d at once\n",
					       i, id, udp ? "UDP" : "TCP",
					       SHARE_PORT, h->cell, cell);
				shm->duplicates++;
			}
			share_live[id] = (struct share_holder){
				.live = true, .udp = udp, .cell = cell,
			};
			pthread_mutex_unlock(&share_lock);
			usleep(util_below(&rnd, 2000));
			/* Closed and unmarked as one: live means bound. */
			pthread_mutex_lock(&share_lock);
			close(fd);
			fd = -1;
			share_live[id].live = false;
			pthread_mutex_unlock(&share_lock);
		} else if (wsa == WSPBIND_WSAEADDRINUSE ||
			   wsa == WSPBIND_WSAEACCES) {
			__atomic_add_fetch(&shm->answers[0], 1,
					   __ATOMIC_RELAXED);
		} else {
			ksft_print_msg("thread %d: answer %d\n", id, wsa);
			__atomic_add_fetch(&shm->other, 1, __ATOMIC_RELAXED);
		}
		if (fd >= 0)
			close(fd);
		share_excl_count(udp, cell, -1);
	}
	return NULL;
}

static void share_child(int dev)
{
	int i;

	run_threads(dev, share_thread);
	/* Every socket is closed: the registry empties within seconds. */
	for (i = 0; i < 50 && (shm->sockets_after = util_registry_sockets()) > 0;
	     i++)
		usleep(100000);
}

static void test_share_one_port(void)
{
	int status = in_child_netns(share_child, shm);
	bool ok = child_ok(status, "one port");

	ksft_print_msg("one port: %lu binds, %lu refused, in %.0fs by %d threads; %lu forbidden pairs, %lu failed listens (and %lu where an exclusive or SO_REUSEADDR socket's listen meets Linux's check), %lu other answers; registry entries left %d\n",
		       shm->binds, shm->answers[0], seconds, STRESS_THREADS,
		       shm->duplicates, shm->bad_port, shm->limited_listens,
		       shm->other, shm->sockets_after);
	ksft_test_result(ok && !shm->duplicates && !shm->other &&
			 !shm->bad_port && shm->binds >= 100 &&
			 shm->answers[0] >= 100,
			 "one port, %d threads, every Winsock option: never two live holders the table forbids, every listen accepted but where sharing.rst's limits apply\n",
			 STRESS_THREADS);
	ksft_test_result(ok && shm->sockets_after == 0,
			 "one port: every registry entry gone once its socket is\n");
}

/* --- 7, 8. the module unloaded and loaded ------------------------------- */

static int load_module(void)
{
	int fd = open(module_path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(__NR_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int unload_module(void)
{
	return syscall(__NR_delete_module, "wspbind", O_NONBLOCK) ? -errno : 0;
}

/* The device answers: a bind of fd -1 is WSAENOTSOCK. */
static int device_answers(int dev)
{
	return wsp_bind(dev, -1, 0, NULL, 0, NULL) == WSPBIND_WSAENOTSOCK;
}

static void test_rmmod_busy(void)
{
	int dev, busy, works, gone, reload = -1, ret;
	struct stat st;

	dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ret = unload_module();
	busy = dev >= 0 && ret == -EWOULDBLOCK;
	works = dev >= 0 && device_answers(dev);
	close(dev);
	ret = unload_module();
	gone = ret == 0 && stat(WSPBIND_DEVICE_PATH, &st) && errno == ENOENT &&
	       stat(WSPBIND_RANGE_SYSCTL, &st) && errno == ENOENT;
	if (!ret)
		reload = load_module();
	ksft_test_result(busy && works && gone && reload == 0,
			 "rmmod with the device open is refused (EWOULDBLOCK) and the device still answers; closed, it unloads and loads again\n");
}

static volatile int reload_stop;
static unsigned long reload_opened, reload_bad;

/* Opens, binds through and reads the sysctl of a module coming and going. */
static void *reload_user(void *arg)
{
	char buf[64];
	int dev, fd, n;

	while (!reload_stop) {
		dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (dev >= 0) {
			reload_opened++;
			if (!device_answers(dev))
				reload_bad++;
			close(dev);
		} else if (errno != ENOENT && errno != ENODEV &&
			   errno != ENXIO) {
			ksft_print_msg("open: %s\n", strerror(errno));
			reload_bad++;
		}
		fd = open(WSPBIND_RANGE_SYSCTL, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			/* Read while unregistering: ENOENT, or the range. */
			if (n >= 0) {
				buf[n] = '\0';
				if (n && strcmp(buf, "1024\t5000\n"))
					reload_bad++;
			} else if (errno != ENOENT) {
				reload_bad++;
			}
			close(fd);
		}
	}
	return NULL;
}

static void test_reload(void)
{
	int i, loaded = 0, unloaded = 0, busy = 0, ret;
	pthread_t user;

	pthread_create(&user, NULL, reload_user, NULL);
	for (i = 0; i < RELOADS; i++) {
		/* The module is loaded when this starts and when it ends. */
		do {
			ret = unload_module();
			if (ret == -EWOULDBLOCK) {
				busy++;
				usleep(1000);
			}
		} while (ret == -EWOULDBLOCK && busy < 100000);
		unloaded += ret == 0;
		if (ret)
			ksft_print_msg("unload %d: %s\n", i, strerror(-ret));
		ret = load_module();
		loaded += ret == 0;
		if (ret)
			ksft_print_msg("load %d: %s\n", i, strerror(-ret));
	}
	reload_stop = 1;
	pthread_join(user, NULL);
	ksft_print_msg("reload: %d unloads (%d refused while open), %d loads; the device was opened %lu times\n",
		       unloaded, busy, loaded, reload_opened);
	ksft_test_result(unloaded == RELOADS && loaded == RELOADS &&
			 !reload_bad && reload_opened > 0,
			 "module unloaded and loaded %d times while used: every answer documented (%lu not)\n",
			 RELOADS, reload_bad);
}

int main(int argc, char **argv)
{
	int i, dev;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--module") && i + 1 < argc)
			module_path = argv[++i];
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else
			ksft_exit_fail_msg("usage: %s [--seconds N] [--module FILE] [--seed N]\n",
					   argv[0]);
	}
	if (!seed)
		seed = util_clock_seed();

	ksft_print_header();
	ksft_set_plan(11);
	ksft_print_msg("seed %llu\n", (unsigned long long)seed);
	dev = util_open_dev_as_root("network namespaces, modules");
	shm = map_shared();

	test_port0_unique();
	test_port0_exhausted();
	test_close_race();
	test_orphan_netns(dev);
	close(dev);
	test_netns_killed();
	test_share_one_port();
	if (module_path) {
		test_rmmod_busy();
		test_reload();
	} else {
		ksft_test_result_skip("rmmod while open: no --module to load again\n");
		ksft_test_result_skip("reload 100 times: no --module to load again\n");
	}
	ksft_finished();
}
