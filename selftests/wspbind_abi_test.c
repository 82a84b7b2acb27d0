// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl's ABI: WSPBIND_IOC_BIND's command number, struct
 * wspbind_bind's size (shorter, longer, unreadable), its flags, reserved
 * and output fields, bad pointers to it; and who may open /dev/wspbind
 * (the node's mode, the module's group= parameter). The 32-bit build of
 * this program is the compat ioctl's test.
 *
 * Every test runs in a network namespace of its own, with lo up. The tests
 * call the ioctl directly: the uAPI header is the whole contract.
 *
 * Needs root and the wspbind module loaded.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/wspbind.h>

#include "kselftest_harness.h"
#include "wspbind_util.h"

/*
 * The ioctl itself: command, size, flags, reserved bits. One IPv4 UDP
 * socket and a good name for it.
 */
FIXTURE(abi) {
	int dev;
	int fd;
	struct name name;
	int namelen;
};

FIXTURE_SETUP(abi)
{
	const char *skip = env_init(_metadata, &self->dev);

	self->fd = -1;
	if (skip)
		SKIP(return, "%s", skip);
	self->fd = new_socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->fd);
	self->namelen = name_init(&self->name, AF_INET, ADDR_LOOPBACK,
				  TEST_PORT);
}

FIXTURE_TEARDOWN(abi)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(abi, unknown_command)
{
	static const struct {
		const char *what;
		unsigned long cmd;
	} cmds[] = {
		{ "past the last", _IO(WSPBIND_TYPE, WSPBIND_CMD_ENROL + 1) },
		{ "nr - 1", _IO(WSPBIND_TYPE, WSPBIND_CMD_BIND - 1) },
		{ "nr 0", _IO(WSPBIND_TYPE, 0) },
		{ "type + 1", _IO(WSPBIND_TYPE + 1, WSPBIND_CMD_BIND) },
		{ "type - 1", _IO(WSPBIND_TYPE - 1, WSPBIND_CMD_BIND) },
		{ "type 0", _IO(0, WSPBIND_CMD_BIND) },
		{ "_IOR", _IOR(WSPBIND_TYPE, WSPBIND_CMD_BIND,
			       struct wspbind_bind) },
		{ "_IOW", _IOW(WSPBIND_TYPE, WSPBIND_CMD_BIND,
			       struct wspbind_bind) },
		{ "_IOWR", _IOWR(WSPBIND_TYPE, WSPBIND_CMD_BIND,
				 struct wspbind_bind) },
	};
	struct wspbind_bind req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		EXPECT_EQ(-1, ioctl(self->dev, cmds[i].cmd, &req));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("%s", cmds[i].what);
		/* ENOTTY comes before any look at the argument. */
		EXPECT_EQ(-1, ioctl(self->dev, cmds[i].cmd, NULL));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("%s, NULL", cmds[i].what);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, request_null)
{
	EXPECT_EQ(-1, ioctl(self->dev, WSPBIND_IOC_BIND, NULL));
	EXPECT_EQ(EFAULT, errno);
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, request_unreadable)
{
	char *end = map_guarded(_metadata);
	struct wspbind_bind req;
	__u32 size = sizeof(req);
	const struct {
		const char *what;
		void *arg;
	} cases[] = {
		{ "in a PROT_NONE page", end },
		/* @size readable, the rest not */
		{ "across into a PROT_NONE page", end - sizeof(size) },
		{ "kernel address", (void *)(uintptr_t)-4096 },
	};
	unsigned int i;

	req_init(&req, self->fd, 0, &self->name, self->namelen);
	memcpy(end - sizeof(req), &req, sizeof(req));
	memcpy(end - sizeof(size), &size, sizeof(size));

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-1, ioctl(self->dev, WSPBIND_IOC_BIND, cases[i].arg));
		EXPECT_EQ(EFAULT, errno) TH_LOG("%s", cases[i].what);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

/*
 * The answer could not be written back: EFAULT, before anything is bound,
 * so nothing happens that the caller cannot learn of.
 */
