// SPDX-License-Identifier: GPL-2.0
// Linux errno values (part of the user ABI, identical on every architecture
// we build for), so C++ can return them without the kernel's headers.
#pragma once

namespace kcpp::err {
inline constexpr int perm = 1;       // EPERM
inline constexpr int nomem = 12;     // ENOMEM
inline constexpr int busy = 16;      // EBUSY
inline constexpr int nodev = 19;     // ENODEV
inline constexpr int inval = 22;     // EINVAL
inline constexpr int nospc = 28;     // ENOSPC
inline constexpr int addrinuse = 98; // EADDRINUSE
} // namespace kcpp::err
