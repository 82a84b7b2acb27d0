# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs: set by scripts/check
# Part of scripts/check: a real Wine on the module (Documentation/wine.rst),
# started here and counted in 55-wine.sh. Debian's Wine 8.0 and wineserver
# built from its source with contrib/wine's patch (both cached under
# /var/cache/wspbind), a Windows program, Wine's own test_bind and
# test_reuseaddr, and Wine's whole afd.c built with mingw-w64;
# scripts/wine-check runs them (afd.c in the VM only) on the
# host (no device: Wine on wspbind must answer as stock Wine) and in the VM
# with the module on each lane whose row boots "wine" (30-lanes.sh; 6.1
# and 6.12), where it must answer as Windows, and stock Wine must still
# differ where stock-wine.fail says.
#
# The runs go on in the background while the debug kernel's boots
# (50-debug-kernel.sh) take the cores: the lanes' and the debug kernel's
# boots run one test program at a time, and leave one core to the other.
# Each run boots the module built for its lane ($build/ko/RELEASE), never
# module/'s, which 50-debug-kernel.sh builds anew for the debug kernel.

# wine_run KVER TAG DIR PLACES [WINE-CHECK OPTIONS]: scripts/wine-check on
# KVER's module, its output under DIR/wine/, its log $logs/TAG.log and its
# exit status $logs/TAG.status; PLACES (host,vm) the TAP files it writes.
# A TAP left by an earlier run is removed first, so it cannot stand in.
wine_run() {
	local kver=$1 tag=$2 dir=$3 places=$4 t

	shift 4
	for t in ${places//,/ }; do
		rm -f "$dir/wine/$t.tap"
	done
	BUILD=$dir scripts/wine-check "$@" --kernel "$kver" \
		--module "$build/ko/$kver/wspbind.ko" >"$logs/$tag.log" 2>&1
	echo $? >"$logs/$tag.status"
}

# The runs, one after the other: wine_run's arguments each. The
# first lane has both halves; the others the VM half alone (the host's
# half does not depend on the kernel), some 2.5 min each.
wine_runs=()
wine_pid=""
if step "install-deps wine" scripts/install-deps wine &&
   step "Windows programs build (mingw-w64, winegcc)" \
	make wine-tests wine-ws2_32-tests; then
	for k in $(lanes_with wine); do
		if [ ${#wine_runs[@]} -eq 0 ]; then
			wine_runs+=("$k wine $build host,vm,vm-afd")
		else
			wine_runs+=("$k wine-$k $build/wine-$k vm,vm-afd --vm-only")
		fi
	done
	for run in "${wine_runs[@]}"; do
		read -r -a w <<<"$run"
		rm -f "$logs/${w[1]}.status"
	done
	# In a process group of its own, which an early end of the check
	# stops whole, with the debug kernel's build (10-build.sh).
	export build logs
	export -f wine_run
	# shellcheck disable=SC2016 # the child's own $@ and $run
	setsid bash -c 'for run; do wine_run $run; done' wine-runs \
		"${wine_runs[@]}" </dev/null >/dev/null 2>&1 &
	wine_pid=$!
	trap 'kill -- "-$debug_kernel_pid" ${wine_pid:+"-$wine_pid"} 2>/dev/null' EXIT
fi
