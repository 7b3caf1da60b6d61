#pragma once
#include "model/FraModel.h"

#include <memory>
#include <torch/torch.h>

namespace at::cuda {
struct CUDAGraph;
}

namespace fra {

class TrainStep;

// run.cuda_graph (CUDA builds): the whole training step (both views through both branches,
// backward, LARS, EMA) captured once in a CUDA graph and replayed, one launch per step instead of
// thousands of small kernels (the FRA heads, the decoder, Sinkhorn and the losses are many and
// small). The first `eagerSteps` run normally (cuDNN chooses its algorithms, LARS creates its
// momentum buffers); the next step is captured on a side stream and replayed. Inputs are copied
// into static tensors; lr and momentum ({m, 1 - m}) live in device tensors that are refilled
// before each replay. The returned loss tensors are the graph's static outputs.
class CudaGraphStep {
public:
    explicit CudaGraphStep(TrainStep& step, int eagerSteps = 3);
    ~CudaGraphStep();
    FraLossTerms run(const torch::Tensor& view1, const torch::Tensor& view2, double learningRate, double momentum);

private:
    void capture(const torch::Tensor& view1, const torch::Tensor& view2);

    TrainStep& step_;
    int eagerSteps_;
    int eagerDone_ = 0;
    torch::Tensor learningRate_, momentum_, view1_, view2_;
    FraLossTerms outputs_;
    std::unique_ptr<at::cuda::CUDAGraph> graph_;
};

}  // namespace fra
