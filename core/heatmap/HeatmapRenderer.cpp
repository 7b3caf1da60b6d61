#include "heatmap/HeatmapRenderer.h"

#include <algorithm>
#include <cmath>

namespace fra {

namespace {
std::uint8_t blend(double v) { return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }
}  // namespace

std::vector<Rgb> HeatmapRenderer::palette(int regions) {
    static const std::vector<Rgb> fixed = {
        {230, 25, 75},  {60, 180, 75},  {255, 225, 25}, {0, 130, 200},  {245, 130, 48},  {145, 30, 180},
        {70, 240, 240}, {240, 50, 230}, {210, 245, 60}, {250, 190, 212}, {0, 128, 128},  {220, 190, 255},
        {170, 110, 40}, {255, 250, 200}, {128, 0, 0},   {170, 255, 195}, {128, 128, 0}, {255, 215, 180},
        {0, 0, 128},    {128, 128, 128}};
    std::vector<Rgb> colours;
    for (int k = 0; k < regions; ++k) {
        if (k < static_cast<int>(fixed.size())) {
            colours.push_back(fixed[k]);
            continue;
        }
        // Beyond the fixed list: golden-ratio hue steps.
        colours.push_back(hsvToRgb(std::fmod(k * 0.618033988749895, 1.0) * 360.0, 200 / 255.0, 230 / 255.0));
    }
    return colours;
}

std::vector<FloatPlane> HeatmapRenderer::upsample(const float* maps, int regions, int height, int width, int outWidth, int outHeight) {
    std::vector<FloatPlane> out;
    for (int k = 0; k < regions; ++k)
        out.push_back(resizeBilinear(maps + static_cast<std::size_t>(k) * height * width, width, height, outWidth, outHeight));
    return out;
}

jpeg::RgbImage HeatmapRenderer::overlay(const jpeg::RgbImage& rgb, const std::vector<FloatPlane>& maps, double opacity,
                                        const std::vector<bool>& visible) {
    const auto colours = palette(static_cast<int>(maps.size()));
    jpeg::RgbImage out = rgb;
    for (int y = 0; y < rgb.height; ++y) {
        for (int x = 0; x < rgb.width; ++x) {
            double weight = 0, colour[3] = {0, 0, 0};
            for (std::size_t k = 0; k < maps.size(); ++k) {
                if (!visible.empty() && !visible[k]) continue;
                const double m = std::clamp(static_cast<double>(maps[k].at(x, y)), 0.0, 1.0);
                weight += m;
                for (int c = 0; c < 3; ++c) colour[c] += m * colours[k][c];
            }
            const double a = opacity * std::min(1.0, weight);
            const std::size_t i = (static_cast<std::size_t>(y) * rgb.width + x) * 3;
            for (int c = 0; c < 3; ++c) {
                const double tint = weight > 0 ? colour[c] / weight : 0.0;
                out.pixels[i + c] = blend((1 - a) * rgb.pixels[i + c] + a * tint);
            }
        }
    }
    return out;
}

jpeg::RgbImage HeatmapRenderer::argmaxMap(const jpeg::RgbImage& rgb, const std::vector<FloatPlane>& maps, double opacity) {
    const auto colours = palette(static_cast<int>(maps.size()));
    jpeg::RgbImage out = rgb;
    if (maps.empty()) return out;
    for (int y = 0; y < rgb.height; ++y) {
        for (int x = 0; x < rgb.width; ++x) {
            std::size_t best = 0;
            for (std::size_t k = 1; k < maps.size(); ++k)
                if (maps[k].at(x, y) > maps[best].at(x, y)) best = k;
            const std::size_t i = (static_cast<std::size_t>(y) * rgb.width + x) * 3;
            for (int c = 0; c < 3; ++c) out.pixels[i + c] = blend((1 - opacity) * rgb.pixels[i + c] + opacity * colours[best][c]);
        }
    }
    return out;
}

jpeg::RgbImage HeatmapRenderer::regionPanel(const jpeg::RgbImage& rgb, const FloatPlane& map, const Rgb& colour, double opacity) {
    const jpeg::RgbImage base = toGreyRgb(rgb);
    jpeg::RgbImage out = rgb;
    for (int y = 0; y < rgb.height; ++y) {
        for (int x = 0; x < rgb.width; ++x) {
            const double a = std::clamp(opacity * map.at(x, y), 0.0, 1.0);
            const std::size_t i = (static_cast<std::size_t>(y) * rgb.width + x) * 3;
            for (int c = 0; c < 3; ++c) out.pixels[i + c] = blend((1 - a) * 0.6 * base.pixels[i + c] + a * colour[c]);
        }
    }
    return out;
}

jpeg::RgbImage HeatmapRenderer::sheet(const jpeg::RgbImage& rgb, const std::vector<FloatPlane>& maps, double opacity) {
    const auto colours = palette(static_cast<int>(maps.size()));
    std::vector<jpeg::RgbImage> tiles{rgb, overlay(rgb, maps, opacity), argmaxMap(rgb, maps, opacity)};
    for (std::size_t k = 0; k < maps.size(); ++k) tiles.push_back(regionPanel(rgb, maps[k], colours[k], 1.0));
    const int gap = 4;
    jpeg::RgbImage out;
    out.width = static_cast<int>(tiles.size()) * (rgb.width + gap) - gap;
    out.height = rgb.height;
    out.pixels.assign(static_cast<std::size_t>(out.width) * out.height * 3, 255);
    const std::size_t tileRow = static_cast<std::size_t>(rgb.width) * 3;
    for (std::size_t t = 0; t < tiles.size(); ++t)
        for (int y = 0; y < rgb.height; ++y)
            std::copy_n(tiles[t].pixels.data() + y * tileRow, tileRow,
                        out.pixels.data() + (static_cast<std::size_t>(y) * out.width + t * (rgb.width + gap)) * 3);
    return out;
}

}  // namespace fra
