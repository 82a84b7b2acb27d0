/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The main() of the wspbind selftests, included after kselftest_harness.h.
 *
 * Older harnesses run the test body even when FIXTURE_SETUP skips, so a
 * missing device or missing rights skip the whole program here.
 */
#ifndef WSPBIND_MAIN_H
#define WSPBIND_MAIN_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int dev = open(WSPBIND_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	int err = errno;

	if (dev < 0) {
		ksft_print_header();
		ksft_exit_skip("cannot open " WSPBIND_DEVICE_PATH ": %s (is the wspbind module loaded?)\n",
			       strerror(err));
	}
	close(dev);
	if (geteuid()) {
		ksft_print_header();
		ksft_exit_skip("needs root\n");
	}
	return test_harness_run(argc, argv);
}

#endif /* WSPBIND_MAIN_H */
