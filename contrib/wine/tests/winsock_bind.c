// SPDX-License-Identifier: GPL-2.0
/*
 * winsock_bind: Winsock's bind as a Windows program sees it, one TAP line
 * per case, each checked against what Windows answers.
 *
 * A Windows program, built with mingw-w64, that uses only the Winsock API.
 * Run under Wine, it tells how close Wine's bind is to Windows's: under
 * Debian's stock Wine the cases listed in stock-wine.fail differ; under
 * Wine on wspbind (the patches of contrib/wine/, with the module loaded)
 * none should.
 *
 * Each case names where its expectation comes from:
 *   [W]  Wine's own dlls/ws2_32/tests/sock.c (test_bind, test_reuseaddr),
 *        whose expectations are Windows's recorded results
 *   [M]  Microsoft's documentation: the table "Using SO_REUSEADDR and
 *        SO_EXCLUSIVEADDRUSE" (sharing transport addresses) and the error
 *        list of LPWSPBind
 *   [P]  this project's port range for port 0 and implicit binds,
 *        1024-5000 (Windows's range before Vista, and wspbind's default)
 *
 * Each line reads "ok N - CASE: got ANSWER, Windows ANSWER [SOURCE]".
 *
 * Usage: winsock_bind.exe [--base PORT]     every case (ports PORT...)
 *        winsock_bind.exe hold PORT SECS    bind 0.0.0.0:PORT with
 *                                           SO_EXCLUSIVEADDRUSE, print
 *                                           "held", wait SECS seconds
 *        winsock_bind.exe probe PORT        bind 127.0.0.1:PORT, no option;
 *                                           print the answer as a TAP
 *                                           line (Windows: WSAEACCES)
 *        winsock_bind.exe fill MAX          bind TCP sockets to 127.0.0.1,
 *                                           port 0, until one fails (MAX at
 *                                           most); print "filled N ANSWER"
 *                                           (Windows, its range full:
 *                                           WSAENOBUFS)
 *        winsock_bind.exe bench [--count N] [--reps R] [--port0-in-range]
 *                                           binds per second (see
 *                                           bench() below)
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANGE_LOW	1024
#define RANGE_HIGH	5000

/* Answers other than Winsock errors. */
#define ANSWER_OUT_OF_RANGE	1	/* bound, but the port is outside the range */
#define ANSWER_NOT_ACCEPTED	2	/* no connection reached the socket */

enum opt { NONE, REUSE, EXCL };
enum where { ANY, LOOP, MAPPED_ANY, MAPPED_LOOP };

struct end {
	int af;
	enum where where;
	enum opt opt;
	int dual;		/* AF_INET6: IPV6_V6ONLY off */
	int listen;		/* listens before the other binds */
};

struct sharing_case {
	const char *name;
	int type;
	struct end first, second;
	int windows;		/* the second bind's answer on Windows */
	const char *source;
};

static int tests, failures;
static unsigned short port_base = 20000;

static const char *answer_name(int a)
{
	static char buf[32];

	switch (a) {
	case 0: return "0";
	case ANSWER_OUT_OF_RANGE: return "port outside 1024-5000";
	case ANSWER_NOT_ACCEPTED: return "not accepted";
	case WSAEACCES: return "WSAEACCES";
	case WSAEFAULT: return "WSAEFAULT";
	case WSAEINVAL: return "WSAEINVAL";
	case WSAEAFNOSUPPORT: return "WSAEAFNOSUPPORT";
	case WSAEADDRINUSE: return "WSAEADDRINUSE";
	case WSAEADDRNOTAVAIL: return "WSAEADDRNOTAVAIL";
	case WSAENOBUFS: return "WSAENOBUFS";
	case WSAEOPNOTSUPP: return "WSAEOPNOTSUPP";
	}
	snprintf(buf, sizeof(buf), "error %d", a);
	return buf;
}

static void report(const char *name, int got, int windows, const char *source)
{
	tests++;
	if (got != windows)
		failures++;
	printf("%sok %d - %s: got %s, Windows %s [%s]\n",
	       got == windows ? "" : "not ", tests, name, answer_name(got),
	       answer_name(windows), source);
	fflush(stdout);
}

