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
