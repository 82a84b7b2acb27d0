// SPDX-License-Identifier: GPL-2.0
/*
 * The sharing rules (module/sharing.c), tested in user space: the table
 * cell by cell, how addresses overlap, the mixed-family rows Windows
 * recorded, the access check, and Linux's own rule.
 */
#include <arpa/inet.h>
#include <string.h>

#include <linux/wspbind.h>
#include "../../module/sharing.h"
#include "kselftest_harness.h"

#include "sharing_cases.h"

TEST(table_cells)
{
	int row, col;

	for (row = 0; row < 6; row++) {
		for (col = 0; col < 6; col++) {
			EXPECT_EQ(sharing_table[row][col],
				  (int)wspbind_share_cell(col / 2, !(col % 2),
						     row / 2, !(row % 2)))
				TH_LOG("row %d, column %d", row, col);
		}
	}
}

TEST(overlap)
{
	struct wspbind_addr a, b;
	unsigned int i;

	for (i = 0; i < sizeof(overlap_cases) / sizeof(overlap_cases[0]); i++) {
		sharing_addr(overlap_cases[i].first, &a);
		sharing_addr(overlap_cases[i].second, &b);
		EXPECT_EQ((int)overlap_cases[i].want, (int)wspbind_addr_overlap(&a, &b))
			TH_LOG("case %u", i);
	}
}

/* The table through (int)wspbind_share_decide(), IPv4 and IPv6. */
TEST(decide_follows_the_table)
{
	static const enum sharing_addr_name where[2][2] = {
		{ A4_ANY, A4_LO }, { A6_ANY, A6_LO },
	};
	struct wspbind_addr first, second;
	int v, row, col, want;

	for (v = 0; v < 2; v++) {
		for (row = 0; row < 6; row++) {
			for (col = 0; col < 6; col++) {
				sharing_addr(where[v][col % 2], &first);
				sharing_addr(where[v][row % 2], &second);
				want = sharing_table[row][col];
				EXPECT_EQ(want == T_CHECK ? T_OK : want,
					  (int)wspbind_share_decide(col / 2, &first,
							       row / 2, &second,
							       true))
					TH_LOG("v%d row %d col %d", v, row, col);
				EXPECT_EQ(want == T_CHECK ? T_DENY : want,
					  (int)wspbind_share_decide(col / 2, &first,
							       row / 2, &second,
							       false))
					TH_LOG("v%d row %d col %d, other user",
					       v, row, col);
			}
		}
	}
}

TEST(decide_disjoint_always_ok)
{
	struct wspbind_addr a, b;
	int x, y;

	sharing_addr(A4_LO, &a);
	sharing_addr(A4_OTHER, &b);
	for (x = 0; x < 3; x++) {
		for (y = 0; y < 3; y++) {
			EXPECT_EQ(T_OK, (int)wspbind_share_decide(x, &a, y, &b,
								  false))
				TH_LOG("options %d then %d", x, y);
		}
	}
}

TEST(wine_mixed_rows)
{
	struct wspbind_addr a, b;
	unsigned int i;

	for (i = 0; i < sizeof(wine_cases) / sizeof(wine_cases[0]); i++) {
		sharing_addr(wine_cases[i].first, &a);
		sharing_addr(wine_cases[i].second, &b);
		EXPECT_EQ((int)wine_cases[i].want,
			  (int)wspbind_share_decide(wine_cases[i].excl_first ?
					       WSPBIND_OPT_EXCLUSIVE :
					       WSPBIND_OPT_NONE, &a,
					       wine_cases[i].excl_second ?
					       WSPBIND_OPT_EXCLUSIVE :
					       WSPBIND_OPT_NONE, &b, true))
			TH_LOG("row %u", i);
	}
}

TEST(worse_and_wsa)
{
	EXPECT_EQ(T_OK, (int)wspbind_share_worse(T_OK, T_OK));
	EXPECT_EQ(T_DENY, (int)wspbind_share_worse(T_OK, T_DENY));
	EXPECT_EQ(T_INUSE, (int)wspbind_share_worse(T_DENY, T_INUSE));
	EXPECT_EQ(T_INUSE, (int)wspbind_share_worse(T_INUSE, T_DENY));
	EXPECT_EQ(0, wspbind_share_errno(T_OK));
	EXPECT_EQ(-EADDRINUSE, wspbind_share_errno(T_INUSE));
	EXPECT_EQ(-EACCES, wspbind_share_errno(T_DENY));
}

/* Linux's rule, for a socket bound with bind(2). */
TEST(linux_rule)
{
	struct wspbind_linux_reuse none = { 0 }, reuse = { .reuse = true };
	struct wspbind_linux_reuse port = { .reuseport = true };
	struct wspbind_linux_reuse listening = { .reuse = true,
						 .listening = true };
	struct wspbind_linux_reuse tw_port = { .reuseport = true,
					       .timewait = true };

	EXPECT_FALSE(wspbind_linux_shares(true, &none, &none, true));
	EXPECT_FALSE(wspbind_linux_shares(true, &reuse, &none, true));
	EXPECT_TRUE(wspbind_linux_shares(true, &reuse, &reuse, false));
	EXPECT_FALSE(wspbind_linux_shares(true, &reuse, &listening, true));
	EXPECT_TRUE(wspbind_linux_shares(false, &reuse, &listening, true));
	EXPECT_TRUE(wspbind_linux_shares(true, &port, &port, true));
	EXPECT_FALSE(wspbind_linux_shares(true, &port, &port, false));
	EXPECT_TRUE(wspbind_linux_shares(true, &port, &tw_port, false));
	EXPECT_FALSE(wspbind_linux_shares(false, &port, &tw_port, false));
}

