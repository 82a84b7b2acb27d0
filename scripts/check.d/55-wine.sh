# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs: set by scripts/check
# Part of scripts/check: a real Wine on the module (Documentation/wine.rst).
# Debian's Wine 8.0 and wineserver built from its source with
# contrib/wine's patch (both cached under /var/cache/wspbind), a Windows
# program and Wine's own test_bind and test_reuseaddr built with
# mingw-w64; scripts/wine-check runs them on the host (no device: Wine on
# wspbind must answer as stock Wine) and in the VM with the module on
# each lane whose row boots "wine" (30-lanes.sh; 6.1 and 6.12), where it
# must answer as Windows, and stock Wine must still differ where
# stock-wine.fail says. Each verdict counts.

# wine_check KVER TAG DIR PLACES [WINE-CHECK OPTIONS]: scripts/wine-check
# on KVER's module, its output under DIR/wine/ and its log in $logs; the
# summary lines under TAG, each of PLACES' TAP (host, vm) counted as
# "TAG PLACE", and its exit status a test. A place that gave no verdict
# fails (count_tap), its log's tail shown; a TAP left by an earlier run
# is removed first, so it cannot stand in.
wine_check() {
	local kver=$1 tag=$2 dir=$3 places=$4 log="$logs/$2.log" status t

	shift 4
	cp "$build/ko/$kver/wspbind.ko" module/wspbind.ko
	for t in $places; do
		rm -f "$dir/wine/$t.tap"
	done
	BUILD=$dir scripts/wine-check "$@" --kernel "$kver" >"$log" 2>&1
	status=$?
	grep -E '^(stock Wine|Wine on wspbind|the first Windows)' "$log" |
		sed "s/^/# $tag: /"
	for t in $places; do
		grep -qE '^(not )?ok ' "$dir/wine/$t.tap" 2>/dev/null ||
			tail -n 20 "$log" | sed 's/^/#   /'
		count_tap "$tag $t" "$dir/wine/$t.tap"
	done
	if [ "$status" = 0 ]; then
		ok "$tag: scripts/wine-check${*:+ $*} exited 0"
	else
		not_ok "$tag: scripts/wine-check${*:+ $*} exited 0 (status $status)"
	fi
}

if step "install-deps wine" scripts/install-deps wine &&
   step "Windows programs build (mingw-w64, winegcc)" make wine-tests; then
	# The first lane with both halves; the others the VM half alone
	# (the host's half does not depend on the kernel), some 2.5 min each.
	wine_first=true
	for k in $(lanes_with wine); do
		if $wine_first; then
			wine_check "$k" wine "$build" "host vm"
			wine_first=false
		else
			wine_check "$k" "wine-$k" "$build/wine-$k" vm --vm-only
		fi
	done
fi
