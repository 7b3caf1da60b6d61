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
