#include "data/TensorAugmenter.h"
#include "data/TwoViewAugmenter.h"
#include "loss/CrossViewAlignment.h"
#include "support/TestImages.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

namespace {
fra::DataConfig plain(int size) {
    fra::DataConfig c;
    c.imageSize = size;
    c.mean = {0, 0, 0};
    c.std = {1, 1, 1};
    return c;
}
torch::Tensor batchOf(const cv::Mat& rgb) {
    return torch::from_blob(rgb.data, {1, rgb.rows, rgb.cols, 3}, torch::kUInt8).clone();
}
fra::ViewParams identity(int size) {
    fra::ViewParams p;
    p.cropWidth = p.cropHeight = size;
    return p;
}
// the OpenCV augmenter's result for the same parameters, as (3, S, S)
torch::Tensor reference(const fra::DataConfig& c, const cv::Mat& rgb, const fra::ViewParams& p) {
    std::vector<float> out(3u * c.imageSize * c.imageSize);
    fra::TwoViewAugmenter(c).render(rgb, p, out.data());
    return torch::from_blob(out.data(), {3, c.imageSize, c.imageSize}).clone();
}
}  // namespace

TEST(TensorAugmenter, IdentityFlipGraySolarizeAndNormalisation) {
    const cv::Mat img = testimages::syntheticRgb(32, 32, 4);
    const torch::Tensor x = batchOf(img);
    fra::DataConfig c = plain(32);
    const fra::TensorAugmenter aug(c);
    const torch::Tensor out = aug.apply(x, {identity(32)})[0];
    EXPECT_LT((out - reference(c, img, identity(32))).abs().max().item<double>(), 1e-5);

    fra::ViewParams flip = identity(32);
    flip.flip = true;
    EXPECT_LT((aug.apply(x, {flip})[0] - out.flip({2})).abs().max().item<double>(), 1e-5);
    fra::ViewParams gray = identity(32);
    gray.grayscale = true;
    const torch::Tensor g = aug.apply(x, {gray})[0];
    EXPECT_LT((g[0] - g[1]).abs().max().item<double>(), 1e-6);
    EXPECT_LT((g - reference(c, img, gray)).abs().max().item<double>(), 1.0 / 255 + 1e-6);  // OpenCV rounds to 8 bits
    fra::ViewParams solar = identity(32);
    solar.solarize = true;
    EXPECT_LT((aug.apply(x, {solar})[0] - reference(c, img, solar)).abs().max().item<double>(), 1e-5);

    c.mean = {0.5, 0.4, 0.3};
    c.std = {0.25, 0.2, 0.1};
    const torch::Tensor normalised = fra::TensorAugmenter(c).apply(x, {identity(32)})[0];
    EXPECT_NEAR(normalised[2][3][4].item<double>(), (img.at<cv::Vec3b>(3, 4)[2] / 255.0 - 0.3) / 0.1, 1e-4);
}

TEST(TensorAugmenter, ColourJitterAndBlurAgreeWithTheOpenCvPath) {
    const cv::Mat img = testimages::syntheticRgb(32, 32, 9);
    const fra::DataConfig c = plain(32);
    const fra::TensorAugmenter aug(c);
    fra::ViewParams p = identity(32);
    p.jitter = true;
    p.jitterOrder = {2, 0, 3, 1};
    p.brightness = 1.3;
    p.contrast = 0.7;
    p.saturation = 1.15;
    p.hue = 0.06;
    const torch::Tensor diff = (aug.apply(batchOf(img), {p})[0] - reference(c, img, p)).abs();
    // OpenCV works on 8-bit values (its HSV hue in 256 steps); the tensors in float
    EXPECT_LT(diff.mean().item<double>(), 0.01);
    EXPECT_LT(diff.max().item<double>(), 0.06);
    fra::ViewParams blur = identity(32);
    blur.blur = true;
    blur.blurSigma = 1.5;
    const torch::Tensor b = aug.apply(batchOf(img), {blur})[0];
    const torch::Tensor r = reference(c, img, blur);
    EXPECT_LT((b - r).slice(1, 5, 27).slice(2, 5, 27).abs().max().item<double>(), 0.01);  // inside: same Gaussian
    EXPECT_LT(b.std().item<double>(), aug.apply(batchOf(img), {identity(32)})[0].std().item<double>());
}

