// SPDX-License-Identifier: GPL-2.0
// L3S: a port receives through its master netns's IP stack, with the
// netfilter hooks of that netns (shared by its L3S ports) and the master's
// l3mdev receive hook. All under RTNL.
#pragma once
#include "core/port.hpp"

namespace ipvlan::driver {

int l3s_enter(core::Port &port);
void l3s_leave(core::Port &port);
// The master may have moved to another netns: take the hooks along.
void l3s_follow_master_netns(core::Port &port);

} // namespace ipvlan::driver