static int make_addr(struct sockaddr_storage *ss, int af, enum where where,
		     unsigned short port)
{
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		in->sin_addr.s_addr = htonl(where == LOOP ? INADDR_LOOPBACK :
							    INADDR_ANY);
		return sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		static const char *text[] = {
			[ANY] = "::", [LOOP] = "::1",
			[MAPPED_ANY] = "::ffff:0.0.0.0",
			[MAPPED_LOOP] = "::ffff:127.0.0.1",
		};

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		inet_pton(AF_INET6, text[where], &in6->sin6_addr);
		return sizeof(*in6);
	}
}

/* A socket with its Winsock option set; INVALID_SOCKET on failure. */
static SOCKET open_socket(int af, int type, enum opt opt, int dual)
{
	SOCKET s = socket(af, type, 0);
	int one = 1, zero = 0;

	if (s == INVALID_SOCKET)
		return s;
	if ((opt == REUSE &&
	     setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (char *)&one, sizeof(one))) ||
	    (opt == EXCL &&
	     setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (char *)&one,
			sizeof(one))) ||
	    (af == AF_INET6 && dual &&
	     setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (char *)&zero,
			sizeof(zero)))) {
		closesocket(s);
		return INVALID_SOCKET;
	}
	return s;
}

/* bind()'s answer: 0 or the Winsock error. */
static int bind_answer(SOCKET s, const struct sockaddr_storage *ss, int len)
{
	return bind(s, (const struct sockaddr *)ss, len) ? WSAGetLastError() : 0;
}

static unsigned short local_port(SOCKET s)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	if (getsockname(s, (struct sockaddr *)&ss, &len))
		return 0;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int range_answer(SOCKET s)
{
	unsigned short port = local_port(s);

	return port >= RANGE_LOW && port <= RANGE_HIGH ? 0 : ANSWER_OUT_OF_RANGE;
}

