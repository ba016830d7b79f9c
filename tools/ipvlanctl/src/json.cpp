// SPDX-License-Identifier: GPL-2.0
#include "json.hpp"

#include <cstdio>

namespace ipvlanctl {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one
// (overlong forms, surrogates and values above U+10FFFF are invalid).
std::size_t utf8_sequence(std::string_view s, std::size_t i)
{
	const auto b = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
	const unsigned char c = b(i);
	std::size_t n;
	unsigned char lo = 0x80, hi = 0xbf; // range of the second byte
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (i + n > s.size())
		return 0;
	if (b(i + 1) < lo || b(i + 1) > hi)
		return 0;
	for (std::size_t k = 2; k < n; k++)
		if (b(i + k) < 0x80 || b(i + k) > 0xbf)
			return 0;
	return n;
}

void append_u00(std::string &out, unsigned char c)
{
	char buf[8];
	std::snprintf(buf, sizeof(buf), "\\u%04x", c);
	out += buf;
}

} // namespace

std::string json_quote(std::string_view s)
{
	std::string out;
	out.reserve(s.size() + 2);
	out += '"';
	for (std::size_t i = 0; i < s.size();) {
		const auto c = static_cast<unsigned char>(s[i]);
		if (c >= 0x80) {
			if (std::size_t n = utf8_sequence(s, i)) {
				out.append(s.substr(i, n));
				i += n;
			} else {
				append_u00(out, c);
				i++;
			}
			continue;
		}
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\b':
			out += "\\b";
			break;
		case '\f':
			out += "\\f";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\r':
			out += "\\r";
			break;
		case '\t':
			out += "\\t";
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				append_u00(out, c);
			else
				out += static_cast<char>(c);
		}
		i++;
	}
	out += '"';
	return out;
}

void JsonWriter::newline_indent()
{
	out_ += '\n';
	out_.append(stack_.size() * 2, ' ');
}

void JsonWriter::before_value()
{
	if (after_key_) {
		after_key_ = false;
		return;
	}
	if (stack_.empty())
		return;
	Level &l = stack_.back();
	if (!l.empty)
		out_ += ',';
	l.empty = false;
	if (pretty_)
		newline_indent();
}

JsonWriter &JsonWriter::begin_object()
{
	before_value();
	out_ += '{';
	stack_.push_back({true});
	return *this;
}

JsonWriter &JsonWriter::end_object()
{
	const bool empty = stack_.back().empty;
	stack_.pop_back();
	if (pretty_ && !empty)
		newline_indent();
	out_ += '}';
	return *this;
}

JsonWriter &JsonWriter::begin_array()
{
	before_value();
	out_ += '[';
	stack_.push_back({false});
	return *this;
}

JsonWriter &JsonWriter::end_array()
{
	const bool empty = stack_.back().empty;
	stack_.pop_back();
	if (pretty_ && !empty)
		newline_indent();
	out_ += ']';
	return *this;
}

JsonWriter &JsonWriter::key(std::string_view k)
{
	before_value();
	out_ += json_quote(k);
	out_ += pretty_ ? ": " : ":";
	after_key_ = true;
	return *this;
}

JsonWriter &JsonWriter::string(std::string_view v)
{
	before_value();
	out_ += json_quote(v);
	return *this;
}

JsonWriter &JsonWriter::number(std::int64_t v)
{
	before_value();
	out_ += std::to_string(v);
	return *this;
}

JsonWriter &JsonWriter::boolean(bool v)
{
	before_value();
	out_ += v ? "true" : "false";
	return *this;
}

JsonWriter &JsonWriter::null()
{
	before_value();
	out_ += "null";
	return *this;
}

std::string JsonWriter::str() const { return stack_.empty() ? out_ + '\n' : out_; }

} // namespace ipvlanctl
