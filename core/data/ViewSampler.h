#pragma once
#include "config/FraConfig.h"
#include "data/ViewParams.h"

#include <cstdint>

namespace fra {

// Draws the random decisions of one augmented view (the spec's recipe, torchvision's
// RandomResizedCrop algorithm) from a seed. Pure arithmetic, no image library: the OpenCV
// augmenter and the tensor (GPU) augmenter replay the same parameters.
class ViewSampler {
public:
    explicit ViewSampler(const DataConfig& config);
    ViewParams draw(std::uint64_t seed, int view, int imageWidth, int imageHeight) const;

private:
    DataConfig config_;
};

}  // namespace fra
