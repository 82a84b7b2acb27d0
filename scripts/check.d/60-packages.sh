# shellcheck shell=bash
# shellcheck disable=SC2154 # $top, $build, $logs, $kver, $in_trixie: set
# by scripts/check and 30-lanes.sh
# Part of scripts/check: wspbind as it is shipped. make install and
# uninstall into a staging tree; the Debian packages built, checked with
# lintian and installed on this machine with dpkg -i; DKMS's module for
# every kernel header set installed on the machine and every host lane's
# (30-lanes.sh); a program built with pkg-config
# against the installed packages, run in the VM with DKMS's module beside
# the tracepoint and counter tests; then the packages purged, leaving the
# machine as it was. The same for the trixie lanes whose row boots "dkms"
# (30-lanes.sh; trixie-backports' 7.x), whose headers only the trixie
# chroot can use: wspbind-dkms installed there, DKMS's module built for
# each and booted, and the package purged from the chroot again.

pkg_version=$(make -s version)
pkg_arch=$(dpkg --print-architecture)
pkg_names=(wspbind-dkms libwspbind-dev libwspbind0)
pkg_debs=("$build/pkg/wspbind-dkms_${pkg_version}_all.deb"
	  "$build/pkg/libwspbind-dev_${pkg_version}_$pkg_arch.deb"
	  "$build/pkg/libwspbind0_${pkg_version}_$pkg_arch.deb")

