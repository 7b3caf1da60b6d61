#pragma once
#include "data/JpegCodec.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fra {

// PNG with libpng's simplified API (Debian: libpng-dev), in every build: the probe faces of a run
// (probes/probe_NN.png) are written and read with it, so the build without OpenCV takes the same
// heatmap snapshots. Never throws for bad data: `false` with `problem` set.
namespace png {

bool looksLikePng(const std::uint8_t* data, std::size_t bytes);
// Any PNG (grey, palette, 16-bit, with alpha: composited on black) as 8-bit RGB.
bool decode(const std::uint8_t* data, std::size_t bytes, jpeg::RgbImage& out, std::string& problem);
std::vector<std::uint8_t> encode(const jpeg::RgbImage& rgb);

}  // namespace png

// A JPEG or PNG file as RGB (JPEG at the smallest TurboJPEG scale whose shorter side is still at
// least `minShorterSide`); other formats are refused with a reason. For builds without OpenCV.
bool decodeJpegOrPng(const std::filesystem::path& file, jpeg::RgbImage& out, std::string& problem, int minShorterSide = 0);

}  // namespace fra
