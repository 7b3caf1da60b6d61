#include "downstream/FacePreprocessor.h"
#include "support/TempDir.h"
#include "support/TestImages.h"

#include <gtest/gtest.h>

namespace {
const std::array<double, 3> kZero{0, 0, 0}, kOne{1, 1, 1};
}

TEST(FacePreprocessor, CropsAroundLandmarksAndMapsThemIntoTheCrop) {
    TempDir dir;
    testimages::writeImage(dir / "face.png", testimages::syntheticRgb(100, 100, 3));
    fra::DownstreamSample s;
    s.image = (dir / "face.png").string();
    s.landmarks = {30, 40, 70, 40, 50, 80};  // bounding box 40 x 40 at (30, 40)
    const fra::FacePreprocessor pre(60, 0.25, kZero, kOne);  // square side 40 * 1.5 = 60 around (50, 60)
    std::vector<float> chw(3 * 60 * 60), lm(6);
    std::string problem;
    ASSERT_TRUE(pre.prepare(s, false, 0, chw.data(), lm.data(), &problem)) << problem;
    EXPECT_NEAR(lm[0], 10.0 / 60, 1e-6);
    EXPECT_NEAR(lm[1], 10.0 / 60, 1e-6);
    EXPECT_NEAR(lm[2], 50.0 / 60, 1e-6);
    EXPECT_NEAR(lm[5], 50.0 / 60, 1e-6);
    // scale 1: crop pixel (x, y) is image pixel (x + 20, y + 30)
    const cv::Mat img = testimages::syntheticRgb(100, 100, 3);
    EXPECT_NEAR(chw[10 * 60 + 10], img.at<cv::Vec3b>(40, 30)[0] / 255.0, 1.5 / 255);
}

TEST(FacePreprocessor, UsesTheBoxAndInlineGreyPixels) {
    fra::DownstreamSample s;
    auto grey = std::make_shared<fra::InlineImage>();
    grey->width = grey->height = 48;
    grey->pixels.assign(48 * 48, 0);
    for (int y = 10; y < 30; ++y)
        for (int x = 10; x < 30; ++x) grey->pixels[y * 48 + x] = 200;
    s.pixels = grey;
    s.box = fra::FaceBox{10, 10, 20, 20};
    const fra::FacePreprocessor pre(20, 0.0, kZero, kOne);
    std::vector<float> chw(3 * 20 * 20);
    ASSERT_TRUE(pre.prepare(s, false, 0, chw.data(), nullptr, nullptr));
    for (float v : chw) ASSERT_NEAR(v, 200 / 255.0, 1e-3);  // the box, in all three channels
    grey->pixels.pop_back();  // an inline image of the wrong size is refused, never read past its end
    std::string problem;
    EXPECT_FALSE(pre.prepare(s, false, 0, chw.data(), nullptr, &problem));
    EXPECT_NE(problem.find("2303 bytes for 48 x 48 x 1"), std::string::npos) << problem;
}

TEST(FacePreprocessor, UnreadableImagesAreReportedAndAugmentationIsDeterministic) {
    TempDir dir;
    fra::DownstreamSample missing;
    missing.image = (dir / "gone.jpg").string();
    missing.where = "list.txt:7";
    const fra::FacePreprocessor pre(32, 0.1, kZero, kOne);
    std::vector<float> a(3 * 32 * 32), b(a.size());
    std::string problem;
    EXPECT_FALSE(pre.prepare(missing, false, 0, a.data(), nullptr, &problem));
    EXPECT_NE(problem.find("gone.jpg' (list.txt:7)"), std::string::npos) << problem;

    testimages::writeImage(dir / "x.png", testimages::syntheticRgb(64, 64, 8));
    fra::DownstreamSample s;
    s.image = (dir / "x.png").string();
    ASSERT_TRUE(pre.prepare(s, true, 42, a.data(), nullptr, nullptr));
    ASSERT_TRUE(pre.prepare(s, true, 42, b.data(), nullptr, nullptr));
    EXPECT_EQ(a, b);
    ASSERT_TRUE(pre.prepare(s, true, 43, b.data(), nullptr, nullptr));
    EXPECT_NE(a, b);
}
