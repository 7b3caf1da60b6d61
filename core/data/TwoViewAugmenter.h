#pragma once
#include "config/FraConfig.h"
#include "data/ViewParams.h"
#include "data/ViewSampler.h"

#include <cstdint>
#include <opencv2/core.hpp>

namespace fra {

// The spec's two-view recipe (RandomResizedCrop, flip, colour jitter in random order,
// grayscale, Gaussian blur, solarize, normalise) on 8-bit RGB images with OpenCV, following
// torchvision/PIL semantics. Views are a pure function of (image, seed, view index).
class TwoViewAugmenter {
public:
    explicit TwoViewAugmenter(const DataConfig& config);

    ViewParams drawParams(std::uint64_t seed, int view, int imageWidth, int imageHeight) const {
        return sampler_.draw(seed, view, imageWidth, imageHeight);
    }

    // Applies `params` and writes the normalised view as planar CHW floats (3 x size x size).
    void render(const cv::Mat& rgb, const ViewParams& params, float* chwOut) const;

    void makeView(const cv::Mat& rgb, std::uint64_t seed, int view, float* chwOut) const {
        render(rgb, drawParams(seed, view, rgb.cols, rgb.rows), chwOut);
    }

    // Deterministic evaluation transform: shorter side to `size`, centre crop, normalise.
    static cv::Mat centerCrop(const cv::Mat& rgb, int size);
    void normalizeInto(const cv::Mat& rgbSquare, float* chwOut) const;

    int outputSize() const { return config_.imageSize; }

private:
    DataConfig config_;
    ViewSampler sampler_;
};

}  // namespace fra
