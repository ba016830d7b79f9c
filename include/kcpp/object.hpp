// SPDX-License-Identifier: GPL-2.0
// Heap allocation for driver objects.
//
// There is deliberately no global operator new: a stray `new` of a type that
// does not opt in fails to link (modpost rejects _Znwm), so every allocation
// in the module is visible as a KernelObject and goes through the shim's
// kmalloc. The userspace build's fake shim counts allocations, which lets
// unit tests find leaks and inject failures per object.
#pragma once
#include "ipvlan/shim_api.h"
#include "kcpp/types.hpp"

namespace kcpp {

// Sleeping allocation (GFP_KERNEL): control path under RTNL.
template <class T> struct KernelObject {
	static void *operator new(usize size) noexcept { return kc_alloc(size, 0); }
	static void operator delete(void *p) noexcept { kc_free(p); }
};

// Atomic allocation (GFP_ATOMIC): objects created from notifiers that may run
// in softirq context, such as IPv6 addresses configured by SLAAC.
template <class T> struct AtomicKernelObject {
	static void *operator new(usize size) noexcept { return kc_alloc(size, 1); }
	static void operator delete(void *p) noexcept { kc_free(p); }
};

} // namespace kcpp
