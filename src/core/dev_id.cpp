// SPDX-License-Identifier: GPL-2.0
#include "core/dev_id.hpp"

namespace ipvlan::core {

u16 DevIdAllocator::take_first_free(u32 from, u32 to)
{
	for (u32 id = from; id <= to; id++) {
		if (!in_use(static_cast<u16>(id))) {
			used_[id / 64] |= bit(id);
			return static_cast<u16>(id);
		}
	}
	return 0;
}

u16 DevIdAllocator::alloc()
{
	if (next_ > last)
		next_ = first;
	u16 id = take_first_free(next_, last);
	if (!id && next_ > first)
		id = take_first_free(first, next_ - 1);
	if (id)
		next_ = u32{id} + 1;
	return id;
}

void DevIdAllocator::release(u16 id)
{
	if (id >= first && id <= last)
		used_[id / 64] &= ~bit(id);
}

} // namespace ipvlan::core
