// SPDX-License-Identifier: GPL-2.0
// Fixed-width types and byte-order helpers for freestanding C++.
// The kernel build has no C++ standard library (-nostdinc++), so everything
// here comes from compiler builtins; the same header serves userspace tests.
#pragma once

namespace kcpp {

using u8 = __UINT8_TYPE__;
using u16 = __UINT16_TYPE__;
using u32 = __UINT32_TYPE__;
using u64 = __UINT64_TYPE__;
using s32 = __INT32_TYPE__;
using usize = __SIZE_TYPE__;
using uptr = __UINTPTR_TYPE__;

// Reads of network-order fields from a byte view. memcpy-free on purpose:
// builtins compile to one load + bswap and never call out of the module.
inline u16 load_be16(const u8 *p) { return static_cast<u16>((p[0] << 8) | p[1]); }
inline u32 load_be32(const u8 *p)
{
	return (u32{p[0]} << 24) | (u32{p[1]} << 16) | (u32{p[2]} << 8) | u32{p[3]};
}

// A read-only window onto packet bytes: pointer plus the number of bytes that
// may be read. Classification code never reads outside it.
struct ByteView {
	const u8 *data = nullptr;
	u32 size = 0;

	bool has(u32 n) const { return n <= size; }
};

} // namespace kcpp
