# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver: set by scripts/check
# Part of scripts/check: the module's pure rules, in user space.

if [ -x "$build/tests/rules_test" ]; then
	"$build/tests/rules_test" >"$logs/rules_test.tap" 2>&1
	count_tap rules_test "$logs/rules_test.tap"
else
	not_ok "rules_test was built"
fi
