// SPDX-License-Identifier: GPL-2.0
// The few pieces of <utility>/<new> we need, without libstdc++ (whose headers
// pull in glibc and symbols the kernel does not export).
#pragma once
#include "kcpp/types.hpp"

#if __has_include(<new>)
#include <new> // userspace build: use the real placement new
#else
inline void *operator new(kcpp::usize, void *where) noexcept { return where; }
inline void operator delete(void *, void *) noexcept {}
#endif

namespace kcpp {

template <class T> struct remove_reference { using type = T; };
template <class T> struct remove_reference<T &> { using type = T; };
template <class T> struct remove_reference<T &&> { using type = T; };

template <class T> constexpr typename remove_reference<T>::type &&move(T &&v) noexcept
{
	return static_cast<typename remove_reference<T>::type &&>(v);
}

template <class T> constexpr T min(T a, T b) { return b < a ? b : a; }

// Recover the enclosing object from a pointer to one of its members, the C++
// spelling of the kernel's container_of for intrusive links.
template <class Outer, class Member>
Outer *container_of(Member *m, Member Outer::*field)
{
	auto offset = reinterpret_cast<uptr>(&(static_cast<Outer *>(nullptr)->*field));
	return reinterpret_cast<Outer *>(reinterpret_cast<uptr>(m) - offset);
}

} // namespace kcpp
