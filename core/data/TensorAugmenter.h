#pragma once
#include "config/FraConfig.h"
#include "data/ViewParams.h"

#include <torch/torch.h>
#include <vector>

namespace fra {

// The spec's view recipe as batched tensor operations, on whatever device the images are (the
// GPU input pipeline; it runs on CPU tensors too): crop + resize + flip through one affine
// grid_sample, colour jitter in each sample's random order, grayscale, per-sample Gaussian blur
// as a grouped separable convolution, solarize, normalisation. The random decisions are the
// same ViewParams the OpenCV augmenter replays. Differences from the OpenCV path: bilinear
// sampling without area filtering when a crop is shrunk, reflect-101 borders for the blur.
class TensorAugmenter {
public:
    explicit TensorAugmenter(const DataConfig& config);
    // images: uint8 (B, S, S, 3) RGB; returns normalised float32 (B, 3, imageSize, imageSize).
    torch::Tensor apply(const torch::Tensor& images, const std::vector<ViewParams>& params) const;

    // The single operations on float RGB in [0, 1], (B, 3, H, W), per-sample factors (B):
    static torch::Tensor brightness(const torch::Tensor& x, const torch::Tensor& factor);
    static torch::Tensor contrast(const torch::Tensor& x, const torch::Tensor& factor);
    static torch::Tensor saturation(const torch::Tensor& x, const torch::Tensor& factor);
    static torch::Tensor hue(const torch::Tensor& x, const torch::Tensor& shift);
    static torch::Tensor gray(const torch::Tensor& x);  // (B, 1, H, W), ITU-R 601 weights

private:
    DataConfig config_;
};

}  // namespace fra
