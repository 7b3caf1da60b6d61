// The region-tracking score: the transforms move images and points alike, a region that follows
// its landmarks scores 0, one that never moves scores what a fixed point scores.
#include "downstream/RegionTracking.h"

#include <cmath>
#include <gtest/gtest.h>

namespace {

// A bright Gaussian spot at (x, y) (in [0, 1]) on a dark square.
fra::jpeg::RgbImage spot(int side, double x, double y) {
    fra::jpeg::RgbImage image{side, side, std::vector<std::uint8_t>(3u * side * side)};
    for (int r = 0; r < side; ++r)
        for (int c = 0; c < side; ++c) {
            const double dx = (c + 0.5) / side - x, dy = (r + 0.5) / side - y;
            const auto v = static_cast<std::uint8_t>(std::lround(255 * std::exp(-(dx * dx + dy * dy) / (2 * 0.03 * 0.03))));
            for (int ch = 0; ch < 3; ++ch) image.pixels[3u * (r * side + c) + ch] = v;
        }
    return image;
}

std::pair<double, double> brightnessCentroid(const fra::jpeg::RgbImage& image) {
    double sx = 0, sy = 0, total = 0;
    for (int r = 0; r < image.height; ++r)
        for (int c = 0; c < image.width; ++c) {
            const double v = image.pixels[3u * (r * image.width + c)];
            sx += v * (c + 0.5) / image.width;
            sy += v * (r + 0.5) / image.height;
            total += v;
        }
    return {sx / total, sy / total};
}

}  // namespace

TEST(RegionTracking, TransformsMoveImagesAsTheyMovePoints) {
    const auto rotated = fra::FaceTransform{"", "rotation", 0, 0, 1, 90}.apply(1.0, 0.5);  // the right edge's middle to the bottom's
    EXPECT_NEAR(rotated.first, 0.5, 1e-12);
    EXPECT_NEAR(rotated.second, 1.0, 1e-12);
    ASSERT_EQ(fra::trackingTransforms().size(), 8u);
    for (const auto& t : fra::trackingTransforms()) {
        const auto image = spot(96, 0.36, 0.62);
        const auto moved = brightnessCentroid(fra::transformFace(image, t));
        const auto expected = t.apply(0.36, 0.62);
        EXPECT_NEAR(moved.first, expected.first, 0.5 / 96) << t.name;  // within half a pixel
        EXPECT_NEAR(moved.second, expected.second, 0.5 / 96) << t.name;
    }
}

TEST(RegionTracking, FollowingRegionsScoreZeroAndStillOnesScoreTheFixedPoint) {
    const auto& transforms = fra::trackingTransforms();
    // two faces, 3 landmarks each; region 0 sits on landmark 0, region 1 between landmarks 1 and 2
    const std::vector<std::vector<float>> landmarks = {{0.3f, 0.4f, 0.7f, 0.4f, 0.7f, 0.5f}, {0.35f, 0.45f, 0.65f, 0.42f, 0.66f, 0.55f}};
    const auto centroidsAt = [&](bool follow) {
        std::vector<std::vector<std::vector<float>>> all;
        for (const auto& l : landmarks) {
            const std::vector<float> original = {l[0], l[1], (l[2] + l[4]) / 2, (l[3] + l[5]) / 2};
            std::vector<std::vector<float>> views{original};
            for (const auto& t : transforms) {
                std::vector<float> view;
                for (std::size_t i = 0; i < original.size(); i += 2) {
                    const auto p = follow ? t.apply(original[i], original[i + 1]) : std::pair<double, double>(original[i], original[i + 1]);
                    view.push_back(static_cast<float>(p.first));
                    view.push_back(static_cast<float>(p.second));
                }
                views.push_back(view);
            }
            all.push_back(views);
        }
        return all;
    };
    // nearest = 1: region 0 compares with landmark 0 alone, so following the image is following it
    const auto following = fra::regionTrackingScore(centroidsAt(true), landmarks, transforms, 7, 1);
    EXPECT_EQ(following.faces, 2u);
    EXPECT_NEAR(following.errorByRegion[0], 0.0, 1e-5);
    EXPECT_NEAR(following.errorByKind.at("shift"), 0.0, 1e-5);  // a shift moves every point alike
    EXPECT_GT(following.fixedPointError, 0.3);                   // the landmarks did move (in 7-cell maps)
    EXPECT_LT(following.error, 0.1 * following.fixedPointError);
    const auto still = fra::regionTrackingScore(centroidsAt(false), landmarks, transforms, 7, 1);
    EXPECT_NEAR(still.error, still.fixedPointError, 1e-6);
    EXPECT_NEAR(still.fixedPointError, following.fixedPointError, 1e-6);
    // a shift of 0.08 moves every landmark 0.08 x 7 = 0.56 cells
    EXPECT_NEAR(still.fixedPointErrorByKind.at("shift"), 0.56, 1e-5);
    // faces without finite landmarks are left out
    auto unlabelled = landmarks;
    unlabelled[1].assign(6, std::nanf(""));
    EXPECT_EQ(fra::regionTrackingScore(centroidsAt(true), unlabelled, transforms, 7, 1).faces, 1u);
}

// The map-following ratio: 1 for maps that move with the face, 0 for maps pinned to the crop, and
// the same for a sharp map and a nearly flat one (where centroids hardly move).
TEST(RegionTracking, MapFollowingIsOneForMapsThatMoveAndZeroForPinnedOnesWhateverTheirContrast) {
    constexpr int side = 7;
    const auto gaussianMaps = [&](double x, double y, double contrast) {  // 2 regions: a spot and its complement
        std::vector<float> maps(2u * side * side);
        for (int r = 0; r < side; ++r)
            for (int c = 0; c < side; ++c) {
                const double dx = (c + 0.5) / side - x, dy = (r + 0.5) / side - y;
                const double g = std::exp(-(dx * dx + dy * dy) / (2 * 0.15 * 0.15));
                maps[r * side + c] = static_cast<float>(0.5 + contrast * (g - 0.5));
                maps[side * side + r * side + c] = 1.0f - maps[r * side + c];
            }
        return maps;
    };
    for (const double contrast : {1.0, 0.02}) {
        fra::MapFollowing moving, pinned;
        for (const auto& t : fra::trackingTransforms()) {
            const auto original = gaussianMaps(0.4, 0.55, contrast);
            const auto moved = t.apply(0.4, 0.55);
            const auto followed = gaussianMaps(moved.first, moved.second, contrast);
            moving.add(original.data(), followed.data(), 2, side, side, t);
            pinned.add(original.data(), original.data(), 2, side, side, t);
        }
        // the map resampled on 7 cells is not the analytic spot moved: close to 1, not exactly
        EXPECT_NEAR(moving.ratio(), 1.0, 0.15) << contrast;
        EXPECT_NEAR(moving.ratio("shift"), 1.0, 0.15) << contrast;
        EXPECT_NEAR(pinned.ratio(), 0.0, 1e-9) << contrast;
    }
    const fra::MapFollowing none;
    EXPECT_TRUE(std::isnan(none.ratio()));
    // transformMap moves a map as transformFace moves an image: a shift by one cell moves the values one cell
    std::vector<float> ramp(side * side);
    for (int i = 0; i < side * side; ++i) ramp[i] = static_cast<float>(i % side);
    const auto shifted = fra::transformMap(ramp.data(), side, side, fra::FaceTransform{"", "shift", 1.0 / side, 0, 1, 0});
    EXPECT_FLOAT_EQ(shifted[3], 2.0f);
    EXPECT_FLOAT_EQ(shifted[0], 0.0f);  // the edge repeated
}
