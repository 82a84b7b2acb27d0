# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver: set by scripts/check
# Part of scripts/check: the module's pure rules, in user space; the test
# of scripts/apt-deb-src.

if [ -x "$build/tests/rules_test" ]; then
	"$build/tests/rules_test" >"$logs/rules_test.tap" 2>&1
	count_tap rules_test "$logs/rules_test.tap"
else
	not_ok "rules_test was built"
fi

# How apt-deb-src derives the deb-src entry the Wine scripts need, on
# made-up apt sources.
scripts/test/apt-deb-src.sh >"$logs/apt-deb-src.tap" 2>&1 ||
	grep -q '^not ok' "$logs/apt-deb-src.tap" ||
	not_ok "apt-deb-src: the test ran to its end"
count_tap apt-deb-src "$logs/apt-deb-src.tap"
