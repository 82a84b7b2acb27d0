# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs: set by scripts/check
# Part of scripts/check: the documentation. Every page of Documentation/,
# with the uAPI header's kernel-doc in place, must parse as clean RST (and
# is rendered to $build/Documentation/*.html); the man pages must format
# without a groff warning.

# man_clean PAGE: man --warnings and groff -ww print nothing for PAGE
# (both exit 0 on a warning, so their output is the verdict).
man_clean() {
	local out

	out=$({
		LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$1" >/dev/null
		groff -ww -b -z -man "$1"
	} 2>&1)
	[ -z "$out" ] || { printf '%s\n' "$out"; return 1; }
}

step "Documentation is clean RST, kernel-doc included" \
	scripts/rst-check --html "$build/Documentation"
for page in man/*.3; do
	# A page that only points at another (.so) is checked through it.
	grep -q '^\.so ' "$page" && continue
	step "man page $(basename "$page" .3)(3) formats without warnings" \
		man_clean "$page"
done
