# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver: set by scripts/check
# Part of scripts/check: the module's pure rules and sharing rules, in
# user space.

for t in rules_test sharing_test; do
	if [ -x "$build/tests/$t" ]; then
		"$build/tests/$t" >"$logs/$t.tap" 2>&1
		count_tap "$t" "$logs/$t.tap"
	else
		not_ok "$t was built"
	fi
done
