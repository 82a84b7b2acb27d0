// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the module's pure rules, in the kernel they are built
 * for. The rules are compiled from module/rules.c itself, included below,
 * into their own module, wspbind_kunit.ko (module/test/Kbuild), so this
 * tests the very code wspbind.ko runs, with the kernel's own types and
 * constants, under whatever sanitizers that kernel has. The sharing
 * rules have a suite of their own in the same module, sharing_kunit.c.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/wspbind.h>

#include "../errors.c"
#include "../port_search.h"
#include "../rules.c"

#include "errno_table.h"

/* Kernel-internal errors the table does not name: Winsock's catch-all. */
static const int wspbind_other_errnos[] = {
	ERESTARTSYS, ENOIOCTLCMD, EPROBE_DEFER, MAX_ERRNO,
};

/* The header's error table, row by row, with the kernel's errno values. */
static void wspbind_test_errno(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(errno_table); i++) {
		int err = errno_table[i].err;
		u32 wsa = errno_table[i].wsa;

		KUNIT_EXPECT_EQ_MSG(test, wsa, wspbind_wsa_from_errno(-err),
				    "errno -%d", err);
		KUNIT_EXPECT_EQ_MSG(test, wsa, wspbind_wsa_from_errno(err),
				    "errno %d", err);
	}
	for (i = 0; i < ARRAY_SIZE(wspbind_other_errnos); i++)
		KUNIT_EXPECT_EQ_MSG(test, WSPBIND_WSAEINVAL,
				    wspbind_wsa_from_errno(-wspbind_other_errnos[i]),
				    "errno -%d", wspbind_other_errnos[i]);
}

/* Every answer is 0 or one of the header's codes, for any errno. */
static void wspbind_test_errno_closed_set(struct kunit *test)
{
	static const u32 codes[] = {
		0, WSPBIND_WSAEINTR, WSPBIND_WSAEACCES, WSPBIND_WSAEFAULT,
		WSPBIND_WSAEINVAL, WSPBIND_WSAEINPROGRESS,
		WSPBIND_WSAENOTSOCK, WSPBIND_WSAEOPNOTSUPP,
		WSPBIND_WSAEAFNOSUPPORT, WSPBIND_WSAEADDRINUSE,
		WSPBIND_WSAEADDRNOTAVAIL, WSPBIND_WSAENETDOWN,
		WSPBIND_WSAENOBUFS,
	};
	int err;

	for (err = -MAX_ERRNO; err <= MAX_ERRNO; err++) {
		u32 wsa = wspbind_wsa_from_errno(err);
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(codes); i++)
			if (codes[i] == wsa)
				break;
		KUNIT_EXPECT_LT_MSG(test, i, ARRAY_SIZE(codes),
				    "errno %d gave %u", err, wsa);
	}
}

static void wspbind_test_kind(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0,
			wspbind_check_kind(AF_INET, SOCK_STREAM, IPPROTO_TCP));
	KUNIT_EXPECT_EQ(test, 0,
			wspbind_check_kind(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
	KUNIT_EXPECT_EQ(test, 0,
			wspbind_check_kind(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	KUNIT_EXPECT_EQ(test, 0,
			wspbind_check_kind(AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			wspbind_check_kind(AF_UNIX, SOCK_STREAM, 0));
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			wspbind_check_kind(AF_NETLINK, SOCK_RAW, 0));
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			wspbind_check_kind(AF_PACKET, SOCK_DGRAM, 0));
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			wspbind_check_kind(AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP));
	/* The family is checked before the type. */
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			wspbind_check_kind(AF_UNIX, SOCK_RAW, IPPROTO_ICMP));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			wspbind_check_kind(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			wspbind_check_kind(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			wspbind_check_kind(AF_INET, SOCK_STREAM, IPPROTO_SCTP));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			wspbind_check_kind(AF_INET6, SOCK_DGRAM,
					   IPPROTO_UDPLITE));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			wspbind_check_kind(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			wspbind_check_kind(AF_INET6, SOCK_SEQPACKET,
					   IPPROTO_SCTP));
}

static void wspbind_test_family_numbers(struct kunit *test)
{
	unsigned int raw;

	KUNIT_EXPECT_EQ(test, WSPBIND_WS_AF_INET, AF_INET);
	KUNIT_EXPECT_EQ(test, AF_INET, wspbind_linux_family(AF_INET, true));
	KUNIT_EXPECT_EQ(test, AF_INET, wspbind_linux_family(AF_INET, false));
	KUNIT_EXPECT_EQ(test, AF_INET6,
			wspbind_linux_family(WSPBIND_WS_AF_INET6, true));
	KUNIT_EXPECT_EQ(test, AF_INET6, wspbind_linux_family(AF_INET6, false));

	/* Every other value of the two bytes names no family we serve. */
	for (raw = 0; raw <= U16_MAX; raw++) {
		u16 ws = wspbind_linux_family(raw, true);
		u16 lx = wspbind_linux_family(raw, false);

		if (raw != AF_INET && raw != WSPBIND_WS_AF_INET6)
			KUNIT_EXPECT_EQ_MSG(test, 0, ws, "winsock %u", raw);
		if (raw != AF_INET && raw != AF_INET6)
			KUNIT_EXPECT_EQ_MSG(test, 0, lx, "linux %u", raw);
	}
}

