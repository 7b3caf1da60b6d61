#include "data/TensorAugmenter.h"

#include <algorithm>
#include <cmath>

namespace F = torch::nn::functional;

namespace fra {

namespace {
// Columns of the per-sample parameter table that apply() uploads in one copy.
enum Column : int {
    kTheta = 0,                  // 6: affine crop/resize/flip
    kBrightness = 6, kContrast, kSaturation, kHue,
    kJitterAt = 10,              // 16: sample does jitter op `op` at position `position` (10 + 4 * position + op)
    kGray = 26, kSolarize, kSigma,
    kMean = 29,                  // 3
    kStd = 32,                   // 3
    kColumns = 35
};
}  // namespace

TensorAugmenter::TensorAugmenter(const DataConfig& config) : config_(config) {}

torch::Tensor TensorAugmenter::gray(const torch::Tensor& x) {
    return (0.299 * x.select(1, 0) + 0.587 * x.select(1, 1) + 0.114 * x.select(1, 2)).unsqueeze(1);
}

torch::Tensor TensorAugmenter::brightness(const torch::Tensor& x, const torch::Tensor& f) { return (x * f).clamp(0, 1); }

torch::Tensor TensorAugmenter::contrast(const torch::Tensor& x, const torch::Tensor& f) {
    const torch::Tensor mean = gray(x).mean({1, 2, 3}, /*keepdim=*/true);
    return (mean + f * (x - mean)).clamp(0, 1);
}

torch::Tensor TensorAugmenter::saturation(const torch::Tensor& x, const torch::Tensor& f) {
    const torch::Tensor g = gray(x);
    return (g + f * (x - g)).clamp(0, 1);
}

torch::Tensor TensorAugmenter::hue(const torch::Tensor& x, const torch::Tensor& shift) {
    // RGB -> HSV (hue in [0, 1)), shift, back
    const torch::Tensor r = x.select(1, 0), g = x.select(1, 1), b = x.select(1, 2);
    const torch::Tensor maxc = std::get<0>(x.max(1)), minc = std::get<0>(x.min(1));
    const torch::Tensor delta = maxc - minc;
    const torch::Tensor safe = torch::where(delta > 0, delta, torch::ones_like(delta));
    torch::Tensor h = torch::where(maxc == r, (g - b) / safe, torch::where(maxc == g, 2.0 + (b - r) / safe, 4.0 + (r - g) / safe));
    h = torch::where(delta > 0, torch::remainder(h / 6.0 + shift.view({-1, 1, 1}), 1.0), torch::zeros_like(h));
    const torch::Tensor s = torch::where(maxc > 0, delta / torch::where(maxc > 0, maxc, torch::ones_like(maxc)), torch::zeros_like(maxc));
    const torch::Tensor v = maxc;
    const torch::Tensor h6 = h * 6.0;
    const torch::Tensor i = torch::floor(h6);
    const torch::Tensor f = h6 - i;
    const torch::Tensor p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    const torch::Tensor sector = torch::remainder(i, 6.0);
    auto pick = [&](const torch::Tensor& a0, const torch::Tensor& a1, const torch::Tensor& a2, const torch::Tensor& a3, const torch::Tensor& a4,
                    const torch::Tensor& a5) {
        return torch::where(sector == 0, a0,
                            torch::where(sector == 1, a1, torch::where(sector == 2, a2, torch::where(sector == 3, a3, torch::where(sector == 4, a4, a5)))));
    };
    return torch::stack({pick(v, q, p, p, t, v), pick(t, v, v, q, p, p), pick(p, p, t, v, v, q)}, 1);
}

torch::Tensor TensorAugmenter::apply(const torch::Tensor& images, const std::vector<ViewParams>& params) const {
    const auto b = images.size(0), s = images.size(1);
    const int out = config_.imageSize;
    TORCH_CHECK(static_cast<std::size_t>(b) == params.size(), "one ViewParams per image");
    torch::Tensor x = images.permute({0, 3, 1, 2}).to(torch::kFloat32).div(255.0);

    // Every per-sample parameter goes to the device in one table, through pinned memory and
    // without blocking: a pageable or blocking copy would make the host wait for the device.
    torch::Tensor table = torch::zeros({b, kColumns}, torch::kFloat32);
    float* row = table.data_ptr<float>();
    bool anyJitterAt[16] = {};
    double maxSigma = 0;
    for (std::int64_t i = 0; i < b; ++i, row += kColumns) {
        const ViewParams& p = params[i];
        // crop, resize and flip: output pixel centres mapped into the crop box (align_corners=false)
        const double sx = static_cast<double>(p.cropWidth) / s, sy = static_cast<double>(p.cropHeight) / s;
        const double cx = (2.0 * p.cropX + p.cropWidth) / s - 1.0, cy = (2.0 * p.cropY + p.cropHeight) / s - 1.0;
        const float theta[6] = {static_cast<float>(p.flip ? -sx : sx), 0.f, static_cast<float>(cx), 0.f, static_cast<float>(sy),
                                static_cast<float>(cy)};
        std::copy(theta, theta + 6, row + kTheta);
        row[kBrightness] = static_cast<float>(p.jitter ? p.brightness : 1.0);
        row[kContrast] = static_cast<float>(p.jitter ? p.contrast : 1.0);
        row[kSaturation] = static_cast<float>(p.jitter ? p.saturation : 1.0);
        row[kHue] = static_cast<float>(p.jitter ? p.hue : 0.0);
        if (p.jitter)
            for (int position = 0; position < 4; ++position) {
                const int at = 4 * position + p.jitterOrder[position];
                row[kJitterAt + at] = 1.f;
                anyJitterAt[at] = true;
            }
        row[kGray] = p.grayscale ? 1.f : 0.f;
        row[kSolarize] = p.solarize ? 1.f : 0.f;
        row[kSigma] = static_cast<float>(p.blur ? p.blurSigma : 0.0);
        maxSigma = std::max(maxSigma, static_cast<double>(row[kSigma]));
        for (int c = 0; c < 3; ++c) {
            row[kMean + c] = static_cast<float>(config_.mean[c]);
            row[kStd + c] = static_cast<float>(config_.std[c]);
        }
    }
    if (x.is_cuda()) table = table.pin_memory();
    table = table.to(x.device(), /*non_blocking=*/true);
    auto column = [&](int c, int width = 1) { return table.narrow(1, c, width); };
    auto perSample = [&](int c) { return column(c).view({-1, 1, 1, 1}); };
    auto mask = [&](int c) { return (column(c) > 0.5f).view({-1, 1, 1, 1}); };

    const torch::Tensor grid = F::affine_grid(column(kTheta, 6).reshape({b, 2, 3}), {b, 3, out, out}, /*align_corners=*/false);
    x = F::grid_sample(x, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false));

