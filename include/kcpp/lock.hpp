// SPDX-License-Identifier: GPL-2.0
// Scoped ownership of a shim spinlock (taken with bottom halves disabled).
#pragma once
#include "ipvlan/shim_api.h"

namespace kcpp {

class LockGuard {
public:
	explicit LockGuard(kc_lock *lock) : lock_(lock) { kc_lock_bh(lock_); }
	~LockGuard() { kc_unlock_bh(lock_); }
	LockGuard(const LockGuard &) = delete;
	LockGuard &operator=(const LockGuard &) = delete;

private:
	kc_lock *lock_;
};

} // namespace kcpp
