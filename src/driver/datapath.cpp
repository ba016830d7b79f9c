// SPDX-License-Identifier: GPL-2.0
// The per-packet decisions, called once per frame by the shim's trampolines.
#include "core/forward.hpp"
#include "driver/handles.hpp"

using namespace ipvlan::driver;
using namespace ipvlan::core;

namespace {

L3View l3_view(const kc_u8 *l3, kc_u32 l3_linear, kc_u32 l3_len, kc_u32 meta)
{
	L3View v;
	v.ethertype = static_cast<u16>(meta & KC_META_ETHERTYPE);
	v.bytes = {l3, l3_linear};
	v.total_len = l3_len;
	return v;
}

Frame frame_of(const kc_u8 *mac, const kc_u8 *dev_mac, L3View l3, bool looped_back)
{
	Frame frame;
	frame.dst_mac = mac;
	frame.src_mac = mac ? mac + 6 : nullptr;
	frame.master_mac = dev_mac;
	frame.looped_back = looped_back;
	frame.l3 = l3;
	return frame;
}

Frame frame_of(const kc_frame &f)
{
	return frame_of(f.mac, f.dev_mac, l3_view(f.l3, f.l3_linear, f.l3_len, f.ethertype),
			f.looped_back);
}

// The core's actions are numbered as the ABI's, so a verdict is a cast.
static_assert(int(Action::pass) == KC_PASS && int(Action::deliver) == KC_DELIVER &&
	      int(Action::local) == KC_LOCAL && int(Action::out_ipv4) == KC_OUT_V4 &&
	      int(Action::out_ipv6) == KC_OUT_V6 && int(Action::drop) == KC_DROP &&
	      int(Action::pull) == KC_PULL && int(Action::to_master) == KC_TO_MASTER &&
	      int(Action::out_l2) == KC_OUT_L2 && int(Action::flood_rx) == KC_FLOOD_RX &&
	      int(Action::flood_tx) == KC_FLOOD_TX);

kc_verdict verdict_of(const Decision &d, const Port &port)
{
	kc_verdict v{static_cast<kc_u32>(d.action), d.need_linear, {nullptr}};
	if (d.action == Action::flood_rx || d.action == Action::flood_tx)
		v.queue = port.mcast_queue;
	else if (d.to)
		v.dev = d.to->dev;
	return v;
}

} // namespace

extern "C" {

// flatten: the whole decision compiles into each entry point; the profile
// showed the calls between its parts costing more than the parts.
[[gnu::flatten]] kc_verdict ipvlan_drv_rx(const ipvlan_port *port, const kc_u8 *mac,
					  const kc_u8 *l3, kc_u32 l3_linear, kc_u32 l3_len,
					  kc_u32 meta, const kc_u8 *dev_mac)
{
	const Port &p = port_of(port);
	return verdict_of(decide_rx(p, frame_of(mac, dev_mac, l3_view(l3, l3_linear, l3_len, meta),
						meta & KC_RX_LOOPED_BACK)),
			  p);
}

[[gnu::flatten]] kc_verdict ipvlan_drv_l3s_rx(const ipvlan_port *port, const kc_u8 *l3,
					      kc_u32 l3_linear, kc_u32 l3_len, kc_u32 meta)
{
	const Port &p = port_of(port);
	return verdict_of(decide_l3s_rx(p, l3_view(l3, l3_linear, l3_len, meta)), p);
}

[[gnu::flatten]] kc_verdict ipvlan_drv_xmit(const ipvlan_slave *slave, const kc_u8 *mac,
					    const kc_u8 *l3, kc_u32 l3_linear, kc_u32 l3_len,
					    kc_u32 meta)
{
	const Port &p = *slave_of(slave).port;
	return verdict_of(decide_tx(p, frame_of(mac, nullptr, l3_view(l3, l3_linear, l3_len, meta),
						false)),
			  p);
}

kc_u32 ipvlan_drv_flood(const ipvlan_port *port, sk_buff *skb, const kc_frame *frame,
			net_device *origin, int can_pull)
{
	const Port &p = port_of(port);
	const Frame f = frame_of(*frame);
	FloodScope scope = decide_flood_scope(p, f.l3);
	if (scope.need_linear) {
		if (can_pull)
			return scope.need_linear;
		scope = FloodScope{};
	}
	const Slave *from = nullptr;
	if (origin) {
		if (ipvlan_slave *s = kc_dev_as_slave(origin))
			from = &slave_of(s);
	}
	for_each_flood_target(p, f.dst_mac, from, scope, [&](const Slave &to) {
		kc_mcast_deliver(skb, to.dev, origin != nullptr);
	});
	return 0;
}

} // extern "C"
