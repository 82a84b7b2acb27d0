// SPDX-License-Identifier: GPL-2.0
/*
 * The test table that Wine's test framework (wine/test.h, STANDALONE)
 * expects of a test program: one test, bind_reuseaddr; or, built with
 * -DWHOLE_WS2_32 beside Wine's own dlls/ws2_32/tests/afd.c and sock.c
 * (make wine-ws2_32-tests), their tests "afd" and "sock"; or, built with
 * -DPATCH_TESTS beside wine_patch_tests.c (make wine-patch-tests), the
 * tests that contrib/wine's patch adds to sock.c, one test each.
 */
#include <windows.h>
#define STANDALONE
#include "wine/test.h"

#ifdef WHOLE_WS2_32
extern void func_afd(void);
extern void func_sock(void);
#define TESTS { "afd", func_afd }, { "sock", func_sock },
#elif defined(PATCH_TESTS)
extern void func_bind_errors(void);
extern void func_bind_port_zero(void);
extern void func_bind_implicit(void);
extern void func_bind_processes(void);
#define TESTS { "bind_errors", func_bind_errors }, \
	{ "bind_port_zero", func_bind_port_zero }, \
	{ "bind_implicit", func_bind_implicit }, \
	{ "bind_processes", func_bind_processes },
#else
extern void func_bind_reuseaddr(void);
#define TESTS { "bind_reuseaddr", func_bind_reuseaddr },
#endif

const struct test winetest_testlist[] = {
	TESTS
	{ 0, 0 }
};
