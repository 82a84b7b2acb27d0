// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the sharing rules, the suite wspbind_sharing of
 * wspbind_kunit.ko: compiled from module/sharing.c itself, included below,
 * as rules_kunit.c is from module/rules.c, and checked against the test
 * data that the user-space sharing_test.c reads too.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "../sharing.c"

#include "sharing_cases.h"

static void wspbind_test_share_table(struct kunit *test)
{
	int row, col;

	for (row = 0; row < 6; row++)
		for (col = 0; col < 6; col++)
			KUNIT_EXPECT_EQ_MSG(test, (int)sharing_table[row][col],
					    (int)wspbind_share_cell(col / 2,
								    !(col % 2),
								    row / 2,
								    !(row % 2)),
					    "row %d column %d", row, col);
}

static void wspbind_test_share_overlap(struct kunit *test)
{
	struct wspbind_addr a, b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(overlap_cases); i++) {
		sharing_addr(overlap_cases[i].first, &a);
		sharing_addr(overlap_cases[i].second, &b);
		KUNIT_EXPECT_EQ_MSG(test, (int)overlap_cases[i].want,
				    (int)wspbind_addr_overlap(&a, &b),
				    "case %u", i);
	}
}

static void wspbind_test_share_wine_rows(struct kunit *test)
{
	struct wspbind_addr a, b;
	enum wspbind_opt first, second;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wine_cases); i++) {
		sharing_addr(wine_cases[i].first, &a);
		sharing_addr(wine_cases[i].second, &b);
		first = wine_cases[i].excl_first ? WSPBIND_OPT_EXCLUSIVE :
						   WSPBIND_OPT_NONE;
		second = wine_cases[i].excl_second ? WSPBIND_OPT_EXCLUSIVE :
						     WSPBIND_OPT_NONE;
		KUNIT_EXPECT_EQ_MSG(test, (int)wine_cases[i].want,
				    (int)wspbind_share_decide(first, &a, second,
							      &b, true),
				    "row %u", i);
	}
}

/* CHECK: granted for one user, WSAEACCES for two. */
static void wspbind_test_share_check(struct kunit *test)
{
	struct wspbind_addr any, lo;

	sharing_addr(A4_ANY, &any);
	sharing_addr(A4_LO, &lo);
	KUNIT_EXPECT_EQ(test, (int)WSPBIND_SHARE_OK,
			(int)wspbind_share_decide(WSPBIND_OPT_NONE, &any,
						  WSPBIND_OPT_NONE, &lo, true));
	KUNIT_EXPECT_EQ(test, (int)WSPBIND_SHARE_DENIED,
			(int)wspbind_share_decide(WSPBIND_OPT_NONE, &any,
						  WSPBIND_OPT_NONE, &lo,
						  false));
}

/* The options a device socket carries: none at all when exclusive. */
static void wspbind_test_linux_mark(struct kunit *test)
{
	struct wspbind_linux_reuse own = { .reuse = true, .reuseport = true };
	struct wspbind_linux_reuse none = { 0 }, mark;

	wspbind_linux_mark(WSPBIND_OPT_EXCLUSIVE, &own, &mark);
	KUNIT_EXPECT_FALSE(test, mark.reuse);
	KUNIT_EXPECT_FALSE(test, mark.reuseport);
	wspbind_linux_mark(WSPBIND_OPT_REUSEADDR, &none, &mark);
	KUNIT_EXPECT_TRUE(test, mark.reuse);
	KUNIT_EXPECT_TRUE(test, mark.reuseport);
	wspbind_linux_mark(WSPBIND_OPT_NONE, &none, &mark);
	KUNIT_EXPECT_FALSE(test, mark.reuse);
	KUNIT_EXPECT_TRUE(test, mark.reuseport);
	KUNIT_EXPECT_FALSE(test, wspbind_linux_shares(false, &own, &mark,
						      false));
}

/*
 * One holder's say: bind(2)'s socket by Linux's rule, a device socket by
 * the table, forced only where the table lets in what Linux would not.
 */
static void wspbind_test_share_holder(struct kunit *test)
{
	struct wspbind_party claim = { .opt = WSPBIND_OPT_REUSEADDR,
				       .device = true };
	struct wspbind_party holder = { .opt = WSPBIND_OPT_NONE };
	bool force = false;

	sharing_addr(A4_ANY, &claim.addr);
	claim.linux_reuse.reuse = true;
	claim.linux_reuse.reuseport = true;
	sharing_addr(A4_LO, &holder.addr);
	holder.linux_reuse.reuseport = true;

	KUNIT_EXPECT_EQ(test, (int)WSPBIND_SHARE_INUSE,
			(int)wspbind_share_holder(true, &claim, &holder,
						  false, &force));
	KUNIT_EXPECT_FALSE(test, force);
	holder.device = true;
	KUNIT_EXPECT_EQ(test, (int)WSPBIND_SHARE_OK,
			(int)wspbind_share_holder(true, &claim, &holder,
						  false, &force));
	KUNIT_EXPECT_TRUE(test, force);
	force = false;
	KUNIT_EXPECT_EQ(test, (int)WSPBIND_SHARE_OK,
			(int)wspbind_share_holder(true, &claim, &holder,
						  true, &force));
	KUNIT_EXPECT_FALSE(test, force);
}

static struct kunit_case wspbind_sharing_cases[] = {
	KUNIT_CASE(wspbind_test_share_table),
	KUNIT_CASE(wspbind_test_share_overlap),
	KUNIT_CASE(wspbind_test_share_wine_rows),
	KUNIT_CASE(wspbind_test_share_check),
	KUNIT_CASE(wspbind_test_linux_mark),
	KUNIT_CASE(wspbind_test_share_holder),
	{}
};

static struct kunit_suite wspbind_sharing_suite = {
	.name = "wspbind_sharing",
	.test_cases = wspbind_sharing_cases,
};

kunit_test_suite(wspbind_sharing_suite);