/* The address sharing cases: the second bind's answer. */
static const struct sharing_case sharing[] = {
	{ "tcp 127.0.0.1 none, then 127.0.0.1 none", SOCK_STREAM,
	  { AF_INET, LOOP, NONE }, { AF_INET, LOOP, NONE }, WSAEADDRINUSE, "M" },
	{ "tcp 0.0.0.0 none, then 0.0.0.0 none", SOCK_STREAM,
	  { AF_INET, ANY, NONE }, { AF_INET, ANY, NONE }, WSAEADDRINUSE, "W" },
	{ "tcp 127.0.0.1 none, then 127.0.0.1 SO_REUSEADDR", SOCK_STREAM,
	  { AF_INET, LOOP, NONE }, { AF_INET, LOOP, REUSE }, WSAEACCES, "W" },
	{ "tcp 127.0.0.1 SO_REUSEADDR, then 127.0.0.1 SO_REUSEADDR", SOCK_STREAM,
	  { AF_INET, LOOP, REUSE }, { AF_INET, LOOP, REUSE }, 0, "W" },
	{ "tcp 0.0.0.0 none, then 127.0.0.1 none", SOCK_STREAM,
	  { AF_INET, ANY, NONE }, { AF_INET, LOOP, NONE }, 0, "M" },
	{ "tcp 0.0.0.0 none listening, then 127.0.0.1 none", SOCK_STREAM,
	  { AF_INET, ANY, NONE, 0, 1 }, { AF_INET, LOOP, NONE }, 0, "W" },
	{ "tcp 127.0.0.1 none listening, then 0.0.0.0 none", SOCK_STREAM,
	  { AF_INET, LOOP, NONE, 0, 1 }, { AF_INET, ANY, NONE }, 0, "W" },
	{ "tcp [::] none listening, then [::1] none", SOCK_STREAM,
	  { AF_INET6, ANY, NONE, 0, 1 }, { AF_INET6, LOOP, NONE }, 0, "W" },
	{ "tcp [::1] none listening, then [::] none", SOCK_STREAM,
	  { AF_INET6, LOOP, NONE, 0, 1 }, { AF_INET6, ANY, NONE }, 0, "W" },
	{ "tcp 0.0.0.0 SO_EXCLUSIVEADDRUSE, then 127.0.0.1 none", SOCK_STREAM,
	  { AF_INET, ANY, EXCL }, { AF_INET, LOOP, NONE }, WSAEACCES, "W" },
	{ "tcp 0.0.0.0 SO_EXCLUSIVEADDRUSE, then 127.0.0.1 SO_REUSEADDR",
	  SOCK_STREAM, { AF_INET, ANY, EXCL }, { AF_INET, LOOP, REUSE },
	  WSAEACCES, "M" },
	{ "tcp 0.0.0.0 none, then 127.0.0.1 SO_EXCLUSIVEADDRUSE", SOCK_STREAM,
	  { AF_INET, ANY, NONE }, { AF_INET, LOOP, EXCL }, 0, "W" },
	{ "tcp 127.0.0.1 none, then 0.0.0.0 SO_EXCLUSIVEADDRUSE", SOCK_STREAM,
	  { AF_INET, LOOP, NONE }, { AF_INET, ANY, EXCL }, WSAEADDRINUSE, "W" },
	{ "tcp 127.0.0.1 SO_EXCLUSIVEADDRUSE, then 127.0.0.1 none", SOCK_STREAM,
	  { AF_INET, LOOP, EXCL }, { AF_INET, LOOP, NONE }, WSAEADDRINUSE, "W" },
	{ "tcp [::] dual SO_EXCLUSIVEADDRUSE, then 127.0.0.1 none", SOCK_STREAM,
	  { AF_INET6, ANY, EXCL, 1 }, { AF_INET, LOOP, NONE }, WSAEACCES, "W" },
	{ "tcp 127.0.0.1 none, then [::] dual SO_EXCLUSIVEADDRUSE", SOCK_STREAM,
	  { AF_INET, LOOP, NONE }, { AF_INET6, ANY, EXCL, 1 }, WSAEADDRINUSE,
	  "W" },
	{ "tcp [::] dual none, then 0.0.0.0 none", SOCK_STREAM,
	  { AF_INET6, ANY, NONE, 1 }, { AF_INET, ANY, NONE }, 0, "W" },
	{ "tcp [::ffff:0.0.0.0] dual none, then 0.0.0.0 none", SOCK_STREAM,
	  { AF_INET6, MAPPED_ANY, NONE, 1 }, { AF_INET, ANY, NONE },
	  WSAEADDRINUSE, "W" },
	{ "tcp [::ffff:127.0.0.1] dual none, then 127.0.0.1 none", SOCK_STREAM,
	  { AF_INET6, MAPPED_LOOP, NONE, 1 }, { AF_INET, LOOP, NONE },
	  WSAEADDRINUSE, "W" },
	{ "udp 127.0.0.1 none, then 127.0.0.1 none", SOCK_DGRAM,
	  { AF_INET, LOOP, NONE }, { AF_INET, LOOP, NONE }, WSAEADDRINUSE, "M" },
	{ "udp 127.0.0.1 none, then 127.0.0.1 SO_REUSEADDR", SOCK_DGRAM,
	  { AF_INET, LOOP, NONE }, { AF_INET, LOOP, REUSE }, WSAEACCES, "M" },
	{ "udp 127.0.0.1 SO_REUSEADDR, then 127.0.0.1 SO_REUSEADDR", SOCK_DGRAM,
	  { AF_INET, LOOP, REUSE }, { AF_INET, LOOP, REUSE }, 0, "M" },
	{ "udp 0.0.0.0 none, then 127.0.0.1 none", SOCK_DGRAM,
	  { AF_INET, ANY, NONE }, { AF_INET, LOOP, NONE }, 0, "M" },
	{ "udp 0.0.0.0 SO_EXCLUSIVEADDRUSE, then 127.0.0.1 none", SOCK_DGRAM,
	  { AF_INET, ANY, EXCL }, { AF_INET, LOOP, NONE }, WSAEACCES, "M" },
};

static int sharing_answer(const struct sharing_case *c, unsigned short port)
{
	struct sockaddr_storage a1, a2;
	int l1 = make_addr(&a1, c->first.af, c->first.where, port);
	int l2 = make_addr(&a2, c->second.af, c->second.where, port);
	SOCKET s1, s2;
	int answer;

	s1 = open_socket(c->first.af, c->type, c->first.opt, c->first.dual);
	s2 = open_socket(c->second.af, c->type, c->second.opt, c->second.dual);
	if (s1 == INVALID_SOCKET || s2 == INVALID_SOCKET)
		answer = WSAGetLastError();
	else if ((answer = bind_answer(s1, &a1, l1)))
		answer = -answer;	/* the first bind failed: a setup error */
	else if (c->first.listen && listen(s1, 1))
		answer = -WSAGetLastError();
	else
		answer = bind_answer(s2, &a2, l2);
	closesocket(s1);
	closesocket(s2);
	return answer;
}

