#include "model/FraBranch.h"

#include "config/FraConfig.h"
#include "model/CrossRankOps.h"

namespace F = torch::nn::functional;

namespace fra {

FraBranchImpl::FraBranchImpl(const ModelConfig& config, bool withRegions)
    : withRegions_(withRegions), heatmapTemperature_(config.heatmapTemperature), protoMomentum_(config.protoMomentum) {
    backbone = register_module("backbone", ResNet(config.arch, config.outputStride));
    const int channels = backbone->outChannels();
    globalProjector = register_module("global_projector", Mlp1d(channels, config.hiddenDim, config.embedDim));
    if (withRegions_) {
        regionProjector = register_module("region_projector", Mlp1d(channels, config.hiddenDim, config.embedDim));
        pixelProjector = config.sharePixelRegionProjector
                             ? regionProjector
                             : register_module("pixel_projector", Mlp1d(channels, config.hiddenDim, config.embedDim));
        decoder = register_module("decoder", QueryDecoder(channels, config));
        proto = register_buffer("proto", torch::randn({config.numRegions, config.embedDim}));
    }
}

BranchOutputs FraBranchImpl::project(const torch::Tensor& features, const torch::Tensor& maskEmbeddings) {
    BranchOutputs out;
    const auto b = features.size(0), h = features.size(2), w = features.size(3);
    out.global = globalProjector(features.mean({2, 3}).unsqueeze(-1)).squeeze(-1);
    if (!withRegions_) return out;
    const torch::Tensor flat = features.flatten(2);                                   // B x C x HW
    const torch::Tensor pixels = pixelProjector(flat);                                // B x D x HW
    const torch::Tensor e = F::normalize(maskEmbeddings, F::NormalizeFuncOptions().dim(-1));
    const torch::Tensor p = F::normalize(pixels, F::NormalizeFuncOptions().dim(1));
    const torch::Tensor dots = torch::matmul(e.to(p.scalar_type()), p);              // B x K x HW
    const torch::Tensor heat = torch::softmax(dots / heatmapTemperature_, 1) + 1e-7;
    // region vector k = heatmap-weighted average of the backbone map
    const torch::Tensor weights = heat / heat.sum(-1, /*keepdim=*/true);
    const torch::Tensor regionVectors = torch::bmm(flat, weights.transpose(1, 2).to(flat.scalar_type()));  // B x C x K
    out.regions = regionProjector(regionVectors).transpose(1, 2);                     // B x K x D
    out.dots = dots.view({b, -1, h, w});
    out.heatmaps = heat.view({b, -1, h, w});
    out.maskEmbeddings = maskEmbeddings.select(0, 0);
    return out;
}

BranchOutputs FraBranchImpl::forwardTraining(const torch::Tensor& images, const CrossRankOps& ranks) {
    const torch::Tensor features = backbone(images);
    if (!withRegions_) return project(features, {});
    const torch::Tensor embeddings = decoder(features);                      // B x K x D
    const torch::Tensor batchMean = ranks.mean(embeddings.mean(0));          // K x D, shared by every image
    {
        torch::NoGradGuard noGrad;
        proto.mul_(protoMomentum_).add_(batchMean.detach().to(proto.scalar_type()), 1.0 - protoMomentum_);
    }
    return project(features, batchMean.unsqueeze(0));
}

BranchOutputs FraBranchImpl::forwardInference(const torch::Tensor& images) {
    const torch::Tensor features = backbone(images);
    if (!withRegions_) return project(features, {});
    return project(features, proto.unsqueeze(0));
}

}  // namespace fra
