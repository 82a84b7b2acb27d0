// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libwspbind: Winsock's SO_REUSEADDR and SO_EXCLUSIVEADDRUSE, set and read
 * with WSPSetSockOpt() and WSPGetSockOpt(), applied by WSPBind().
 *
 * On Windows the option belongs to the socket, not to a handle of it: a
 * duplicate sees it, a new socket never inherits it. A Linux socket is
 * one inode of sockfs, shared by every descriptor of it (dup(), fork())
 * and never given to another socket while it lives, so the options are
 * kept per (device, inode), in a small table of the sockets that have one
 * on. A child after fork() has a copy of the table, so it sees the
 * options set before the fork. The table forgets a socket when its
 * option is cleared; sockets closed with one on are dropped when the
 * table has grown, by a look at which sockets the process still has.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wspbind.h"
#include "internal.h"

struct wspbind_opt_entry {
	dev_t dev;
	ino_t ino;
	uint32_t flags;		/* one WSPBIND_BIND_* option flag */
};

static pthread_mutex_t wspbind_opt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wspbind_opt_entry *wspbind_opts;
static size_t wspbind_nr_opts, wspbind_opts_cap;

int wspbind_sock_id(int fd, struct stat *st)
{
	if (fd < 0 || fstat(fd, st) || !S_ISSOCK(st->st_mode))
		return -WSAENOTSOCK;
	return 0;
}

static struct wspbind_opt_entry *wspbind_opt_find(const struct stat *st)
{
	size_t i;

	for (i = 0; i < wspbind_nr_opts; i++)
		if (wspbind_opts[i].dev == st->st_dev &&
		    wspbind_opts[i].ino == st->st_ino)
			return &wspbind_opts[i];
	return NULL;
}

/* Written under the lock, read without it: WSPBind() skips an empty table. */
static void wspbind_opt_set_count(size_t n)
{
	__atomic_store_n(&wspbind_nr_opts, n, __ATOMIC_RELEASE);
}

static void wspbind_opt_remove(struct wspbind_opt_entry *e)
{
	*e = wspbind_opts[wspbind_nr_opts - 1];
	wspbind_opt_set_count(wspbind_nr_opts - 1);
}

/* Keep only the entries of sockets some descriptor of ours still names. */
static void wspbind_opt_prune(void)
{
	struct stat st;
	struct dirent *d;
	bool *alive;
	size_t i;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	alive = calloc(wspbind_nr_opts, sizeof(*alive));
	if (!alive) {
		closedir(dir);
		return;
	}
	while ((d = readdir(dir))) {
		if (fstatat(dirfd(dir), d->d_name, &st, 0) ||
		    !S_ISSOCK(st.st_mode))
			continue;
		for (i = 0; i < wspbind_nr_opts; i++)
			if (wspbind_opts[i].dev == st.st_dev &&
			    wspbind_opts[i].ino == st.st_ino)
				alive[i] = true;
	}
	closedir(dir);
	for (i = wspbind_nr_opts; i-- > 0;)
		if (!alive[i])
			wspbind_opt_remove(&wspbind_opts[i]);
	free(alive);
}

/* Record @flags (0: none) for the socket; -WSAENOBUFS without memory. */
static int wspbind_opt_store(const struct stat *st, uint32_t flags)
{
	struct wspbind_opt_entry *e = wspbind_opt_find(st);
	size_t cap;

	if (e) {
		if (flags)
			e->flags = flags;
		else
			wspbind_opt_remove(e);
		return 0;
	}
	if (!flags)
		return 0;
	if (wspbind_nr_opts == wspbind_opts_cap) {
		wspbind_opt_prune();
		if (wspbind_nr_opts == wspbind_opts_cap) {
			cap = wspbind_opts_cap ? 2 * wspbind_opts_cap : 16;
			e = realloc(wspbind_opts, cap * sizeof(*e));
			if (!e)
				return -WSAENOBUFS;
			wspbind_opts = e;
			wspbind_opts_cap = cap;
		}
	}
	wspbind_opts[wspbind_nr_opts].dev = st->st_dev;
	wspbind_opts[wspbind_nr_opts].ino = st->st_ino;
	wspbind_opts[wspbind_nr_opts].flags = flags;
	wspbind_opt_set_count(wspbind_nr_opts + 1);
	return 0;
}