/*
 * Two sockets of the same kind listen on the same port, one on the wildcard
 * and one on the loopback address; a connection to loopback reaches the
 * specific one on Windows. The answer: the second listen's error, else 0
 * when the specific socket accepts the connection.
 */
static int specific_listener_answer(int af, unsigned short port)
{
	struct sockaddr_storage any, loop;
	int len = make_addr(&any, af, ANY, port);
	SOCKET s1, s2, c, a;
	struct timeval tv = { 2, 0 };
	fd_set set;
	int answer;

	make_addr(&loop, af, LOOP, port);
	s1 = open_socket(af, SOCK_STREAM, NONE, 0);
	s2 = open_socket(af, SOCK_STREAM, NONE, 0);
	c = open_socket(af, SOCK_STREAM, NONE, 0);
	if ((answer = bind_answer(s1, &any, len)) || listen(s1, 1)) {
		answer = -(answer ? answer : WSAGetLastError());
		goto out;
	}
	if ((answer = bind_answer(s2, &loop, len)))
		goto out;
	if (listen(s2, 1)) {
		answer = WSAGetLastError();
		goto out;
	}
	if (connect(c, (struct sockaddr *)&loop, len)) {
		answer = -WSAGetLastError();
		goto out;
	}
	FD_ZERO(&set);
	FD_SET(s2, &set);
	answer = ANSWER_NOT_ACCEPTED;
	if (select(0, &set, NULL, NULL, &tv) == 1) {
		a = accept(s2, NULL, NULL);
		if (a != INVALID_SOCKET) {
			answer = 0;
			closesocket(a);
		}
	}
out:
	closesocket(c);
	closesocket(s2);
	closesocket(s1);
	return answer;
}

/* Two SO_REUSEADDR sockets bound to the same address both listen. */
static int reuse_listen_answer(int af, unsigned short port)
{
	struct sockaddr_storage loop;
	int len = make_addr(&loop, af, LOOP, port);
	SOCKET s1 = open_socket(af, SOCK_STREAM, REUSE, 0);
	SOCKET s2 = open_socket(af, SOCK_STREAM, REUSE, 0);
	int answer;

	if ((answer = bind_answer(s1, &loop, len)) ||
	    (answer = bind_answer(s2, &loop, len)) || listen(s1, 1))
		answer = -(answer ? answer : WSAGetLastError());
	else
		answer = listen(s2, 1) ? WSAGetLastError() : 0;
	closesocket(s2);
	closesocket(s1);
	return answer;
}

/* Port 0: a port from the range. */
static int port0_answer(int af, int type)
{
	struct sockaddr_storage ss;
	int len = make_addr(&ss, af, LOOP, 0);
	SOCKET s = open_socket(af, type, NONE, 0);
	int answer = bind_answer(s, &ss, len);

	if (!answer)
		answer = range_answer(s);
	closesocket(s);
	return answer;
}

/* Windows's implicit bind: connect() on an unbound TCP socket. */
static int implicit_connect_answer(unsigned short port)
{
	struct sockaddr_storage loop;
	int len = make_addr(&loop, AF_INET, LOOP, port);
	SOCKET l = open_socket(AF_INET, SOCK_STREAM, NONE, 0);
	SOCKET c = open_socket(AF_INET, SOCK_STREAM, NONE, 0);
	int answer;

	if ((answer = bind_answer(l, &loop, len)) || listen(l, 1))
		answer = -(answer ? answer : WSAGetLastError());
	else if (connect(c, (struct sockaddr *)&loop, len))
		answer = -WSAGetLastError();
	else
		answer = range_answer(c);
	closesocket(c);
	closesocket(l);
	return answer;
}

