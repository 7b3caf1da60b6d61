#include "data/TwoViewAugmenter.h"
#include "support/TestImages.h"

#include <cmath>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace {
fra::DataConfig smallConfig() {
    fra::DataConfig c;
    c.imageSize = 32;
    return c;
}
}  // namespace

TEST(TwoViewAugmenter, ParametersFollowTheSpecRanges) {
    const fra::DataConfig c;  // spec defaults
    const fra::TwoViewAugmenter aug(c);
    const int n = 4000, w = 200, h = 160;
    int flips = 0, jitters = 0, grays = 0, blur[2] = {0, 0}, solar[2] = {0, 0};
    for (int i = 0; i < n; ++i) {
        for (int view = 0; view < 2; ++view) {
            const fra::ViewParams p = aug.drawParams(1000 + i, view, w, h);
            const double area = double(p.cropWidth) * p.cropHeight / (w * h);
            const double ratio = double(p.cropWidth) / p.cropHeight;
            ASSERT_GE(p.cropX, 0);
            ASSERT_GE(p.cropY, 0);
            ASSERT_LE(p.cropX + p.cropWidth, w);
            ASSERT_LE(p.cropY + p.cropHeight, h);
            ASSERT_GE(area, 0.2 - 0.02);  // rounding of width/height
            ASSERT_LE(area, 1.0);
            ASSERT_GE(ratio, 0.75 * 0.95);
            ASSERT_LE(ratio, 4.0 / 3.0 * 1.05);
            ASSERT_GE(p.blurSigma, 0.1);
            ASSERT_LE(p.blurSigma, 2.0);
            if (p.jitter) {
                ASSERT_GE(p.brightness, 0.6);
                ASSERT_LE(p.brightness, 1.4);
                ASSERT_GE(p.contrast, 0.6);
                ASSERT_LE(p.contrast, 1.4);
                ASSERT_GE(p.saturation, 0.8);
                ASSERT_LE(p.saturation, 1.2);
                ASSERT_LE(std::abs(p.hue), 0.1);
                std::array<int, 4> sorted = p.jitterOrder;
                std::sort(sorted.begin(), sorted.end());
                ASSERT_EQ(sorted, (std::array<int, 4>{0, 1, 2, 3}));
            }
            if (view == 0) {
                flips += p.flip;
                jitters += p.jitter;
                grays += p.grayscale;
            }
            blur[view] += p.blur;
            solar[view] += p.solarize;
        }
    }
    auto near = [&](int count, double p) { return std::abs(count / double(n) - p) < 4.0 * std::sqrt(p * (1 - p) / n) + 1e-9; };
    EXPECT_TRUE(near(flips, 0.5)) << flips;
    EXPECT_TRUE(near(jitters, 0.8)) << jitters;
    EXPECT_TRUE(near(grays, 0.2)) << grays;
    EXPECT_EQ(blur[0], n);      // view 1: blur always
    EXPECT_TRUE(near(blur[1], 0.1)) << blur[1];
    EXPECT_EQ(solar[0], 0);     // view 1: never solarized
    EXPECT_TRUE(near(solar[1], 0.2)) << solar[1];
}

TEST(TwoViewAugmenter, SameSeedSameViewDifferentSeedDifferentView) {
    const fra::TwoViewAugmenter aug(smallConfig());
    const cv::Mat img = testimages::syntheticRgb(80, 64, 5);
    std::vector<float> a(3 * 32 * 32), b(a.size()), c(a.size());
    aug.makeView(img, 42, 0, a.data());
    aug.makeView(img, 42, 0, b.data());
    aug.makeView(img, 43, 0, c.data());
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

TEST(TwoViewAugmenter, IdentityParamsGiveTheNormalisedResizedImage) {
    fra::DataConfig config = smallConfig();
    const fra::TwoViewAugmenter aug(config);
    const cv::Mat img = testimages::syntheticRgb(32, 32, 9);
    fra::ViewParams p;
    p.cropWidth = p.cropHeight = 32;
    std::vector<float> out(3 * 32 * 32);
    aug.render(img, p, out.data());
    for (int c = 0; c < 3; ++c) {
        const float expected = (img.at<cv::Vec3b>(5, 7)[c] / 255.0 - config.mean[c]) / config.std[c];
        EXPECT_NEAR(out[c * 32 * 32 + 5 * 32 + 7], expected, 1e-5);
    }
}

TEST(TwoViewAugmenter, FlipGraySolarizeDoWhatTheySay) {
    fra::DataConfig config = smallConfig();
    config.mean = {0, 0, 0};
    config.std = {1, 1, 1};
    const fra::TwoViewAugmenter aug(config);
    const cv::Mat img = testimages::syntheticRgb(32, 32, 11);
    fra::ViewParams base;
    base.cropWidth = base.cropHeight = 32;
    std::vector<float> plain(3 * 32 * 32), out(plain.size());
    aug.render(img, base, plain.data());

    fra::ViewParams flip = base;
    flip.flip = true;
    aug.render(img, flip, out.data());
    EXPECT_FLOAT_EQ(out[3 * 32 + 0], plain[3 * 32 + 31]);

    fra::ViewParams gray = base;
    gray.grayscale = true;
    aug.render(img, gray, out.data());
    for (int i = 0; i < 32 * 32; ++i) {
        ASSERT_FLOAT_EQ(out[i], out[32 * 32 + i]);
        ASSERT_FLOAT_EQ(out[i], out[2 * 32 * 32 + i]);
    }

    fra::ViewParams solar = base;
    solar.solarize = true;
    aug.render(img, solar, out.data());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int v = static_cast<int>(std::lround(plain[i] * 255));
        ASSERT_EQ(static_cast<int>(std::lround(out[i] * 255)), v < 128 ? v : 255 - v);
    }
}

TEST(TwoViewAugmenter, CenterCropIsSquareAndCentred) {
    cv::Mat img(100, 200, CV_8UC3, cv::Scalar(0, 0, 0));
    img(cv::Rect(50, 0, 100, 100)).setTo(cv::Scalar(255, 255, 255));
    const cv::Mat crop = fra::TwoViewAugmenter::centerCrop(img, 50);
    EXPECT_EQ(crop.rows, 50);
    EXPECT_EQ(crop.cols, 50);
    EXPECT_GT(cv::mean(crop)[0], 250.0);
}
