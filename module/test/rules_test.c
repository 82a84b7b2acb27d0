// SPDX-License-Identifier: GPL-2.0
/*
 * The module's pure rules (module/rules.c), tested in user space: they
 * build unchanged on both sides, so no VM is needed for these.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/wspbind.h>
#include "../../module/errors.h"
#include "../../module/port_search.h"
#include "../../module/rules.h"
#include "kselftest_harness.h"

/* The header's errno table, shared with the KUnit module. */
#include "errno_table.h"

TEST(errno_translation)
{
	unsigned int i;

	for (i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++) {
		/* The kernel passes errors negated; both signs translate. */
		EXPECT_EQ(errno_table[i].wsa,
			  wspbind_wsa_from_errno(-errno_table[i].err))
			TH_LOG("errno %d", errno_table[i].err);
		EXPECT_EQ(errno_table[i].wsa,
			  wspbind_wsa_from_errno(errno_table[i].err));
	}
}

TEST(socket_kinds)
{
	EXPECT_EQ(0, wspbind_check_kind(AF_INET, SOCK_STREAM, IPPROTO_TCP));
	EXPECT_EQ(0, wspbind_check_kind(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
	EXPECT_EQ(0, wspbind_check_kind(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	EXPECT_EQ(0, wspbind_check_kind(AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
	EXPECT_EQ(-EAFNOSUPPORT,
		  wspbind_check_kind(AF_UNIX, SOCK_STREAM, 0));
	EXPECT_EQ(-EAFNOSUPPORT,
		  wspbind_check_kind(AF_PACKET, SOCK_DGRAM, 0));
	EXPECT_EQ(-EOPNOTSUPP,
		  wspbind_check_kind(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	EXPECT_EQ(-EOPNOTSUPP,
		  wspbind_check_kind(AF_INET, SOCK_STREAM, IPPROTO_SCTP));
	EXPECT_EQ(-EOPNOTSUPP,
		  wspbind_check_kind(AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE));
	EXPECT_EQ(-EOPNOTSUPP,
		  wspbind_check_kind(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP));
}

TEST(family_numbering)
{
	EXPECT_EQ(AF_INET, wspbind_linux_family(AF_INET, true));
	EXPECT_EQ(AF_INET, wspbind_linux_family(AF_INET, false));
	EXPECT_EQ(AF_INET6, wspbind_linux_family(23, true));
	EXPECT_EQ(AF_INET6, wspbind_linux_family(AF_INET6, false));
	/* Each numbering's AF_INET6 means nothing in the other. */
	EXPECT_EQ(0, wspbind_linux_family(AF_INET6, true));
	EXPECT_EQ(0, wspbind_linux_family(23, false));
	EXPECT_EQ(0, wspbind_linux_family(0, true));
	EXPECT_EQ(0, wspbind_linux_family(0xdead, false));
}

TEST(name_lengths)
{
	EXPECT_EQ(16, wspbind_name_min_len(AF_INET));
	EXPECT_EQ(28, wspbind_name_min_len(AF_INET6));
	EXPECT_EQ(-1, wspbind_name_min_len(AF_UNIX));

	/* Read: from the family's minimum up, at most 128 bytes. */
	EXPECT_EQ(16, wspbind_name_copy_len(16, AF_INET));
	EXPECT_EQ(28, wspbind_name_copy_len(28, AF_INET));
	EXPECT_EQ(28, wspbind_name_copy_len(28, AF_INET6));
	EXPECT_EQ(128, wspbind_name_copy_len(128, AF_INET));
	EXPECT_EQ(128, wspbind_name_copy_len(129, AF_INET6));
	EXPECT_EQ(128, wspbind_name_copy_len(0x7fffffff, AF_INET));

	/* Refused unread: short, negative, or a family not served. */
	EXPECT_EQ(-1, wspbind_name_copy_len(15, AF_INET));
	EXPECT_EQ(-1, wspbind_name_copy_len(0, AF_INET));
	EXPECT_EQ(-1, wspbind_name_copy_len(-1, AF_INET));
	EXPECT_EQ(-1, wspbind_name_copy_len(-2147483647 - 1, AF_INET));
	EXPECT_EQ(-1, wspbind_name_copy_len(24, AF_INET6));
	EXPECT_EQ(-1, wspbind_name_copy_len(27, AF_INET6));
	EXPECT_EQ(-1, wspbind_name_copy_len(16, AF_INET6));
	EXPECT_EQ(-1, wspbind_name_copy_len(128, AF_UNIX));
}

TEST(name_family)
{
	EXPECT_EQ(0, wspbind_check_name_family(AF_INET, true, AF_INET));
	EXPECT_EQ(0, wspbind_check_name_family(AF_INET, false, AF_INET));
	EXPECT_EQ(0, wspbind_check_name_family(23, true, AF_INET6));
	EXPECT_EQ(0, wspbind_check_name_family(AF_INET6, false, AF_INET6));

	EXPECT_EQ(-EFAULT,
		  wspbind_check_name_family(AF_INET, true, AF_INET6));
	EXPECT_EQ(-EFAULT,
		  wspbind_check_name_family(23, true, AF_INET));
	EXPECT_EQ(-EFAULT,
		  wspbind_check_name_family(AF_INET6, true, AF_INET6));
	EXPECT_EQ(-EFAULT,
		  wspbind_check_name_family(23, false, AF_INET6));
	EXPECT_EQ(-EFAULT,
		  wspbind_check_name_family(0xdead, true, AF_INET));
	EXPECT_EQ(-EFAULT,
		  wspbind_check_name_family(AF_UNIX, false, AF_UNIX));
}

TEST(range_validation)
{
	EXPECT_TRUE(wspbind_range_valid(1024, 5000));
	EXPECT_TRUE(wspbind_range_valid(1, 65535));
	EXPECT_TRUE(wspbind_range_valid(2000, 2000));
	EXPECT_FALSE(wspbind_range_valid(5000, 1024));
	EXPECT_FALSE(wspbind_range_valid(0, 100));
	EXPECT_FALSE(wspbind_range_valid(1, 65536));
	EXPECT_FALSE(wspbind_range_valid(-1, 100));
	EXPECT_FALSE(wspbind_range_valid(100, -1));
}

TEST(range_packing)
{
	unsigned int range = wspbind_range_pack(1024, 5000);

	EXPECT_EQ(1024, wspbind_range_low(range));
	EXPECT_EQ(5000, wspbind_range_high(range));
	range = wspbind_range_pack(65535, 65535);
	EXPECT_EQ(65535, wspbind_range_low(range));
	EXPECT_EQ(65535, wspbind_range_high(range));
}

/*
 * For every stride (1 is the plain walk, 128 and 512 are UDP hash sizes)
 * and start, the classes and the walks through them visit every port of
 * the range exactly once, and a class holds only ports one stride apart.
 */
TEST(classes_cover_the_range)
{
	static const struct {
		unsigned short low, high;
		unsigned int stride, start;
	} cases[] = {
		{ 1024, 5000, 1, 0 },
		{ 1024, 5000, 1, 3976 },
		{ 1024, 5000, 512, 0xffffffff },
		{ 1024, 5000, 128, 77 },
		{ 40000, 40000, 1, 7 },
		{ 40000, 40001, 512, 3 },
		{ 1, 65535, 1, 65534 },
		{ 1, 65535, 128, 1 },
		{ 65534, 65535, 256, 1 },
	};
	static unsigned char seen[65536];
	unsigned int c, class, i, span, count, index, total;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		memset(seen, 0, sizeof(seen));
		span = cases[c].high - cases[c].low + 1;
		total = 0;
		for (class = 0; class < cases[c].stride; class++) {
			count = wspbind_class_size(span, cases[c].stride, class);
			for (i = 0; i < count; i++) {
				unsigned short port;

				index = wspbind_class_index(count, cases[c].start, i);
				ASSERT_LT(index, count);
				port = wspbind_class_port(cases[c].low,
							  cases[c].stride, class,
							  index);
				ASSERT_GE(port, cases[c].low);
				ASSERT_LE(port, cases[c].high);
				ASSERT_EQ(class, (port - cases[c].low) %
						 cases[c].stride);
				ASSERT_EQ(0, seen[port]) TH_LOG("port %u twice", port);
				seen[port] = 1;
				total++;
			}
		}
		ASSERT_EQ(span, total);
	}
}

/* A walk through a class starts where it is told and wraps at the end. */
TEST(class_walk_order)
{
	EXPECT_EQ(3U, wspbind_class_index(5, 3, 0));
	EXPECT_EQ(4U, wspbind_class_index(5, 3, 1));
	EXPECT_EQ(0U, wspbind_class_index(5, 3, 2));
	EXPECT_EQ(2U, wspbind_class_index(5, 8, 4));
	EXPECT_EQ(0U, wspbind_class_index(1, 0xffffffff, 0));
	EXPECT_EQ(65534U, wspbind_class_index(65535, 0xffffffff, 65534));
	EXPECT_EQ(1034, wspbind_class_port(1024, 1, 0, 10));
	EXPECT_EQ(1024 + 7 + 2 * 512, wspbind_class_port(1024, 512, 7, 2));
	EXPECT_EQ(8U, wspbind_class_size(3977, 512, 0));
	EXPECT_EQ(8U, wspbind_class_size(3977, 512, 392));
	EXPECT_EQ(7U, wspbind_class_size(3977, 512, 393));
	EXPECT_EQ(0U, wspbind_class_size(2, 512, 2));
	EXPECT_EQ(3977U, wspbind_class_size(3977, 1, 0));
}

TEST_HARNESS_MAIN
