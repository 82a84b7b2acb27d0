/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test data for module/sharing.c, shared by the user-space test and the
 * KUnit module: Microsoft's table (selftests/wspbind_sharing_table.h,
 * which the selftests read too), how addresses overlap, and the rows of
 * Wine's test_reuseaddr that mix IPv4 and IPv6 (Windows's recorded
 * answers). Include after sharing.h.
 */
#ifndef _WSPBIND_SHARING_CASES_H
#define _WSPBIND_SHARING_CASES_H

#define T_OK	WSPBIND_SHARE_OK
#define T_INUSE	WSPBIND_SHARE_INUSE
#define T_DENY	WSPBIND_SHARE_DENIED
#define T_CHECK	WSPBIND_SHARE_CHECK

/*
 * Microsoft's table, sharing_table[6][6]: its cells are numbered as enum
 * wspbind_share, which the tests of every cell check.
 */
#include "../../selftests/wspbind_sharing_table.h"

/* Addresses, by name; A6_* are AF_INET6, dual-stack unless _V6ONLY. */
enum sharing_addr_name {
	A4_ANY, A4_LO, A4_OTHER,
	A6_ANY, A6_ANY_V6ONLY, A6_LO, A6_MAPPED_LO, A6_MAPPED_ANY,
	A4_LO_DEV1, A4_LO_DEV2, A4_ANY_DEV1,
	NR_SHARING_ADDRS
};

static void sharing_addr(enum sharing_addr_name n, struct wspbind_addr *a)
{
	static const unsigned char lo6[16] = { [15] = 1 };
	static const unsigned char mapped_lo[16] = {
		[10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1,
	};
	static const unsigned char mapped_any[16] = {
		[10] = 0xff, [11] = 0xff,
	};

	memset(a, 0, sizeof(*a));
	a->family = n >= A6_ANY && n <= A6_MAPPED_ANY ? AF_INET6 : AF_INET;
	switch (n) {
	case A4_LO:
	case A4_LO_DEV1:
	case A4_LO_DEV2:
		a->v4 = htonl(0x7f000001);
		break;
	case A4_OTHER:
		a->v4 = htonl(0x7f000002);
		break;
	case A6_ANY_V6ONLY:
		a->v6only = true;
		break;
	case A6_LO:
		memcpy(&a->v6, lo6, 16);
		break;
	case A6_MAPPED_LO:
		memcpy(&a->v6, mapped_lo, 16);
		break;
	case A6_MAPPED_ANY:
		memcpy(&a->v6, mapped_any, 16);
		break;
	default:
		break;
	}
	if (n == A4_LO_DEV1 || n == A4_ANY_DEV1)
		a->dev = 1;
	if (n == A4_LO_DEV2)
		a->dev = 2;
}

static const struct {
	enum sharing_addr_name first, second;
	enum wspbind_overlap want;
} overlap_cases[] = {
	{ A4_ANY, A4_ANY, WSPBIND_SAME },
	{ A4_LO, A4_LO, WSPBIND_SAME },
	{ A4_ANY, A4_LO, WSPBIND_FIRST_WIDER },
	{ A4_LO, A4_ANY, WSPBIND_SECOND_WIDER },
	{ A4_LO, A4_OTHER, WSPBIND_DISJOINT },
	{ A6_ANY, A6_ANY_V6ONLY, WSPBIND_SAME },
	{ A6_ANY, A6_LO, WSPBIND_FIRST_WIDER },
	{ A6_LO, A4_LO, WSPBIND_DISJOINT },
	{ A6_LO, A4_ANY, WSPBIND_DISJOINT },
	/* A dual-stack [::] covers IPv4, below 0.0.0.0. */
	{ A6_ANY, A4_LO, WSPBIND_FIRST_WIDER },
	{ A6_ANY, A4_ANY, WSPBIND_FIRST_WIDER },
	{ A4_ANY, A6_ANY, WSPBIND_SECOND_WIDER },
	{ A6_ANY_V6ONLY, A4_ANY, WSPBIND_DISJOINT },
	{ A6_ANY_V6ONLY, A4_LO, WSPBIND_DISJOINT },
	/* A v4-mapped address is the IPv4 address it maps. */
	{ A6_MAPPED_LO, A4_LO, WSPBIND_SAME },
	{ A6_MAPPED_ANY, A4_ANY, WSPBIND_SAME },
	{ A6_MAPPED_ANY, A4_LO, WSPBIND_FIRST_WIDER },
	{ A6_MAPPED_LO, A6_LO, WSPBIND_DISJOINT },
	{ A6_ANY, A6_MAPPED_LO, WSPBIND_FIRST_WIDER },
	/* Devices: different ones never meet; none meets any. */
	{ A4_LO_DEV1, A4_LO_DEV2, WSPBIND_DISJOINT },
	{ A4_LO_DEV1, A4_LO, WSPBIND_SAME },
	{ A4_ANY_DEV1, A4_LO_DEV2, WSPBIND_DISJOINT },
	{ A4_ANY_DEV1, A4_LO_DEV1, WSPBIND_FIRST_WIDER },
};

/*
 * Wine's test_reuseaddr, tests_exclusive: the second bind's answer, one
 * user. excl: SO_EXCLUSIVEADDRUSE on that socket, else no option.
 */
static const struct {
	enum sharing_addr_name first, second;
	bool excl_first, excl_second;
	enum wspbind_share want;
} wine_cases[] = {
	{ A4_ANY, A4_LO, true, false, T_DENY },
	{ A6_ANY, A4_LO, true, false, T_DENY },
	{ A4_ANY, A4_LO, false, true, T_OK },
	{ A4_ANY, A4_LO, true, true, T_DENY },
	{ A4_LO, A4_ANY, true, false, T_OK },
	{ A4_LO, A4_ANY, false, true, T_INUSE },
	{ A4_LO, A6_ANY, false, true, T_INUSE },
	{ A6_LO, A4_ANY, false, true, T_OK },
	{ A6_LO, A4_LO, true, true, T_OK },
	{ A6_MAPPED_LO, A4_ANY, false, true, T_INUSE },
	{ A6_ANY, A4_ANY, true, false, T_DENY },
	{ A6_ANY, A4_ANY, false, true, T_OK },
	{ A4_ANY, A4_ANY, false, true, T_INUSE },
	{ A4_ANY, A4_ANY, false, false, T_INUSE },
	{ A6_ANY, A4_ANY, false, false, T_OK },
	{ A6_MAPPED_ANY, A4_ANY, false, false, T_INUSE },
	{ A6_MAPPED_LO, A4_LO, false, false, T_INUSE },
	{ A4_LO, A6_MAPPED_LO, false, false, T_INUSE },
	{ A4_LO, A4_LO, true, false, T_INUSE },
	{ A4_LO, A4_LO, false, true, T_INUSE },
};

#endif /* _WSPBIND_SHARING_CASES_H */
