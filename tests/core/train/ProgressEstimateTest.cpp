#include "train/ProgressEstimate.h"

#include <gtest/gtest.h>

TEST(ProgressEstimate, StepsPerSecondAndTimeLeftFromTheWindow) {
    fra::ProgressEstimate e(100, 4);
    EXPECT_FALSE(e.ready());
    EXPECT_EQ(e.secondsLeft(), 0);
    e.record(1, 1000.0);
    EXPECT_FALSE(e.ready());
    for (int s = 2; s <= 10; ++s) e.record(s, 1000.0 + 2.0 * (s - 1));  // 2 s per step
    ASSERT_TRUE(e.ready());
    EXPECT_DOUBLE_EQ(e.stepsPerSecond(), 0.5);
    EXPECT_DOUBLE_EQ(e.secondsLeft(), 90 * 2.0);
    // the window forgets: the last 4 steps took 1 s each
    for (int s = 11; s <= 14; ++s) e.record(s, 1018.0 + (s - 10));
    EXPECT_DOUBLE_EQ(e.stepsPerSecond(), 1.0);
    EXPECT_DOUBLE_EQ(e.secondsLeft(), 86.0);
    e.record(5, 2000.0);  // a resume from an earlier checkpoint starts over
    EXPECT_FALSE(e.ready());
}

TEST(ProgressEstimate, HumanDurations) {
    EXPECT_EQ(fra::humanDuration(42.4), "42 s");
    EXPECT_EQ(fra::humanDuration(7 * 60 + 10), "7 min");
    EXPECT_EQ(fra::humanDuration(3600 + 5 * 60), "1 h 05 min");
    EXPECT_EQ(fra::humanDuration(-3), "0 s");
}