/*
 * The options a device socket carries: SO_REUSEPORT (one uid) unless
 * exclusive, SO_REUSEADDR where Winsock's asks or the program set it,
 * nothing at all on an exclusive socket.
 */
TEST(linux_mark)
{
	struct wspbind_linux_reuse none = { 0 }, reuse = { .reuse = true };
	struct wspbind_linux_reuse both = { .reuse = true, .reuseport = true };
	struct wspbind_linux_reuse mark;

	wspbind_linux_mark(WSPBIND_OPT_NONE, &none, &mark);
	EXPECT_FALSE(mark.reuse);
	EXPECT_TRUE(mark.reuseport);
	wspbind_linux_mark(WSPBIND_OPT_NONE, &reuse, &mark);
	EXPECT_TRUE(mark.reuse);
	EXPECT_TRUE(mark.reuseport);
	wspbind_linux_mark(WSPBIND_OPT_REUSEADDR, &none, &mark);
	EXPECT_TRUE(mark.reuse);
	EXPECT_TRUE(mark.reuseport);
	wspbind_linux_mark(WSPBIND_OPT_EXCLUSIVE, &both, &mark);
	EXPECT_FALSE(mark.reuse);
	EXPECT_FALSE(mark.reuseport);
	EXPECT_FALSE(mark.listening);
	EXPECT_FALSE(mark.timewait);
	/* Another uid never shares with a socket so marked... */
	wspbind_linux_mark(WSPBIND_OPT_NONE, &none, &mark);
	EXPECT_FALSE(wspbind_linux_shares(true, &both, &mark, false));
	EXPECT_FALSE(wspbind_linux_shares(false, &both, &mark, false));
	/* ... nor anybody with an exclusive one. */
	wspbind_linux_mark(WSPBIND_OPT_EXCLUSIVE, &none, &mark);
	EXPECT_FALSE(wspbind_linux_shares(true, &both, &mark, true));
	EXPECT_FALSE(wspbind_linux_shares(false, &both, &mark, true));
}

/*
 * One holder's say: a socket bound with bind(2) by Linux's rule, a device
 * socket by the table, and the forced bind only where the table lets the
 * claim in and Linux, on the options both carry, would not.
 */
TEST(holder_judged)
{
	struct wspbind_party claim = { .opt = WSPBIND_OPT_REUSEADDR,
				       .device = true };
	struct wspbind_party holder = { .opt = WSPBIND_OPT_NONE };
	bool force = false;

	/* A wildcard SO_REUSEADDR claim, with its mark. */
	sharing_addr(A4_ANY, &claim.addr);
	claim.linux_reuse.reuse = true;
	claim.linux_reuse.reuseport = true;
	sharing_addr(A4_LO, &holder.addr);

	/* bind(2), no options: Linux refuses; the table is not asked. */
	EXPECT_EQ(T_INUSE, (int)wspbind_share_holder(true, &claim, &holder,
						     true, &force));
	EXPECT_FALSE(force);
	/* bind(2) with SO_REUSEPORT, same uid: Linux lets it in. */
	holder.linux_reuse.reuseport = true;
	EXPECT_EQ(T_OK, (int)wspbind_share_holder(true, &claim, &holder,
						  true, &force));
	/* ... another uid: refused, though the table would let it in. */
	EXPECT_EQ(T_INUSE, (int)wspbind_share_holder(true, &claim, &holder,
						     false, &force));
	EXPECT_FALSE(force);

	/* A device socket, no option, another uid: the table lets it in. */
	holder.device = true;
	EXPECT_EQ(T_OK, (int)wspbind_share_holder(true, &claim, &holder,
						  false, &force));
	EXPECT_TRUE(force);
	force = false;
	/* The same, but not the look that may force: @force untouched. */
	EXPECT_EQ(T_OK, (int)wspbind_share_holder(true, &claim, &holder,
						  false, NULL));
	/* One uid: Linux's SO_REUSEPORT lets it in, nothing to force. */
	EXPECT_EQ(T_OK, (int)wspbind_share_holder(true, &claim, &holder,
						  true, &force));
	EXPECT_FALSE(force);
	/* An exclusive wildcard keeps the wildcard from the claim. */
	holder.opt = WSPBIND_OPT_EXCLUSIVE;
	holder.linux_reuse.reuseport = false;
	sharing_addr(A4_ANY, &holder.addr);
	EXPECT_EQ(T_DENY, (int)wspbind_share_holder(false, &claim, &holder,
						    true, &force));
	EXPECT_FALSE(force);

	/* An IPV6_V6ONLY wildcard holds no IPv4 address: no say. */
	sharing_addr(A6_ANY_V6ONLY, &holder.addr);
	holder.device = false;
	EXPECT_EQ(T_OK, (int)wspbind_share_holder(true, &claim, &holder,
						  false, &force));
}

TEST_HARNESS_MAIN
