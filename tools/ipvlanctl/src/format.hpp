// SPDX-License-Identifier: GPL-2.0
// Rendering of the show report (text and JSON) and of error lines. Pure.
#pragma once

#include "model.hpp"

#include <string>
#include <string_view>

namespace ipvlanctl {

// The human-readable listing: per master one header line, then one line
// per slave with aligned columns, e.g.
//   veth0 (netns host): mode l3 bridge, 2 slaves
//     ipvl0  netns c1  UP    10.1.0.1/32 2001:db8:1::1/128
//     ipvl1  netns -   DOWN  -
// "-" stands for a namespace without a name and for "no address".
std::string format_text(const Report &report);

// The JSON document (schema in Documentation/ipvlanctl.rst):
//   {"masters":[{"name":..,"ifindex":..,"netns":..,"state":..,"mode":..,
//     "flags":..,"slaves":[{"name":..,"kind":..,"ifindex":..,"netns":..,
//     "state":..,"up":..,"mtu":..,"addresses":[{"family":..,"local":..,
//     "prefixlen":..,"scope":..}]}]}]}
std::string format_json(const Report &report, bool pretty);

// text on one line: control characters become spaces, white space at the
// ends goes.
std::string one_line(std::string_view text);

// "EXTACK (STRERROR)" when the kernel sent an extack message, else
// "STRERROR". err is a positive errno.
std::string error_text(int err, std::string_view extack);

// The line for an error the kernel returned:
//   "WHAT: EXTACK (STRERROR)" when the kernel sent an extack message,
//   "WHAT: STRERROR" otherwise.
// err is a positive errno.
std::string kernel_error_line(std::string_view what, int err, std::string_view extack);

} // namespace ipvlanctl