TEST_F(abi, request_read_only)
{
	long ps = sysconf(_SC_PAGESIZE);
	struct wspbind_bind *req;

	req = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(req != MAP_FAILED);
	req_init(req, self->fd, 0, &self->name, self->namelen);
	ASSERT_EQ(0, mprotect(req, ps, PROT_READ));

	EXPECT_EQ(-1, ioctl(self->dev, WSPBIND_IOC_BIND, req));
	EXPECT_EQ(EFAULT, errno);
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, size_too_small)
{
	static const __u32 sizes[] = {
		0, 1, 4, 8, 16, 24, sizeof(struct wspbind_bind) - 1,
	};
	struct wspbind_bind req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		req.size = sizes[i];
		EXPECT_EQ(-EINVAL, wsp_request(self->dev, &req))
			TH_LOG("size %u", sizes[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

/* A newer struct whose extra bytes are all 0 reads as this one. */
TEST_F(abi, size_larger_zero_tail)
{
	long ps = sysconf(_SC_PAGESIZE);
	const __u32 sizes[] = {
		sizeof(struct wspbind_bind) + 1, sizeof(struct wspbind_bind) + 4,
		sizeof(struct wspbind_bind) + 8, 64, ps, ps + 1,
	};
	unsigned char *buf = calloc(1, 2 * ps);
	struct wspbind_bind req;
	unsigned int i;
	__u32 j;

	ASSERT_TRUE(buf != NULL);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		int fd = new_socket(AF_INET, SOCK_DGRAM, 0);

		ASSERT_LE(0, fd);
		memset(buf, 0, 2 * ps);
		req_init(&req, fd, 0, &self->name, self->namelen);
		req.size = sizes[i];
		memcpy(buf, &req, sizeof(req));

		EXPECT_EQ(0, wsp_request(self->dev, buf))
			TH_LOG("size %u", sizes[i]);
		memcpy(&req, buf, sizeof(req));
		EXPECT_EQ(TEST_PORT, req.out_port);
		EXPECT_EQ(TEST_PORT, util_sock_port(fd));
		EXPECT_EQ(sizes[i], req.size);
		/* Nothing past the struct it knows is written. */
		for (j = sizeof(req); j < sizes[i]; j++)
			if (buf[j])
				break;
		EXPECT_EQ(sizes[i], j) TH_LOG("size %u", sizes[i]);
		close(fd);
	}
	free(buf);
}

TEST_F(abi, size_larger_nonzero_tail)
{
	long ps = sysconf(_SC_PAGESIZE);
	const struct {
		__u32 size;
		__u32 nonzero;
	} cases[] = {
		{ sizeof(struct wspbind_bind) + 1, sizeof(struct wspbind_bind) },
		{ 40, 39 },
		{ 64, sizeof(struct wspbind_bind) },
		{ 64, 63 },
		{ ps, ps - 1 },
	};
	unsigned char *buf = calloc(1, ps);
	struct wspbind_bind req;
	unsigned int i;

	ASSERT_TRUE(buf != NULL);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(buf, 0, ps);
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		req.size = cases[i].size;
		memcpy(buf, &req, sizeof(req));
		buf[cases[i].nonzero] = 0x80;

		EXPECT_EQ(-E2BIG, wsp_request(self->dev, buf))
			TH_LOG("size %u, byte %u set", cases[i].size,
			       cases[i].nonzero);
	}
	free(buf);
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

/* @size says there is more than can be read. */
TEST_F(abi, size_larger_unreadable_tail)
{
	char *end = map_guarded(_metadata);
	const __u32 sizes[] = {
		sizeof(struct wspbind_bind) + 1, 64, sysconf(_SC_PAGESIZE),
		UINT32_MAX,
	};
	struct wspbind_bind req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		req.size = sizes[i];
		memcpy(end - sizeof(req), &req, sizeof(req));
		EXPECT_EQ(-EFAULT, wsp_request(self->dev, end - sizeof(req)))
			TH_LOG("size %u", sizes[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, unknown_flags)
{
	struct wspbind_bind req;
	unsigned int bit;

	/* Bits 0 to 2 are WINSOCK_AF, REUSEADDR and EXCLUSIVEADDRUSE. */
	for (bit = 3; bit < 32; bit++) {
		req_init(&req, self->fd, 1u << bit, &self->name, self->namelen);
		EXPECT_EQ(-EINVAL, wsp_request(self->dev, &req))
			TH_LOG("flag bit %u", bit);
	}
	req_init(&req, self->fd, UINT32_MAX, &self->name, self->namelen);
	EXPECT_EQ(-EINVAL, wsp_request(self->dev, &req));
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

TEST_F(abi, reserved_nonzero)
{
	static const __u16 values[] = { 1, 0x100, 0xffff };
	struct wspbind_bind req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		req_init(&req, self->fd, 0, &self->name, self->namelen);
		req.__reserved = values[i];
		EXPECT_EQ(-EINVAL, wsp_request(self->dev, &req))
			TH_LOG("__reserved %#x", values[i]);
	}
	expect_usable(_metadata, self->dev, self->fd, AF_INET);
}

/*
 * WSPBIND_IOC_ENROL follows the same size rules: at least its first
 * version's 16 bytes; a larger struct's tail must be zero (E2BIG
 * otherwise) and is then accepted; NULL fails the ioctl with EFAULT.
 */
TEST_F(abi, enrol_size_rules)
{
	struct {
		struct wspbind_enrol req;
		__u64 tail;
	} big = {
		.req = { .size = sizeof(big), .sockfd = -1 },
	};
	struct wspbind_enrol req = { .size = 15, .sockfd = self->fd };

	EXPECT_EQ(-1, ioctl(self->dev, WSPBIND_IOC_ENROL, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->dev, WSPBIND_IOC_ENROL, NULL));
	EXPECT_EQ(EFAULT, errno);
	big.req.out_wsa_error = POISON_WSA;
	EXPECT_EQ(0, ioctl(self->dev, WSPBIND_IOC_ENROL, &big));
	EXPECT_EQ((__u32)WSPBIND_WSAENOTSOCK, big.req.out_wsa_error);
	big.tail = 1;
	EXPECT_EQ(-1, ioctl(self->dev, WSPBIND_IOC_ENROL, &big));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(abi, out_fields_ignored_on_input)
{
	struct wspbind_bind req;

	req_init(&req, self->fd, 0, &self->name, self->namelen);
	req.out_wsa_error = WSPBIND_WSAEFAULT;
	req.out_port = 0xffff;
	EXPECT_EQ(0, wsp_request(self->dev, &req));
	EXPECT_EQ(TEST_PORT, req.out_port);
	EXPECT_EQ(TEST_PORT, util_sock_port(self->fd));
}

TEST_F(abi, out_port_zero_on_error)
{
	struct wspbind_bind req;

	req_init(&req, self->fd, 0, &self->name, 1);
	req.out_port = 0xffff;
	EXPECT_EQ(WSPBIND_WSAEFAULT, wsp_request(self->dev, &req));
	EXPECT_EQ(0, req.out_port);
}

struct open_probe {
	int err;
	int ret;
};

static void open_as_nobody(void *arg)
{
	struct open_probe *p = arg;
	int fd;

	p->err = drop_to_nobody();
	if (p->err)
		return;
	fd = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	p->ret = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
}

/* Unless the module's group parameter names a group, only root opens it. */
TEST_F(abi, open_unprivileged)
{
	struct open_probe *p = map_shared(_metadata, sizeof(*p));
	char group[16];

	if (util_read_file(WSPBIND_GROUP_PARAM, group, sizeof(group)))
		SKIP(return, "cannot read " WSPBIND_GROUP_PARAM);
	if (strcmp(group, "0\n"))
		SKIP(return, "the module was loaded with group=%s", group);
	run_child(_metadata, open_as_nobody, p);
	ASSERT_EQ(0, p->err);
	EXPECT_EQ(-EACCES, p->ret);
}

/* Only the output fields change. */
TEST_F(abi, input_fields_preserved)
{
	struct wspbind_bind req, orig;

	req_init(&req, self->fd, WSPBIND_BIND_WINSOCK_AF, &self->name,
		 self->namelen);
	orig = req;
	EXPECT_EQ(0, wsp_request(self->dev, &req));
	EXPECT_EQ(orig.size, req.size);
	EXPECT_EQ(orig.flags, req.flags);
	EXPECT_EQ(orig.sockfd, req.sockfd);
	EXPECT_EQ(orig.namelen, req.namelen);
	EXPECT_EQ(orig.name, req.name);
	EXPECT_EQ(0, req.__reserved);
}

TEST_F(abi, node_mode_default)
{
	unsigned int gid;
	struct stat st;

	ASSERT_EQ(0, module_group(&gid));
	if (gid)
		SKIP(return, "the module was loaded with group=%u", gid);
	ASSERT_EQ(0, stat(WSPBIND_DEVICE_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0660U, st.st_mode & 07777);
	EXPECT_EQ(0U, st.st_uid);
	EXPECT_EQ(0U, st.st_gid);
}

TEST_F(abi, node_mode_group)
{
	unsigned int gid;
	struct stat st;

	ASSERT_EQ(0, module_group(&gid));
	if (!gid)
		SKIP(return, "the module was loaded without group=");
	ASSERT_EQ(0, stat(WSPBIND_DEVICE_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666U, st.st_mode & 07777);
}

TEST_F(abi, open_group_member)
{
	struct member_job *job;
	unsigned int gid;

	ASSERT_EQ(0, module_group(&gid));
	if (!gid)
		SKIP(return, "the module was loaded without group=");
	job = member_run(_metadata, gid, 0, 0, 0);
	EXPECT_EQ(0, job->open_ret);
}

/* The node is 0666, so only open() stands in the way. */
TEST_F(abi, open_group_nonmember)
{
	struct member_job *job;
	unsigned int gid;

	ASSERT_EQ(0, module_group(&gid));
	if (!gid)
		SKIP(return, "the module was loaded without group=");
	job = member_run(_metadata, 0, 0, 0, 0);
	EXPECT_EQ(-EACCES, job->open_ret);
}

#include "wspbind_main.h"
