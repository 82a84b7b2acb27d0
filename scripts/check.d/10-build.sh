# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver: set by scripts/check
# Part of scripts/check: install, build with warnings as errors, and the
# static checks. Sets $kver, the release of Debian's 6.1 kernel.

step install-deps scripts/install-deps || summary

kver=$(scripts/fetch-kernel --release 2>"$logs/kver.log")
if [ -z "$kver" ]; then
	not_ok "find the VM kernel's release"
	summary
fi
step "fetch $kver" scripts/fetch-kernel "$kver" || summary

# A clean tree first, so every warning shows.
make -s -C "/lib/modules/$kver/build" M="$top" clean >/dev/null 2>&1
step "module builds with W=1 for $kver" make module-w1 KVER="$kver" &&
	step "module build has no warnings" \
		no_warnings "$logs/module builds with W=1 for $kver.log"
make -s -C "/lib/modules/$kver/build" M="$top" clean >/dev/null 2>&1
step "sparse (C=2) is clean" make sparse KVER="$kver" &&
	step "sparse has no warnings" \
		no_warnings "$logs/sparse (C=2) is clean.log"
step "checkpatch --strict is clean" scripts/checkpatch
step "kernel-doc is clean" scripts/kernel-doc-check
step "module for $kver" module_for "$kver"
step "library builds (-Wall -Wextra -Werror)" make lib
step "tests build (-Wall -Wextra -Werror)" make tests
step "selftests build, 64- and 32-bit" make selftests
