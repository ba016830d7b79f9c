// SPDX-License-Identifier: GPL-2.0
// JSON output: string escaping (names are bytes) and the writer.
#include "json.hpp"

#include <gtest/gtest.h>

using namespace ipvlanctl;
using namespace std::string_literals;

TEST(JsonQuote, Plain)
{
	EXPECT_EQ(json_quote(""), R"("")");
	EXPECT_EQ(json_quote("ipvl0"), R"("ipvl0")");
	EXPECT_EQ(json_quote("a/b-c.d_e@f"), R"("a/b-c.d_e@f")") << "'/' needs no escape";
}

TEST(JsonQuote, QuoteAndBackslash)
{
	EXPECT_EQ(json_quote(R"(a"b)"), R"("a\"b")");
	EXPECT_EQ(json_quote(R"(a\b)"), R"("a\\b")");
	EXPECT_EQ(json_quote(R"(\")"), R"("\\\"")");
}

TEST(JsonQuote, ShortEscapes)
{
	EXPECT_EQ(json_quote("\b\f\n\r\t"), R"("\b\f\n\r\t")");
}

TEST(JsonQuote, OtherControlCharacters)
{
	EXPECT_EQ(json_quote("\x01"), R"("\u0001")");
	EXPECT_EQ(json_quote("a\x1f"), R"("a\u001f")");
	EXPECT_EQ(json_quote("\x0b"), R"("\u000b")");
	EXPECT_EQ(json_quote("\x1b[31m"), R"("\u001b[31m")") << "a terminal escape stays inert";
	EXPECT_EQ(json_quote("\x7f"), R"("\u007f")");
	EXPECT_EQ(json_quote("a\0b"s), R"("a\u0000b")");
}

TEST(JsonQuote, ValidUtf8PassesThrough)
{
	EXPECT_EQ(json_quote("\xc3\xa9"), "\"\xc3\xa9\"");                 // é
	EXPECT_EQ(json_quote("\xe2\x82\xac"), "\"\xe2\x82\xac\"");         // €
	EXPECT_EQ(json_quote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\""); // U+1F600
	EXPECT_EQ(json_quote("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\""); // U+10FFFF
}

TEST(JsonQuote, InvalidUtf8BecomesLatin1Escapes)
{
	EXPECT_EQ(json_quote("\xff"), R"("\u00ff")");
	EXPECT_EQ(json_quote("a\x80z"), R"("a\u0080z")") << "lone continuation byte";
	EXPECT_EQ(json_quote("\xc3"), R"("\u00c3")") << "truncated at the end";
	EXPECT_EQ(json_quote("\xc3z"), R"("\u00c3z")") << "truncated in the middle";
	EXPECT_EQ(json_quote("\xc0\xaf"), R"("\u00c0\u00af")") << "overlong '/'";
	EXPECT_EQ(json_quote("\xe0\x80\xaf"), R"("\u00e0\u0080\u00af")") << "overlong, 3 bytes";
	EXPECT_EQ(json_quote("\xed\xa0\x80"), R"("\u00ed\u00a0\u0080")") << "UTF-16 surrogate";
	EXPECT_EQ(json_quote("\xf4\x90\x80\x80"), R"("\u00f4\u0090\u0080\u0080")") << "above U+10FFFF";
	EXPECT_EQ(json_quote("\xa0"), R"("\u00a0")");
}

TEST(JsonWriter, CompactNesting)
{
	JsonWriter w;
	w.begin_object();
	w.key("a").number(1);
	w.key("b").begin_array().string("x").boolean(true).boolean(false).null().number(-5).end_array();
	w.key("c").begin_object().end_object();
	w.key("d").begin_array().end_array();
	w.key("e").begin_array().begin_object().key("k").string("v").end_object().begin_object().end_object().end_array();
	w.end_object();
	EXPECT_EQ(w.str(), R"({"a":1,"b":["x",true,false,null,-5],"c":{},"d":[],"e":[{"k":"v"},{}]})"
			   "\n");
}

TEST(JsonWriter, KeysAreEscaped)
{
	JsonWriter w;
	w.begin_object().key("a\"b\n").string("\t").end_object();
	EXPECT_EQ(w.str(), "{\"a\\\"b\\n\":\"\\t\"}\n");
}

TEST(JsonWriter, Pretty)
{
	JsonWriter w(true);
	w.begin_object();
	w.key("list").begin_array().number(1).begin_object().key("x").null().end_object().end_array();
	w.key("empty").begin_array().end_array();
	w.end_object();
	EXPECT_EQ(w.str(), "{\n"
			   "  \"list\": [\n"
			   "    1,\n"
			   "    {\n"
			   "      \"x\": null\n"
			   "    }\n"
			   "  ],\n"
			   "  \"empty\": []\n"
			   "}\n");
}

TEST(JsonWriter, NoNewlineUntilClosed)
{
	JsonWriter w;
	w.begin_array().number(1);
	EXPECT_EQ(w.str(), "[1");
	w.end_array();
	EXPECT_EQ(w.str(), "[1]\n");
}
