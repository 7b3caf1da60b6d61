#include "data/TensorAugmenter.h"

#include <cmath>

namespace F = torch::nn::functional;

namespace fra {

namespace {
torch::Tensor perSample(const std::vector<double>& v, const torch::Tensor& like) {
    return torch::tensor(v, torch::kFloat64).to(like.device(), torch::kFloat32).view({-1, 1, 1, 1});
}
torch::Tensor mask(const std::vector<bool>& v, const torch::Tensor& like) {
    std::vector<std::uint8_t> bytes(v.begin(), v.end());
    return torch::tensor(bytes, torch::kUInt8).to(like.device(), torch::kBool).view({-1, 1, 1, 1});
}
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

    // crop, resize and flip: output pixel centres mapped into the crop box (align_corners=false)
    std::vector<float> theta;
    for (const auto& p : params) {
        const double sx = static_cast<double>(p.cropWidth) / s, sy = static_cast<double>(p.cropHeight) / s;
        const double cx = (2.0 * p.cropX + p.cropWidth) / s - 1.0, cy = (2.0 * p.cropY + p.cropHeight) / s - 1.0;
        theta.insert(theta.end(), {static_cast<float>(p.flip ? -sx : sx), 0.f, static_cast<float>(cx), 0.f, static_cast<float>(sy),
                                   static_cast<float>(cy)});
    }
    const torch::Tensor affine = torch::tensor(theta).view({b, 2, 3}).to(x.device());
    const torch::Tensor grid = F::affine_grid(affine, {b, 3, out, out}, /*align_corners=*/false);
    x = F::grid_sample(x, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false));

    // colour jitter, each sample in its own order of the four operations
    std::vector<double> bright(b, 1), contr(b, 1), satur(b, 1), shift(b, 0);
    for (std::int64_t i = 0; i < b; ++i)
        if (params[i].jitter) {
            bright[i] = params[i].brightness;
            contr[i] = params[i].contrast;
            satur[i] = params[i].saturation;
            shift[i] = params[i].hue;
        }
    const torch::Tensor fb = perSample(bright, x), fc = perSample(contr, x), fs = perSample(satur, x), fh = perSample(shift, x);
    for (int position = 0; position < 4; ++position) {
        for (int op = 0; op < 4; ++op) {
            std::vector<bool> here(b);
            bool any = false;
            for (std::int64_t i = 0; i < b; ++i) any |= here[i] = params[i].jitter && params[i].jitterOrder[position] == op;
            if (!any) continue;
            torch::Tensor changed;
            switch (op) {
            case 0: changed = brightness(x, fb); break;
            case 1: changed = contrast(x, fc); break;
            case 2: changed = saturation(x, fs); break;
            default: changed = hue(x, fh); break;
            }
            x = torch::where(mask(here, x), changed, x);
        }
    }

    std::vector<bool> toGray(b), toSolar(b);
    std::vector<double> sigma(b, 0);
    for (std::int64_t i = 0; i < b; ++i) {
        toGray[i] = params[i].grayscale;
        toSolar[i] = params[i].solarize;
        sigma[i] = params[i].blur ? params[i].blurSigma : 0.0;
    }
    x = torch::where(mask(toGray, x), gray(x).expand_as(x), x);

    // Gaussian blur with per-sample sigma: a separable grouped convolution, one kernel per image
    const double maxSigma = *std::max_element(sigma.begin(), sigma.end());
    if (maxSigma > 0) {
        const int radius = static_cast<int>(std::ceil(3.0 * maxSigma));
        const torch::Tensor taps = torch::arange(-radius, radius + 1, x.options());
        const torch::Tensor sig = perSample(sigma, x).view({-1, 1});
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
    x = torch::where(mask(toSolar, x) & (x >= threshold - 1e-6), 1.0 - x, x);

    const torch::Tensor mean = torch::tensor({config_.mean[0], config_.mean[1], config_.mean[2]}, torch::kFloat64).to(x.device(), torch::kFloat32);
    const torch::Tensor std = torch::tensor({config_.std[0], config_.std[1], config_.std[2]}, torch::kFloat64).to(x.device(), torch::kFloat32);
    return ((x - mean.view({1, 3, 1, 1})) / std.view({1, 3, 1, 1})).contiguous();
}

}  // namespace fra
