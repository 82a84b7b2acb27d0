# shellcheck shell=bash
# shellcheck disable=SC2154 # $build, $logs, $kver: set by scripts/check
# and 30-lanes.sh
# Part of scripts/check: the benchmark's correctness guard. One boot of
# each lane that boots "bench" runs wspbind_bench --quick, a few calls of
# every case: each port-0 answer in the range and on a free port,
# WSAENOBUFS (and bind(2)'s EADDRINUSE) when the range is full, no slab
# growth, no allocation from the module's code. Its timings are not read
# here: `make bench` measures.

if step "bench builds (-Wall -Wextra -Werror)" \
	make "$build/bench/wspbind_bench"; then
	for k in $(lanes_with bench); do
		tag=bench name="bench --quick"
		[ "$k" = "$kver" ] || { tag="bench-$k"; name+=" on $k"; }
		vm_boot "$tag" "$tag-quick.out" \
			"$name: VM ran with no oops, WARNING or BUG in the guest log" \
			--kernel "$k" --module "$build/ko/$k/wspbind.ko" \
			--timeout 600 --add "$build/bench/wspbind_bench" \
			--part quick "./wspbind_bench --quick"
		count_tap "$name" "$parts/$tag/quick"
	done
fi
