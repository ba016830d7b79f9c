// SPDX-License-Identifier: GPL-2.0
// The per-packet decisions, called once per frame by the shim's trampolines.
#include "core/forward.hpp"
#include "driver/handles.hpp"

using namespace ipvlan::driver;
using namespace ipvlan::core;

namespace {

Frame frame_of(const kc_frame &f)
{
	Frame frame;
	frame.dst_mac = f.mac;
	frame.src_mac = f.mac ? f.mac + 6 : nullptr;
	frame.l3.ethertype = kcpp::load_be16(reinterpret_cast<const u8 *>(&f.proto));
	frame.l3.bytes = {f.l3, f.l3_linear};
	frame.l3.total_len = f.l3_len;
	return frame;
}

// The core's actions are numbered as the ABI's, so a verdict is a cast.
static_assert(int(Action::pass) == KC_PASS && int(Action::deliver) == KC_DELIVER &&
	      int(Action::local) == KC_LOCAL && int(Action::out_ipv4) == KC_OUT_V4 &&
	      int(Action::out_ipv6) == KC_OUT_V6 && int(Action::drop) == KC_DROP &&
	      int(Action::pull) == KC_PULL && int(Action::to_master) == KC_TO_MASTER &&
	      int(Action::out_l2) == KC_OUT_L2);

kc_verdict verdict_of(const Decision &d)
{
	return {static_cast<kc_u32>(d.action), d.need_linear, d.to ? d.to->dev : nullptr};
}

} // namespace

extern "C" {

kc_verdict ipvlan_drv_rx(const ipvlan_port *port, const kc_frame *frame)
{
	return verdict_of(decide_rx(port_of(port), frame_of(*frame)));
}

kc_verdict ipvlan_drv_xmit(const ipvlan_slave *slave, const kc_frame *frame)
{
	return verdict_of(decide_tx(*slave_of(slave).port, frame_of(*frame)));
}

} // extern "C"
