// SPDX-License-Identifier: GPL-2.0
// Hand-made netlink messages for the tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <linux/netlink.h>
#include <string>
#include <vector>

namespace ipvlanctl::test {

class MsgBuilder {
public:
	MsgBuilder(std::uint16_t type, std::uint16_t flags, const void *fixed, std::size_t fixed_len)
	{
		nlmsghdr h{};
		h.nlmsg_type = type;
		h.nlmsg_flags = flags;
		h.nlmsg_seq = 7;
		append(&h, sizeof(h));
		append(fixed, fixed_len);
		pad();
	}

	MsgBuilder &put(std::uint16_t type, const void *data, std::size_t len)
	{
		const std::size_t at = begin(type);
		append(data, len);
		return end(at);
	}
	MsgBuilder &put_u16(std::uint16_t type, std::uint16_t v) { return put(type, &v, sizeof(v)); }
	MsgBuilder &put_u32(std::uint16_t type, std::uint32_t v) { return put(type, &v, sizeof(v)); }
	MsgBuilder &put_str(std::uint16_t type, const std::string &s) { return put(type, s.c_str(), s.size() + 1); }

	std::size_t begin(std::uint16_t type)
	{
		const std::size_t at = buf_.size();
		nlattr a{0, type};
		append(&a, sizeof(a));
		return at;
	}
	MsgBuilder &end(std::size_t at)
	{
		const auto len = static_cast<std::uint16_t>(buf_.size() - at);
		std::memcpy(buf_.data() + at, &len, sizeof(len));
		pad();
		return *this;
	}

	// Raw bytes (no attribute header), e.g. an echoed request.
	MsgBuilder &raw(const void *data, std::size_t len)
	{
		append(data, len);
		pad();
		return *this;
	}

	std::vector<std::uint8_t> done()
	{
		const auto len = static_cast<std::uint32_t>(buf_.size());
		std::memcpy(buf_.data(), &len, sizeof(len));
		return buf_;
	}

private:
	void append(const void *data, std::size_t len)
	{
		const auto *b = static_cast<const std::uint8_t *>(data);
		buf_.insert(buf_.end(), b, b + len);
	}
	void pad() { buf_.resize(NLMSG_ALIGN(buf_.size()), 0); }

	std::vector<std::uint8_t> buf_;
};

} // namespace ipvlanctl::test
