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
    fra::jpeg::RgbImage grey;
    grey.width = grey.height = 40;
    grey.pixels.assign(40 * 40 * 3, 128);
    const auto up = fra::HeatmapRenderer::upsample(maps.data(), 2, 2, 2, 40, 40);
    ASSERT_EQ(up.size(), 2u);
    EXPECT_NEAR(up[0].at(0, 20), 0.9f, 1e-5);
    const auto colours = fra::HeatmapRenderer::palette(2);
    auto pixel = [](const fra::jpeg::RgbImage& image, int x, int y) {
        const std::size_t i = (static_cast<std::size_t>(y) * image.width + x) * 3;
        return fra::Rgb{image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]};
    };
    const auto argmax = fra::HeatmapRenderer::argmaxMap(grey, up, 1.0);
    EXPECT_EQ(pixel(argmax, 2, 20), colours[0]);
    EXPECT_EQ(pixel(argmax, 37, 20), colours[1]);
    const auto overlay = fra::HeatmapRenderer::overlay(grey, up, 1.0);
    const fra::Rgb left = pixel(overlay, 2, 20);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(left[c], 0.9 * colours[0][c] + 0.1 * colours[1][c], 1.5);
    const auto hidden = fra::HeatmapRenderer::overlay(grey, up, 1.0, {false, false});
    EXPECT_EQ(hidden.pixels, grey.pixels);  // regions toggled off leave the image
    const auto panel = fra::HeatmapRenderer::regionPanel(grey, up[1], colours[1], 1.0);
    EXPECT_NEAR(pixel(panel, 37, 20)[0], 0.1 * 0.6 * 128 + 0.9 * colours[1][0], 1.5);
    const auto sheet = fra::HeatmapRenderer::sheet(grey, up, 0.5);
    EXPECT_EQ(sheet.height, 40);
    EXPECT_EQ(sheet.width, 5 * 40 + 4 * 4);  // image, overlay, argmax, 2 panels
    EXPECT_EQ(pixel(sheet, 41, 5), (fra::Rgb{255, 255, 255}));  // the gap between tiles
}
