#!/usr/bin/env bash
# scripts/test/apt-backports.sh: scripts/apt-backports against made-up apt
# configurations (APT_CONFIG), one TAP test each: which entry it copies,
# what it writes, and when it writes nothing.
set -uo pipefail

# shellcheck source=scripts/test/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

backports() {
	APT_CONFIG="$1/apt.conf" "$top/scripts/apt-backports" "${@:2}" 2>"$1/err"
}

echo "TAP version 13"
echo "1..9"

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
backports "$d"
check "deb822: the release's entry, for its -backports suite" \
"# Written by wspbind's scripts/apt-backports, from the $code entry.
Types: deb
URIs: http://archive.invalid/debian
Suites: $code-backports
Components: main
Signed-By: /usr/share/keyrings/example.gpg" \
	"$(cat "$d/etc/sources.list.d/wspbind-backports.sources")"

check "--uri: the deb822 entry's URI" "http://archive.invalid/debian" \
	"$(backports "$d" --uri)"

d=$(conf embedded)
cat >"$d/etc/sources.list.d/a.sources" <<EOT
Types: deb
URIs: http://off.invalid/debian
Suites: $code
Components: main
Enabled: no

Types: deb-src deb
URIs: http://on.invalid/debian
Suites: $code
Components: main
Enabled: yes
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD3K87ZM18gWZS9
 -----END PGP PUBLIC KEY BLOCK-----
EOT
backports "$d"
check "deb822: skips a disabled entry, keeps an inline key" \
"# Written by wspbind's scripts/apt-backports, from the $code entry.
Types: deb
URIs: http://on.invalid/debian
Suites: $code-backports
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD3K87ZM18gWZS9
 -----END PGP PUBLIC KEY BLOCK-----" \
	"$(cat "$d/etc/sources.list.d/wspbind-backports.sources")"

d=$(conf oneline)
cat >"$d/etc/sources.list" <<EOT
# deb http://commented.invalid/debian $code main
deb http://archive.invalid/debian-security $code-security main
deb [ arch=amd64 signed-by=/usr/share/keyrings/example.gpg ] http://archive.invalid/debian $code main non-free
EOT
backports "$d"
check "one-line: the release's entry and its options" \
"# Written by wspbind's scripts/apt-backports, from the $code entry.
deb [ arch=amd64 signed-by=/usr/share/keyrings/example.gpg ] http://archive.invalid/debian $code-backports main" \
	"$(cat "$d/etc/sources.list.d/wspbind-backports.list")"

check "--uri: the one-line entry's URI, after its options" \
	"http://archive.invalid/debian" "$(backports "$d" --uri)"

d=$(conf present)
echo "deb http://archive.invalid/debian $code-backports main" >"$d/etc/sources.list"
echo "deb http://archive.invalid/debian $code main" >>"$d/etc/sources.list"
backports "$d" --check
check "--check: 0 when the suite is there" 0 "$?"
backports "$d"
check "nothing written when the suite is there" "" \
	"$(ls "$d/etc/sources.list.d")"

d=$(conf absent)
echo "deb http://archive.invalid/debian $code main" >"$d/etc/sources.list"
backports "$d" --check
check "--check: 1 when it is not" 1 "$?"

d=$(conf nomain)
echo "deb http://archive.invalid/debian-security $code-security main" >"$d/etc/sources.list"
backports "$d"
check "fails, writing nothing, without the release's entry" "1:" \
	"$?:$(ls "$d/etc/sources.list.d")"
exit $status
