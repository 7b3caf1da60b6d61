#include "bench/ParityCheck.h"

#include "compat/TorchCompat.h"
#include "data/TensorAugmenter.h"
#include "data/ViewSampler.h"
#include "model/CrossRankOps.h"
#include "model/ModuleState.h"
#include "train/TrainStep.h"
#include "util/FraError.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace fra {

namespace {

std::vector<double> lossValues(const FraLossTerms& terms) {
    std::vector<double> out;
    for (const auto* t : {&terms.total, &terms.lossC, &terms.lossR, &terms.lossG, &terms.lossL})
        out.push_back(t->detach().to(torch::kCPU, torch::kDouble).item<double>());
    return out;
}

// Mean and largest difference (normalised pixel units) between the views made from the same raw
// faces and parameters on the CPU and on the GPU.
std::pair<double, double> augmentationDifference(const DataConfig& data, const torch::Device& cuda) {
    const int b = 16, side = data.imageSize + data.imageSize / 4;
    const torch::Tensor raw = torch::randint(0, 256, {b, side, side, 3}, torch::kUInt8);
    const ViewSampler sampler(data);
    const TensorAugmenter augmenter(data);
    double worst = 0, mean = 0;
    for (int view = 0; view < 2; ++view) {
        std::vector<ViewParams> params;
        for (int i = 0; i < b; ++i) params.push_back(sampler.draw(1000 * view + i, view, side, side));
        const torch::Tensor onCpu = augmenter.apply(raw, params), onCuda = augmenter.apply(raw.to(cuda), params).cpu();
        const torch::Tensor difference = (onCpu - onCuda).abs();
        worst = std::max(worst, difference.max().item<double>());
        mean += difference.mean().item<double>() / 2;
    }
    return {mean, worst};
}

}  // namespace

// Where two models that should be equal differ after a step: the parameters with the largest
// relative difference, and those whose gradient is exactly zero on one device only (LARS takes a
// plain step for a zero gradient and a trust-scaled one otherwise: a discontinuity rounding can cross).
static nlohmann::json weightDifferences(FraModelImpl& cpu, FraModelImpl& cuda) {
    auto other = cuda.named_parameters();
    std::vector<std::pair<double, std::string>> rel;
    nlohmann::json zeroOnOneSide = nlohmann::json::array();
    for (const auto& p : cpu.named_parameters()) {
        const torch::Tensor q = other[p.key()].to(torch::kCPU);
        rel.emplace_back(((p.value() - q).norm() / p.value().norm().clamp_min(1e-12)).item<double>(), p.key());
        const torch::Tensor g = p.value().grad(), h = other[p.key()].grad();
        if (g.defined() && h.defined()) {
            const double gn = g.norm().item<double>(), hn = h.to(torch::kCPU).norm().item<double>();
            if ((gn == 0) != (hn == 0)) zeroOnOneSide.push_back({{"name", p.key()}, {"cpu_grad_norm", gn}, {"cuda_grad_norm", hn}});
        }
    }
    std::sort(rel.rbegin(), rel.rend());
    nlohmann::json top = nlohmann::json::array();
    for (std::size_t i = 0; i < rel.size() && i < 5; ++i) top.push_back({{"name", rel[i].second}, {"rel_diff", rel[i].first}});
    return {{"largest", top}, {"zero_gradient_on_one_device", zeroOnOneSide}};
}

nlohmann::json runParityCheck(const FraConfig& requested, int steps, double tolerance) {
    if (!torch::cuda::is_available()) throw FraError("bench parity compares CPU with CUDA, and no CUDA device is available");
    FraConfig config = requested;
    config.model.decoderDropout = 0.0;
    config.run.precision = "fp32";
    compat::Tf32Off exactFp32;
    torch::manual_seed(config.run.seed);
    const int b = config.data.batchSize, s = config.data.imageSize;
    const torch::Tensor x1 = torch::randn({b, 3, s, s}), x2 = torch::randn({b, 3, s, s});
    const torch::Device cuda(torch::kCUDA, 0);
    const torch::Tensor x1Cuda = x1.to(cuda), x2Cuda = x2.to(cuda);

    TrainStep onCpu(config, torch::Device(torch::kCPU), CrossRankOps::singleProcess());
    TrainStep onCuda(config, cuda, CrossRankOps::singleProcess());
    copyParametersAndBuffers(*onCpu.model(), *onCuda.model());

    const char* names[] = {"loss", "loss_c", "loss_r", "loss_g", "loss_l"};
    std::vector<double> worst(5, 0.0);
    nlohmann::json perStep = nlohmann::json::array();
    for (int i = 0; i < steps; ++i) {
        const double lr = 0.05, momentum = 0.99;
        const std::vector<double> a = lossValues(onCpu.run(x1, x2, lr, momentum));
        const std::vector<double> c = lossValues(onCuda.run(x1Cuda, x2Cuda, lr, momentum));
        nlohmann::json row = {{"step", i + 1}};
        for (int k = 0; k < 5; ++k) {
            const double rel = std::abs(a[k] - c[k]) / std::max(std::abs(a[k]), 1e-6);
            worst[k] = std::max(worst[k], std::isfinite(rel) ? rel : INFINITY);
            row[names[k]] = {{"cpu", a[k]}, {"cuda", c[k]}};
        }
        row["weights"] = weightDifferences(*onCpu.model(), *onCuda.model());
        perStep.push_back(row);
    }
    nlohmann::json out = {{"bench", "parity"}, {"impl", "fra-cpp"}, {"arch", config.model.arch}, {"bs", b}, {"res", s},
                          {"channels_last", config.run.channelsLast}, {"query_init", config.model.queryInit},
                          {"steps", steps}, {"tolerance", tolerance}, {"libtorch", compat::torchVersion()}, {"per_step", perStep}};
    bool pass = true;
    for (int k = 0; k < 5; ++k) {
        out[std::string("max_rel_diff_") + names[k]] = worst[k];
        pass = pass && worst[k] <= tolerance;
    }
    // bilinear sampling, the blur and the hue sectors round differently on the two devices: a
    // wrong parameter would move whole images, rounding moves a few pixels
    const auto [augmentMean, augmentMax] = augmentationDifference(config.data, cuda);
    out["augment_mean_abs_diff"] = augmentMean;
    out["augment_max_abs_diff"] = augmentMax;
    out["pass"] = pass && augmentMean <= 1e-4;
    return out;
}

}  // namespace fra
