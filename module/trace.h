/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracepoint wspbind:wspbind_bind: one event for every WSPBind, with
 * what was asked, what came of it and how long the port-0 search was.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM wspbind

#if !defined(_WSPBIND_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _WSPBIND_TRACE_H

#include <linux/net.h>
#include <linux/socket.h>
#include <linux/tracepoint.h>
#include <linux/wspbind.h>

#include "errors.h"
#include "internal.h"

#define wspbind_show_family(family)				\
	__print_symbolic(family,				\
			 { AF_UNSPEC, "AF_UNSPEC" },		\
			 { AF_UNIX, "AF_UNIX" },		\
			 { AF_INET, "AF_INET" },		\
			 { AF_INET6, "AF_INET6" })

#define wspbind_show_type(type)					\
	__print_symbolic(type,					\
			 { 0, "none" },				\
			 { SOCK_STREAM, "SOCK_STREAM" },	\
			 { SOCK_DGRAM, "SOCK_DGRAM" },		\
			 { SOCK_RAW, "SOCK_RAW" },		\
			 { SOCK_SEQPACKET, "SOCK_SEQPACKET" })

/* errors.h's list of Winsock errors, and 0 for success. */
#define wspbind_show_wsa(wsa)						\
	__print_symbolic(wsa, { 0, "0" }, WSPBIND_WSA_NAMES)

TRACE_EVENT(wspbind_bind,
	    TP_PROTO(const struct wspbind_event *ev),
	    TP_ARGS(ev),
	    TP_STRUCT__entry(__field(u16, family)
			     __field(u16, type)
			     __field(u16, req_port)
			     __field(u16, port)
			     __field(u32, wsa)
			     __field(u32, probes)),
	    TP_fast_assign(__entry->family = ev->family;
			   __entry->type = ev->type;
			   __entry->req_port = ev->req_port;
			   __entry->port = ev->port;
			   __entry->wsa = ev->wsa;
			   __entry->probes = ev->probes;),
	    TP_printk("family=%s type=%s req_port=%u port=%u wsa=%s probes=%u",
		      wspbind_show_family(__entry->family),
		      wspbind_show_type(__entry->type),
		      __entry->req_port, __entry->port,
		      wspbind_show_wsa(__entry->wsa), __entry->probes)
);

#endif /* _WSPBIND_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src)/module. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
