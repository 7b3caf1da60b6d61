#include "data/ViewSampler.h"

#include "util/SeedSequence.h"

#include <algorithm>
#include <cmath>

namespace fra {
namespace {

// A small, portable generator: the same seed gives the same draws with every compiler and
// standard library (std::uniform_real_distribution does not promise that).
class ViewRng {
public:
    explicit ViewRng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() { return state_ = splitMix64(state_); }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    bool bernoulli(double p) { return uniform() < p; }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

private:
    std::uint64_t state_;
};

}  // namespace

ViewSampler::ViewSampler(const DataConfig& config) : config_(config) {}

ViewParams ViewSampler::draw(std::uint64_t seed, int view, int w, int h) const {
    ViewRng rng(seed);
    ViewParams p;
    const double area = static_cast<double>(w) * h;
    const double logRatioMin = std::log(config_.cropRatioMin), logRatioMax = std::log(config_.cropRatioMax);
    bool found = false;
    for (int attempt = 0; attempt < 10 && !found; ++attempt) {  // torchvision's RandomResizedCrop
        const double targetArea = area * rng.uniform(config_.cropScaleMin, config_.cropScaleMax);
        const double aspect = std::exp(rng.uniform(logRatioMin, logRatioMax));
        const int cw = static_cast<int>(std::lround(std::sqrt(targetArea * aspect)));
        const int ch = static_cast<int>(std::lround(std::sqrt(targetArea / aspect)));
        if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
            p.cropWidth = cw;
            p.cropHeight = ch;
            p.cropY = rng.below(h - ch + 1);
            p.cropX = rng.below(w - cw + 1);
            found = true;
        }
    }
    if (!found) {  // fall back to the whole image, clipped to the allowed aspect range
        const double inRatio = static_cast<double>(w) / h;
        if (inRatio < config_.cropRatioMin) {
            p.cropWidth = w;
            p.cropHeight = static_cast<int>(std::lround(w / config_.cropRatioMin));
        } else if (inRatio > config_.cropRatioMax) {
            p.cropHeight = h;
            p.cropWidth = static_cast<int>(std::lround(h * config_.cropRatioMax));
        } else {
            p.cropWidth = w;
            p.cropHeight = h;
        }
        p.cropX = (w - p.cropWidth) / 2;
        p.cropY = (h - p.cropHeight) / 2;
    }
    p.flip = rng.bernoulli(config_.flipProbability);
    p.jitter = rng.bernoulli(config_.jitterProbability);
    if (p.jitter) {
        for (int i = 3; i > 0; --i) std::swap(p.jitterOrder[i], p.jitterOrder[rng.below(i + 1)]);
        p.brightness = rng.uniform(std::max(0.0, 1.0 - config_.brightness), 1.0 + config_.brightness);
        p.contrast = rng.uniform(std::max(0.0, 1.0 - config_.contrast), 1.0 + config_.contrast);
        p.saturation = rng.uniform(std::max(0.0, 1.0 - config_.saturation), 1.0 + config_.saturation);
        p.hue = rng.uniform(-config_.hue, config_.hue);
    }
    p.grayscale = rng.bernoulli(config_.grayscaleProbability);
    const ViewAugmentConfig& perView = view == 0 ? config_.view1 : config_.view2;
    p.blur = rng.bernoulli(perView.blurProbability);
    p.blurSigma = rng.uniform(config_.blurSigmaMin, config_.blurSigmaMax);
    p.solarize = rng.bernoulli(perView.solarizeProbability);
    return p;
}

}  // namespace fra
