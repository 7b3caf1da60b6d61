#include "heatmap/HeatmapRenderer.h"

#include <gtest/gtest.h>
#include <set>

TEST(HeatmapRenderer, PaletteIsDistinctAndStable) {
    const auto a = fra::HeatmapRenderer::palette(64);
    const auto b = fra::HeatmapRenderer::palette(8);
    std::set<std::tuple<int, int, int>> unique;
    for (const auto& c : a) unique.insert({c[0], c[1], c[2]});
    EXPECT_EQ(unique.size(), 64u);
    for (int k = 0; k < 8; ++k) EXPECT_EQ(a[k], b[k]);  // region k keeps its colour whatever K is
}

TEST(HeatmapRenderer, OverlayArgmaxAndPanelsFollowTheMaps) {
    // 2 regions on a 2x2 map: region 0 owns the left column, region 1 the right one.
    const std::vector<float> maps = {0.9f, 0.1f, 0.9f, 0.1f, 0.1f, 0.9f, 0.1f, 0.9f};
    const cv::Mat grey(40, 40, CV_8UC3, cv::Scalar(128, 128, 128));
    const auto up = fra::HeatmapRenderer::upsample(maps.data(), 2, 2, 2, grey.size());
    ASSERT_EQ(up.size(), 2u);
    EXPECT_NEAR(up[0].at<float>(20, 0), 0.9f, 1e-5);
    const auto colours = fra::HeatmapRenderer::palette(2);
    const cv::Mat argmax = fra::HeatmapRenderer::argmaxMap(grey, up, 1.0);
    EXPECT_EQ(argmax.at<cv::Vec3b>(20, 2), colours[0]);
    EXPECT_EQ(argmax.at<cv::Vec3b>(20, 37), colours[1]);
    const cv::Mat overlay = fra::HeatmapRenderer::overlay(grey, up, 1.0);
    const cv::Vec3b left = overlay.at<cv::Vec3b>(20, 2);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(left[c], 0.9 * colours[0][c] + 0.1 * colours[1][c], 1.5);
    const cv::Mat hidden = fra::HeatmapRenderer::overlay(grey, up, 1.0, {false, false});
    EXPECT_EQ(cv::norm(hidden, grey, cv::NORM_INF), 0.0);  // regions toggled off leave the image
    const cv::Mat sheet = fra::HeatmapRenderer::sheet(grey, up, 0.5);
    EXPECT_EQ(sheet.rows, 40);
    EXPECT_EQ(sheet.cols, 5 * 40 + 4 * 4);  // image, overlay, argmax, 2 panels
}
