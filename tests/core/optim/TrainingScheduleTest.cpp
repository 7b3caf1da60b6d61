#include "optim/TrainingSchedule.h"

#include <cmath>
#include <gtest/gtest.h>

TEST(TrainingSchedule, LinearScalingWarmupAndPerEpochCosine) {
    fra::OptimConfig o;  // lr 0.9 at 512, 10 warm-up epochs of 50
    const fra::TrainingSchedule s(o, fra::MomentumConfig{}, 256, 100);
    EXPECT_DOUBLE_EQ(s.baseLearningRate(), 0.45);
    EXPECT_EQ(s.totalSteps(), 5000);
    EXPECT_DOUBLE_EQ(s.learningRate(0), 0.45 / 1000);  // (step + 1) / warm-up steps
    EXPECT_DOUBLE_EQ(s.learningRate(499), 0.45 * 500 / 1000);
    EXPECT_DOUBLE_EQ(s.learningRate(999), 0.45);
    EXPECT_DOUBLE_EQ(s.learningRate(1000), 0.45);       // first cosine epoch: progress 0
    EXPECT_DOUBLE_EQ(s.learningRate(1099), 0.45);       // constant within an epoch
    EXPECT_NEAR(s.learningRate(1100), 0.45 * 0.5 * (1 + std::cos(M_PI / 40)), 1e-12);
    EXPECT_NEAR(s.learningRate(3000), 0.45 * 0.5, 1e-12);  // half way through the cosine
    EXPECT_NEAR(s.learningRate(4999), 0.45 * 0.5 * (1 + std::cos(M_PI * 39 / 40)), 1e-12);
}

TEST(TrainingSchedule, PerIterationCosineOfThePaper) {
    fra::OptimConfig o;
    o.cosineGranularity = "iteration";
    const fra::TrainingSchedule s(o, fra::MomentumConfig{}, 512, 100);
    EXPECT_NEAR(s.learningRate(1100), 0.9 * 0.5 * (1 + std::cos(M_PI * 100 / 4000)), 1e-12);
    EXPECT_NEAR(s.learningRate(1101), 0.9 * 0.5 * (1 + std::cos(M_PI * 101 / 4000)), 1e-12);
}

TEST(TrainingSchedule, MomentumGoesFromBaseToOneOnACosine) {
    const fra::TrainingSchedule s(fra::OptimConfig{}, fra::MomentumConfig{}, 512, 100);
    EXPECT_DOUBLE_EQ(s.momentum(0), 0.996);
    EXPECT_NEAR(s.momentum(2500), 1 - 0.004 * 0.5, 1e-12);
    EXPECT_NEAR(s.momentum(5000), 1.0, 1e-12);
    for (int k = 1; k <= 5000; k += 499) EXPECT_GE(s.momentum(k), s.momentum(k - 1));
}
