// SPDX-License-Identifier: GPL-2.0
/*
 * The tests that contrib/wine's patch adds to Wine's
 * dlls/ws2_32/tests/sock.c, alone: this file includes that sock.c with the
 * patch applied (make wine-patch-tests, from Debian's unpacked source;
 * nothing of it is kept here) and runs Init() and one of those tests as
 * each test of wine_testlist.c's -DPATCH_TESTS list, so that Wine's summary
 * counts each function's checks apart. test_bind_processes() starts this
 * program again as its child, with "bind_child" after the test's name, as
 * the patched START_TEST does.
 */
#include "sock.c"

#define PATCH_TEST(name)				\
	void func_##name(void);				\
	void func_##name(void)				\
	{						\
		Init();					\
		test_##name();				\
		Exit();					\
	}

PATCH_TEST(bind_errors)
PATCH_TEST(bind_port_zero)
PATCH_TEST(bind_implicit)

void func_bind_processes(void);

void func_bind_processes(void)
{
	char **argv;

	Init();
	if (winetest_get_mainargs(&argv) > 5 && !strcmp(argv[2], "bind_child"))
		test_bind_child(argv + 3);
	else
		test_bind_processes();
	Exit();
}
