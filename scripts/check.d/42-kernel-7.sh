# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $logs: set by scripts/check
# Part of scripts/check: the third kernel, the newest that Debian's stable
# release ships: trixie-backports' (fetch-kernel --release trixie-bpo,
# 7.x). Its headers want trixie's gcc 14 and libc, so every make for it
# runs in the trixie chroot (scripts/trixie-chroot, made once and cached):
# W=1 and sparse against its headers, then the whole VM suite on it.
# 45-sandbox.sh boots it again with group=, 50-debug-kernel.sh runs the
# fuzzer and stress tests on it and 60-packages.sh DKMS's build for it.
#
# Last, compile only: the module against the newest headers that any
# suite the chroot knows offers (sid, experimental, backports), when they
# are newer than the tested kernel's. A failure there is a warning line
# with the compiler's message, not a failed check: those kernels are not
# supported yet, only watched. WSPBIND_NEXT_KERNEL names another release
# for it (e.g. experimental's, to try the lane).

in_trixie=(scripts/trixie-chroot run)

# sparse_ran LOG: Kbuild ran sparse on the sources; since 6.19 it skips a
# sparse it finds wanting with no more than a make warning.
sparse_ran() {
	grep -q '^  CHECK ' "$1" &&
		! grep -F 'is not available or not up to date' "$1"
}

t0=$SECONDS
step "trixie chroot made, or taken from the cache" scripts/trixie-chroot &&
	printf '# trixie chroot ready in %ss\n' $((SECONDS - t0))
kver_tbpo=$(scripts/fetch-kernel --release trixie-bpo 2>"$logs/kver-tbpo.log")
if [ -z "$kver_tbpo" ]; then
	not_ok "find trixie-backports' kernel release"
	sed 's/^/#   /' "$logs/kver-tbpo.log"
else
	kdir_tbpo=$(scripts/fetch-kernel --trixie --headers "$kver_tbpo" \
		2>"$logs/fetch $kver_tbpo headers.log")
	if [ -z "$kdir_tbpo" ]; then
		not_ok "fetch $kver_tbpo headers"
		tail -n 30 "$logs/fetch $kver_tbpo headers.log" | sed 's/^/#   /'
		kver_tbpo=""
	elif step "fetch $kver_tbpo" scripts/fetch-kernel --trixie "$kver_tbpo"; then
		# shellcheck disable=SC2004,SC2034 # scripts/check's, by release
		kernel_kdir[$kver_tbpo]=$kdir_tbpo
		# shellcheck disable=SC2004,SC2034
		kernel_run[$kver_tbpo]=${in_trixie[*]}
		module_clean "$kdir_tbpo" "${in_trixie[@]}" >/dev/null 2>&1
		step "module builds with W=1 for $kver_tbpo (trixie chroot)" \
			"${in_trixie[@]}" make module-w1 KVER="$kver_tbpo" \
			KDIR="$kdir_tbpo" &&
			step "module build for $kver_tbpo has no warnings" \
				no_warnings "$logs/module builds with W=1 for $kver_tbpo (trixie chroot).log"
		module_clean "$kdir_tbpo" "${in_trixie[@]}" >/dev/null 2>&1
		log="$logs/sparse (C=2) is clean for $kver_tbpo.log"
		step "sparse (C=2) is clean for $kver_tbpo" \
			"${in_trixie[@]}" make sparse KVER="$kver_tbpo" \
			KDIR="$kdir_tbpo" &&
			step "sparse for $kver_tbpo has no warnings" \
				no_warnings "$log" &&
			step "sparse ran for $kver_tbpo" sparse_ran "$log"
		step "module for $kver_tbpo" module_for "$kver_tbpo" &&
			vm_suite "$kver_tbpo" "$kver_tbpo"
	else
		kver_tbpo=""
	fi
fi

# next_cc KDIR: the compiler KDIR's headers name when the chroot lacks it
# (Debian builds sid's kernels with a newer gcc than trixie's), else
# nothing.
next_cc() {
	local cc

	cc=$(sed -n 's/^CC = .*\(gcc-[0-9][0-9]*\)$/\1/p' "$1/.kernelvariables" \
		2>/dev/null)
	# shellcheck disable=SC2016 # the chroot's shell expands it
	[ -z "$cc" ] || "${in_trixie[@]}" sh -c 'command -v "$1"' sh "$cc" \
		>/dev/null || printf '%s\n' "$cc"
}

# next_module KVER KDIR [MAKE ARGS]: the module for KVER, compile only, in
# the chroot.
next_module() {
	module_clean "$2" "${in_trixie[@]}" &&
		"${in_trixie[@]}" make module KVER="$1" KDIR="$2" "${@:3}"
}

kver_next=${WSPBIND_NEXT_KERNEL:-$(scripts/fetch-kernel --release newest \
	2>"$logs/kver-next.log")}
if [ -z "$kver_next" ]; then
	printf '# warning: compile-only: no newest kernel named: %s\n' \
		"$(tail -n 1 "$logs/kver-next.log")"
elif [ "$kver_next" = "$kver_tbpo" ]; then
	printf '# compile-only: no suite offers a kernel newer than %s\n' \
		"$kver_tbpo"
else
	log="$logs/compile-only $kver_next.log"
	next_args=()
	kdir_next=$(scripts/fetch-kernel --trixie --headers "$kver_next" \
		2>"$log") &&
		cc_next=$(next_cc "$kdir_next")
	if [ -n "${cc_next:-}" ]; then
		printf '# compile-only: %s wants %s, which trixie lacks: gcc 14 instead\n' \
			"$kver_next" "$cc_next"
		next_args=(CC=x86_64-linux-gnu-gcc-14)
	fi
	if [ -n "$kdir_next" ] &&
	   next_module "$kver_next" "$kdir_next" "${next_args[@]}" \
		>>"$log" 2>&1; then
		ok "compile-only: the module builds for $kver_next"
	else
		printf '# warning: compile-only: the module does not build for %s:\n' \
			"$kver_next"
		{ grep -E '(error|Error)[: ]' "$log" || tail -n 5 "$log"; } |
			head -n 10 | sed 's/^/# warning:   /'
	fi
	[ -z "$kdir_next" ] ||
		module_clean "$kdir_next" "${in_trixie[@]}" >/dev/null 2>&1
fi
