// SPDX-License-Identifier: GPL-2.0
// DevIdAllocator: ids 1..0xFFFD, monotonic, wrapping to the lowest free id
// (the stock driver's ida with dev_id_start).
#include "test_support.hpp"

#include "core/dev_id.hpp"

namespace test {
namespace {

class DevIdTest : public ShimTest {
protected:
	// Takes every id; they must come out as 1, 2, ..., 0xFFFD.
	void exhaust()
	{
		for (u32 want = 1; want <= 0xfffd; want++)
			ASSERT_EQ(ids_.alloc(), want);
	}

	DevIdAllocator ids_;
};

TEST_F(DevIdTest, RangeIsOneTo0xFFFD)
{
	EXPECT_EQ(DevIdAllocator::first, 1u);
	EXPECT_EQ(DevIdAllocator::last, 0xfffdu);
}

TEST_F(DevIdTest, HandsOutOneTwoThreeInOrder)
{
	EXPECT_EQ(ids_.alloc(), 1);
	EXPECT_EQ(ids_.alloc(), 2);
	EXPECT_EQ(ids_.alloc(), 3);
	EXPECT_TRUE(ids_.in_use(2));
	EXPECT_FALSE(ids_.in_use(4));
	EXPECT_FALSE(ids_.in_use(0));
}

TEST_F(DevIdTest, ReleasedIdIsNotReusedBeforeTheWrap)
{
	ASSERT_EQ(ids_.alloc(), 1);
	ASSERT_EQ(ids_.alloc(), 2);
	ASSERT_EQ(ids_.alloc(), 3);
	ids_.release(2);
	EXPECT_FALSE(ids_.in_use(2));
	EXPECT_EQ(ids_.alloc(), 4);
	ids_.release(4);
	EXPECT_EQ(ids_.alloc(), 5);
}

TEST_F(DevIdTest, TwentyCreateDeleteCyclesKeepCountingUp)
{
	// What the stock driver shows: create/delete cycles never reuse an id.
	for (u16 want = 1; want <= 20; want++) {
		u16 id = ids_.alloc();
		ASSERT_EQ(id, want);
		ids_.release(id);
	}
}

TEST_F(DevIdTest, ExhaustionReturnsZeroAfter0xFFFDIds)
{
	exhaust();
	EXPECT_EQ(ids_.alloc(), 0);
	EXPECT_EQ(ids_.alloc(), 0);
	EXPECT_TRUE(ids_.in_use(0xfffd));
}

TEST_F(DevIdTest, AfterTheLastIdItWrapsToTheLowestFreeId)
{
	exhaust();
	ids_.release(700);
	ids_.release(9);
	EXPECT_EQ(ids_.alloc(), 9);
	EXPECT_EQ(ids_.alloc(), 700);
	EXPECT_EQ(ids_.alloc(), 0);
}

TEST_F(DevIdTest, WrapHappensOnlyWhenTheTopOfTheRangeIsUsedUp)
{
	for (int i = 0; i < 10; i++)
		ids_.alloc();
	ids_.release(2);
	// Everything above 10 comes first, 2 only once 0xFFFD has been given.
	for (u32 want = 11; want <= 0xfffd; want++)
		ASSERT_EQ(ids_.alloc(), want);
	EXPECT_EQ(ids_.alloc(), 2);
	EXPECT_EQ(ids_.alloc(), 0);
}

TEST_F(DevIdTest, AfterAWrapItContinuesFromTheIdJustGiven)
{
	exhaust();
	ids_.release(5);
	ids_.release(3);
	ids_.release(0xfffd);
	EXPECT_EQ(ids_.alloc(), 3);
	EXPECT_EQ(ids_.alloc(), 5);     // still counting up from 3
	EXPECT_EQ(ids_.alloc(), 0xfffd);
	EXPECT_EQ(ids_.alloc(), 0);
}

TEST_F(DevIdTest, WithNothingFreeAboveTheLastIdItWrapsBelowIt)
{
	exhaust();
	ids_.release(10);
	ASSERT_EQ(ids_.alloc(), 10); // now counting from 11, where nothing is free
	ids_.release(4);
	EXPECT_EQ(ids_.alloc(), 4);
	EXPECT_EQ(ids_.alloc(), 0);
}

TEST_F(DevIdTest, ReleasingZeroOrOutOfRangeIdsIsHarmless)
{
	ASSERT_EQ(ids_.alloc(), 1);
	ids_.release(0);
	ids_.release(0xfffe);
	ids_.release(0xffff);
	EXPECT_TRUE(ids_.in_use(1));
	EXPECT_EQ(ids_.alloc(), 2);
}

TEST_F(DevIdTest, AllocatorsAreIndependent)
{
	DevIdAllocator other;
	ASSERT_EQ(ids_.alloc(), 1);
	ASSERT_EQ(ids_.alloc(), 2);
	EXPECT_EQ(other.alloc(), 1);
}

} // namespace
} // namespace test
