#include "heatmap/HeatmapRenderer.h"

#include <array>
#include <algorithm>
#include <cmath>

namespace fra {

namespace {
std::uint8_t blend(double v) { return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }

// CIELAB (D65) to sRGB in [0, 1]; components outside [0, 1] mean out of gamut.
std::array<double, 3> labToSrgb(double l, double a, double b) {
    const double fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - b / 200;
    auto inverse = [](double t) { return t * t * t > 216.0 / 24389 ? t * t * t : (116 * t - 16) / (24389.0 / 27); };
    const double x = 0.95047 * inverse(fx), y = inverse(fy), z = 1.08883 * inverse(fz);
    const double linear[3] = {3.2404542 * x - 1.5371385 * y - 0.4985314 * z, -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
                              0.0556434 * x - 0.2040259 * y + 1.0572252 * z};
    std::array<double, 3> out{};
    for (int c = 0; c < 3; ++c) out[c] = linear[c] <= 0.0031308 ? 12.92 * linear[c] : 1.055 * std::pow(linear[c], 1 / 2.4) - 0.055;
    return out;
}

// Region k >= 16: hue k x 0.618 turns in CIE LCh, moved out of the skin hues (40-85 degrees) by
// 45 degrees, lightness cycling through 62, 78, 48, 70, 55, chroma 70 or the most sRGB holds.
Rgb generatedRegionColour(int k) {
    double hue = std::fmod(k * 0.618033988749895, 1.0) * 360.0;
    if (hue >= 40 && hue < 85) hue += 45;
    constexpr double lightness[] = {62, 78, 48, 70, 55};
    const double l = lightness[k % 5], radians = hue * 3.14159265358979323846 / 180;
    std::array<double, 3> rgb{};
    for (double chroma = 70; chroma > 0; chroma -= 1) {
        rgb = labToSrgb(l, chroma * std::cos(radians), chroma * std::sin(radians));
        if (std::all_of(rgb.begin(), rgb.end(), [](double c) { return c >= -1e-9 && c <= 1 + 1e-9; })) break;
    }
    return {blend(255 * std::clamp(rgb[0], 0.0, 1.0)), blend(255 * std::clamp(rgb[1], 0.0, 1.0)), blend(255 * std::clamp(rgb[2], 0.0, 1.0))};
}
}  // namespace

std::vector<Rgb> HeatmapRenderer::palette(int regions) {
    // 16 vivid colours chosen in CIELAB: any two differ by CIEDE2000 >= 20 and each by >= 20 from
    // the skin tones of the Monk scale, so every region stays visible over light and dark faces.
    // Each is the farthest from the ones before it: K = 4 or 8 get the most distinct.
    static const std::vector<Rgb> fixed = {
        {255, 68, 0},    {0, 255, 187},   {119, 34, 255}, {85, 102, 0},   {204, 187, 255}, {255, 17, 119},
        {34, 170, 0},    {17, 119, 238},  {34, 187, 187}, {255, 34, 255}, {153, 255, 0},   {0, 136, 102},
        {136, 204, 255}, {255, 153, 153}, {153, 119, 170}, {170, 34, 136}};
    std::vector<Rgb> colours;
    for (int k = 0; k < regions; ++k) colours.push_back(k < static_cast<int>(fixed.size()) ? fixed[k] : generatedRegionColour(k));
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

jpeg::RgbImage HeatmapRenderer::sheet(const jpeg::RgbImage& rgb, const std::vector<FloatPlane>& maps, double opacity, const Rgb& gapColour) {
    const auto colours = palette(static_cast<int>(maps.size()));
    std::vector<jpeg::RgbImage> tiles{rgb, overlay(rgb, maps, opacity), argmaxMap(rgb, maps, opacity)};
    for (std::size_t k = 0; k < maps.size(); ++k) tiles.push_back(regionPanel(rgb, maps[k], colours[k], 1.0));
    const int gap = 4;
    jpeg::RgbImage out;
    out.width = static_cast<int>(tiles.size()) * (rgb.width + gap) - gap;
    out.height = rgb.height;
    out.pixels.resize(static_cast<std::size_t>(out.width) * out.height * 3);
    for (std::size_t i = 0; i < out.pixels.size(); i += 3) std::copy(gapColour.begin(), gapColour.end(), out.pixels.begin() + i);
    const std::size_t tileRow = static_cast<std::size_t>(rgb.width) * 3;
    for (std::size_t t = 0; t < tiles.size(); ++t)
        for (int y = 0; y < rgb.height; ++y)
            std::copy_n(tiles[t].pixels.data() + y * tileRow, tileRow,
                        out.pixels.data() + (static_cast<std::size_t>(y) * out.width + t * (rgb.width + gap)) * 3);
    return out;
}

}  // namespace fra