/* ... and sendto() on an unbound UDP socket. */
static int implicit_sendto_answer(unsigned short port)
{
	struct sockaddr_storage loop;
	int len = make_addr(&loop, AF_INET, LOOP, port);
	SOCKET s = open_socket(AF_INET, SOCK_DGRAM, NONE, 0);
	int answer;

	if (sendto(s, "x", 1, 0, (struct sockaddr *)&loop, len) != 1)
		answer = -WSAGetLastError();
	else
		answer = range_answer(s);
	closesocket(s);
	return answer;
}

/* The rows of LPWSPBind's error list that a program can reach. */
static void error_cases(unsigned short port)
{
	struct sockaddr_storage loop, loop6, bogus;
	int len = make_addr(&loop, AF_INET, LOOP, port);
	int len6 = make_addr(&loop6, AF_INET6, LOOP, port);
	SOCKET s, s6;

	s = open_socket(AF_INET, SOCK_STREAM, NONE, 0);
	report("tcp bind, name NULL", bind(s, NULL, 0) ? WSAGetLastError() : 0,
	       WSAEFAULT, "W");
	report("tcp bind, namelen one short", bind_answer(s, &loop, len - 1),
	       WSAEFAULT, "W");
	report("tcp bind, namelen 0", bind_answer(s, &loop, 0), WSAEFAULT, "W");
	memset(&bogus, 0, sizeof(bogus));
	bogus.ss_family = 0xdead;
	report("tcp bind, unknown family", bind_answer(s, &bogus, sizeof(bogus)),
	       WSAEAFNOSUPPORT, "W");
	report("tcp bind, an IPv6 name on an IPv4 socket",
	       bind_answer(s, &loop6, len6), WSAEFAULT, "M");
	make_addr(&bogus, AF_INET, LOOP, port);
	((struct sockaddr_in *)&bogus)->sin_addr.s_addr = inet_addr("192.0.2.0");
	report("tcp bind, an address not on the machine (192.0.2.0)",
	       bind_answer(s, &bogus, len), WSAEADDRNOTAVAIL, "W");
	report("tcp bind 127.0.0.1", bind_answer(s, &loop, len), 0, "W");
	report("tcp bind, a second time", bind_answer(s, &loop, len), WSAEINVAL,
	       "W");
	s6 = open_socket(AF_INET6, SOCK_STREAM, NONE, 0);
	report("tcp bind, an IPv4 name on an IPv6 socket",
	       bind_answer(s6, &loop, len), WSAEFAULT, "M");
	closesocket(s6);
	closesocket(s);
}

static int hold(unsigned short port, int secs)
{
	struct sockaddr_storage any;
	int len = make_addr(&any, AF_INET, ANY, port);
	SOCKET s = open_socket(AF_INET, SOCK_STREAM, EXCL, 0);
	int answer = bind_answer(s, &any, len);

	printf("%s %s\n", answer ? "failed" : "held", answer_name(answer));
	fflush(stdout);
	if (answer)
		return 1;
	Sleep(secs * 1000);
	closesocket(s);
	return 0;
}

static int probe(unsigned short port)
{
	struct sockaddr_storage loop;
	int len = make_addr(&loop, AF_INET, LOOP, port);
	SOCKET s = open_socket(AF_INET, SOCK_STREAM, NONE, 0);

	report("tcp 127.0.0.1 none, beside 0.0.0.0 SO_EXCLUSIVEADDRUSE held by another process",
	       bind_answer(s, &loop, len), WSAEACCES, "W");
	closesocket(s);
	return failures != 0;
}

static int fill(int max)
{
	struct sockaddr_storage loop;
	int len = make_addr(&loop, AF_INET, LOOP, 0), n, answer = 0;
	SOCKET *s = calloc(max, sizeof(*s));

	if (!s)
		return 1;
	for (n = 0; n < max; n++) {
		s[n] = open_socket(AF_INET, SOCK_STREAM, NONE, 0);
		answer = bind_answer(s[n], &loop, len);
		if (answer) {
			closesocket(s[n]);
			break;
		}
	}
	printf("filled %d %s\n", n, answer_name(answer));
	while (n-- > 0)
		closesocket(s[n]);
	free(s);
	return 0;
}

