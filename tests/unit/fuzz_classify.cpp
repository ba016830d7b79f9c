// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: random bytes, ethertypes, linear/total lengths, modes
// and flags through classify_l3, decide_rx, decide_tx and decide_flood_scope. The view is always
// an exactly-sized heap buffer, so any read past it is caught by ASan; the
// invariants below are checked with __builtin_trap.
//
//   CC=clang CXX=clang++ cmake -S tests/unit -B build/fuzz -DBUILD_FUZZERS=ON
//   cmake --build build/fuzz --target fuzz_classify
//   build/fuzz/fuzz_classify -max_total_time=60
//
// Input: [sel][ethertype hi][ethertype lo][linear hi][linear lo][packet...]
//   sel bits 0-1: ethertype ARP / IPv4 / IPv6 / the two bytes given
//   sel bits 2-3: mode l2 / l3 / l3s / l3;  bits 4-5: flags 0 / 1 / 2 / 0
//   sel bit 6:    destination MAC multicast; bit 7: no MAC
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "core/forward.hpp"
#include "fake_shim.hpp"
#include "ipvlan/shim_api.h"

using namespace ipvlan::core;

namespace {

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

struct World {
	Port *port;
	Slave up_slave, down_slave;
};

World &world()
{
	static World *w = [] {
		fake_shim::set_abort_on_violation(true);
		auto *w = new World;
		w->port = new Port(nullptr, 0x12345678u, kc_lock_new());
		for (Slave *s : {&w->up_slave, &w->down_slave}) {
			w->port->join(*s);
			w->port->attach(*s);
		}
		w->up_slave.up = true;
		const u8 v4a[4] = {10, 0, 0, 1}, v4b[4] = {10, 0, 0, 2};
		const u8 v6a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
		const u8 v6b[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
		CHECK(w->port->add_addr(w->up_slave, IpAddr::v4(v4a)) == 0);
		CHECK(w->port->add_addr(w->up_slave, IpAddr::v6(v6a)) == 0);
		CHECK(w->port->add_addr(w->down_slave, IpAddr::v4(v4b)) == 0);
		CHECK(w->port->add_addr(w->down_slave, IpAddr::v6(v6b)) == 0);
		return w;
	}();
	return *w;
}

void check_info(const L3Info &i)
{
	switch (i.kind) {
	case L3Kind::unparseable:
		CHECK(!i.dst.valid() && !i.src.valid());
		break;
	case L3Kind::arp:
	case L3Kind::ipv4:
		CHECK(i.dst.family == Family::ipv4 && i.src.family == Family::ipv4);
		break;
	case L3Kind::ipv6:
		CHECK(i.dst.family == Family::ipv6 && i.src.family == Family::ipv6);
		break;
	case L3Kind::icmpv6_unspecified_src:
		CHECK(!i.src.valid());
		CHECK(!i.dst.valid() || i.dst.family == Family::ipv6);
		break;
	default:
		CHECK(false);
	}
}

void check_decision(const Decision &d, u32 linear, u32 total, bool rx)
{
	const World &w = world();
	switch (d.action) {
	case Action::pull:
		CHECK(d.need_linear > linear && d.need_linear <= total && !d.to);
		break;
	case Action::deliver:
	case Action::local:
		CHECK(rx == (d.action == Action::deliver));
		CHECK(d.to == &w.up_slave); // never the down one
		CHECK(d.need_linear == 0);
		break;
	case Action::pass:
		CHECK(rx && !d.to && d.need_linear == 0);
		break;
	case Action::out_ipv4:
	case Action::out_ipv6:
	case Action::drop:
	case Action::to_master:
	case Action::out_l2:
	case Action::flood_tx:
		CHECK(!rx && !d.to && d.need_linear == 0);
		break;
	case Action::flood_rx:
		CHECK(rx && !d.to && d.need_linear == 0);
		break;
	default:
		CHECK(false);
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5 || size > 4096)
		return 0;
	World &w = world();
	u8 sel = data[0];
	static const u16 ethertypes[3] = {ethertype_arp, ethertype_ipv4, ethertype_ipv6};
	u16 ethertype = (sel & 3) == 3 ? u16(data[1] << 8 | data[2]) : ethertypes[sel & 3];
	static const Mode modes[4] = {Mode::l2, Mode::l3, Mode::l3s, Mode::l3};
	static const u16 flags[4] = {0, flag_private, flag_vepa, 0};
	w.port->mode = modes[(sel >> 2) & 3];
	w.port->flags = flags[(sel >> 4) & 3];
	static const u8 ucast[6] = {0x02, 0, 0, 0, 0, 1}, mcast[6] = {0x33, 0x33, 0, 0, 0, 1};
	const u8 *mac = (sel & 0x80) ? nullptr : (sel & 0x40) ? mcast : ucast;

	const u8 *pkt = data + 5;
	u32 total = u32(size - 5);
	u32 linear = u32(data[3] << 8 | data[4]);
	if (linear > total)
		linear = total;

	// Classification with the pull loop the shim runs (at most 3 pulls).
	int pulls = 0;
	for (u32 have = linear;;) {
		std::unique_ptr<u8[]> buf(new u8[have]);
		if (have)
			std::memcpy(buf.get(), pkt, have);
		L3View v{ethertype, {buf.get(), have}, total};
		Classification c = classify_l3(v);
		check_info(c.info);

		Frame f;
		f.dst_mac = mac;
		f.src_mac = mac ? ucast : nullptr;
		f.master_mac = ucast;
		f.l3 = v;
		Decision rx = decide_rx(*w.port, f);
		Decision tx = decide_tx(*w.port, f);
		check_decision(rx, have, total, true);
		check_decision(tx, have, total, false);
		if (tx.action == Action::pull)
			CHECK(tx.need_linear == c.need_linear);
		if (rx.action == Action::pull)
			CHECK(rx.need_linear == c.need_linear);

		if (!c.need_linear)
			break;
		CHECK(c.info.kind == L3Kind::unparseable);
		CHECK(c.need_linear > have && c.need_linear <= total);
		CHECK(++pulls <= 3);
		have = c.need_linear;
	}

	// The flood scope of the ARP/ND filter, with the worker's pull loop.
	pulls = 0;
	for (u32 have = linear;;) {
		std::unique_ptr<u8[]> buf(new u8[have]);
		if (have)
			std::memcpy(buf.get(), pkt, have);
		L3View v{ethertype, {buf.get(), have}, total};
		FloodScope s = decide_flood_scope(*w.port, v);
		CHECK(!s.owner || s.owner_only);
		CHECK(!s.owner || s.owner == &w.up_slave || s.owner == &w.down_slave);
		if (!s.need_linear)
			break;
		CHECK(!s.owner_only);
		CHECK(s.need_linear > have && s.need_linear <= total);
		CHECK(++pulls <= 2);
		have = s.need_linear;
	}
	return 0;
}
