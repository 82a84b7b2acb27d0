# shellcheck shell=bash
# shellcheck disable=SC2154 # $logs, $wine_runs, $wine_pid: set by
# scripts/check and 45-wine.sh
# Part of scripts/check: the Wine runs 45-wine.sh started, counted. For
# each, its summary lines, each of its places' TAP (host, vm) as "TAG
# PLACE", and scripts/wine-check's exit status a test. A place that gave
# no verdict fails (count_tap), its log's tail shown.

[ -z "$wine_pid" ] || wait "$wine_pid"
for run in ${wine_runs[@]+"${wine_runs[@]}"}; do
	read -r -a w <<<"$run"
	tag=${w[1]} dir=${w[2]} log="$logs/${w[1]}.log"
	grep -E '^(stock Wine|Wine on wspbind|the first Windows)' "$log" |
		sed "s/^/# $tag: /"
	for t in ${w[3]//,/ }; do
		grep -qE '^(not )?ok ' "$dir/wine/$t.tap" 2>/dev/null ||
			tail -n 20 "$log" | sed 's/^/#   /'
		count_tap "$tag $t" "$dir/wine/$t.tap"
	done
	status=$(cat "$logs/$tag.status" 2>/dev/null)
	opts="${w[*]:4}"
	if [ "$status" = 0 ]; then
		ok "$tag: scripts/wine-check${opts:+ $opts} exited 0"
	else
		not_ok "$tag: scripts/wine-check${opts:+ $opts} exited 0 (status ${status:-none})"
	fi
done