/*
 * bench: what a bind costs a Windows program, in binds per second, each
 * figure the median of R repetitions of N calls, on TCP over 127.0.0.1:
 *
 *   explicit-bind    bind() alone, on ports of a block of 64 outside the
 *                    range, each port bound again every 64 calls
 *   explicit-cycle   the whole socket(), bind(), closesocket() cycle
 *   explicit-fresh   bind() alone, on a port not bound before in the run
 *                    (30000 and up)
 *   port0-empty      bind() of port 0, nothing held in the range
 *   port0-90         bind() of port 0 with 90 % of 1024-5000 held by this
 *                    program (ports drawn at random, the same each run)
 *   loop-90          what a program or layer does for a port in the range
 *                    without the module: bind() explicit ports from a
 *                    random start, walking the range, until one binds;
 *                    the figure counts the ports found, each loop timed
 *                    whole (loop-90-attempts: the mean bind() calls each)
 *
 * Each output line "# bench NAME VALUE"; then TAP: the holds were made,
 * every loop's port lies in the range on a port not held, and, with
 * --port0-in-range (Wine on wspbind), so does every port-0 answer; without
 * it the port-0 answers in the range are only counted ("# bench
 * port0-*-in-range"), stock Wine giving Linux's ephemeral ports.
 */
#define RANGE_SIZE	(RANGE_HIGH - RANGE_LOW + 1)
#define HELD		(RANGE_SIZE * 9 / 10)
#define BLOCK_BASE	20000
#define BLOCK_SIZE	64
#define FRESH_BASE	30000

static LARGE_INTEGER qpc_freq;
static unsigned int rng = 2463534242u;

static unsigned int next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static double now(void)
{
	LARGE_INTEGER t;

	QueryPerformanceCounter(&t);
	return (double)t.QuadPart / (double)qpc_freq.QuadPart;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void bench_line(const char *name, double value)
{
	printf("# bench %s %.1f\n", name, value);
	fflush(stdout);
}

static void bench_count(const char *name, int value)
{
	printf("# bench %s %d\n", name, value);
	fflush(stdout);
}

static void bench_check(int ok, const char *what)
{
	tests++;
	if (!ok)
		failures++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests, what);
	fflush(stdout);
}

static SOCKET tcp_socket(void)
{
	return open_socket(AF_INET, SOCK_STREAM, NONE, 0);
}

/*
 * One repetition of explicit binds: rates of the bind alone and the cycle;
 * ports BASE + i % BLOCK, or BASE + i with BLOCK 0.
 */
static int bench_explicit(int count, int base, int block, double *bind_rate,
			  double *cycle_rate)
{
	struct sockaddr_storage ss;
	int len = make_addr(&ss, AF_INET, LOOP, 0);
	double in_bind = 0, start = now(), t;
	int i;

	for (i = 0; i < count; i++) {
		SOCKET s = tcp_socket();
		int answer;

		((struct sockaddr_in *)&ss)->sin_port =
			htons(base + (block ? i % block : i));
		t = now();
		answer = bind_answer(s, &ss, len);
		in_bind += now() - t;
		closesocket(s);
		if (answer)
			return answer;
	}
	*cycle_rate = count / (now() - start);
	*bind_rate = count / in_bind;
	return 0;
}

/* One repetition of port 0: the rate of the bind, and the answers in range. */
static int bench_port0(int count, const unsigned char *held, double *rate,
		       int *in_range, int *on_held)
{
	struct sockaddr_storage ss;
	int len = make_addr(&ss, AF_INET, LOOP, 0);
	double in_bind = 0, t;
	int i;

	for (i = 0; i < count; i++) {
		SOCKET s = tcp_socket();
		unsigned short port;
		int answer;

		t = now();
		answer = bind_answer(s, &ss, len);
		in_bind += now() - t;
		port = local_port(s);
		closesocket(s);
		if (answer)
			return answer;
		if (port >= RANGE_LOW && port <= RANGE_HIGH) {
			++*in_range;
			if (held[port - RANGE_LOW])
				++*on_held;
		}
	}
	*rate = count / in_bind;
	return 0;
}

