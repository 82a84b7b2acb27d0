# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs: set by scripts/check
# Part of scripts/check: the kernel lanes, a row each; lane() runs every
# step of a row: release, headers and image fetched, the module built with
# W=1 -Werror and with sparse (each from a clean module/) and for the VM,
# then the row's boots. Sets $kver, the first row's release (the VM
# kernel). Columns:
#   name     in messages and logs
#   release  fetch-kernel --release's argument ("-": the default, the
#            release behind the installed linux-headers-amd64)
#   make     host, or trixie: fetch-kernel --trixie, make in the trixie
#            chroot (scripts/trixie-chroot run)
#   boots    suite: the VM suite (the BPF LSM tests unskipped, and the
#            Landlock tests from 6.7 on); group: again with group=, the
#            group tests unskipped; fire: fuzzer and stress (vm_fire);
#            bench, wine, dkms: the parts 35-bench.sh, 45-wine.sh and
#            60-packages.sh boot it.
#            Or watch: compile only, and only when its release is no
#            earlier row's (WSPBIND_NEXT_KERNEL names another); a failure
#            is a "# warning:" line, not a failed check.
lanes=(
	# name	release		make	boots
	"6.1	-		host	suite,group,fire,bench,wine,dkms"
	"6.12	bpo		host	suite,group,wine,dkms"
	"7.x	trixie-bpo	trixie	suite,group,fire,dkms"
	"next	newest		trixie	watch"
)

