#pragma once
#include <torch/torch.h>

namespace fra {

class CrossRankOps;

// BatchNorm with torchvision's parameter and buffer names (weight, bias, running_mean,
// running_var, num_batches_tracked) that can compute its batch statistics over all
// data-parallel ranks, like the authors' SyncBN. In one process it is LibTorch's batch_norm.
// Across ranks, mean and mean of squares go through CrossRankOps::mean, whose backward
// all-reduces too, so gradients equal those of one process holding the combined batch.
class FraBatchNormImpl : public torch::nn::Module {
public:
    explicit FraBatchNormImpl(int64_t features, double momentum = 0.1, double eps = 1e-5);
    torch::Tensor forward(const torch::Tensor& x);  // (N, C), (N, C, L) or (N, C, H, W)
    void setCrossRankOps(const CrossRankOps* ops) { ranks_ = ops; }

    torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;

private:
    double momentum_, eps_;
    const CrossRankOps* ranks_ = nullptr;
};
TORCH_MODULE(FraBatchNorm);

// Points every FraBatchNorm below `module` at `ops` (nullptr: local statistics).
void useCrossRankBatchNorm(torch::nn::Module& module, const CrossRankOps* ops);

}  // namespace fra