static uint32_t wspbind_stat_flags(const struct stat *st)
{
	struct wspbind_opt_entry *e;
	uint32_t flags = 0;

	pthread_mutex_lock(&wspbind_opt_lock);
	e = wspbind_opt_find(st);
	if (e)
		flags = e->flags;
	pthread_mutex_unlock(&wspbind_opt_lock);
	return flags;
}

uint32_t wspbind_sock_flags(const struct stat *st)
{
	if (!__atomic_load_n(&wspbind_nr_opts, __ATOMIC_ACQUIRE))
		return 0;
	return wspbind_stat_flags(st);
}

/* The flag an option name stands for; 0 for another level or option. */
static uint32_t wspbind_opt_flag(int level, int optname)
{
	if (level != WS_SOL_SOCKET)
		return 0;
	if (optname == WS_SO_REUSEADDR)
		return WSPBIND_BIND_REUSEADDR;
	if (optname == WS_SO_EXCLUSIVEADDRUSE)
		return WSPBIND_BIND_EXCLUSIVEADDRUSE;
	return 0;
}

static int wspbind_fail(int wsa, int *lpErrno)
{
	if (lpErrno)
		*lpErrno = wsa;
	return SOCKET_ERROR;
}

int WSPBIND_API WSPSetSockOpt(uintptr_t s, int level, int optname,
			      const char *optval, int optlen, int *lpErrno)
{
	uint32_t flag = wspbind_opt_flag(level, optname), cur = 0;
	struct wspbind_opt_entry *e;
	int saved_errno = errno;
	struct stat st;
	int on, ret;

	ret = wspbind_sock_id(wspbind_socket_fd(s), &st);
	if (!ret && !flag)
		ret = -WSAENOPROTOOPT;
	if (!ret && (optlen < (int)sizeof(int) ||
		     !wspbind_copy_in(&on, optval, sizeof(on))))
		ret = -WSAEFAULT;
	if (!ret) {
		pthread_mutex_lock(&wspbind_opt_lock);
		e = wspbind_opt_find(&st);
		if (e)
			cur = e->flags;
		/* One option at a time: the other must be cleared first. */
		if (on && cur && cur != flag)
			ret = -WSAEINVAL;
		else if (on)
			ret = wspbind_opt_store(&st, flag);
		else if (cur == flag)
			ret = wspbind_opt_store(&st, 0);
		pthread_mutex_unlock(&wspbind_opt_lock);
	}
	errno = saved_errno;
	return ret ? wspbind_fail(-ret, lpErrno) : 0;
}

int WSPBIND_API WSPGetSockOpt(uintptr_t s, int level, int optname,
			      char *optval, int *lpoptlen, int *lpErrno)
{
	uint32_t flag = wspbind_opt_flag(level, optname);
	int saved_errno = errno, len = 0, on, ret;
	struct stat st;

	ret = wspbind_sock_id(wspbind_socket_fd(s), &st);
	if (!ret && !flag)
		ret = -WSAENOPROTOOPT;
	if (!ret && (!wspbind_copy_in(&len, lpoptlen, sizeof(len)) ||
		     len < (int)sizeof(int)))
		ret = -WSAEFAULT;
	if (!ret) {
		on = (wspbind_stat_flags(&st) & flag) != 0;
		len = sizeof(int);
		if (!wspbind_copy_out(optval, &on, sizeof(on)) ||
		    !wspbind_copy_out(lpoptlen, &len, sizeof(len)))
			ret = -WSAEFAULT;
	}
	errno = saved_errno;
	return ret ? wspbind_fail(-ret, lpErrno) : 0;
}
