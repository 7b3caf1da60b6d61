// Metrics against hand-computed cases.
#include "downstream/Metrics.h"

#include <cmath>
#include <gtest/gtest.h>

TEST(Metrics, ClassificationTop1PerClassAndConfusion) {
    // truth:     0 0 0 1 1 2
    // predicted: 0 1 0 1 0 2   -> correct 4/6; class recalls 2/3, 1/2, 1/1
    const auto m = fra::classificationMetrics({0, 0, 0, 1, 1, 2}, {0, 1, 0, 1, 0, 2}, 4);
    EXPECT_DOUBLE_EQ(m.top1, 4.0 / 6.0);
    EXPECT_DOUBLE_EQ(m.perClassAccuracy[0], 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(m.perClassAccuracy[1], 0.5);
    EXPECT_DOUBLE_EQ(m.perClassAccuracy[2], 1.0);
    EXPECT_DOUBLE_EQ(m.perClassAccuracy[3], 0.0);  // absent class
    EXPECT_DOUBLE_EQ(m.meanClassAccuracy, (2.0 / 3.0 + 0.5 + 1.0) / 3.0);  // over present classes
    EXPECT_EQ(m.confusion[0][1], 1);
    EXPECT_EQ(m.confusion[1][0], 1);
    EXPECT_EQ(m.confusion[0][0], 2);
}

TEST(Metrics, MeanAttributeAccuracyAtHalf) {
    // attribute 0: predictions 0.7 0.2 vs truth 1 0 -> 2/2; attribute 1: 0.5 (positive) 0.49 vs 0 0 -> 1/2
    const auto m = fra::attributeMetrics({{1, 0}, {0, 0}}, {{0.7f, 0.5f}, {0.2f, 0.49f}});
    EXPECT_DOUBLE_EQ(m.perAttribute[0], 1.0);
    EXPECT_DOUBLE_EQ(m.perAttribute[1], 0.5);
    EXPECT_DOUBLE_EQ(m.meanAccuracy, 0.75);
}

TEST(Metrics, NmeWithOuterEyeCornersAndInterPupil) {
    // 4 points; eye corners are points 0 and 1, 10 apart. Errors: 0, 0, 3-4-5 triangle (5), 1 -> mean 1.5 -> NME 0.15
    const std::vector<float> truth = {0, 0, 10, 0, 5, 5, 5, 10};
    const std::vector<float> pred = {0, 0, 10, 0, 8, 9, 5, 11};
    fra::LandmarkGeometry g;
    g.outerEyeCorners = {0, 1};
    EXPECT_DOUBLE_EQ(fra::normalisedMeanError(pred, truth, g), 0.15);
    // inter-pupil: eye 1 = points {0, 2} centre (2.5, 2.5), eye 2 = {1, 3} centre (7.5, 5): distance sqrt(25 + 6.25)
    g.eyes = {{0, 2}, {1, 3}};
    EXPECT_NEAR(fra::normalisedMeanError(pred, truth, g, fra::NmeNormaliser::InterPupil), 1.5 / std::sqrt(31.25), 1e-12);
}

TEST(Metrics, FailureRateAndExactAucOfTheCedCurve) {
    // NMEs 0.02, 0.05, 0.2 with threshold 0.1: FR = 1/3;
    // AUC = mean(max(0, 0.1 - e)) / 0.1 = (0.08 + 0.05 + 0) / 3 / 0.1 = 0.4333...
    const auto m = fra::landmarkMetrics({0.02, 0.05, 0.2}, {"common", "common", "challenge"}, 0.1);
    EXPECT_NEAR(m.nme, 0.09, 1e-12);
    EXPECT_NEAR(m.failureRate, 1.0 / 3.0, 1e-12);
    EXPECT_NEAR(m.auc, 0.13 / 3 / 0.1, 1e-12);
    EXPECT_NEAR(m.nmeBySubset.at("common"), 0.035, 1e-12);
    EXPECT_NEAR(m.nmeBySubset.at("challenge"), 0.2, 1e-12);
    // numerical check of the exact formula against a fine Riemann sum of the CED
    double riemann = 0;
    const int steps = 100000;
    for (int i = 0; i < steps; ++i) {
        const double x = (i + 0.5) * 0.1 / steps;
        riemann += ((0.02 <= x) + (0.05 <= x) + (0.2 <= x)) / 3.0 * (0.1 / steps);
    }
    EXPECT_NEAR(m.auc, riemann / 0.1, 1e-4);
}
