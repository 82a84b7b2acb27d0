# SPDX-License-Identifier: GPL-2.0
#
# wspbind: the module (through Kbuild), libwspbind, the selftests, and the
# VM bench that loads the module under QEMU.
#
#   make                 module and library for the running kernel
#                        (module/wspbind.ko, build/lib/)
#   make demo            boot a VM and show WSPBind at work
#   make check           every check; last line "N passed, N failed"
#   make bench           WSPBind against bind(2) in the VM (scripts/bench)
#   make wine-check      Wine on wspbind against stock Wine, host and VM
#   make demo-wine       stock Wine, Wine on wspbind and Windows, side by side
#   make wine-patch-check  the tests the Wine patch adds to Wine's sock.c,
#                        under both Wines, host and VM
#                        (all three: WINE=10 for Debian 13's Wine 10.0)
#   make install         see install.mk (DESTDIR, PREFIX, ...)

KVER		?= $(shell uname -r)
KDIR		?= /lib/modules/$(KVER)/build
BUILD		?= build
CC		?= cc

# The kernel the VM boots: Debian's, whose headers install-deps brings.
VM_KVER		= $(shell scripts/fetch-kernel --release)

# Kbuild on module/Kbuild: its output stays in module/.
KBUILD		= $(MAKE) -C $(KDIR) M=$(CURDIR)/module

USER_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -Iuapi -Ilib -Imodule
LIB_SONAME	:= libwspbind.so.0
# One version for the library, the packages and DKMS's sources:
# debian/changelog's first entry (make version prints it).
VERSION		:= $(shell awk 'NR == 1 { gsub(/[()]/, "", $$2); print $$2; exit }' \
			debian/changelog)

# The library takes the module's error table and name rules, dual-licensed
# for it (debian/copyright).
LIB_SRCS	:= lib/wspbind.c lib/sockopt.c lib/sockname.c lib/memory.c \
		   module/errors.c module/rules.c