in_trixie=(scripts/trixie-chroot run)
# The releases whose module was built, in the table's order, their rows,
# and every lane's KDIR (60-packages.sh builds with DKMS against it).
lane_built=()
declare -A lane_row=() kernel_kdir=()
# A group no process of the guest is in, unless a test puts it there.
sandbox_gid=4242
# WSPBIND_SEED fixes the fuzzer's and the stress tests' seed (default: a
# new one each run); WSPBIND_FUZZ_CALLS the fuzzer's calls per kernel
# (default 200000, and a quarter of that 32-bit; half of both on the
# debug kernel, 50-debug-kernel.sh).
seed=${WSPBIND_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
fuzz_calls=${WSPBIND_FUZZ_CALLS:-200000}
printf '# fuzzer and stress seed %s (WSPBIND_SEED=%s repeats it)\n' "$seed" "$seed"

# lanes_with BOOT [MAKE]: the releases of the built lanes whose row boots
# BOOT (and makes with MAKE), in the table's order.
lanes_with() {
	local k row

	for k in ${lane_built[@]+"${lane_built[@]}"}; do
		read -r -a row <<<"${lane_row[$k]}"
		[[ ",${row[3]}," == *",$1,"* ]] && [ "${2:-${row[2]}}" = "${row[2]}" ] &&
			printf '%s\n' "$k"
	done
}

# sparse_ran LOG: Kbuild ran sparse on the sources; since 6.19 it skips a
# sparse it finds wanting with no more than a make warning.
sparse_ran() {
	grep -q '^  CHECK ' "$1" &&
		! grep -F 'is not available or not up to date' "$1"
}

# ran_unskipped TAG PROG REGEX: the tests of PROG whose names match REGEX
# ran in the boot TAG: at least one, and none skipped.
ran_unskipped() {
	local tap="$parts/$1/$2" ran skips

	read -r ran skips < <(awk -v re="$3" '
		/^#  RUN / { name = $3 }
		/^(not )?ok [0-9]+/ && name ~ re {
			n++
			if (/# SKIP/)
				s++
		}
		END { printf "%d %d\n", n, s }' "$tap" 2>/dev/null || echo 0 0)
	if [ "$ran" -gt 0 ] && [ "$skips" -eq 0 ]; then
		ok "$1: $2 ran $3 ($ran tests, none skipped)"
	else
		not_ok "$1: $2 ran $3 ($ran tests, $skips skipped)"
	fi
}

# vm_fire KVER TAG CALLS [VM-RUN OPTIONS]: one boot of KVER with its
# module runs the KUnit module (when built for KVER), the fuzzer (CALLS
# calls 64-bit, a quarter of that 32-bit) and the stress tests; each one's
# TAP is counted under TAG. Any KASAN, lockdep, UBSAN or WARN report
# fails the boot.
vm_fire() {
	local kver=$1 tag=$2 calls=$3 name args=() names=()
	local ko=$build/ko/$kver

	shift 3
	mkdir -p "$build/vm"
	if [ -f "$ko/wspbind_kunit.ko" ]; then
		# KUnit reports in the kernel log, its cases indented.
		args+=(--add "$ko/wspbind_kunit.ko" --part kunit
		       "insmod ./wspbind_kunit.ko && dmesg |
			sed -n '/# Subtest: wspbind_rules/,/^ok .* wspbind_sharing/p' |
			sed 's/^ *//'; rmmod wspbind_kunit")
		names+=(kunit)
	fi
	cp "$build/selftests/wspbind_fuzz" "$build/vm/wspbind_fuzz"
	cp "$build/selftests32/wspbind_fuzz" "$build/vm/wspbind_fuzz32"
	cp "$build/selftests/wspbind_stress" "$build/vm/wspbind_stress"
	args+=(--add "$build/vm/wspbind_fuzz" --add "$build/vm/wspbind_fuzz32"
	       --add "$build/vm/wspbind_stress")
	for name in "wspbind_fuzz --calls $calls" \
		    "wspbind_fuzz32 --calls $((calls / 4))" \
		    "wspbind_stress --module /lib/modules/wspbind.ko --seconds 6"; do
		args+=(--part "${name%% *}" "./$name --seed $seed")
		names+=("${name%% *}")
	done
	vm_boot "$tag" "vm-$tag-fire.out" \
		"$tag: fuzz and stress VM ran with no KASAN, lockdep, UBSAN, WARNING or BUG report" \
		--kernel "$kver" --module "$ko/wspbind.ko" "$@" "${args[@]}"
	for name in "${names[@]}"; do
		grep -E '^# (seed|[0-9]+ calls|port 0|close race|reload|one port|.*not in this kernel)' \
			"$parts/$tag/$name" 2>/dev/null |
			sed "s/^# /# $tag: $name: /"
		grep -E '^Bail out!' "$parts/$tag/$name" 2>/dev/null |
			sed 's/^/#   /'
		count_tap "$tag: $name" "$parts/$tag/$name"
	done
	if [ -f "$ko/wspbind_kunit.ko" ]; then
		# A module that failed to load, or a case that never reported.
		local plan cases
		# Both suites' plans: wspbind_rules, then wspbind_sharing.
		plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$parts/$tag/kunit" |
			awk '{ n += $1 } END { print n }')
		cases=$(grep -cE '^(not )?ok [0-9]+ wspbind_test_' "$parts/$tag/kunit")
		if [ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$plan" = "$cases" ]; then
			ok "$tag: kunit: all $plan planned cases reported"
		else
			not_ok "$tag: kunit: all ${plan:-?} planned cases reported ($cases did)"
		fi
	fi
}

# module_for KVER KDIR [RUN...]: build the module for KVER against KDIR
# (make run under RUN, if given) into $build/ko/KVER/: the Kbuild output
# lands in module/, so each kernel gets a clean build and its own copy.
module_for() {
	local kver=$1 kdir=$2

	shift 2
	module_clean "$kdir" "$@" &&
	"$@" make module KVER="$kver" KDIR="$kdir" &&
	mkdir -p "$build/ko/$kver" &&
	cp module/wspbind.ko "$build/ko/$kver/wspbind.ko"
}

# lane_watch KVER KDIR RUN...: the module for KVER, compile only; a
# failure is a warning, with the compiler's message. Sid's kernels want a
# newer gcc than trixie's: gcc 14 then.
lane_watch() {
	local k=$1 kdir=$2 log="$logs/compile-only $1.log" cc args=()

	shift 2
	cc=$(sed -n 's/^CC = .*\(gcc-[0-9][0-9]*\)$/\1/p' "$kdir/.kernelvariables" 2>/dev/null)
	# shellcheck disable=SC2016 # RUN's shell expands it
	if [ -n "$cc" ] && ! "$@" sh -c 'command -v "$1"' sh "$cc" >/dev/null; then
		printf '# compile-only: %s wants %s, which the chroot lacks: gcc 14 instead\n' "$k" "$cc"
		args=(CC=x86_64-linux-gnu-gcc-14)
	fi
	if { module_clean "$kdir" "$@" &&
	     "$@" make module KVER="$k" KDIR="$kdir" "${args[@]}"; } >>"$log" 2>&1; then
		ok "compile-only: the module builds for $k"
	else
		printf '# warning: compile-only: the module does not build for %s:\n' "$k"
		{ grep -E '(error|Error)[: ]' "$log" || tail -n 5 "$log"; } |
			head -n 10 | sed 's/^/# warning:   /'
	fi
	module_clean "$kdir" "$@" >/dev/null 2>&1
}

# lane ROW: every step of the row's kernel.
lane() {
	local name release make boots k kdir of="" w1 log run=() query=()
	local fetch=(scripts/fetch-kernel) t0=$SECONDS

	read -r name release make boots <<<"$1"
	[ "$release" = - ] || query=("$release")
	if [ "$make" = trixie ]; then
		run=("${in_trixie[@]}")
		fetch+=(--trixie)
		# Made once, or taken from the cache.
		[ -n "${chroot_made:-}" ] || { chroot_made=1
			step "trixie chroot made, or taken from the cache" scripts/trixie-chroot &&
			printf '# trixie chroot ready in %ss\n' $((SECONDS - t0)); }
	fi
	k=$(scripts/fetch-kernel --release "${query[@]}" 2>"$logs/kver-$name.log")
	[ "$boots" != watch ] || k=${WSPBIND_NEXT_KERNEL:-$k}
	if [ -z "$k" ] && [ "$boots" = watch ]; then
		printf '# warning: compile-only: no %s kernel named: %s\n' \
			"$release" "$(tail -n 1 "$logs/kver-$name.log")"
		return
	elif [ -z "$k" ]; then
		not_ok "find the $name kernel's release"
		sed 's/^/#   /' "$logs/kver-$name.log"
		# The first row is the VM kernel, which every later part needs.
		[ "$1" != "${lanes[0]}" ] || summary
		return
	elif [ "$boots" = watch ] && [ -n "${kernel_kdir[$k]:-}" ]; then
		printf '# compile-only: no suite offers a kernel newer than %s\n' "$k"
		return
	fi
	[ "$1" != "${lanes[0]}" ] || kver=$k
	if ! kdir=$("${fetch[@]}" --headers "$k" 2>"$logs/fetch $k headers.log") ||
	   [ -z "$kdir" ]; then
		if [ "$boots" = watch ]; then
			printf '# warning: compile-only: no headers for %s\n' "$k"
		else
			not_ok "fetch $k headers"
		fi
		tail -n 30 "$logs/fetch $k headers.log" | sed 's/^/#   /'
		return
	fi
	kernel_kdir[$k]=$kdir
	if [ "$boots" = watch ]; then
		lane_watch "$k" "$kdir" "${run[@]}"
		return
	fi
	step "fetch $k" "${fetch[@]}" "$k" || return

	# The VM kernel's names say no "for RELEASE", as they always did.
	[ "$1" = "${lanes[0]}" ] || of=" for $k"
	w1="module builds with W=1 for $k"
	[ "$make" = host ] || w1+=" ($make chroot)"
	module_clean "$kdir" "${run[@]}" >/dev/null 2>&1
	step "$w1" "${run[@]}" make module-w1 KVER="$k" KDIR="$kdir" &&
		step "module build$of has no warnings" no_warnings "$logs/$w1.log"
	module_clean "$kdir" "${run[@]}" >/dev/null 2>&1
	log="$logs/sparse (C=2) is clean$of.log"
	step "sparse (C=2) is clean$of" "${run[@]}" make sparse KVER="$k" KDIR="$kdir" &&
		step "sparse$of has no warnings" no_warnings "$log" &&
		step "sparse ran for $k" sparse_ran "$log"
	step "module for $k" module_for "$k" "$kdir" "${run[@]}" || return
	lane_built+=("$k")
	lane_row[$k]=$1

	if [[ ",$boots," == *,suite,* ]]; then
		vm_suite "$k" "$k"
		ran_unskipped "$k" selftests_wspbind_abi_test \
			'^abi\.(node_mode_default|open_unprivileged)$'
		# Debian's kernels run the BPF LSM.
		ran_unskipped "$k" selftests_wspbind_sandbox_test '^lsm\.'
		ran_unskipped "$k" selftests32_wspbind_sandbox_test '^lsm\.'
		# TCP bind rules came with Landlock ABI 4 (6.7).
		if printf '%s\n' 6.7 "${k%%[-+]*}" | sort -V -C; then
			ran_unskipped "$k" selftests_wspbind_sandbox_test '^landlock\.'
			ran_unskipped "$k" selftests32_wspbind_sandbox_test '^landlock\.'
		fi
	fi
	if [[ ",$boots," == *,group,* ]]; then
		vm_suite "$k" "$k-group" --module-args "group=$sandbox_gid"
		ran_unskipped "$k-group" selftests_wspbind_abi_test \
			'^abi\.(node_mode_group|open_group_member|open_group_nonmember)$'
		ran_unskipped "$k-group" selftests_wspbind_bind_test '^bind\..*\.group_member_'
	fi
	[[ ",$boots," != *,fire,* ]] || vm_fire "$k" "$k" "$fuzz_calls" --timeout 1800
}

for row in "${lanes[@]}"; do
	lane "$row"
done
