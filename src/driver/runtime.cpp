// SPDX-License-Identifier: GPL-2.0
// What the C++ language needs from a runtime, and the size of the slave object.
#include "core/port.hpp"
#include "ipvlan/shim_api.h"

// Called if a pure virtual function is ever reached through a half-built or
// destroyed object. gcc references it weakly, so without a definition the
// loader would resolve it to address 0 and the module would jump there.
extern "C" void __cxa_pure_virtual() { __builtin_trap(); }

extern "C" {

const kc_usize ipvlan_drv_slave_size = sizeof(ipvlan::core::Slave);
const kc_usize ipvlan_drv_slave_align = alignof(ipvlan::core::Slave);

} // extern "C"
