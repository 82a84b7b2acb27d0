/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The port search's arithmetic: how port_search.c walks a range once, in
 * classes of ports that share a slot of the protocol's hash. Pure, so the
 * user-space and KUnit tests walk the same ranges the module does.
 */
#ifndef _WSPBIND_PORT_SEARCH_H
#define _WSPBIND_PORT_SEARCH_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "test/user_shim.h"
#endif

/**
 * wspbind_class_size() - how many ports of a range one class holds
 * @span: the number of ports in the range, at least 1
 * @stride: the number of classes, at least 1
 * @class: which class, below @stride
 *
 * The port search groups the range in @stride classes: class @class holds
 * the ports low + @class, low + @class + @stride, ... up to the range's
 * end, so that one look at a hash slot tells about a whole class. With
 * @stride 1 the one class is the whole range.
 *
 * Return: the number of ports in the class, 0 when @class is past the
 * range.
 */
static inline u32 wspbind_class_size(u32 span, u32 stride, u32 class)
{
	return span / stride + (class < span % stride);
}

/**
 * wspbind_class_index() - the @i-th position of a walk through a class
 * @count: ports in the class, at least 1
 * @start: where the walk starts, any value
 * @i: how many positions came before, below @count
 *
 * Walks the class once from @start, wrapping at its end, so that @i from
 * 0 to @count - 1 visits every position exactly once. One division: the
 * search calls this for every candidate.
 *
 * Return: the position, below @count.
 */
static inline u32 wspbind_class_index(u32 count, u32 start, u32 i)
{
	u32 index = start % count + i;

	return index >= count ? index - count : index;
}

/**
 * wspbind_class_port() - the port at a position of a class
 * @low: first port of the range
 * @stride: the number of classes
 * @class: the class, below @stride
 * @index: the position in the class, below wspbind_class_size()
 *
 * Return: the port.
 */
static inline u16 wspbind_class_port(u16 low, u32 stride, u32 class, u32 index)
{
	return low + class + index * stride;
}

#endif /* _WSPBIND_PORT_SEARCH_H */
