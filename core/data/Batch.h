#pragma once
#include "data/ViewParams.h"

#include <cstdint>
#include <vector>

namespace fra {

// Two augmented views of `size` images, as planar float32 NCHW buffers ready to be wrapped by
// a tensor without copying (or, from a prepared store, raw pixels to augment on the device).
struct Batch {
    std::int64_t step = 0;
    int size = 0;
    int imageSize = 0;
    std::vector<float> view1;
    std::vector<float> view2;
    std::vector<std::int64_t> fileIndices;  // which image filled each slot (after skipping bad ones)

    // Each view's random decisions (every batch: L_r's other_view targets read the crops).
    std::vector<ViewParams> params1, params2;
    // Batches from a prepared store (or a folder with data.augment = device) are augmented on the
    // compute device instead, from the raw pixels (size x rawSize x rawSize x 3, uint8 RGB).
    int rawSize = 0;
    std::vector<std::uint8_t> raw;
    bool augmentOnDevice() const { return rawSize > 0; }
    // With data.jpeg_decoder = nvjpeg, a JPEG store's faces stay encoded (rawSize x rawSize JPEGs,
    // checksums verified, pointing into the store's memory map) and `raw` is empty: the device
    // decodes them.
    std::vector<const std::uint8_t*> jpegData;
    std::vector<std::size_t> jpegBytes;
    bool decodeOnDevice() const { return !jpegData.empty(); }

    std::size_t floatsPerImage() const { return 3u * static_cast<std::size_t>(imageSize) * imageSize; }
};

}  // namespace fra
