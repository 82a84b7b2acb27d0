# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver: set by scripts/check
# Part of scripts/check: the benchmark's correctness guard. One boot runs
# wspbind_bench --quick, a few calls of every case: each port-0 answer in
# the range and on a free port, WSAENOBUFS (and bind(2)'s EADDRINUSE) when
# the range is full, no slab growth, no allocation from the module's code.
# Its timings are not read here: `make bench` measures.

if step "bench builds (-Wall -Wextra -Werror)" \
	make "$build/bench/wspbind_bench"; then
	if WSPBIND_LOG_DIR=$logs scripts/vm-run --kernel "$kver" \
		--module "$build/ko/$kver/wspbind.ko" --timeout 600 \
		--add "$build/bench/wspbind_bench" -- ./wspbind_bench --quick \
		>"$logs/bench-quick.out" 2>&1; then
		ok "bench --quick: VM ran with no oops, WARNING or BUG in the guest log"
	else
		not_ok "bench --quick: VM ran with no oops, WARNING or BUG in the guest log"
		vm_says "$logs/bench-quick.out"
	fi
	tr -d '\r' <"$logs/bench-quick.out" >"$logs/bench-quick.tap"
	count_tap "bench --quick" "$logs/bench-quick.tap"
fi
