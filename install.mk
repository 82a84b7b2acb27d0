# SPDX-License-Identifier: GPL-2.0
#
# Installation, included by the Makefile. Each target also honours
# DESTDIR (a staging root: nothing outside it is touched, and neither
# depmod nor ldconfig runs).
#
#   make install          install-module, install-lib, install-dev and
#                         install-data: everything for the running kernel
#   make uninstall        removes all that install puts in place
#   make install-module   wspbind.ko into /lib/modules/$(KVER)/updates, then
#                         depmod; KVER and KDIR pick another kernel
#   make install-lib      libwspbind.so.0, the shared library
#   make install-dev      libwspbind.so and .a, wspbind.h, linux/wspbind.h,
#                         wspbind.pc and the man pages WSPBind(3) and
#                         the others
#   make install-data     the udev rule and the modules-load.d snippet, and
#                         the group "wspbind" the rule names
#   make dkms-install     the module's sources (dkms-src) and dkms.conf,
#                         its version filled in, into
#                         /usr/src/wspbind-$(VERSION), then dkms add, build
#                         and install for every kernel whose headers are
#                         installed; dkms-uninstall undoes it
#
# Where things go (the module and the DKMS sources ignore PREFIX):

PREFIX		?= /usr/local
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
MANDIR		?= $(PREFIX)/share/man
MAN_PAGES	:= man/WSPBind.3 man/WSPSetSockOpt.3 man/WSPGetSockOpt.3 \
		   man/WSPGetSockName.3
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
UDEVRULESDIR	?= $(PREFIX)/lib/udev/rules.d
MODULESLOADDIR	?= $(PREFIX)/lib/modules-load.d
DKMSDIR		?= /usr/src/wspbind-$(VERSION)
INSTALL		?= install

# The DKMS sources: what Kbuild needs, and nothing else (not Kbuild's
# own output, module/*.mod.c). dkms.conf comes beside them with its
# version filled in: by dh_dkms -V in the package, by dkms-install here.
DKMS_FILES	:= Kbuild module/Kbuild uapi/linux/wspbind.h \
		   $(filter-out %.mod.c,$(wildcard module/*.c module/*.h))

.PHONY: install uninstall install-module install-lib install-dev \
	install-data uninstall-module uninstall-lib uninstall-dev \
	uninstall-data dkms-src dkms-install dkms-uninstall

install: install-module install-lib install-dev install-data

uninstall: uninstall-module uninstall-lib uninstall-dev uninstall-data

install-module: module
	$(KBUILD) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates \
		modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))

uninstall-module:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/updates/wspbind.ko*
	$(if $(DESTDIR),,depmod -a $(KVER))

install-lib: $(BUILD)/lib/$(LIB_SONAME)
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)
	$(INSTALL) -m 0644 $< $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	$(if $(DESTDIR),,ldconfig)

uninstall-lib:
	rm -f $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	$(if $(DESTDIR),,ldconfig)

install-dev: $(BUILD)/lib/libwspbind.a $(BUILD)/lib/$(LIB_SONAME)
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(MANDIR)/man3
	$(INSTALL) -m 0644 $(BUILD)/lib/libwspbind.a $(DESTDIR)$(LIBDIR)/
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libwspbind.so
	$(INSTALL) -m 0644 lib/wspbind.h $(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 0644 uapi/linux/wspbind.h $(DESTDIR)$(INCLUDEDIR)/linux/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    lib/wspbind.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/wspbind.pc
	$(INSTALL) -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man3/

uninstall-dev:
	rm -f $(DESTDIR)$(LIBDIR)/libwspbind.a $(DESTDIR)$(LIBDIR)/libwspbind.so \
		$(DESTDIR)$(INCLUDEDIR)/wspbind.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/wspbind.h \
		$(DESTDIR)$(PKGCONFIGDIR)/wspbind.pc \
		$(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(MAN_PAGES)))

install-data:
	$(INSTALL) -d $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(MODULESLOADDIR)
	$(INSTALL) -m 0644 scripts/udev/60-wspbind.rules $(DESTDIR)$(UDEVRULESDIR)/
	$(INSTALL) -m 0644 scripts/modules-load.d/wspbind.conf \
		$(DESTDIR)$(MODULESLOADDIR)/
	$(if $(DESTDIR),,getent group wspbind >/dev/null || groupadd --system wspbind)

# The group stays: files may belong to it.
uninstall-data:
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-wspbind.rules \
		$(DESTDIR)$(MODULESLOADDIR)/wspbind.conf

# The sources alone, as the wspbind-dkms package ships them.
dkms-src:
	$(INSTALL) -d $(DESTDIR)$(DKMSDIR)
	tar -cf - $(DKMS_FILES) | tar -xf - -C $(DESTDIR)$(DKMSDIR)

dkms-install: dkms-src
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DESTDIR)$(DKMSDIR)/dkms.conf
	$(if $(DESTDIR),,dkms add wspbind/$(VERSION) && \
	for k in /lib/modules/*/build/Makefile; do \
		[ -e "$$k" ] || continue; \
		k=$${k#/lib/modules/}; \
		dkms install wspbind/$(VERSION) -k $${k%%/*} || exit; \
	done)

dkms-uninstall:
	$(if $(DESTDIR),,dkms remove wspbind/$(VERSION) --all || true)
	rm -rf $(DESTDIR)$(DKMSDIR)
