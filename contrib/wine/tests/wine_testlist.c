// SPDX-License-Identifier: GPL-2.0
/*
 * The test table that Wine's test framework (wine/test.h, STANDALONE)
 * expects of a test program: one test, bind_reuseaddr; or, built with
 * -DWHOLE_WS2_32 beside Wine's own dlls/ws2_32/tests/afd.c and sock.c
 * (make wine-ws2_32-tests), their tests "afd" and "sock".
 */
#include <windows.h>
#define STANDALONE
#include "wine/test.h"

#ifdef WHOLE_WS2_32
extern void func_afd(void);
extern void func_sock(void);
#define TESTS { "afd", func_afd }, { "sock", func_sock },
#else
extern void func_bind_reuseaddr(void);
#define TESTS { "bind_reuseaddr", func_bind_reuseaddr },
#endif

const struct test winetest_testlist[] = {
	TESTS
	{ 0, 0 }
};
