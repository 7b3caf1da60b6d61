#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fra {

// JPEG on the CPU with libjpeg-turbo's TurboJPEG API (Debian: libturbojpeg0-dev), in every build,
// the OpenCV-free GPU build included: the decoder of JPEG prepared stores and of JPEG folders
// augmented on the device, and the encoder of `fra prepare`. Never throws for bad data: a corrupt,
// truncated or oversized JPEG comes back as `false` with `problem` set, so a run skips it.
namespace jpeg {

struct Header {
    int width = 0, height = 0;
    int subsampling = -1;      // TurboJPEG's TJSAMP_* value
    bool rgbCapable = false;   // YCbCr or grayscale: decodable to RGB by every decoder (nvJPEG too)
    bool progressive = false;  // progressive or arithmetic-coded: nvJPEG's batched GPU path takes baseline only
};

struct RgbImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels;  // height x width x 3, RGB
};

bool looksLikeJpeg(const std::uint8_t* data, std::size_t bytes);
// A complete JPEG ends with the EOI marker (possibly followed by padding); libjpeg decodes a
// truncated file into a grey-padded image with only a warning.
bool hasEndMarker(const std::uint8_t* data, std::size_t bytes);

bool readHeader(const std::uint8_t* data, std::size_t bytes, Header& header, std::string& problem);
// Decodes at the smallest of TurboJPEG's scaling factors (M/8) whose shorter side is still at least
// `minShorterSide` (0: full size). Refuses images over 16384 px a side or 2^28 pixels.
bool decode(const std::uint8_t* data, std::size_t bytes, RgbImage& out, std::string& problem, int minShorterSide = 0);
// Decodes an image that must be exactly width x height into `rgb` (width * height * 3 bytes).
bool decodeInto(const std::uint8_t* data, std::size_t bytes, int width, int height, std::uint8_t* rgb, std::string& problem);
// Baseline JPEG of an RGB image; quality 1-100, chroma 4:2:0 (or 4:4:4 with `subsample = false`).
std::vector<std::uint8_t> encode(const std::uint8_t* rgb, int width, int height, int quality, bool subsample = true);

}  // namespace jpeg

// The square working image of the device augmentation: the centred square of the shorter side,
// resampled to size x size (box filter when shrinking, as OpenCV's INTER_AREA; bilinear when
// enlarging) into `out` (size * size * 3 bytes). Implemented with the other resampling in data/ImageOps.
void centreSquareResize(const jpeg::RgbImage& in, int size, std::uint8_t* out);

}  // namespace fra
