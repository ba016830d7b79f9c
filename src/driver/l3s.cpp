// SPDX-License-Identifier: GPL-2.0
#include "driver/l3s.hpp"
#include "ipvlan/shim_api.h"

namespace ipvlan::driver {

int l3s_enter(core::Port &port)
{
	net *where = kc_dev_net(port.master);
	if (int e = kc_l3s_hooks_get(where))
		return e;
	port.hooks_net = where;
	kc_l3mdev_rx(port.master, true);
	return 0;
}

void l3s_leave(core::Port &port)
{
	kc_l3mdev_rx(port.master, false);
	if (port.hooks_net)
		kc_l3s_hooks_put(port.hooks_net);
	port.hooks_net = nullptr;
}

// Take a reference in the new netns before dropping the old one, so that
// each netns's count stays exact (the stock driver leaked one before 6.1.50).
void l3s_follow_master_netns(core::Port &port)
{
	net *now = kc_dev_net(port.master);
	if (!port.hooks_net || port.hooks_net == now)
		return;
	int e = kc_l3s_hooks_get(now);
	kc_l3s_hooks_put(port.hooks_net);
	port.hooks_net = nullptr;
	if (e) {
		// Without the hooks the l3mdev hook would route packets to
		// slaves that nobody hands them to: stop receiving instead.
		kc_l3mdev_rx(port.master, false);
		kc_dev_err(port.master, "ipvlan: cannot register the L3S hooks in the new netns; L3S slaves receive nothing");
		return;
	}
	port.hooks_net = now;
}

} // namespace ipvlan::driver