TEST(TensorAugmenter, CropsResizeAndEachSampleKeepsItsOwnParameters) {
    const cv::Mat a = testimages::syntheticRgb(64, 64, 1), b = testimages::syntheticRgb(64, 64, 2);
    const torch::Tensor both = torch::cat({batchOf(a), batchOf(b)});
    const fra::DataConfig c = plain(32);
    const fra::TensorAugmenter aug(c);
    const fra::ViewSampler sampler(c);
    const fra::ViewParams pa = sampler.draw(11, 0, 64, 64), pb = sampler.draw(12, 1, 64, 64);
    const torch::Tensor together = aug.apply(both, {pa, pb});
    ASSERT_EQ(together.sizes(), torch::IntArrayRef({2, 3, 32, 32}));
    EXPECT_LT((together[0] - aug.apply(batchOf(a), {pa})[0]).abs().max().item<double>(), 1e-5);
    EXPECT_LT((together[1] - aug.apply(batchOf(b), {pb})[0]).abs().max().item<double>(), 1e-5);
    // a half-size crop of the top-left quarter, upscaled: close to OpenCV's bilinear resize
    fra::ViewParams quarter;
    quarter.cropWidth = quarter.cropHeight = 32;
    const torch::Tensor crop = aug.apply(batchOf(a), {quarter})[0];
    EXPECT_LT((crop - reference(c, a, quarter)).abs().mean().item<double>(), 0.01);
}

// The crop geometry that L_r's other_view targets rely on (crossViewGrid) is the one both
// renderers draw: a bright spot of the source image, found in two views with different crops and
// flips, lies in the second view where the grid says the first view's spot pixel lies.
TEST(TensorAugmenter, BothRenderersPutAFacePointWhereTheCrossViewGridSaysItIs) {
    constexpr int source = 96, size = 48;
    cv::Mat img(source, source, CV_8UC3, cv::Scalar(0, 0, 0));
    cv::circle(img, cv::Point(41, 57), 2, cv::Scalar(255, 255, 255), -1);
    const fra::DataConfig c = plain(size);
    const fra::TensorAugmenter device(c);
    const auto spot = [](const torch::Tensor& chw) {  // brightness-weighted centre, in pixels
        const torch::Tensor w = chw.sum(0).clamp_min(0);
        const torch::Tensor ys = torch::arange(w.size(0), torch::kFloat32).unsqueeze(1), xs = torch::arange(w.size(1), torch::kFloat32);
        const double total = w.sum().item<double>();
        return std::pair<double, double>{(w * xs).sum().item<double>() / total, (w * ys).sum().item<double>() / total};
    };
    const std::pair<fra::ViewParams, fra::ViewParams> pairs[] = {
        {[] { fra::ViewParams p; p.cropX = 10; p.cropY = 20; p.cropWidth = 60; p.cropHeight = 70; return p; }(),
         [] { fra::ViewParams p; p.cropX = 25; p.cropY = 30; p.cropWidth = 50; p.cropHeight = 45; p.flip = true; return p; }()},
        {[] { fra::ViewParams p; p.cropX = 0; p.cropY = 0; p.cropWidth = 96; p.cropHeight = 96; p.flip = true; return p; }(),
         [] { fra::ViewParams p; p.cropX = 30; p.cropY = 40; p.cropWidth = 30; p.cropHeight = 36; return p; }()},
    };
    for (const auto& [first, second] : pairs) {
        for (const bool onDevice : {false, true}) {
            const torch::Tensor v1 = onDevice ? device.apply(batchOf(img), {first})[0] : reference(c, img, first);
            const torch::Tensor v2 = onDevice ? device.apply(batchOf(img), {second})[0] : reference(c, img, second);
            const auto [x1, y1] = spot(v1);
            const auto [x2, y2] = spot(v2);
            // the grid at pixel resolution: view 1's pixel nearest the spot, and the sub-pixel offset
            const auto [grid, inside] = fra::crossViewGrid(fra::viewCrops({first}, {second}, torch::kCPU), 0, 1, size, size);
            const int px = static_cast<int>(std::lround(x1)), py = static_cast<int>(std::lround(y1));
            ASSERT_TRUE(inside[0][py][px].item<bool>());
            const double gx = (grid[0][py][px][0].item<double>() + 1) / 2 * size - 0.5;  // pixel coordinates in view 2
            const double gy = (grid[0][py][px][1].item<double>() + 1) / 2 * size - 0.5;
            const double scaleX = static_cast<double>(first.cropWidth) / second.cropWidth * (first.flip != second.flip ? -1 : 1);
            const double scaleY = static_cast<double>(first.cropHeight) / second.cropHeight;
            EXPECT_NEAR(gx + (x1 - px) * scaleX, x2, 0.75) << (onDevice ? "device" : "OpenCV");
            EXPECT_NEAR(gy + (y1 - py) * scaleY, y2, 0.75) << (onDevice ? "device" : "OpenCV");
        }
    }
}
