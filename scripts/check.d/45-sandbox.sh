# shellcheck shell=bash
# shellcheck disable=SC2154 # $build, $logs, $kver, $kver_bpo, $kver_tbpo:
# set by scripts/check and the parts before this one
# Part of scripts/check: sandboxes and privilege. The default boots (30,
# 40) ran the Landlock tests and the default-mode device tests; here each
# kernel boots once more with the module's group= parameter, which the
# group tests need, and the tests each boot exists for must have run, not
# skipped.

# A group no process of the guest is in, unless a test puts it there.
sandbox_gid=4242

# ran_unskipped TAG PROG REGEX: the tests of PROG whose names match REGEX
# ran in the boot TAG: at least one, and none skipped.
ran_unskipped() {
	local tap="$logs/$1-$2.tap" ran skips

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

for k in "$kver" ${kver_bpo:+"$kver_bpo"} ${kver_tbpo:+"$kver_tbpo"}; do
	ran_unskipped "$k" selftests_wspbind_test \
		'^abi\.(node_mode_default|open_unprivileged)$'
	# A build that failed earlier left none.
	[ -f "$build/ko/$k/wspbind.ko" ] ||
		step "module for $k, again" module_for "$k" || continue
	vm_suite "$k" "$k-group" --module-args "group=$sandbox_gid"
	ran_unskipped "$k-group" selftests_wspbind_test \
		'^abi\.(node_mode_group|open_group_member|open_group_nonmember)$'
	ran_unskipped "$k-group" selftests_wspbind_test \
		'^bind\..*\.group_member_'
done
# TCP bind rules came with Landlock ABI 4 (6.7): 6.1 skips them, 6.12 and
# 7.x not.
for k in ${kver_bpo:+"$kver_bpo"} ${kver_tbpo:+"$kver_tbpo"}; do
	ran_unskipped "$k" selftests_wspbind_test '^landlock\.'
	ran_unskipped "$k" selftests32_wspbind_test '^landlock\.'
done
