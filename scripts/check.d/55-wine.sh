# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver, $kver_bpo: set by
# scripts/check and the parts before this one
# Part of scripts/check: a real Wine on the module (Documentation/wine.rst).
# Debian's Wine 8.0 and wineserver built from its source with
# contrib/wine's patch (both cached under /var/cache/wspbind), a Windows
# program and Wine's own test_bind and test_reuseaddr built with
# mingw-w64; scripts/wine-check runs them on the host (no device: Wine on
# wspbind must answer as stock Wine) and in the VM on Debian's 6.1 kernel
# and on bookworm-backports' 6.12 with the module (it must answer as
# Windows, and stock Wine must still differ where stock-wine.fail says).
# Each verdict counts.

if step "install-deps wine" scripts/install-deps wine &&
   step "Windows programs build (mingw-w64, winegcc)" make wine-tests; then
	cp "$build/ko/$kver/wspbind.ko" wspbind.ko
	rm -f "$build/wine/host.tap" "$build/wine/vm.tap"
	BUILD=$build scripts/wine-check --kernel "$kver" \
		>"$logs/wine-check.log" 2>&1
	wine_status=$?
	grep -E '^(stock Wine|Wine on wspbind|the first Windows)' \
		"$logs/wine-check.log" | sed 's/^/# wine: /'
	# Each place must have given verdicts (count_tap fails a stream
	# without any).
	for t in host vm; do
		grep -qE '^(not )?ok ' "$build/wine/$t.tap" 2>/dev/null ||
			tail -n 20 "$logs/wine-check.log" | sed 's/^/#   /'
		count_tap "wine $t" "$build/wine/$t.tap"
	done
	if [ "$wine_status" = 0 ]; then
		ok "wine: scripts/wine-check exited 0"
	else
		not_ok "wine: scripts/wine-check exited 0 (status $wine_status)"
	fi
	# bookworm-backports' kernel too: the VM half alone (the host's half
	# does not depend on the kernel), some 2.5 min.
	for k in ${kver_bpo:+"$kver_bpo"}; do
		[ -f "$build/ko/$k/wspbind.ko" ] ||
			step "module for $k, again for Wine" module_for "$k" ||
			continue
		cp "$build/ko/$k/wspbind.ko" wspbind.ko
		BUILD=$build/wine-$k scripts/wine-check --vm-only --kernel "$k" \
			>"$logs/wine-check-$k.log" 2>&1
		wine_status=$?
		grep -E '^(stock Wine|Wine on wspbind|the first Windows)' \
			"$logs/wine-check-$k.log" | sed "s/^/# wine $k: /"
		grep -qE '^(not )?ok ' "$build/wine-$k/wine/vm.tap" 2>/dev/null ||
			tail -n 20 "$logs/wine-check-$k.log" | sed 's/^/#   /'
		count_tap "wine vm $k" "$build/wine-$k/wine/vm.tap"
		if [ "$wine_status" = 0 ]; then
			ok "wine $k: scripts/wine-check --vm-only exited 0"
		else
			not_ok "wine $k: scripts/wine-check --vm-only exited 0 (status $wine_status)"
		fi
	done
fi
