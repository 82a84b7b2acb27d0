# shellcheck shell=bash
# scripts/test/lib.sh: what the tests of scripts/apt-* share, sourced by
# each: $top, the machine's release codename $code, a scratch directory
# $tmp (removed on exit), conf() for a made-up apt configuration and
# check() for one TAP test. The sourcing test prints its plan and ends
# with `exit "$status"`.
# shellcheck disable=SC2034 # n, status and code are the sourcing test's

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=/dev/null
code=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
status=0

# conf NAME: an empty apt configuration; prints its directory.
conf() {
	local d="$tmp/$1"

	mkdir -p "$d/etc/apt.conf.d" "$d/etc/sources.list.d"
	: >"$d/etc/sources.list"
	printf 'Dir::Etc "%s/etc";\n' "$d" >"$d/apt.conf"
	printf '%s\n' "$d"
}

# check NAME EXPECTED ACTUAL
check() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/# /'
		status=1
	fi
}