/* One repetition of the loop: ports found per second, attempts made. */
static int bench_loop(int count, const unsigned char *held, double *rate,
		      long *attempts, int *bad)
{
	struct sockaddr_storage ss;
	int len = make_addr(&ss, AF_INET, LOOP, 0);
	double in_loop = 0, t;
	int i, k;

	for (i = 0; i < count; i++) {
		SOCKET s = tcp_socket();
		int start = next_random() % RANGE_SIZE, answer = -1;
		unsigned short port = 0;

		t = now();
		for (k = 0; k < RANGE_SIZE && answer; k++) {
			port = RANGE_LOW + (start + k) % RANGE_SIZE;
			((struct sockaddr_in *)&ss)->sin_port = htons(port);
			answer = bind_answer(s, &ss, len);
		}
		in_loop += now() - t;
		*attempts += k;
		if (!answer && (local_port(s) != port || held[port - RANGE_LOW]))
			++*bad;
		closesocket(s);
		if (answer)
			return answer;
	}
	*rate = count / in_loop;
	return 0;
}

static int bench(int count, int reps, int port0_in_range)
{
	double bind_rate[32], cycle_rate[32], fresh_rate[32], p0_empty[32],
	       p0_90[32], loop_90[32], unused;
	unsigned short ports[RANGE_SIZE];
	static unsigned char held[RANGE_SIZE];
	static SOCKET holders[RANGE_SIZE];
	int in_range_empty = 0, in_range_90 = 0, on_held = 0, bad = 0;
	int i, r, nheld = 0, answer = 0;
	long attempts = 0;
	char what[160];

	QueryPerformanceFrequency(&qpc_freq);
	printf("TAP version 13\n# bench: tcp over 127.0.0.1, %d calls a repetition, median of %d\n",
	       count, reps);
	for (r = 0; r < reps && !answer; r++)
		answer = bench_explicit(count, BLOCK_BASE, BLOCK_SIZE,
					&bind_rate[r], &cycle_rate[r]);
	for (r = 0; r < reps && !answer; r++)
		answer = bench_explicit(count, FRESH_BASE + r * count, 0,
					&fresh_rate[r], &unused);
	if (answer) {
		printf("Bail out! explicit bind: %s\n", answer_name(answer));
		return 1;
	}
	bench_line("explicit-bind", median(bind_rate, reps));
	bench_line("explicit-cycle", median(cycle_rate, reps));
	bench_line("explicit-fresh", median(fresh_rate, reps));

	for (r = 0; r < reps && !answer; r++)
		answer = bench_port0(count, held, &p0_empty[r], &in_range_empty,
				     &on_held);
	if (answer) {
		printf("Bail out! port 0: %s\n", answer_name(answer));
		return 1;
	}
	bench_line("port0-empty", median(p0_empty, reps));
	bench_count("port0-empty-in-range", in_range_empty);

	/* 90 %: ports drawn at random, the same set every run. */
	for (i = 0; i < RANGE_SIZE; i++)
		ports[i] = RANGE_LOW + i;
	for (i = RANGE_SIZE - 1; i > 0; i--) {
		int j = next_random() % (i + 1);
		unsigned short tmp = ports[i];

		ports[i] = ports[j];
		ports[j] = tmp;
	}
	for (i = 0; i < RANGE_SIZE && nheld < HELD; i++) {
		struct sockaddr_storage ss;
		int len = make_addr(&ss, AF_INET, LOOP, ports[i]);
		SOCKET s = tcp_socket();

		if (s == INVALID_SOCKET) {
			printf("# socket: %s after %d held\n",
			       answer_name(WSAGetLastError()), nheld);
			break;
		}
		if (bind_answer(s, &ss, len)) {
			closesocket(s);
			continue;
		}
		holders[nheld++] = s;
		held[ports[i] - RANGE_LOW] = 1;
	}
	snprintf(what, sizeof(what), "bench: %d of the range's %d ports held (90 %%)",
		 nheld, RANGE_SIZE);
	bench_check(nheld == HELD, what);
	bench_count("held", nheld);

	for (r = 0; r < reps && !answer; r++)
		answer = bench_port0(count, held, &p0_90[r], &in_range_90,
				     &on_held);
	if (answer)
		printf("# port 0 at 90 %%: %s\n", answer_name(answer));
	else {
		bench_line("port0-90", median(p0_90, reps));
		bench_count("port0-90-in-range", in_range_90);
	}
	for (r = 0; r < reps && !answer; r++)
		answer = bench_loop(count, held, &loop_90[r], &attempts, &bad);
	if (answer)
		printf("# loop at 90 %%: %s\n", answer_name(answer));
	else {
		bench_line("loop-90", median(loop_90, reps));
		printf("# bench loop-90-attempts %.2f\n", (double)attempts / count / reps);
	}
	for (i = 0; i < nheld; i++)
		closesocket(holders[i]);

	bench_check(!answer, "bench: every bind of port 0 and of the loop succeeded");
	snprintf(what, sizeof(what), "bench: every loop's port in 1024-5000 and not held (%d of %d)",
		 count * reps - bad, count * reps);
	bench_check(!answer && !bad, what);
	snprintf(what, sizeof(what), "bench: no port-0 answer on a held port (%d)",
		 on_held);
	bench_check(!on_held, what);
	if (port0_in_range) {
		snprintf(what, sizeof(what), "bench: every port-0 answer in 1024-5000, empty range (%d of %d)",
			 in_range_empty, count * reps);
		bench_check(in_range_empty == count * reps, what);
		snprintf(what, sizeof(what), "bench: every port-0 answer in 1024-5000, 90 %% held (%d of %d)",
			 in_range_90, count * reps);
		bench_check(in_range_90 == count * reps, what);
	}
	printf("1..%d\n", tests);
	return failures != 0;
}