LIB_OBJS	:= $(addprefix $(BUILD)/lib/,$(notdir $(LIB_SRCS:.c=.o)))
SELFTEST_SRCS	:= $(wildcard selftests/*.c)
KSFT_INC	= $(dir $(firstword $(shell scripts/ksrc-file \
			tools/testing/selftests/kselftest_harness.h \
			tools/testing/selftests/kselftest.h)))

.PHONY: all module module-w1 sparse module-clean lib selftests tests demo \
	check style clean deps vm-module bench debug-kernel kunit-module \
	wine-tests wine-ws2_32-tests wine-ws2_32 wine-module wine-check \
	demo-wine wine-patch-tests wine-patch-check version

all: module lib

deps:
	scripts/install-deps

module:
	$(KBUILD) modules

# W=1 adds the extra warnings reviewers build with; check fails on any.
module-w1:
	$(KBUILD) W=1 KCFLAGS=-Werror modules

sparse:
	$(KBUILD) C=2 CHECK="sparse -Wsparse-error" modules

# Kbuild's clean of module/ (and module/test/): a build for another
# kernel, or one that must show every warning, starts from it.
module-clean:
	$(KBUILD) clean

version:
	@echo $(VERSION)

lib: $(BUILD)/lib/libwspbind.a $(BUILD)/lib/$(LIB_SONAME)

$(BUILD)/lib/%.o: lib/%.c lib/wspbind.h lib/internal.h uapi/linux/wspbind.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(USER_CFLAGS) $(CFLAGS) -fPIC -c $< -o $@

$(BUILD)/lib/%.o: module/%.c module/%.h uapi/linux/wspbind.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(USER_CFLAGS) $(CFLAGS) -fPIC -c $< -o $@

$(BUILD)/lib/libwspbind.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/lib/$(LIB_SONAME): $(LIB_OBJS)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(LIB_SONAME) -o $@ $^
	ln -sf $(LIB_SONAME) $(BUILD)/lib/libwspbind.so

# The selftests and the programs that run in the VM are static: the VM's
# initramfs has no libc. Each is also built 32-bit (-m32), the WoW64 case.
selftests:
	$(MAKE) -C selftests KSFT_INC=$(KSFT_INC) \
		OUTPUT=$(CURDIR)/$(BUILD)/selftests EXTRA_CFLAGS=-static
	$(MAKE) -C selftests KSFT_INC=$(KSFT_INC) \
		OUTPUT=$(CURDIR)/$(BUILD)/selftests32 EXTRA_CFLAGS="-static -m32"

# User-space tests: the module's pure rules run on the host; the library's
# tests and the demo are static, for the VM, in 64 and 32 bits.
TEST_CFLAGS	= $(USER_CFLAGS) -Wno-unused-parameter -I$(KSFT_INC)
# kselftest_harness.h's callbacks leave parameters unused.

tests: $(BUILD)/tests/rules_test $(BUILD)/tests/sharing_test \
	$(BUILD)/tests/lib_test \
	$(BUILD)/tests/lib_test32 $(BUILD)/tests/wspbind_demo

$(BUILD)/tests/rules_test: module/test/rules_test.c module/test/errno_table.h \
			  module/rules.c module/rules.h module/errors.c \
			  module/errors.h module/port_search.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ module/test/rules_test.c module/rules.c \
		module/errors.c

$(BUILD)/tests/sharing_test: module/test/sharing_test.c \
			    module/test/sharing_cases.h module/sharing.c \
			    module/sharing.h selftests/wspbind_sharing_table.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ module/test/sharing_test.c module/sharing.c

$(BUILD)/tests/lib_test: lib/test/lib_test.c $(LIB_SRCS) lib/wspbind.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -static -o $@ $< $(LIB_SRCS) -lpthread

$(BUILD)/tests/lib_test32: lib/test/lib_test.c $(LIB_SRCS) lib/wspbind.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -m32 -static -o $@ $< $(LIB_SRCS) -lpthread

$(BUILD)/tests/wspbind_demo: lib/examples/wspbind_demo.c $(LIB_SRCS) lib/wspbind.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -o $@ $< $(LIB_SRCS) -lpthread

# The benchmark that scripts/bench runs in the VM.
$(BUILD)/bench/wspbind_bench: lib/bench/wspbind_bench.c $(LIB_SRCS) lib/wspbind.h \
		uapi/linux/wspbind.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -o $@ $< $(LIB_SRCS) -lpthread -lm

bench:
	scripts/bench --json $(BUILD)/bench/bench.json

# The module for the kernel the VM boots.
vm-module:
	$(MAKE) module KVER=$(VM_KVER)

# The debug kernel (KASAN, lockdep, UBSAN, KUnit), built once and cached;
# and the KUnit test module of the pure rules, built against it with
# KDIR=DIR/build, DIR being what scripts/build-debug-kernel prints.
debug-kernel:
	scripts/build-debug-kernel

kunit-module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module/test W=1 KCFLAGS=-Werror modules

demo: deps
	$(MAKE) vm-module $(BUILD)/tests/wspbind_demo
	scripts/vm-run --add $(BUILD)/tests/wspbind_demo -- ./wspbind_demo

check:
	scripts/check

# Wine (contrib/wine/): the Windows program, built with mingw-w64; Wine on
# wspbind against stock Wine on the host (no device) and in the VM (the
# host's userland over 9p, the module loaded); the demo's table.
#
# WINE=8 (the default) is Debian 12's Wine 8.0, on the host, and the VM
# boots Debian 12's 6.1 kernel. WINE=10 is Debian 13's Wine 10.0, in the
# trixie chroot (scripts/wine-server --trixie, ...), which is also the
# VM's userland; the VM boots the kernel that WINE_KERNEL names as
# scripts/fetch-kernel --release does: bpo, the 6.12 kernel (the default;
# Debian 13's own series), or trixie-bpo, trixie-backports' 7.x (the
# module built in the chroot).
MINGW_CC	?= x86_64-w64-mingw32-gcc
WINE_CFLAGS	:= -O2 -Wall -Wextra -Wno-missing-field-initializers -Werror
WINE		?= 8
WINE_KERNEL	?= bpo
ifeq ($(WINE),10)
WINE_OPT	:= --trixie
WINE_TAG	:= -trixie
WINE_DEPS	:= wine vm bpo trixie
# libwine-dev's headers generated from IDL: the chroot's, Wine 10.0's.
WINE_IDL_INC	= $(shell scripts/trixie-chroot --dir)/usr/include/wine/wine/windows
WINE_OBJ	:= $(BUILD)/wine/obj-trixie
WINE_PATCHES	:= $(wildcard contrib/wine/wine-10.0/*.patch)
WINE_HOST	:= scripts/trixie-chroot run
WINE_ROOTFS	= --rootfs-chroot $(shell scripts/trixie-chroot --dir)
else ifeq ($(WINE),8)
WINE_OPT	:=
WINE_TAG	:=
WINE_DEPS	:= wine vm
WINE_IDL_INC	:= /usr/include/wine/wine/windows
WINE_OBJ	:= $(BUILD)/wine
WINE_PATCHES	:= $(wildcard contrib/wine/*.patch)
WINE_HOST	:=
WINE_ROOTFS	:= --rootfs-host
else
$(error WINE=$(WINE): 8 (Debian 12's Wine 8.0) or 10 (Debian 13's Wine 10.0))
endif

wine-tests: $(BUILD)/wine/winsock_bind.exe \
	$(BUILD)/wine/ws2_32_sock_test$(WINE_TAG).exe $(BUILD)/wine/native_probe

# A native program beside a prefix's socket (scripts/wine-suite).
$(BUILD)/wine/native_probe: contrib/wine/tests/native_probe.c $(LIB_SRCS) lib/wspbind.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -o $@ $< $(LIB_SRCS)

$(BUILD)/wine/winsock_bind.exe: contrib/wine/tests/winsock_bind.c
	@mkdir -p $(@D)
	$(MINGW_CC) $(WINE_CFLAGS) -o $@ $< -lws2_32

# Wine's own test_bind and test_reuseaddr (dlls/ws2_32/tests/sock.c of the
# source scripts/wine-server unpacks, for WINE's Wine), compiled as Wine's
# makedep compiles a PE test: Wine's include/ and its msvcrt headers first
# (with libwine-dev's headers generated from IDL), Wine's PE defines;
# linked by winegcc against libwine-dev's import libraries.
WINE_TEST_CFLAGS := -nostdinc -D_MSVCR_VER=0 -D__WINESRC__ -D__WINE_PE_BUILD \
	-Wall -fno-strict-aliasing -g -O2
WINE_TEST_OBJS	:= $(WINE_OBJ)/wine_sock_tests.o $(WINE_OBJ)/wine_testlist.o

$(WINE_OBJ)/%.o: contrib/wine/tests/%.c
	@mkdir -p $(@D)
	src=$$(scripts/wine-server $(WINE_OPT) --source) && \
	$(MINGW_CC) -c -o $@ $< -I$$src/dlls/ws2_32/tests -I$$src/include \
		-I$(WINE_IDL_INC) -I$$src/include/msvcrt \
		$(WINE_TEST_CFLAGS)

$(BUILD)/wine/ws2_32_sock_test$(WINE_TAG).exe: $(WINE_TEST_OBJS)
	winegcc -b x86_64-w64-mingw32 -mconsole -o $@ $^ \
		-lws2_32 -liphlpapi -luser32 -lmsvcrt

# Wine's whole ws2_32 sock and afd tests (dlls/ws2_32/tests/sock.c and
# afd.c of the same source, compiled as they are), for scripts/wine-ws2_32.
WS2_32_OBJS	:= $(WINE_OBJ)/ws2_32/sock.o $(WINE_OBJ)/ws2_32/afd.o \
	$(WINE_OBJ)/ws2_32/testlist.o

wine-ws2_32-tests: $(BUILD)/wine/ws2_32_test$(WINE_TAG).exe

$(WINE_OBJ)/ws2_32/testlist.o: contrib/wine/tests/wine_testlist.c
$(WINE_OBJ)/ws2_32/%.o:
	@mkdir -p $(@D)
	src=$$(scripts/wine-server $(WINE_OPT) --source) && \
	f=$(if $(filter testlist,$*),contrib/wine/tests/wine_testlist.c,$$src/dlls/ws2_32/tests/$*.c) && \
	$(MINGW_CC) -c -o $@ $$f -DWHOLE_WS2_32 -I$$src/dlls/ws2_32/tests \
		-I$$src/include -I$(WINE_IDL_INC) -I$$src/include/msvcrt \
		$(WINE_TEST_CFLAGS)

$(BUILD)/wine/ws2_32_test$(WINE_TAG).exe: $(WS2_32_OBJS)
	winegcc -b x86_64-w64-mingw32 -mconsole -o $@ $^ \
		-lws2_32 -liphlpapi -luser32 -lntdll -lmsvcrt

# The tests that contrib/wine's patch adds to Wine's sock.c: that sock.c
# (with server/sock.c, so that the whole patch applies, without fuzz)
# patched in $(WINE_OBJ)/patched, compiled as above with
# contrib/wine/tests/wine_patch_tests.c, which runs each test function
# alone; for scripts/wine-patch-tests.
WINE_PATCHED	:= $(WINE_OBJ)/patched
PATCH_TEST_OBJS	:= $(WINE_OBJ)/patch/wine_patch_tests.o \
	$(WINE_OBJ)/patch/testlist.o

wine-patch-tests: $(BUILD)/wine/ws2_32_patch_test$(WINE_TAG).exe

$(WINE_PATCHED)/dlls/ws2_32/tests/sock.c: $(WINE_PATCHES)
	src=$$(scripts/wine-server $(WINE_OPT) --source) && \
	rm -rf $(WINE_PATCHED) && \
	mkdir -p $(WINE_PATCHED)/dlls/ws2_32/tests $(WINE_PATCHED)/server && \
	cp $$src/dlls/ws2_32/tests/sock.c $(WINE_PATCHED)/dlls/ws2_32/tests/ && \
	cp $$src/server/sock.c $(WINE_PATCHED)/server/ && \
	for p in $(WINE_PATCHES); do \
		patch -s -p1 --fuzz=0 -d $(WINE_PATCHED) <$$p || exit; \
	done

$(WINE_OBJ)/patch/wine_patch_tests.o: contrib/wine/tests/wine_patch_tests.c \
	$(WINE_PATCHED)/dlls/ws2_32/tests/sock.c
$(WINE_OBJ)/patch/testlist.o: contrib/wine/tests/wine_testlist.c
$(WINE_OBJ)/patch/%.o:
	@mkdir -p $(@D)
	src=$$(scripts/wine-server $(WINE_OPT) --source) && \
	$(MINGW_CC) -c -o $@ $< -DPATCH_TESTS \
		-I$(WINE_PATCHED)/dlls/ws2_32/tests -I$$src/dlls/ws2_32/tests \
		-I$$src/include -I$(WINE_IDL_INC) -I$$src/include/msvcrt \
		$(WINE_TEST_CFLAGS)

$(BUILD)/wine/ws2_32_patch_test$(WINE_TAG).exe: $(PATCH_TEST_OBJS)
	winegcc -b x86_64-w64-mingw32 -mconsole -o $@ $^ \
		-lws2_32 -liphlpapi -luser32 -lmsvcrt

# Them under both Wines, on the host (no device) and in the VM (the module
# loaded); each half's TAP in $(BUILD)/wine$(WINE_TAG)/patch-tests-*.tap.
wine-patch-check:
	scripts/install-deps $(WINE_DEPS)
	$(MAKE) wine-patch-tests wine-module
	@mkdir -p $(BUILD)/wine$(WINE_TAG)
	server=$$(scripts/wine-server $(WINE_OPT)) && \
	scripts/wine-prefix $(WINE_OPT) >/dev/null && \
	{ $(WINE_HOST) scripts/wine-patch-tests --wineserver "$$server" \
		--raw $(BUILD)/wine$(WINE_TAG)/patch-tests-host; \
	  echo $$? >$(BUILD)/wine$(WINE_TAG)/patch-tests-host.status; } | \
		tee $(BUILD)/wine$(WINE_TAG)/patch-tests-host.tap && \
	{ WSPBIND_LOG_DIR=$(BUILD)/wine$(WINE_TAG) scripts/vm-run \
		$(WINE_ROOTFS) --mem 2048 --timeout 1800 -- \
		scripts/wine-patch-tests --wineserver "$$server" 2>&1; \
	  echo $$? >$(BUILD)/wine$(WINE_TAG)/patch-tests-vm.status; } | \
		tee $(BUILD)/wine$(WINE_TAG)/patch-tests-vm.tap && \
	[ "$$(cat $(BUILD)/wine$(WINE_TAG)/patch-tests-host.status)" = 0 ] && \
	[ "$$(cat $(BUILD)/wine$(WINE_TAG)/patch-tests-vm.status)" = 0 ]

# Those tests in the VM (the module loaded): a table per test function,
# stock Wine beside Wine on wspbind. Long: each run of a test file may take
# WS2_32_TIMEOUT seconds, the boot four of those and ten minutes more.
# WS2_32_ARGS: more options of scripts/wine-ws2_32 (--tests sock --quiet-ok).
WS2_32_TIMEOUT	?= 3600
wine-ws2_32:
	scripts/install-deps $(WINE_DEPS)
	$(MAKE) wine-ws2_32-tests wine-module
	@mkdir -p $(BUILD)/wine$(WINE_TAG)
	server=$$(scripts/wine-server $(WINE_OPT)) && \
	scripts/wine-prefix $(WINE_OPT) >/dev/null && \
	{ WSPBIND_LOG_DIR=$(BUILD)/wine$(WINE_TAG) scripts/vm-run \
		$(WINE_ROOTFS) --dummy-net --mem 2048 \
		--timeout $$((4 * $(WS2_32_TIMEOUT) + 600)) -- \
		env WINE_TIMEOUT=$(WS2_32_TIMEOUT) \
		scripts/wine-ws2_32 --wineserver "$$server" $(WS2_32_ARGS) 2>&1; \
	  echo $$? >$(BUILD)/wine$(WINE_TAG)/ws2_32.status; } | \
		tee $(BUILD)/wine$(WINE_TAG)/ws2_32.txt && \
	exit "$$(cat $(BUILD)/wine$(WINE_TAG)/ws2_32.status)"

# The module for the kernel the Wine VM boots (see WINE above).
wine-module:
ifeq ($(WINE),10)
	kver=$$(scripts/fetch-kernel --release $(WINE_KERNEL)) && \
	case "$(WINE_KERNEL)" in \
	trixie-bpo) run="scripts/trixie-chroot run" t=--trixie ;; \
	*) run="" t="" ;; \
	esac && \
	kdir=$$(scripts/fetch-kernel $$t --headers $$kver) && \
	scripts/fetch-kernel $$t $$kver >/dev/null && \
	$$run $(MAKE) module KVER=$$kver KDIR=$$kdir
else
	$(MAKE) vm-module
endif

wine-check:
	scripts/install-deps $(WINE_DEPS)
	$(MAKE) wine-tests wine-ws2_32-tests wine-module
	scripts/wine-check $(WINE_OPT)

demo-wine:
	scripts/install-deps $(WINE_DEPS)
	$(MAKE) wine-tests wine-module
	scripts/wine-check $(WINE_OPT) --demo

include install.mk

clean:
	$(KBUILD) clean 2>/dev/null || true
	rm -rf $(BUILD)
