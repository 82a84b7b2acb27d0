/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Microsoft's table of "Sharing Transport Addresses", the one copy of it
 * that every test reads: the selftests (wspbind_share_test.c, cell by
 * cell through the device; wspbind_stress.c, under load) and the module's
 * unit tests (module/test/sharing_cases.h, for sharing_test.c and the
 * KUnit suite wspbind_sharing). It includes nothing, so that the kernel
 * and user space can both include it.
 *
 * sharing_table[second][first]: the answer to a second bind of an address
 * that a first socket holds, each index in the order none W, none S,
 * SO_REUSEADDR W, SO_REUSEADDR S, SO_EXCLUSIVEADDRUSE W,
 * SO_EXCLUSIVEADDRUSE S; W a wildcard, S a specific address under it. So
 * an index is the option (enum wspbind_opt) times 2, plus 1 for S.
 */
#ifndef _WSPBIND_SHARING_TABLE_H
#define _WSPBIND_SHARING_TABLE_H

/*
 * A cell, numbered as enum wspbind_share of module/sharing.h:
 * @SHARING_OK: the second bind succeeds
 * @SHARING_INUSE: WSAEADDRINUSE
 * @SHARING_DENIED: WSAEACCES
 * @SHARING_CHECK: an access check: granted when both sockets belong to
 *	the same user, otherwise WSAEACCES
 */
enum sharing_cell {
	SHARING_OK,
	SHARING_INUSE,
	SHARING_DENIED,
	SHARING_CHECK,
};

/* Short names, for a table that reads as Microsoft's does. */
#define C_OK	SHARING_OK
#define C_INUSE	SHARING_INUSE
#define C_DENY	SHARING_DENIED
#define C_CHECK	SHARING_CHECK

static const unsigned char sharing_table[6][6] = {
	{ C_INUSE, C_OK,    C_INUSE, C_OK,    C_INUSE, C_OK    },
	{ C_CHECK, C_INUSE, C_CHECK, C_DENY,  C_DENY,  C_INUSE },
	{ C_DENY,  C_OK,    C_OK,    C_OK,    C_DENY,  C_OK    },
	{ C_CHECK, C_DENY,  C_OK,    C_OK,    C_DENY,  C_DENY  },
	{ C_INUSE, C_INUSE, C_INUSE, C_INUSE, C_INUSE, C_INUSE },
	{ C_CHECK, C_INUSE, C_CHECK, C_INUSE, C_DENY,  C_INUSE },
};

#undef C_OK
#undef C_INUSE
#undef C_DENY
#undef C_CHECK

#endif /* _WSPBIND_SHARING_TABLE_H */
