# SPDX-License-Identifier: GPL-2.0
#
#   make                 build ipvlan.ko against KDIR
#   make unit            build and run the GoogleTest unit tests of the core
#   make ipvlanctl       build tools/ipvlanctl (libnl-3) and run its unit tests
#   make install         put ipvlan.ko and ipvtap.ko in /lib/modules/KVER/updates,
#                        where modprobe prefers them to the stock ones, and run
#                        depmod (after `make`; INSTALL_MOD_PATH= for a staging root)
#   make uninstall       remove them again, and run depmod
#   make demo            boot a VM, create slaves in namespaces, show them talking
#   make bench [BENCH_ARGS=--quick]   our driver against the stock one,
#                        instruction counts in a VM (tools/bench, Documentation/benchmark.rst)
#   make check           every test: unit tests, the selftests in a VM on our
#                        module, and the same selftests on the stock driver
#   make selftests-vm [STOCK=1]   only the selftests, ours (or the stock one)
#   make clean
#
# KDIR defaults to the running kernel's build directory if it exists,
# otherwise the newest /lib/modules/*/build. KVER= or KDIR= override.

KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -1 /lib/modules 2>/dev/null | while read v; do \
	[ -d /lib/modules/$$v/build ] && echo $$v; done | sort -V | tail -n 1; fi)
KDIR ?= /lib/modules/$(KVER)/build

BUILD_DIR ?= build
CMAKE_BUILD := $(BUILD_DIR)/unit

.PHONY: all module clean unit demo check selftests-vm build-checks print-kdir ipvlanctl \
	install uninstall bench

MODULES := ipvlan.ko ipvtap.ko
MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates
DEPMOD = depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

all: module

module:
	@test -d "$(KDIR)" || { echo "No kernel build directory ($(KDIR)): install linux-headers-amd64 or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Not `modules_install`: that runs all of kbuild to copy two files, which
# takes long in a VM, and would install into extra/ by default.
install:
	@for m in $(MODULES); do test -f $$m || \
		{ echo "$$m is not built: run make first" >&2; exit 1; }; done
	install -d $(MODDIR)
	for m in $(MODULES); do \
		install -m 644 $$m $(MODDIR)/$$m && strip --strip-debug $(MODDIR)/$$m || exit 1; \
	done
	$(DEPMOD)

uninstall:
	rm -f $(addprefix $(MODDIR)/,$(MODULES))
	-rmdir --ignore-fail-on-non-empty $(MODDIR)
	$(DEPMOD)

print-kdir:
	@echo $(KDIR)

# Mitigation flags, strict objtool, no constructors, module metadata.
build-checks: module
	tests/build/module_checks.sh $(KDIR)

unit:
	cmake -S tests/unit -B $(CMAKE_BUILD) -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(CMAKE_BUILD) -j$$(nproc)
	$(CMAKE_BUILD)/core_tests

ipvlanctl:
	cmake -S tools/ipvlanctl -B $(BUILD_DIR)/ipvlanctl -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD_DIR)/ipvlanctl -j$$(nproc)
	$(BUILD_DIR)/ipvlanctl/ipvlanctl_tests

demo: module
	tools/vm/run-vm -- tools/demo.sh $(CURDIR)/ipvlan.ko

# The selftests in a VM, against our module or (STOCK=1) the stock one.
selftests-vm: $(if $(STOCK),,module)
	selftests/run-in-vm.sh $(if $(STOCK),--stock,--module $(CURDIR)/ipvlan.ko)

bench: module
	tools/bench/bench $(BENCH_ARGS)

# Unit tests, selftests on our module, selftests on the stock driver.
check:
	tools/check.sh

clean:
	-test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD_DIR)
