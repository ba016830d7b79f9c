// SPDX-License-Identifier: GPL-2.0
#include "ipvlan.hpp"

#include <cstdio>

namespace ipvlanctl {

std::optional<std::uint16_t> mode_from_word(std::string_view word)
{
	if (word == "l2")
		return mode_l2;
	if (word == "l3")
		return mode_l3;
	if (word == "l3s")
		return mode_l3s;
	return std::nullopt;
}

std::optional<std::uint16_t> flag_from_word(std::string_view word)
{
	if (word == "bridge")
		return flag_bridge;
	if (word == "private")
		return flag_private;
	if (word == "vepa")
		return flag_vepa;
	return std::nullopt;
}

std::string mode_name(std::uint16_t mode)
{
	switch (mode) {
	case mode_l2:
		return "l2";
	case mode_l3:
		return "l3";
	case mode_l3s:
		return "l3s";
	default:
		return std::to_string(mode);
	}
}

std::string flags_name(std::uint16_t flags)
{
	if (flags == flag_bridge)
		return "bridge";
	std::string out;
	auto add = [&out](const std::string &word) {
		if (!out.empty())
			out += '|';
		out += word;
	};
	if (flags & flag_private)
		add("private");
	if (flags & flag_vepa)
		add("vepa");
	if (std::uint16_t rest = flags & ~(flag_private | flag_vepa)) {
		char buf[8];
		std::snprintf(buf, sizeof(buf), "0x%x", static_cast<unsigned>(rest));
		add(buf);
	}
	return out;
}

bool is_ipvlan_kind(std::string_view kind) { return kind == "ipvlan" || kind == "ipvtap"; }

} // namespace ipvlanctl
