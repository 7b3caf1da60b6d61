#include "downstream/LandmarkRegression.h"

#include <gtest/gtest.h>
#include <random>

TEST(LandmarkRegression, RecoversAnExactLinearMap) {
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(0, 1);
    std::vector<std::vector<float>> x, y;
    for (int i = 0; i < 50; ++i) {
        const float a = u(rng), b = u(rng), c = u(rng);
        x.push_back({a, b, c});
        y.push_back({2 * a - b + 0.5f, 3 * c + 1});
    }
    fra::LandmarkRegression r;
    r.fit(x, y, 0.0);
    const auto p = r.predict({0.1f, 0.2f, 0.3f});
    EXPECT_NEAR(p[0], 2 * 0.1 - 0.2 + 0.5, 1e-4);
    EXPECT_NEAR(p[1], 3 * 0.3 + 1, 1e-4);
    EXPECT_THROW(r.predict({1.0f}), std::exception);
}

// Standardised inputs: the same penalty gives the same predictions whatever the inputs' scale (the
// centroids of soft heatmaps move a hundredth as much as those of sharp ones).
TEST(LandmarkRegression, ThePenaltyDoesNotDependOnTheInputsScale) {
    std::mt19937 rng(2);
    std::normal_distribution<float> g(0, 1);
    std::vector<std::vector<float>> x, small, y;
    for (int i = 0; i < 40; ++i) {
        const float a = g(rng), b = g(rng);
        x.push_back({0.5f + 0.1f * a, 0.5f + 0.1f * b, 0.3f});  // the third input is constant: dropped
        small.push_back({0.5f + 0.001f * a, 0.5f + 0.001f * b, 0.3f});
        y.push_back({a + 0.1f * g(rng), b - a});
    }
    fra::LandmarkRegression big, tiny;
    big.fit(x, y, 0.05);
    tiny.fit(small, y, 0.05);
    const auto p = big.predict({0.6f, 0.45f, 0.3f}), q = tiny.predict({0.501f, 0.4995f, 0.3f});
    EXPECT_NEAR(p[0], q[0], 1e-4);
    EXPECT_NEAR(p[1], q[1], 1e-4);
    EXPECT_GT(p[0], 0.5);  // the penalty shrinks, but does not erase, what the inputs say
}

TEST(LandmarkRegression, HeatmapCentroidsByHand) {
    // map 0 all mass at (x=1, y=0) of a 2x2 grid -> centre (0.75, 0.25); map 1 uniform -> (0.5, 0.5)
    const std::vector<float> maps = {0, 1, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f};
    const auto c = fra::heatmapCentroids(maps.data(), 2, 2, 2);
    ASSERT_EQ(c.size(), 4u);
    EXPECT_FLOAT_EQ(c[0], 0.75f);
    EXPECT_FLOAT_EQ(c[1], 0.25f);
    EXPECT_FLOAT_EQ(c[2], 0.5f);
    EXPECT_FLOAT_EQ(c[3], 0.5f);
}

TEST(LandmarkRegression, FacialPartsOfThe68And98PointLayouts) {
    const auto p68 = fra::facialPartOfLandmarks(68);
    ASSERT_EQ(p68.size(), 68u);
    const auto& names = fra::facialPartNames();
    EXPECT_EQ(names[p68[8]], "jaw");
    EXPECT_EQ(names[p68[19]], "brows");
    EXPECT_EQ(names[p68[30]], "nose");
    EXPECT_EQ(names[p68[36]], "eyes");
    EXPECT_EQ(names[p68[45]], "eyes");
    EXPECT_EQ(names[p68[57]], "mouth");
    const auto p98 = fra::facialPartOfLandmarks(98);
    ASSERT_EQ(p98.size(), 98u);
    EXPECT_EQ(names[p98[60]], "eyes");
    EXPECT_EQ(names[p98[97]], "eyes");  // pupil
    EXPECT_EQ(names[p98[90]], "mouth");
    EXPECT_TRUE(fra::facialPartOfLandmarks(5).empty());
}

TEST(LandmarkRegression, RegionPartConsistencyByHand) {
    // Two landmarks: 0 = part 3 (eyes) at the top, 1 = part 4 (mouth) at the bottom; the face moves
    // up and down. Region 0 follows the eye, region 1 sits still in the middle of the crop.
    const std::vector<int> parts{3, 4};
    std::vector<std::vector<float>> centroids, landmarks;
    for (float shift : {-0.2f, -0.1f, 0.1f, 0.2f}) {
        landmarks.push_back({0.5f, 0.3f + shift, 0.5f, 0.7f + shift});
        centroids.push_back({0.5f, 0.32f + shift, 0.5f, 0.52f});
    }
    const auto r = fra::regionPartConsistency(centroids, landmarks, parts);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].part, 3);
    EXPECT_DOUBLE_EQ(r[0].share, 1.0);
    EXPECT_DOUBLE_EQ(r[0].fixedShare, 0.75);  // its mean position (0.5, 0.32) is nearest the eye in 3 of 4 faces
    EXPECT_DOUBLE_EQ(r[1].share, 0.5);       // the still region is as good as a fixed point
    EXPECT_DOUBLE_EQ(r[1].fixedShare, 0.5);
    EXPECT_THROW(fra::regionPartConsistency(centroids, {landmarks[0]}, parts), std::exception);
}

// The penalty is chosen on the training rows alone: clean signal keeps it small, pure noise drives
// it to the largest of the grid (predicting the mean).
TEST(LandmarkRegression, CrossValidationChoosesThePenaltyFromTheTrainingRows) {
    std::mt19937 rng(3);
    std::normal_distribution<float> g(0, 1);
    std::vector<std::vector<float>> x, y, noise;
    for (int i = 0; i < 60; ++i) {
        const float a = g(rng), b = g(rng);
        x.push_back({a, b});
        y.push_back({a + 0.01f * g(rng), 2 * b});
        noise.push_back({g(rng), g(rng)});
    }
    const std::vector<double> grid{1e-4, 1e-2, 1.0, 100.0};
    const auto squared = [](const std::vector<float>& p, const std::vector<float>& t) {
        return double(p[0] - t[0]) * (p[0] - t[0]) + double(p[1] - t[1]) * (p[1] - t[1]);
    };
    EXPECT_LE(fra::LandmarkRegression::crossValidatedRidge(x, y, grid, squared), 1e-2);
    EXPECT_EQ(fra::LandmarkRegression::crossValidatedRidge(noise, y, grid, squared), 100.0);
    EXPECT_THROW(fra::LandmarkRegression::crossValidatedRidge({{1.f}}, {{1.f}}, grid, squared), std::exception);
}
