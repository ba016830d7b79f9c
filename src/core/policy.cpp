// SPDX-License-Identifier: GPL-2.0
#include "core/policy.hpp"
#include "kcpp/errno.hpp"

namespace ipvlan::core {

Refusal validate_link_attrs(const LinkAttrs &attrs)
{
	// Same errno as the stock driver; the messages are ours (it gives none).
	if (attrs.has_mode && attrs.mode >= mode_count)
		return {err::inval, "ipvlan: unknown mode (valid: l2, l3, l3s)"};
	if (attrs.has_flags && (attrs.flags & ~flags_known))
		return {err::inval, "ipvlan: unknown flags (valid: bridge, private, vepa)"};
	if (attrs.has_flags && (attrs.flags & flags_known) == flags_known)
		return {err::inval, "ipvlan: flags private and vepa are mutually exclusive"};
	return {};
}

} // namespace ipvlan::core
