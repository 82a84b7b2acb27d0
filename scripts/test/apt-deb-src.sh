#!/usr/bin/env bash
# scripts/test/apt-deb-src.sh: scripts/apt-deb-src against made-up apt
# configurations (APT_CONFIG), one TAP test each: which entry it copies,
# what it writes, and when it writes nothing.
set -uo pipefail

# shellcheck source=scripts/test/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

deb_src() {
	APT_CONFIG="$1/apt.conf" "$top/scripts/apt-deb-src" "${@:2}" 2>"$1/err"
}

echo "TAP version 13"
echo "1..6"

d=$(conf deb822)
cat >"$d/etc/sources.list.d/debian.sources" <<EOT
Types: deb
# a comment
URIs: http://archive.invalid/debian
Suites: $code $code-updates
Components: main contrib
Signed-By: /usr/share/keyrings/example.gpg

Types: deb
URIs: http://archive.invalid/debian-security
Suites: $code-security
Components: main
EOT
deb_src "$d"
check "deb822: the release's entry, as deb-src for its main suite" \
"# Written by wspbind's scripts/apt-deb-src, from the $code entry.
Types: deb-src
URIs: http://archive.invalid/debian
Suites: $code
Components: main
Signed-By: /usr/share/keyrings/example.gpg" \
	"$(cat "$d/etc/sources.list.d/wspbind-deb-src.sources")"

d=$(conf oneline)
cat >"$d/etc/sources.list" <<EOT
# deb-src http://commented.invalid/debian $code main
deb http://archive.invalid/debian-security $code-security main
deb [ arch=amd64 signed-by=/usr/share/keyrings/example.gpg ] http://archive.invalid/debian $code main non-free
EOT
deb_src "$d"
check "one-line: the release's entry and its options" \
"# Written by wspbind's scripts/apt-deb-src, from the $code entry.
deb-src [ arch=amd64 signed-by=/usr/share/keyrings/example.gpg ] http://archive.invalid/debian $code main" \
	"$(cat "$d/etc/sources.list.d/wspbind-deb-src.list")"

d=$(conf present)
cat >"$d/etc/sources.list.d/debian.sources" <<EOT
Types: deb deb-src
URIs: http://archive.invalid/debian
Suites: $code
Components: main
EOT
deb_src "$d" --check
check "--check: 0 when a deb-src entry is there" 0 "$?"
deb_src "$d"
check "nothing written when it is there" "debian.sources" \
	"$(ls "$d/etc/sources.list.d")"

d=$(conf absent)
echo "deb http://archive.invalid/debian $code main" >"$d/etc/sources.list"
deb_src "$d" --check
check "--check: 1 when it is not" 1 "$?"

d=$(conf nomain)
echo "deb http://archive.invalid/debian-security $code-security main" >"$d/etc/sources.list"
deb_src "$d"
check "fails, writing nothing, without the release's entry" "1:" \
	"$?:$(ls "$d/etc/sources.list.d")"
exit $status
