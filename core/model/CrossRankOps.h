#pragma once
#include <torch/torch.h>

namespace fra {

// The reductions FRA performs across data-parallel ranks (mask-embedding mean, prototype EMA,
// Sinkhorn sums, ME-MAX mean). A single process is the identity; the distributed trainer
// supplies an implementation over torch's c10d.
class CrossRankOps {
public:
    virtual ~CrossRankOps() = default;
    virtual int worldSize() const { return 1; }
    // Mean over ranks of a per-rank mean, differentiable: gradients reach every rank's inputs
    // exactly as in one process holding the combined batch.
    virtual torch::Tensor mean(const torch::Tensor& perRankMean) const { return perRankMean; }
    // Sum over ranks, no gradient (Sinkhorn normalisers).
    virtual torch::Tensor sum(const torch::Tensor& value) const { return value; }

    static const CrossRankOps& singleProcess();
};

}  // namespace fra