# install_staged: make install with DESTDIR and PREFIX puts exactly the
# expected files in place, the library with its soname; make uninstall
# takes them all away again.
install_staged() {
	local dest="$build/stage" want got

	rm -rf "$dest"
	# Another part may have left Kbuild output for another kernel.
	make -s module-clean KVER="$kver" &&
	make install DESTDIR="$top/$dest" PREFIX=/usr KVER="$kver" || return
	want=$(printf '%s\n' "lib/modules/$kver/updates/wspbind.ko" \
		usr/include/linux/wspbind.h usr/include/wspbind.h \
		usr/lib/libwspbind.a usr/lib/libwspbind.so \
		usr/lib/libwspbind.so.0 usr/lib/modules-load.d/wspbind.conf \
		usr/lib/pkgconfig/wspbind.pc \
		usr/lib/udev/rules.d/60-wspbind.rules \
		usr/share/man/man3/WSPBind.3 \
		usr/share/man/man3/WSPGetSockName.3 \
		usr/share/man/man3/WSPGetSockOpt.3 \
		usr/share/man/man3/WSPSetSockOpt.3)
	got=$(cd "$dest" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
	diff <(echo "$want") <(echo "$got") || return
	readelf -d "$dest/usr/lib/libwspbind.so.0" |
		grep -F '(SONAME)' | grep -qF '[libwspbind.so.0]' || return
	[ "$(readlink "$dest/usr/lib/libwspbind.so")" = libwspbind.so.0 ] ||
		return
	PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" \
		pkg-config --modversion wspbind | grep -qx "$pkg_version" || return
	make uninstall DESTDIR="$top/$dest" PREFIX=/usr KVER="$kver" || return
	got=$(cd "$dest" && find . ! -type d)
	[ -z "$got" ] || { echo "left after uninstall: $got"; return 1; }
}

# dkms_exclusive: dkms.conf's BUILD_EXCLUSIVE_KERNEL (DKMS matches a
# release against it with bash's =~) takes 6.1 and newer, every lane's
# release among them, and nothing older.
dkms_exclusive() {
	local re k

	re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' dkms.conf)
	for k in 6.1.0-57-amd64 6.19-amd64 7.3-amd64 10.0.1-amd64 "${lane_built[@]}"; do
		[[ -n $re && $k =~ $re ]] || { echo "refuses $k"; return 1; }
	done
	for k in 6.0.0-1-amd64 6.0-amd64 5.10.0-30-amd64; do
		[[ ! $k =~ $re ]] || { echo "takes $k"; return 1; }
	done
}

# pkg_purge: purge the packages; nothing of them, and none of DKMS's
# builds of the module, may stay behind.
pkg_purge() {
	local left

	dpkg --purge "${pkg_names[@]}" || return
	left=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' \
		"${pkg_names[@]}" 2>/dev/null | grep -v ' pn *$')
	left+=$(ls -d /usr/src/wspbind-* /var/lib/dkms/wspbind \
		/lib/modules/*/updates/dkms/wspbind.ko* 2>/dev/null)
	[ -z "$left" ] || { echo "left after purge: $left"; return 1; }
}

# header_sets: "KVER KDIR" for every kernel header set DKMS builds for:
# those installed as /lib/modules/KVER/build, for which the package's DKMS
# hook builds and installs the module, and the host lanes' that
# fetch-kernel --headers unpacked into the cache, which are not
# installed, so the check asks DKMS to build for them.
header_sets() {
	local mk k

	for mk in /lib/modules/*/build/Makefile; do
		[ -e "$mk" ] || continue
		k=${mk#/lib/modules/}
		k=${k%%/*}
		printf '%s %s\n' "$k" "/lib/modules/$k/build"
	done
	for k in ${pkg_host_lanes[@]+"${pkg_host_lanes[@]}"}; do
		[ "${kernel_kdir[$k]}" = "/lib/modules/$k/build" ] ||
			printf '%s %s\n' "$k" "${kernel_kdir[$k]}"
	done
}

# dkms_module KVER: DKMS's module for KVER, installed or built only.
dkms_module() {
	if [ -e "/lib/modules/$1/build/Makefile" ]; then
		echo "/lib/modules/$1/updates/dkms/wspbind.ko"
	else
		echo "/var/lib/dkms/wspbind/$pkg_version/$1/$(uname -m)/module/wspbind.ko"
	fi
}

# dkms_built KVER KDIR: DKMS holds a module for KVER, built for KVER;
# installed, when KVER's headers are.
dkms_built() {
	local ko state

	ko=$(dkms_module "$1")
	if [ "$2" = "/lib/modules/$1/build" ]; then
		state=installed
	else
		state=built
		dkms build "wspbind/$pkg_version" -k "$1" \
			--kernelsourcedir "$2" || return
	fi
	dkms status "wspbind/$pkg_version" -k "$1"
	dkms status "wspbind/$pkg_version" -k "$1" | grep -q ": $state\$" ||
		return
	modinfo -F vermagic "$ko"
	modinfo -F vermagic "$ko" | grep -q "^$1 " || return
}

# chroot_dkms KVER KDIR: wspbind-dkms, installed in the trixie chroot,
# builds the module for KVER against KDIR with the chroot's DKMS; the
# module, built for KVER, is copied to $build/pkg/dkms-KVER/wspbind.ko.
chroot_dkms() {
	local root tree ko

	root=$(scripts/trixie-chroot --dir)
	tree="/var/lib/dkms/wspbind/$pkg_version/$1/$(uname -m)/module"
	"${in_trixie[@]}" apt-get install -y -q --no-install-recommends \
		"$top/${pkg_debs[0]}" </dev/null || return
	"${in_trixie[@]}" dkms build "wspbind/$pkg_version" -k "$1" \
		--kernelsourcedir "$2" || return
	"${in_trixie[@]}" dkms status "wspbind/$pkg_version" -k "$1"
	"${in_trixie[@]}" dkms status "wspbind/$pkg_version" -k "$1" |
		grep -q ': built$' || return
	mkdir -p "$build/pkg/dkms-$1"
	ko=$(find "$root$tree" -name 'wspbind.ko*' | head -n1)
	case "$ko" in
	*.ko) cp "$ko" "$build/pkg/dkms-$1/wspbind.ko" ;;
	*.ko.xz) xz -dc "$ko" >"$build/pkg/dkms-$1/wspbind.ko" ;;
	*.ko.zst) zstd -qdc "$ko" >"$build/pkg/dkms-$1/wspbind.ko" ;;
	*) echo "no module in $tree"; return 1 ;;
	esac || return
	modinfo -F vermagic "$build/pkg/dkms-$1/wspbind.ko"
	modinfo -F vermagic "$build/pkg/dkms-$1/wspbind.ko" | grep -q "^$1 "
}

# chroot_purge: purge wspbind-dkms from the trixie chroot; nothing of it,
# and none of DKMS's builds, may stay behind.
chroot_purge() {
	local root left

	root=$(scripts/trixie-chroot --dir)
	"${in_trixie[@]}" dpkg --purge wspbind-dkms || return
	left=$(ls -d "$root"/usr/src/wspbind-* "$root/var/lib/dkms/wspbind" \
		2>/dev/null)
	[ -z "$left" ] || { echo "left after purge: $left"; return 1; }
}

# pkg_program OUT: lib/test/pkg_test.c built as a user of the installed
# packages builds, linked to their libwspbind.so.0.
pkg_program() {
	# shellcheck disable=SC2046 # pkg-config's words are separate flags
	cc -Wall -Wextra -Werror -O2 -o "$1" lib/test/pkg_test.c \
		$(pkg-config --cflags --libs wspbind) || return
	readelf -d "$1" | grep -F '(NEEDED)' | grep -F '[libwspbind.so.0]'
}

# pkg_vm KVER [MODULE]: one boot of KVER with DKMS's module (by default
# where dkms_module says) runs the pkg-config program and the tracepoint
# and counter tests; each counts as TAP. On the host's userland
# (--rootfs-host), where the program finds the installed libwspbind.so.0.
pkg_vm() {
	local k=$1 name ko=${2:-$(dkms_module "$1")}

	vm_boot "dkms-$k" "vm-dkms-$k.out" \
		"dkms $k: VM ran with no oops, WARNING or BUG in the guest log" \
		--kernel "$k" --module "$ko" --rootfs-host \
		--part pkg_test "$build/pkg/pkg_test" \
		--part wspbind_observe_test "$build/selftests/wspbind_observe_test"
	for name in pkg_test wspbind_observe_test; do
		count_tap "dkms $k: $name" "$parts/dkms-$k/$name"
	done
}

step "make install and uninstall with DESTDIR and PREFIX" install_staged
step "DKMS builds for 6.1 and newer only (BUILD_EXCLUSIVE_KERNEL)" dkms_exclusive

# The lanes DKMS builds for: on the host, and in the trixie chroot.
mapfile -t pkg_host_lanes < <(lanes_with dkms host)
mapfile -t pkg_chroot_lanes < <(lanes_with dkms trixie)

# A run that stopped half way may have left the packages installed.
pkg_purge >/dev/null 2>&1
[ ${#pkg_chroot_lanes[@]} -eq 0 ] || chroot_purge >/dev/null 2>&1
# What installing the packages adds beside them, to take away after the
# purge unless it was there before: the group, and depmod's indexes in
# /lib/modules/RELEASE of kernels that only have their headers installed.
pkg_group_existed=false
getent group wspbind >/dev/null && pkg_group_existed=true
pkg_depmod_before=$(ls -d /lib/modules/*/modules.* 2>/dev/null)

if step "packages build (dpkg-buildpackage -us -uc -b)" \
	scripts/build-packages "$build/pkg"; then
	step "lintian finds no error or warning" lintian --fail-on error,warning \
		"$build/pkg/wspbind_${pkg_version}_$pkg_arch.changes"
	if step "packages install (dpkg -i)" dpkg -i "${pkg_debs[@]}"; then
		mapfile -t pkg_sets < <(header_sets)
		printf '# kernel header set: %s\n' "${pkg_sets[@]}"
		step "a program builds with pkg-config --cflags --libs wspbind" \
			pkg_program "$build/pkg/pkg_test"
		for set in "${pkg_sets[@]}"; do
			# shellcheck disable=SC2086 # "KVER KDIR"
			step "DKMS built the module for ${set%% *}" dkms_built $set &&
				pkg_vm "${set%% *}"
		done
		# The pkg-config program boots with the chroot's DKMS module
		# too, before the purge takes its library away.
		for k in ${pkg_chroot_lanes[@]+"${pkg_chroot_lanes[@]}"}; do
			step "DKMS built the module for $k (trixie chroot)" \
				chroot_dkms "$k" "${kernel_kdir[$k]}" &&
				pkg_vm "$k" "$build/pkg/dkms-$k/wspbind.ko"
		done
		[ ${#pkg_chroot_lanes[@]} -eq 0 ] ||
			step "wspbind-dkms purges from the trixie chroot, leaving nothing behind" \
				chroot_purge
	fi
	step "packages purge, leaving nothing behind" pkg_purge
	$pkg_group_existed || groupdel wspbind 2>/dev/null
	for f in /lib/modules/*/modules.*; do
		[ -e "$f" ] || continue
		grep -qxF "$f" <<<"$pkg_depmod_before" || rm -f "$f"
	done
fi
