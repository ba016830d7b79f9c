// SPDX-License-Identifier: GPL-2.0
// A small streaming JSON writer (RFC 8259). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ipvlanctl {

// s as a JSON string literal, quotes included. '"', '\\' and the control
// characters U+0000..U+001F are escaped (\b \f \n \r \t, else \u00XX), as is
// U+007F. Valid UTF-8 passes through unchanged. Device and namespace names
// are bytes, not text: a byte that is not part of valid UTF-8 becomes
// \u00XX (its Latin-1 reading), so the output is always valid JSON.
std::string json_quote(std::string_view s);

class JsonWriter {
public:
	explicit JsonWriter(bool pretty = false) : pretty_(pretty) {}

	JsonWriter &begin_object();
	JsonWriter &end_object();
	JsonWriter &begin_array();
	JsonWriter &end_array();
	JsonWriter &key(std::string_view k);
	JsonWriter &string(std::string_view v);
	JsonWriter &number(std::int64_t v);
	JsonWriter &boolean(bool v);
	JsonWriter &null();

	// The document; ends with a newline once the top-level value is closed.
	std::string str() const;

private:
	void before_value();
	void newline_indent();

	struct Level {
		bool object;
		bool empty = true;
	};
	bool pretty_;
	bool after_key_ = false;
	std::vector<Level> stack_;
	std::string out_;
};

} // namespace ipvlanctl
