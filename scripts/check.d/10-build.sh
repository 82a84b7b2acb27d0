# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs: set by scripts/check
# Part of scripts/check: install, the static checks, and the user-space
# builds, warnings as errors. The module's builds are each kernel's
# (30-lanes.sh).

step install-deps scripts/install-deps || summary

# The debug kernel (50-debug-kernel.sh) is the one long build of a cold
# run: it starts now, at the lowest priority, so that it takes only the
# time the parts before it leave idle (downloads, waits, single-threaded
# steps). build-debug-kernel takes a lock, so 50-debug-kernel.sh's own
# call waits for this one and reuses its tree; with the tree cached this
# returns at once.
# In a process group of its own, which an early end of the check stops
# whole (an unfinished tree is built anew next time).
setsid nice -n 19 scripts/build-debug-kernel \
	>"$logs/debug-kernel-early.log" 2>&1 </dev/null &
debug_kernel_pid=$!
trap 'kill -- "-$debug_kernel_pid" 2>/dev/null' EXIT

step "checkpatch --strict is clean" scripts/checkpatch
step "kernel-doc is clean" scripts/kernel-doc-check
step "library builds (-Wall -Wextra -Werror)" make lib
step "tests build (-Wall -Wextra -Werror)" make tests
step "selftests build, 64- and 32-bit" make selftests