    // colour jitter, each sample in its own order of the four operations
    const torch::Tensor fb = perSample(kBrightness), fc = perSample(kContrast), fs = perSample(kSaturation), fh = perSample(kHue);
    for (int position = 0; position < 4; ++position) {
        for (int op = 0; op < 4; ++op) {
            const int at = 4 * position + op;
            if (!anyJitterAt[at]) continue;
            torch::Tensor changed;
            switch (op) {
            case 0: changed = brightness(x, fb); break;
            case 1: changed = contrast(x, fc); break;
            case 2: changed = saturation(x, fs); break;
            default: changed = hue(x, fh); break;
            }
            x = torch::where(mask(kJitterAt + at), changed, x);
        }
    }
    x = torch::where(mask(kGray), gray(x).expand_as(x), x);

    // Gaussian blur with per-sample sigma: a separable grouped convolution, one kernel per image
    if (maxSigma > 0) {
        const int radius = static_cast<int>(std::ceil(3.0 * maxSigma));
        const torch::Tensor taps = torch::arange(-radius, radius + 1, x.options());
        const torch::Tensor sig = column(kSigma);
        torch::Tensor kernel = torch::exp(-taps.pow(2).unsqueeze(0) / (2 * sig.clamp_min(1e-6).pow(2)));
        kernel = torch::where(taps.abs().unsqueeze(0) <= torch::ceil(3 * sig), kernel, torch::zeros_like(kernel));  // OpenCV's support
        kernel = kernel / kernel.sum(1, true);
        const torch::Tensor delta = (taps == 0).to(x.scalar_type()).unsqueeze(0).expand_as(kernel);
        kernel = torch::where(sig > 0, kernel, delta);                                       // no blur: identity
        const torch::Tensor k = kernel.repeat_interleave(3, 0);                            // (B*3, taps)
        torch::Tensor y = x.reshape({1, b * 3, out, out});
        y = F::pad(y, F::PadFuncOptions({radius, radius, radius, radius}).mode(torch::kReflect));
        y = F::conv2d(y, k.view({b * 3, 1, 1, -1}), F::Conv2dFuncOptions().groups(b * 3));
        y = F::conv2d(y, k.view({b * 3, 1, -1, 1}), F::Conv2dFuncOptions().groups(b * 3));
        x = y.view({b, 3, out, out});
    }
    const double threshold = config_.solarizeThreshold / 255.0;
    x = torch::where(mask(kSolarize) & (x >= threshold - 1e-6), 1.0 - x, x);

    return ((x - column(kMean, 3).view({b, 3, 1, 1})) / column(kStd, 3).view({b, 3, 1, 1})).contiguous();
}

}  // namespace fra
