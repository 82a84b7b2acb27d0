# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver: set by scripts/check
# Part of scripts/check: the selftests and library tests in the VM, on the
# kernel that 10-build.sh built the module for.

vm_suite "$kver" "$kver"
