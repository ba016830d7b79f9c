// SPDX-License-Identifier: GPL-2.0
#include "core/forward.hpp"

namespace ipvlan::core {

FloodScope decide_flood_scope(const Port &port, const L3View &l3)
{
	FloodScope scope;
	NeighbourQuery q = classify_neighbour_query(l3);
	if (q.need_linear) {
		scope.need_linear = q.need_linear;
	} else if (q.is_query) {
		scope.owner_only = true;
		scope.owner = port.owner_of(q.target);
	}
	return scope;
}

} // namespace ipvlan::core
