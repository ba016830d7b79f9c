// SPDX-License-Identifier: GPL-2.0
// dev_id allocation for the slaves of one port.
//
// Every slave shares the master's MAC, so addrconf would derive the same IPv6
// interface identifier for all of them; a distinct dev_id per slave goes into
// the identifier instead. Ids come from [1, 0xFFFD], handed out monotonically
// from the last one given and wrapping, so a deleted slave's id is not reused
// until the range comes round again (the stock driver's observable order).
#pragma once
#include "kcpp/types.hpp"

namespace ipvlan::core {

using namespace kcpp;

class DevIdAllocator {
public:
	static constexpr u32 first = 1;
	static constexpr u32 last = 0xfffd;

	// Returns 0 when every id is taken.
	u16 alloc();
	void release(u16 id);
	bool in_use(u16 id) const { return used_[id / 64] & bit(id); }

private:
	static u64 bit(u32 id) { return u64{1} << (id % 64); }
	u16 take_first_free(u32 from, u32 to);

	u32 next_ = first;
	u64 used_[(last + 64) / 64] = {};
};

} // namespace ipvlan::core
