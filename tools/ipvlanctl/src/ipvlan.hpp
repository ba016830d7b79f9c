// SPDX-License-Identifier: GPL-2.0
// The ipvlan netlink ABI as ipvlanctl names it (include/uapi/linux/if_link.h:
// IFLA_IPVLAN_MODE and IFLA_IPVLAN_FLAGS are u16). Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipvlanctl {

inline constexpr std::uint16_t mode_l2 = 0;
inline constexpr std::uint16_t mode_l3 = 1;
inline constexpr std::uint16_t mode_l3s = 2;

inline constexpr std::uint16_t flag_bridge = 0; // neither bit set
inline constexpr std::uint16_t flag_private = 0x1;
inline constexpr std::uint16_t flag_vepa = 0x2;

// Linux IFNAMSIZ: a name has at most 15 bytes plus the NUL.
inline constexpr std::size_t ifnamsiz = 16;

// "l2" -> 0, "l3" -> 1, "l3s" -> 2; nothing for any other word.
std::optional<std::uint16_t> mode_from_word(std::string_view word);
// "bridge" -> 0, "private" -> 1, "vepa" -> 2; nothing for any other word.
std::optional<std::uint16_t> flag_from_word(std::string_view word);

// 0 -> "l2" ...; a value the ABI does not define is printed as its number.
std::string mode_name(std::uint16_t mode);
// 0 -> "bridge", 1 -> "private", 2 -> "vepa"; anything else (which a valid
// kernel never reports) as the known words joined by '|' plus the unknown
// bits in hex, e.g. "private|vepa" or "vepa|0x8".
std::string flags_name(std::uint16_t flags);

// Device kinds that are slaves of an ipvlan port (ipvtap shares the port and
// the IFLA_IPVLAN_* attributes).
bool is_ipvlan_kind(std::string_view kind);

} // namespace ipvlanctl
