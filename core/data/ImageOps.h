#pragma once
#include "data/JpegCodec.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fra {

// The image operations of the downstream pipeline and of the heatmap renderer, on the project's
// own RGB image (jpeg::RgbImage) and in every build, the one without OpenCV included: both builds
// crop, resize and draw the same pixels. Resampling follows OpenCV's conventions (pixel centres at
// +0.5; box filter when shrinking as INTER_AREA, bilinear when enlarging as INTER_LINEAR).

using Rgb = std::array<std::uint8_t, 3>;

// One float image (a heatmap), row-major.
struct FloatPlane {
    int width = 0, height = 0;
    std::vector<float> values;
    float at(int x, int y) const { return values[static_cast<std::size_t>(y) * width + x]; }
};

// An image file as 8-bit RGB at full size. JPEG and PNG are read with libjpeg-turbo and libpng in
// every build, so both builds see the same pixels; with OpenCV, every other format imread knows
// too. A truncated, corrupt or unreadable file, or one smaller than `minSide` pixels a side, comes
// back as false with `problem` set; it never throws.
bool readRgbImage(const std::filesystem::path& file, jpeg::RgbImage& out, std::string& problem, int minSide = 1);

// The whole image resampled to width x height.
jpeg::RgbImage resizeRgb(const jpeg::RgbImage& in, int width, int height);
// The square [x, x + side) x [y, y + side) of `in` (it may reach outside the image: the border
// pixels are repeated) as size x size, mirrored left-right with `flip`. Bilinear; a shrink below
// 3/4 first goes through the box filter, so a large photo does not alias.
jpeg::RgbImage cropSquare(const jpeg::RgbImage& in, double x, double y, double side, int size, bool flip = false);
// 8-bit grey (one byte a pixel) as RGB.
jpeg::RgbImage greyToRgb(const std::uint8_t* grey, int width, int height);
// ITU-R BT.601 luma of each pixel, as RGB grey.
jpeg::RgbImage toGreyRgb(const jpeg::RgbImage& in);
// A float map bilinearly resampled (pixel centres aligned, edges repeated) to width x height.
FloatPlane resizeBilinear(const float* plane, int planeWidth, int planeHeight, int width, int height);
// HSV with hue in [0, 360) and saturation, value in [0, 1], as 8-bit RGB.
Rgb hsvToRgb(double hue, double saturation, double value);

}  // namespace fra
