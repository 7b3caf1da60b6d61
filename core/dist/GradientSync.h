#pragma once
#include <memory>
#include <torch/torch.h>
#include <vector>

namespace fra {

class ProcessGroupRanks;

// Data-parallel gradient averaging with torch's own c10d::Reducer (the engine behind DDP):
// gradients are grouped into ~25 MB buckets whose all-reduce starts as soon as the backward
// pass has produced them, overlapping communication with the rest of the backward pass.
class GradientSync {
public:
    // `findUnused`: some parameters may get no gradient in a step (slower; e.g. 0 decoder layers).
    GradientSync(const std::vector<torch::Tensor>& parameters, const ProcessGroupRanks& ranks, bool findUnused);
    ~GradientSync();
    void beforeForward();
    void beforeBackward(const torch::Tensor& loss);  // after the forward pass

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fra
