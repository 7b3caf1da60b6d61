#include "heatmap/HeatmapRenderer.h"

#include <gtest/gtest.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <set>

TEST(HeatmapRenderer, PaletteIsDistinctAndStable) {
    const auto a = fra::HeatmapRenderer::palette(64);
    const auto b = fra::HeatmapRenderer::palette(8);
    std::set<std::tuple<int, int, int>> unique;
    for (const auto& c : a) unique.insert({c[0], c[1], c[2]});
    EXPECT_EQ(unique.size(), 64u);
    for (int k = 0; k < 8; ++k) EXPECT_EQ(a[k], b[k]);  // region k keeps its colour whatever K is
}

namespace {
using Lab = std::array<double, 3>;

Lab toLab(const fra::Rgb& rgb) {  // sRGB, D65
    double linear[3];
    for (int c = 0; c < 3; ++c) {
        const double v = rgb[c] / 255.0;
        linear[c] = v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    }
    const double x = (0.4124564 * linear[0] + 0.3575761 * linear[1] + 0.1804375 * linear[2]) / 0.95047;
    const double y = 0.2126729 * linear[0] + 0.7151522 * linear[1] + 0.0721750 * linear[2];
    const double z = (0.0193339 * linear[0] + 0.1191920 * linear[1] + 0.9503041 * linear[2]) / 1.08883;
    auto f = [](double t) { return t > 216.0 / 24389 ? std::cbrt(t) : (24389.0 / 27 * t + 16) / 116; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

double radians(double degrees) { return degrees * 3.14159265358979323846 / 180; }

// CIEDE2000 (Sharma, Wu & Dalal 2005)
double deltaE2000(const Lab& p, const Lab& q) {
    const double c1 = std::hypot(p[1], p[2]), c2 = std::hypot(q[1], q[2]), cMean = (c1 + c2) / 2;
    const double g = 0.5 * (1 - std::sqrt(std::pow(cMean, 7) / (std::pow(cMean, 7) + std::pow(25.0, 7))));
    const double a1 = (1 + g) * p[1], a2 = (1 + g) * q[1];
    const double c1p = std::hypot(a1, p[2]), c2p = std::hypot(a2, q[2]);
    auto hue = [](double b, double a) {
        const double h = std::atan2(b, a) * 180 / 3.14159265358979323846;
        return h < 0 ? h + 360 : h;
    };
    const double h1 = c1p == 0 ? 0 : hue(p[2], a1), h2 = c2p == 0 ? 0 : hue(q[2], a2);
    double dh = 0;
    if (c1p * c2p != 0) {
        dh = h2 - h1;
        if (dh > 180) dh -= 360;
        if (dh < -180) dh += 360;
    }
    const double dL = q[0] - p[0], dC = c2p - c1p, dH = 2 * std::sqrt(c1p * c2p) * std::sin(radians(dh / 2));
    const double lMean = (p[0] + q[0]) / 2, cpMean = (c1p + c2p) / 2;
    double hMean = h1 + h2;
    if (c1p * c2p != 0) {
        hMean = (h1 + h2) / 2;
        if (std::abs(h1 - h2) > 180) hMean += h1 + h2 < 360 ? 180 : -180;
    }
    const double t = 1 - 0.17 * std::cos(radians(hMean - 30)) + 0.24 * std::cos(radians(2 * hMean)) +
                     0.32 * std::cos(radians(3 * hMean + 6)) - 0.20 * std::cos(radians(4 * hMean - 63));
    const double rotation = 30 * std::exp(-std::pow((hMean - 275) / 25, 2));
    const double rc = 2 * std::sqrt(std::pow(cpMean, 7) / (std::pow(cpMean, 7) + std::pow(25.0, 7)));
    const double sl = 1 + 0.015 * std::pow(lMean - 50, 2) / std::sqrt(20 + std::pow(lMean - 50, 2));
    const double sc = 1 + 0.045 * cpMean, sh = 1 + 0.015 * cpMean * t;
    const double rt = -std::sin(radians(2 * rotation)) * rc;
    return std::sqrt(std::pow(dL / sl, 2) + std::pow(dC / sc, 2) + std::pow(dH / sh, 2) + rt * (dC / sc) * (dH / sh));
}

// The Monk skin tone scale, light to dark
const std::vector<fra::Rgb> kSkinTones = {{246, 237, 228}, {243, 231, 219}, {247, 234, 208}, {234, 218, 186}, {215, 189, 150},
                                          {160, 126, 86},  {130, 92, 67},   {96, 65, 52},    {58, 49, 42},    {41, 36, 32}};

double closestPair(const std::vector<fra::Rgb>& colours) {
    double closest = 1e9;
    for (std::size_t i = 0; i < colours.size(); ++i)
        for (std::size_t j = i + 1; j < colours.size(); ++j) closest = std::min(closest, deltaE2000(toLab(colours[i]), toLab(colours[j])));
    return closest;
}

double closestToSkin(const std::vector<fra::Rgb>& colours) {
    double closest = 1e9;
    for (const auto& c : colours)
        for (const auto& skin : kSkinTones) closest = std::min(closest, deltaE2000(toLab(c), toLab(skin)));
    return closest;
}

constexpr double kMinPairDifference = 20, kMinSkinDifference = 20;
}  // namespace

TEST(HeatmapRenderer, ColourDifferenceMatchesPublishedPairs) {
    EXPECT_NEAR(deltaE2000({50, 2.6772, -79.7751}, {50, 0, -82.7485}), 2.0425, 1e-4);
    EXPECT_NEAR(deltaE2000({50, 2.5, 0}, {73, 25, -18}), 27.1492, 1e-4);
    EXPECT_NEAR(deltaE2000({22.7233, 20.0904, -46.694}, {23.0331, 14.973, -42.5619}), 2.0373, 1e-4);
}

// Sixteen regions stay apart from each other and from every skin tone, light to dark.
TEST(HeatmapRenderer, SixteenRegionColoursAreDistinctAndStandOutOnFaces) {
    const auto colours = fra::HeatmapRenderer::palette(16);
    EXPECT_GE(closestPair(colours), kMinPairDifference);
    EXPECT_GE(closestToSkin(colours), kMinSkinDifference);
    // a common 20-colour list fails both: yellow against lime, pale beige on light skin
    const std::vector<fra::Rgb> simpleDistinct = {{230, 25, 75},   {60, 180, 75},  {255, 225, 25}, {0, 130, 200},  {245, 130, 48}, {145, 30, 180},
                                                  {70, 240, 240},  {240, 50, 230}, {210, 245, 60}, {250, 190, 212}, {0, 128, 128}, {220, 190, 255},
                                                  {170, 110, 40},  {255, 250, 200}, {128, 0, 0},   {170, 255, 195}};
    EXPECT_LT(closestPair(simpleDistinct), kMinPairDifference);
    EXPECT_LT(closestToSkin(simpleDistinct), kMinSkinDifference);
    // the generated colours beyond 16 keep clear of skin too
    const auto many = fra::HeatmapRenderer::palette(64);
    EXPECT_GE(closestToSkin(std::vector<fra::Rgb>(many.begin() + 16, many.end())), 12);
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
    EXPECT_EQ(pixel(fra::HeatmapRenderer::sheet(grey, up, 0.5, {30, 30, 30}), 41, 5), (fra::Rgb{30, 30, 30}));  // a dark window's
}
