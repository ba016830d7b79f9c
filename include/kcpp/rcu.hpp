// SPDX-License-Identifier: GPL-2.0
// RCU pointer publication and reads without a call into the shim.
//
// rcu_assign_pointer() is a release store and rcu_dereference() a load with
// address dependency ordering (READ_ONCE); the compiler's __atomic builtins
// give exactly that on every architecture Linux supports except Alpha, at the
// cost of a plain mov on x86. Read-side critical sections themselves are the
// kernel's: the rx_handler and ndo_start_xmit already run inside one, so the
// data path never enters or leaves a section on its own.
#pragma once

namespace kcpp {

template <class T> inline T *rcu_load(T *const &slot)
{
	return __atomic_load_n(&slot, __ATOMIC_RELAXED);
}

template <class T> inline void rcu_publish(T *&slot, T *value)
{
	__atomic_store_n(&slot, value, __ATOMIC_RELEASE);
}

// For a store that makes nothing new visible to readers (unlinking, or
// publishing nullptr): RCU_INIT_POINTER.
template <class T> inline void rcu_init(T *&slot, T *value)
{
	__atomic_store_n(&slot, value, __ATOMIC_RELAXED);
}

template <class T> inline T rcu_load_value(const T &slot)
{
	return __atomic_load_n(&slot, __ATOMIC_RELAXED);
}

template <class T> inline void rcu_store_value(T &slot, T value)
{
	__atomic_store_n(&slot, value, __ATOMIC_RELAXED);
}

} // namespace kcpp