/* The kernel's sockaddr sizes are Winsock's, and the header says so. */
static void wspbind_test_name_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 16, wspbind_name_min_len(AF_INET));
	KUNIT_EXPECT_EQ(test, 28, wspbind_name_min_len(AF_INET6));
	KUNIT_EXPECT_EQ(test, -1, wspbind_name_min_len(AF_UNSPEC));
	KUNIT_EXPECT_EQ(test, -1, wspbind_name_min_len(AF_UNIX));
	KUNIT_EXPECT_EQ(test, -1, wspbind_name_min_len(WSPBIND_WS_AF_INET6));
	KUNIT_EXPECT_EQ(test, (size_t)WSPBIND_NAME_MAX,
			sizeof(struct sockaddr_storage));
	KUNIT_EXPECT_EQ(test, offsetof(struct sockaddr_in, sin_port),
			offsetof(struct sockaddr_in6, sin6_port));
}

/* Each family's length boundary, one byte either side, and the cap. */
static void wspbind_test_name_length(struct kunit *test)
{
	static const struct {
		int family;
		int min;
	} fams[] = {
		{ AF_INET, 16 },
		{ AF_INET6, 28 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fams); i++) {
		int fam = fams[i].family, min = fams[i].min;

		KUNIT_EXPECT_EQ(test, -1, wspbind_name_copy_len(min - 1, fam));
		KUNIT_EXPECT_EQ(test, min, wspbind_name_copy_len(min, fam));
		KUNIT_EXPECT_EQ(test, min + 1,
				wspbind_name_copy_len(min + 1, fam));
		KUNIT_EXPECT_EQ(test, -1, wspbind_name_copy_len(0, fam));
		KUNIT_EXPECT_EQ(test, -1, wspbind_name_copy_len(-1, fam));
		KUNIT_EXPECT_EQ(test, -1, wspbind_name_copy_len(INT_MIN, fam));
		KUNIT_EXPECT_EQ(test, WSPBIND_NAME_MAX - 1,
				wspbind_name_copy_len(WSPBIND_NAME_MAX - 1,
						      fam));
		KUNIT_EXPECT_EQ(test, WSPBIND_NAME_MAX,
				wspbind_name_copy_len(WSPBIND_NAME_MAX, fam));
		KUNIT_EXPECT_EQ(test, WSPBIND_NAME_MAX,
				wspbind_name_copy_len(WSPBIND_NAME_MAX + 1,
						      fam));
		KUNIT_EXPECT_EQ(test, WSPBIND_NAME_MAX,
				wspbind_name_copy_len(INT_MAX, fam));
	}
	/* The 24-byte RFC 2133 sockaddr_in6 that bind(2) takes is refused. */
	KUNIT_EXPECT_EQ(test, -1, wspbind_name_copy_len(24, AF_INET6));
	/* A socket of a family we do not serve has no valid name. */
	KUNIT_EXPECT_EQ(test, -1, wspbind_name_copy_len(128, AF_UNIX));
}

/* The name's family must be the socket's, in the numbering asked for. */
static void wspbind_test_name_family(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0,
			wspbind_check_name_family(AF_INET, true, AF_INET));
	KUNIT_EXPECT_EQ(test, 0,
			wspbind_check_name_family(WSPBIND_WS_AF_INET6, true,
						  AF_INET6));
	KUNIT_EXPECT_EQ(test, 0,
			wspbind_check_name_family(AF_INET6, false, AF_INET6));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			wspbind_check_name_family(AF_INET, true, AF_INET6));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			wspbind_check_name_family(WSPBIND_WS_AF_INET6, true,
						  AF_INET));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			wspbind_check_name_family(AF_INET6, true, AF_INET6));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			wspbind_check_name_family(WSPBIND_WS_AF_INET6, false,
						  AF_INET6));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			wspbind_check_name_family(0, true, AF_INET));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			wspbind_check_name_family(0x0200, true, AF_INET));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			wspbind_check_name_family(AF_UNIX, false, AF_UNIX));
}

