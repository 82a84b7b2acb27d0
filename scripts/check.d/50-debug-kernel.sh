# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $fuzz_calls: set by
# scripts/check and 30-lanes.sh
# Part of scripts/check: the module under fire. Builds the debug kernel
# (KASAN, lockdep, UBSAN, KUnit; once, cached), the module and the KUnit
# module against it, and boots it twice: the selftests and library tests,
# 64- and 32-bit; then KUnit, the fuzzer (64- and 32-bit) and the stress
# tests (vm_fire, which the lanes whose row boots "fire" ran on Debian's
# kernels too, 30-lanes.sh). Any KASAN, lockdep, UBSAN or WARN report
# fails the boot that logged it.

# The module and the KUnit module for the debug kernel, with W=1 -Werror
# (and sparse for the KUnit module), into $build/ko/RELEASE/.
debug_modules() {
	local kdir=$1/build rel

	rel=$(cat "$1/release") &&
	module_clean "$kdir" &&
	make module-w1 KDIR="$kdir" &&
	make kunit-module KDIR="$kdir" &&
	make -C "$kdir" M="$top/module/test" C=2 CHECK="sparse -Wsparse-error" \
		modules &&
	mkdir -p "$build/ko/$rel" &&
	cp module/wspbind.ko module/test/wspbind_kunit.ko "$build/ko/$rel/"
}

dbg=$(scripts/build-debug-kernel --dir)
printf '# debug kernel: %s\n' "$dbg"
t0=$SECONDS
if step "debug kernel built, or taken from the cache" scripts/build-debug-kernel; then
	printf '# debug kernel ready in %ss\n' $((SECONDS - t0))
	dkver=$(cat "$dbg/release")
	if step "module and KUnit module build for $dkver (W=1, sparse)" debug_modules "$dbg" &&
	   step "debug builds have no warnings" \
		no_warnings "$logs/module and KUnit module build for $dkver (W=1, sparse).log"; then
		vm_suite "$dkver" debug --kernel-image "$dbg/bzImage" --timeout 2400
		# Half the fuzzer's calls: under KASAN each costs some ten
		# times a Debian kernel's, and 200,000 took 6 of a cold run's
		# 62 minutes.
		vm_fire "$dkver" debug $((fuzz_calls / 2)) \
			--kernel-image "$dbg/bzImage" --timeout 2400
	fi
fi
