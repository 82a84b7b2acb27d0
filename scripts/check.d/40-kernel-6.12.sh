# shellcheck shell=bash
# shellcheck disable=SC2154 # $logs: set by scripts/check
# Part of scripts/check: the second kernel, the newest 6.12 that Debian's
# backports suite offers for this release (fetch-kernel --release bpo):
# W=1 and sparse against its headers, then the whole VM suite on it.
# First, the host tests of the scripts that add the backports suite and
# the release's deb-src entry.

# How apt-backports derives the suite's entry, on made-up apt sources.
scripts/test/apt-backports.sh >"$logs/apt-backports.tap" 2>&1 ||
	grep -q '^not ok' "$logs/apt-backports.tap" ||
	not_ok "apt-backports: the test ran to its end"
count_tap apt-backports "$logs/apt-backports.tap"
# And how apt-deb-src derives the deb-src entry the Wine scripts need.
scripts/test/apt-deb-src.sh >"$logs/apt-deb-src.tap" 2>&1 ||
	grep -q '^not ok' "$logs/apt-deb-src.tap" ||
	not_ok "apt-deb-src: the test ran to its end"
count_tap apt-deb-src "$logs/apt-deb-src.tap"

kver_bpo=$(scripts/fetch-kernel --release bpo 2>"$logs/kver-bpo.log")
if [ -z "$kver_bpo" ]; then
	not_ok "find the backports 6.12 kernel's release"
	sed 's/^/#   /' "$logs/kver-bpo.log"
else
	kdir_bpo=$(scripts/fetch-kernel --headers "$kver_bpo" \
		2>"$logs/fetch $kver_bpo headers.log")
	if [ -z "$kdir_bpo" ]; then
		not_ok "fetch $kver_bpo headers"
		tail -n 30 "$logs/fetch $kver_bpo headers.log" | sed 's/^/#   /'
	elif step "fetch $kver_bpo" scripts/fetch-kernel "$kver_bpo"; then
		module_clean "$kdir_bpo" >/dev/null 2>&1
		step "module builds with W=1 for $kver_bpo" \
			make module-w1 KVER="$kver_bpo" KDIR="$kdir_bpo" &&
			step "module build for $kver_bpo has no warnings" \
				no_warnings "$logs/module builds with W=1 for $kver_bpo.log"
		module_clean "$kdir_bpo" >/dev/null 2>&1
		step "sparse (C=2) is clean for $kver_bpo" \
			make sparse KVER="$kver_bpo" KDIR="$kdir_bpo" &&
			step "sparse for $kver_bpo has no warnings" \
				no_warnings "$logs/sparse (C=2) is clean for $kver_bpo.log"
		step "module for $kver_bpo" module_for "$kver_bpo" "$kdir_bpo" &&
			vm_suite "$kver_bpo" "$kver_bpo"
	fi
fi
