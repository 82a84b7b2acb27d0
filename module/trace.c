// SPDX-License-Identifier: GPL-2.0
/*
 * Instantiates the tracepoints of trace.h; bind.c fires them.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
