// SPDX-License-Identifier: GPL-2.0
// validate_link_attrs: the IFLA_IPVLAN_MODE / IFLA_IPVLAN_FLAGS rules.
#include "test_support.hpp"

#include <cstring>

#include "core/policy.hpp"
#include "kcpp/errno.hpp"

namespace test {
namespace {

using Policy = ShimTest;

LinkAttrs with_mode(u16 mode)
{
	LinkAttrs a;
	a.has_mode = true;
	a.mode = mode;
	return a;
}

LinkAttrs with_flags(u16 flags)
{
	LinkAttrs a;
	a.has_flags = true;
	a.flags = flags;
	return a;
}

void expect_accepted(const LinkAttrs &a)
{
	Refusal r = validate_link_attrs(a);
	EXPECT_FALSE(r);
	EXPECT_EQ(r.error, 0);
}

void expect_einval(const LinkAttrs &a)
{
	Refusal r = validate_link_attrs(a);
	EXPECT_TRUE(r);
	EXPECT_EQ(r.error, kcpp::err::inval);
	EXPECT_EQ(r.error, 22);
	ASSERT_NE(r.message, nullptr);
	EXPECT_GT(std::strlen(r.message), 0u);
}

TEST_F(Policy, NoAttributesAreAccepted) { expect_accepted(LinkAttrs{}); }

TEST_F(Policy, ModesL2L3L3sAreAccepted)
{
	for (u16 mode : {0, 1, 2}) {
		SCOPED_TRACE(mode);
		expect_accepted(with_mode(mode));
	}
}

TEST_F(Policy, ModeValuesMatchTheNetlinkAbi)
{
	EXPECT_EQ(u16(Mode::l2), 0);
	EXPECT_EQ(u16(Mode::l3), 1);
	EXPECT_EQ(u16(Mode::l3s), 2);
	EXPECT_EQ(flag_private, 1);
	EXPECT_EQ(flag_vepa, 2);
}

TEST_F(Policy, UnknownModesAreEinvalWithAMessage)
{
	for (u16 mode : {3, 4, 65535}) {
		SCOPED_TRACE(mode);
		expect_einval(with_mode(mode));
	}
}

TEST_F(Policy, FlagsBridgePrivateVepaAreAccepted)
{
	for (u16 flags : {0, 1, 2}) {
		SCOPED_TRACE(flags);
		expect_accepted(with_flags(flags));
	}
}

TEST_F(Policy, PrivateTogetherWithVepaIsEinvalWithAMessage)
{
	expect_einval(with_flags(flag_private | flag_vepa));
}

TEST_F(Policy, UnknownFlagBitsAreEinvalWithAMessage)
{
	for (u16 flags : {4, 8, 0x8000, 0x8001, 0xffff}) {
		SCOPED_TRACE(flags);
		expect_einval(with_flags(flags));
	}
}

TEST_F(Policy, AbsentAttributesAreNotChecked)
{
	LinkAttrs a;
	a.mode = 99;   // has_mode false: the value is not there
	a.flags = 0xff; // has_flags false
	expect_accepted(a);
}

TEST_F(Policy, BadFlagsAreRefusedEvenWithAGoodMode)
{
	LinkAttrs a = with_flags(3);
	a.has_mode = true;
	a.mode = 1;
	expect_einval(a);
}

TEST_F(Policy, BadModeIsRefusedEvenWithGoodFlags)
{
	LinkAttrs a = with_mode(3);
	a.has_flags = true;
	a.flags = 1;
	expect_einval(a);
}

TEST_F(Policy, OnlyL2SlavesResolveNeighbours)
{
	EXPECT_FALSE(mode_is_noarp(Mode::l2));
	EXPECT_TRUE(mode_is_noarp(Mode::l3));
	EXPECT_TRUE(mode_is_noarp(Mode::l3s));
}

} // namespace
} // namespace test
