/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * What module/rules.c and module/sharing.c take from the kernel, from libc instead, so the
 * rules build unchanged in user space.
 */
#ifndef _WSPBIND_USER_SHIM_H
#define _WSPBIND_USER_SHIM_H

#include <errno.h>
#include <linux/types.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;

#define min(a, b) ((a) < (b) ? (a) : (b))

#endif /* _WSPBIND_USER_SHIM_H */