static void wspbind_test_range_valid(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, wspbind_range_valid(1024, 5000));
	KUNIT_EXPECT_TRUE(test, wspbind_range_valid(1, 1));
	KUNIT_EXPECT_TRUE(test, wspbind_range_valid(1, 65535));
	KUNIT_EXPECT_TRUE(test, wspbind_range_valid(65535, 65535));
	KUNIT_EXPECT_FALSE(test, wspbind_range_valid(0, 0));
	KUNIT_EXPECT_FALSE(test, wspbind_range_valid(0, 5000));
	KUNIT_EXPECT_FALSE(test, wspbind_range_valid(-1, 5000));
	KUNIT_EXPECT_FALSE(test, wspbind_range_valid(1024, 65536));
	KUNIT_EXPECT_FALSE(test, wspbind_range_valid(5000, 1024));
	KUNIT_EXPECT_FALSE(test, wspbind_range_valid(2, 1));
	KUNIT_EXPECT_FALSE(test, wspbind_range_valid(INT_MIN, INT_MAX));
	KUNIT_EXPECT_FALSE(test, wspbind_range_valid(65536, 65536));
	/* What an unparsed half of a sysctl write holds. */
	KUNIT_EXPECT_FALSE(test, wspbind_range_valid(1024, -1));
}

static void wspbind_test_range_pack(struct kunit *test)
{
	static const u16 ports[] = { 1, 2, 1023, 1024, 5000, 32768,
				     65534, 65535 };
	unsigned int i, j;

	KUNIT_EXPECT_EQ(test, 0x04001388U,
			wspbind_range_pack(WSPBIND_RANGE_DEFAULT_LOW,
					   WSPBIND_RANGE_DEFAULT_HIGH));
	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		for (j = i; j < ARRAY_SIZE(ports); j++) {
			u32 r = wspbind_range_pack(ports[i], ports[j]);

			KUNIT_EXPECT_EQ(test, ports[i], wspbind_range_low(r));
			KUNIT_EXPECT_EQ(test, ports[j], wspbind_range_high(r));
		}
	}
}

/*
 * For each range, number of classes and start, the walks through every
 * class visit each port of the range exactly once, and a class holds only
 * ports one stride apart.
 */
static void wspbind_test_port_classes(struct kunit *test)
{
	static const struct {
		u16 low, high;
		u32 stride;
	} cases[] = {
		{ 1024, 1024, 1 }, { 1024, 1025, 512 }, { 1024, 1039, 1 },
		{ 1024, 5000, 1 }, { 1024, 5000, 512 }, { 65520, 65535, 256 },
		{ 1, 65535, 1 }, { 1, 65535, 128 },
	};
	unsigned long *seen;
	unsigned int c, s;

	seen = kunit_kzalloc(test, BITS_TO_LONGS(65536) * sizeof(long),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		u16 low = cases[c].low, high = cases[c].high;
		u32 stride = cases[c].stride, span = (u32)high - low + 1;
		u32 starts[] = { 0, 1, span - 1, span + 7, U32_MAX };

		for (s = 0; s < ARRAY_SIZE(starts); s++) {
			u32 class, count, i, index, bad = 0;

			bitmap_zero(seen, 65536);
			for (class = 0; class < stride; class++) {
				count = wspbind_class_size(span, stride, class);
				for (i = 0; i < count; i++) {
					u16 p;

					index = wspbind_class_index(count,
								    starts[s],
								    i);
					p = wspbind_class_port(low, stride,
							       class, index);
					if (index >= count || p < low ||
					    p > high ||
					    (p - low) % stride != class ||
					    test_bit(p, seen))
						bad++;
					else
						__set_bit(p, seen);
				}
			}
			KUNIT_EXPECT_EQ_MSG(test, 0U, bad,
					    "range %u-%u stride %u start %u",
					    low, high, stride, starts[s]);
			KUNIT_EXPECT_EQ(test, span,
					bitmap_weight(seen, 65536));
		}
	}
	/* A walk starts where it is told and wraps at the class's end. */
	KUNIT_EXPECT_EQ(test, 3U, wspbind_class_index(5, 3, 0));
	KUNIT_EXPECT_EQ(test, 0U, wspbind_class_index(5, 3, 2));
	KUNIT_EXPECT_EQ(test, 2U, wspbind_class_index(5, 8, 4));
	KUNIT_EXPECT_EQ(test, 7U, wspbind_class_size(3977, 512, 393));
	KUNIT_EXPECT_EQ(test, 0U, wspbind_class_size(2, 512, 2));
}

static struct kunit_case wspbind_rules_cases[] = {
	KUNIT_CASE(wspbind_test_errno),
	KUNIT_CASE(wspbind_test_errno_closed_set),
	KUNIT_CASE(wspbind_test_kind),
	KUNIT_CASE(wspbind_test_family_numbers),
	KUNIT_CASE(wspbind_test_name_sizes),
	KUNIT_CASE(wspbind_test_name_length),
	KUNIT_CASE(wspbind_test_name_family),
	KUNIT_CASE(wspbind_test_range_valid),
	KUNIT_CASE(wspbind_test_range_pack),
	KUNIT_CASE(wspbind_test_port_classes),
	{}
};

static struct kunit_suite wspbind_rules_suite = {
	.name = "wspbind_rules",
	.test_cases = wspbind_rules_cases,
};

kunit_test_suite(wspbind_rules_suite);

MODULE_DESCRIPTION("KUnit tests of wspbind's pure rules");
MODULE_LICENSE("GPL");
