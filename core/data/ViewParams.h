#pragma once
#include <array>

namespace fra {

// Every random decision behind one augmented view, drawn before any pixel is touched so that
// tests can check the spec's parameter ranges and the GPU path can replay the same recipe.
struct ViewParams {
    // RandomResizedCrop: a rectangle of the source image, resized to the output size.
    int cropX = 0, cropY = 0, cropWidth = 0, cropHeight = 0;
    bool flip = false;
    bool jitter = false;
    std::array<int, 4> jitterOrder{0, 1, 2, 3};  // 0 brightness, 1 contrast, 2 saturation, 3 hue
    double brightness = 1.0, contrast = 1.0, saturation = 1.0, hue = 0.0;
    bool grayscale = false;
    bool blur = false;
    double blurSigma = 0.0;
    bool solarize = false;
};

}  // namespace fra
