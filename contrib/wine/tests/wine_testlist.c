// SPDX-License-Identifier: GPL-2.0
/*
 * The test table that Wine's test framework (wine/test.h, STANDALONE)
 * expects of a test program: one test, bind_reuseaddr.
 */
#include <windows.h>
#define STANDALONE
#include "wine/test.h"

extern void func_bind_reuseaddr(void);

const struct test winetest_testlist[] = {
	{ "bind_reuseaddr", func_bind_reuseaddr },
	{ 0, 0 }
};
