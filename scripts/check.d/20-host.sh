# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs: set by scripts/check
# Part of scripts/check: the tests that run on the host. The module's pure
# rules and sharing rules, in user space; and how scripts/apt-backports
# derives the backports suite's entry and scripts/apt-deb-src the deb-src
# entry the Wine scripts need, on made-up apt sources.

for t in rules_test sharing_test; do
	if [ -x "$build/tests/$t" ]; then
		"$build/tests/$t" >"$logs/$t.tap" 2>&1
		count_tap "$t" "$logs/$t.tap"
	else
		not_ok "$t was built"
	fi
done

for t in apt-backports apt-deb-src; do
	scripts/test/$t.sh >"$logs/$t.tap" 2>&1 ||
		grep -q '^not ok' "$logs/$t.tap" ||
		not_ok "$t: the test ran to its end"
	count_tap "$t" "$logs/$t.tap"
done
