// SPDX-License-Identifier: GPL-2.0
/*
 * Wine's own test_bind and test_reuseaddr, alone: this file includes
 * dlls/ws2_32/tests/sock.c from Debian's unpacked Wine source at build time
 * (make wine-tests; nothing of it is kept here) and runs its Init() and
 * those two tests as the test "bind_reuseaddr".
 */
#include "sock.c"

void func_bind_reuseaddr(void);

void func_bind_reuseaddr(void)
{
	Init();
	test_reuseaddr();
	test_bind();
}
