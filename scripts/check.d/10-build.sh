# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver: set by scripts/check
# Part of scripts/check: install, build with warnings as errors, and the
# static checks. Sets $kver, the release of Debian's 6.1 kernel.

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

kver=$(scripts/fetch-kernel --release 2>"$logs/kver.log")
if [ -z "$kver" ]; then
	not_ok "find the VM kernel's release"
	summary
fi
step "fetch $kver" scripts/fetch-kernel "$kver" || summary

# A clean tree first, so every warning shows.
make -s module-clean KVER="$kver" >/dev/null 2>&1
step "module builds with W=1 for $kver" make module-w1 KVER="$kver" &&
	step "module build has no warnings" \
		no_warnings "$logs/module builds with W=1 for $kver.log"
make -s module-clean KVER="$kver" >/dev/null 2>&1
step "sparse (C=2) is clean" make sparse KVER="$kver" &&
	step "sparse has no warnings" \
		no_warnings "$logs/sparse (C=2) is clean.log"
step "checkpatch --strict is clean" scripts/checkpatch
step "kernel-doc is clean" scripts/kernel-doc-check
step "module for $kver" module_for "$kver"
step "library builds (-Wall -Wextra -Werror)" make lib
step "tests build (-Wall -Wextra -Werror)" make tests
step "selftests build, 64- and 32-bit" make selftests
