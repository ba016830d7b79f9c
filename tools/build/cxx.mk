# SPDX-License-Identifier: GPL-2.0
#
# C++ objects in kbuild.
#
# A .cpp file is compiled with exactly the flags kbuild uses for a C object
# of this module (so every mitigation the kernel config asks for follows:
# retpolines, return thunks, SLS, stack protector, no FPU/SSE, ftrace),
# minus the options g++ rejects as C-only, minus the kernel's include paths
# and forced includes (C++ never sees a kernel header), plus the C++ set.
# objtool then checks the object like any other, and any complaint from it
# fails the build.

CXX_FOR_KERNEL := $(subst gcc,g++,$(CC))

ifneq ($(shell $(CC) -dumpfullversion),$(shell $(CXX_FOR_KERNEL) -dumpfullversion 2>/dev/null))
$(error $(CXX_FOR_KERNEL) must be the same release as the kernel's $(CC): install it (e.g. apt-get install $(CXX_FOR_KERNEL)))
endif

# Ask g++ which of the kernel's options are valid for C but not for C++.
cxx-c-only-flags := $(shell $(CONFIG_SHELL) $(src)/tools/build/c-only-flags.sh \
	$(CXX_FOR_KERNEL) $(KBUILD_CFLAGS) $(KBUILD_CFLAGS_MODULE))

KCPP_CXXFLAGS := -std=gnu++20 -nostdinc++ -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-use-cxa-atexit -fno-unwind-tables \
	-fno-asynchronous-unwind-tables -Wextra -Wno-unused-parameter \
	-Wno-missing-field-initializers -Werror

cxx_flags = $(filter-out $(cxx-c-only-flags) $(LINUXINCLUDE) -include \
		$(srctree)/include/linux/compiler_types.h, $(c_flags)) \
	    $(KCPP_CXXFLAGS)

# Debian's 6.1 kernel has CONFIG_CONSTRUCTORS off: the module loader ignores
# .init_array, so a global with a dynamic constructor would silently stay
# unconstructed. Refuse any object that has one.
cmd_check_no_ctors = if $(OBJDUMP) -h $@ | grep -qE '\.(init_array|fini_array|ctors|dtors)'; \
	then echo "$@: global constructors or destructors are not allowed" >&2; \
	rm -f $@; exit 1; fi

quiet_cmd_cxx_o_cpp = CXX $(quiet_modtag) $@
      cmd_cxx_o_cpp = $(CXX_FOR_KERNEL) $(cxx_flags) -c -o $@ $< \
		$(cmd_objtool); $(cmd_check_no_ctors)

define rule_cxx_o_cpp
	$(call cmd_and_fixdep,cxx_o_cpp)
	$(call cmd,gen_objtooldep)
endef

$(obj)/%.o: $(src)/%.cpp FORCE
	$(call if_changed_rule,cxx_o_cpp)

# objtool only warns and exits 0 when an object lacks a mitigation. Run it
# through a wrapper that fails on any output, for C and C++ objects alike.
# `override` keeps scripts/Makefile.lib, read after this file, from
# resetting it.
override objtool := $(src)/tools/build/objtool-strict $(objtree)/tools/objtool/objtool
