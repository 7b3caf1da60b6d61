#pragma once
#include <cstdint>
#include <vector>

namespace fra {

// Two augmented views of `size` images, as planar float32 NCHW buffers ready to be wrapped by
// a tensor without copying.
struct Batch {
    std::int64_t step = 0;
    int size = 0;
    int imageSize = 0;
    std::vector<float> view1;
    std::vector<float> view2;
    std::vector<std::int64_t> fileIndices;  // which image filled each slot (after skipping bad ones)

    std::size_t floatsPerImage() const { return 3u * static_cast<std::size_t>(imageSize) * imageSize; }
};

}  // namespace fra
