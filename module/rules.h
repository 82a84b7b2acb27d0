/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * Pure rules of a Winsock bind: no locks, no allocation, no side effects.
 * Built into the module and into user-space unit tests alike.
 */
#ifndef _WSPBIND_RULES_H
#define _WSPBIND_RULES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "test/user_shim.h"
#endif

#define WSPBIND_RANGE_DEFAULT_LOW	1024
#define WSPBIND_RANGE_DEFAULT_HIGH	5000

int wspbind_check_kind(int family, int type, int protocol);
u16 wspbind_linux_family(u16 raw, bool winsock);
int wspbind_name_min_len(int family);
int wspbind_name_copy_len(int namelen, int family);
int wspbind_check_name_family(u16 raw_family, bool winsock, int family);

bool wspbind_range_valid(int low, int high);
u32 wspbind_range_pack(u16 low, u16 high);
u16 wspbind_range_low(u32 range);
u16 wspbind_range_high(u32 range);

#endif /* _WSPBIND_RULES_H */
