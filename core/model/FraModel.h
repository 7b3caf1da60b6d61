#pragma once
#include "config/FraConfig.h"
#include "model/FraBranch.h"
#include "model/Mlp1d.h"

#include <torch/torch.h>
#include <vector>

namespace fra {

class CrossRankOps;

struct FraLossTerms {
    torch::Tensor total;  // L = L_c + lambda_r * L_r
    torch::Tensor lossC;  // consistency
    torch::Tensor lossR;  // semantic relation (zero when SR is off)
    torch::Tensor lossG;  // global BYOL terms of both view pairs, unweighted
    torch::Tensor lossL;  // local region terms of both view pairs, unweighted (zero when LC is off)
    // Region diagnostics (no gradient; undefined when LC is off), averaged over the two views:
    torch::Tensor regionCosine;    // mean pairwise cosine of the online branch's K batch-mean mask embeddings (1 = identical)
    torch::Tensor heatmapEntropy;  // mean per-pixel entropy of softmax_k(online dots / student temperature), over log K
    torch::Tensor regionContiguity;  // share of neighbouring map cells in the same arg-max region (1/K: noise, 1: segments)
};

// FRA: online branch + predictors trained by gradient, momentum branch by EMA.
// Module names: online.*, momentum.*, global_predictor.*, region_predictor.*
class FraModelImpl : public torch::nn::Module {
public:
    explicit FraModelImpl(const FraConfig& config);

    // One training forward of both views through both branches; the losses of the spec.
    // `crops` (viewCrops: B x 2 x 5) say where the two views lie in each image; needed with
    // loss.relation_targets = other_view.
    FraLossTerms forward(const torch::Tensor& view1, const torch::Tensor& view2, const CrossRankOps& ranks, const torch::Tensor& crops = {});

    // EMA of the online parameters (and optionally buffers) into the momentum branch.
    void updateMomentumBranch(double momentum);
    // The same with {m, 1 - m} in a tensor on the device (a CUDA graph replays it with new values).
    void updateMomentumBranch(const torch::Tensor& deviceMomentum);

    // What the optimiser updates: online branch and predictors (never the momentum branch).
    std::vector<std::pair<std::string, torch::Tensor>> trainableParameters() const;
    // BatchNorm parameters (excluded from weight decay and LARS adaptation like every bias).
    std::vector<torch::Tensor> batchNormParameters() const;

    FraBranch online{nullptr}, momentum{nullptr};
    const FraConfig& config() const { return config_; }

private:
    void updateMomentumBranch(const torch::Tensor& deviceMomentum, double momentum);

    FraConfig config_;
    Mlp1d globalPredictor{nullptr}, regionPredictor{nullptr};
};
TORCH_MODULE(FraModel);

}  // namespace fra