int main(int argc, char **argv)
{
	WSADATA wsa;
	unsigned short port;
	size_t i;

	if (WSAStartup(MAKEWORD(2, 2), &wsa)) {
		printf("Bail out! WSAStartup failed\n");
		return 1;
	}
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(atoi(argv[2]), atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "probe"))
		return probe(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "fill") && atoi(argv[2]) > 0)
		return fill(atoi(argv[2]));
	if (argc >= 2 && !strcmp(argv[1], "bench")) {
		int count = 1000, reps = 5, in_range = 0, i;

		for (i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--count") && i + 1 < argc)
				count = atoi(argv[++i]);
			else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
				reps = atoi(argv[++i]);
			else if (!strcmp(argv[i], "--port0-in-range"))
				in_range = 1;
			else
				break;
		}
		if (i < argc || count < 1 || reps < 1 || reps > 32 ||
		    count * reps > 65535 - FRESH_BASE) {
			fprintf(stderr, "usage: %s bench [--count N] [--reps R (1-32)] [--port0-in-range]\n",
				argv[0]);
			return 2;
		}
		return bench(count, reps, in_range);
	}
	if (argc == 3 && !strcmp(argv[1], "--base"))
		port_base = atoi(argv[2]);
	else if (argc != 1) {
		fprintf(stderr, "usage: %s [--base PORT] | hold PORT SECS | probe PORT | fill MAX | bench ...\n",
			argv[0]);
		return 2;
	}

	printf("TAP version 13\n1..%d\n",
	       (int)(sizeof(sharing) / sizeof(sharing[0])) + 9 + 4 + 4);
	port = port_base;
	error_cases(port++);
	for (i = 0; i < sizeof(sharing) / sizeof(sharing[0]); i++)
		report(sharing[i].name, sharing_answer(&sharing[i], port++),
		       sharing[i].windows, sharing[i].source);
	report("tcp 0.0.0.0 and 127.0.0.1 listening, a connection to 127.0.0.1 reaches the second",
	       specific_listener_answer(AF_INET, port++), 0, "W");
	report("tcp [::] and [::1] listening, a connection to [::1] reaches the second",
	       specific_listener_answer(AF_INET6, port++), 0, "W");
	report("tcp two SO_REUSEADDR sockets on 127.0.0.1, both listen",
	       reuse_listen_answer(AF_INET, port++), 0, "W");
	report("tcp two SO_REUSEADDR sockets on [::1], both listen",
	       reuse_listen_answer(AF_INET6, port++), 0, "W");
	report("tcp bind port 0: a port in 1024-5000", port0_answer(AF_INET, SOCK_STREAM),
	       0, "P");
	report("udp bind port 0: a port in 1024-5000", port0_answer(AF_INET, SOCK_DGRAM),
	       0, "P");
	report("tcp connect unbound: an implicit port in 1024-5000",
	       implicit_connect_answer(port++), 0, "P");
	report("udp sendto unbound: an implicit port in 1024-5000",
	       implicit_sendto_answer(port++), 0, "P");
	printf("# %d of %d cases answer as Windows does\n", tests - failures, tests);
	WSACleanup();
	return failures != 0;
}
