# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver, $kver_tbpo: set by
# scripts/check and the parts before this one
# Part of scripts/check: the module under fire. Builds the debug kernel
# (KASAN, lockdep, UBSAN, KUnit; once, cached), the module and the KUnit
# module against it, and boots it twice: the selftests and library tests,
# 64- and 32-bit; then KUnit, the fuzzer (64- and 32-bit) and the stress
# tests. The fuzzer and the stress tests run on Debian's 6.1 kernel and on
# trixie-backports' (42-kernel-7.sh) too. Any KASAN, lockdep, UBSAN or
# WARN report fails the boot that logged it.
#
# WSPBIND_SEED fixes the fuzzer's and the stress tests' seed (default: a
# new one each run, printed); WSPBIND_FUZZ_CALLS the fuzzer's calls on each
# kernel (default 200000, and a quarter of that 32-bit).

seed=${WSPBIND_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
fuzz_calls=${WSPBIND_FUZZ_CALLS:-200000}
printf '# fuzzer and stress seed %s (WSPBIND_SEED=%s repeats it)\n' "$seed" "$seed"

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

# vm_fire KVER TAG CALLS [VM-RUN OPTIONS]: one boot of KVER with its
# module runs the KUnit module (when built for KVER), the fuzzer (CALLS
# calls 64-bit, a quarter of that 32-bit) and the stress tests; each one's
# TAP is counted under TAG.
vm_fire() {
	local kver=$1 tag=$2 calls=$3 out status name script="" adds=() progs=()
	local ko=$build/ko/$kver

	shift 3
	out="$logs/vm-$tag-fire.out"
	mkdir -p "$build/vm"
	if [ -f "$ko/wspbind_kunit.ko" ]; then
		adds+=(--add "$ko/wspbind_kunit.ko")
		# KUnit reports in the kernel log, its cases indented.
		script+="echo '=== begin kunit ==='; insmod ./wspbind_kunit.ko &&"
		script+=" dmesg | sed -n '/# Subtest: wspbind_rules/,/^ok .* wspbind_rules/p' |"
		script+=" sed 's/^ *//'; rmmod wspbind_kunit; echo '=== end kunit ===';"
		progs+=(kunit)
	fi
	cp "$build/selftests/wspbind_fuzz" "$build/vm/wspbind_fuzz"
	cp "$build/selftests32/wspbind_fuzz" "$build/vm/wspbind_fuzz32"
	cp "$build/selftests/wspbind_stress" "$build/vm/wspbind_stress"
	adds+=(--add "$build/vm/wspbind_fuzz" --add "$build/vm/wspbind_fuzz32"
	       --add "$build/vm/wspbind_stress")
	for name in "wspbind_fuzz --calls $calls" \
		    "wspbind_fuzz32 --calls $((calls / 4))" \
		    "wspbind_stress --module /lib/modules/wspbind.ko --seconds 6"; do
		script+="echo '=== begin ${name%% *} ==='; ./$name --seed $seed;"
		script+=" echo '=== end ${name%% *} ===';"
		progs+=("${name%% *}")
	done
	WSPBIND_LOG_DIR=$logs scripts/vm-run --kernel "$kver" \
		--module "$ko/wspbind.ko" "$@" "${adds[@]}" \
		-- sh -c "$script" >"$out" 2>&1
	status=$?
	if [ "$status" -eq 0 ]; then
		ok "$tag: fuzz and stress VM ran with no KASAN, lockdep, UBSAN, WARNING or BUG report"
	else
		not_ok "$tag: fuzz and stress VM ran with no KASAN, lockdep, UBSAN, WARNING or BUG report (status $status)"
		vm_says "$out"
	fi
	for name in "${progs[@]}"; do
		section "$out" "$name" >"$logs/$tag-$name.tap"
		grep -E '^# (seed|[0-9]+ calls|port 0|close race|reload|one port|.*not in this kernel)' \
			"$logs/$tag-$name.tap" | sed "s/^# /# $tag: $name: /"
		grep -E '^Bail out!' "$logs/$tag-$name.tap" | sed 's/^/#   /'
		count_tap "$tag: $name" "$logs/$tag-$name.tap"
	done
	if [ -f "$ko/wspbind_kunit.ko" ]; then
		# A module that failed to load, or a case that never reported.
		local plan cases
		plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$logs/$tag-kunit.tap" | head -n1)
		cases=$(grep -cE '^(not )?ok [0-9]+ wspbind_test_' "$logs/$tag-kunit.tap")
		if [ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$plan" = "$cases" ]; then
			ok "$tag: kunit: all $plan planned cases reported"
		else
			not_ok "$tag: kunit: all ${plan:-?} planned cases reported ($cases did)"
		fi
	fi
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
		vm_fire "$dkver" debug "$fuzz_calls" \
			--kernel-image "$dbg/bzImage" --timeout 2400
	fi
fi
# Debian's kernels, which have no KUnit.
for k in "$kver" ${kver_tbpo:+"$kver_tbpo"}; do
	if step "module for $k, again for the fuzzer and stress run" module_for "$k"; then
		vm_fire "$k" "$k" "$fuzz_calls" --timeout 1800
	fi
done
