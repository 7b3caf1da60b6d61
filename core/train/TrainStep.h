#pragma once
#include "config/FraConfig.h"
#include "model/FraModel.h"
#include "optim/Lars.h"

#include <memory>
#include <torch/torch.h>

namespace fra {

class CrossRankOps;
class GradientSync;
class CudaGraphStep;

// One FRA optimisation step, shared by the trainer and the benchmark: forward both views
// through both branches, backward, LARS step, EMA of the momentum branch. No host
// synchronisation: the returned loss tensors are read by the caller when it needs them.
// With run.cuda_graph (CUDA, one process) the step is captured once in a CUDA graph after a few
// eager steps and replayed from then on; the returned tensors are then the graph's static
// outputs, overwritten by the next step.
class TrainStep {
public:
    // With several ranks every BatchNorm takes its statistics over all ranks, and a
    // GradientSync (setGradientSync) averages the gradients during backward.
    TrainStep(const FraConfig& config, torch::Device device, const CrossRankOps& ranks);
    ~TrainStep();
    void setGradientSync(GradientSync* sync);

    // `crops`: viewCrops of the two views (needed with loss.relation_targets = other_view).
    FraLossTerms run(const torch::Tensor& view1, const torch::Tensor& view2, double learningRate, double momentum,
                     const torch::Tensor& crops = {});
    // The graph-safe form of run(): lr (0-dim) and momentum ({m, 1 - m}) come from tensors on the
    // device, nothing on the host changes from one call to the next (what a CUDA graph captures).
    FraLossTerms runWithDeviceScalars(const torch::Tensor& view1, const torch::Tensor& view2, const torch::Tensor& learningRate,
                                      const torch::Tensor& momentum);
    bool replaysGraph() const;  // the step is (or will be, after its eager steps) a CUDA graph

    FraModel& model() { return model_; }
    Lars& optimizer() { return *optimizer_; }
    torch::Device device() const { return device_; }

private:
    FraLossTerms forwardBackward(const torch::Tensor& view1, const torch::Tensor& view2, const torch::Tensor& crops = {});

    FraConfig config_;
    torch::Device device_;
    const CrossRankOps& ranks_;
    FraModel model_{nullptr};
    std::unique_ptr<Lars> optimizer_;
    GradientSync* gradientSync_ = nullptr;
    std::unique_ptr<CudaGraphStep> graph_;  // run.cuda_graph on CUDA (builds with FRA_WITH_CUDA)
};

}  // namespace fra
