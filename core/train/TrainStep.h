#pragma once
#include "config/FraConfig.h"
#include "model/FraModel.h"
#include "optim/Lars.h"

#include <memory>
#include <torch/torch.h>

namespace fra {

class CrossRankOps;
class GradientSync;

// One FRA optimisation step, shared by the trainer and the benchmark: forward both views
// through both branches, backward, LARS step, EMA of the momentum branch. No host
// synchronisation: the returned loss tensors are read by the caller when it needs them.
class TrainStep {
public:
    // With several ranks every BatchNorm takes its statistics over all ranks, and a
    // GradientSync (setGradientSync) averages the gradients during backward.
    TrainStep(const FraConfig& config, torch::Device device, const CrossRankOps& ranks);
    ~TrainStep();
    void setGradientSync(GradientSync* sync) { gradientSync_ = sync; }

    FraLossTerms run(const torch::Tensor& view1, const torch::Tensor& view2, double learningRate, double momentum);

    FraModel& model() { return model_; }
    Lars& optimizer() { return *optimizer_; }
    torch::Device device() const { return device_; }

private:
    FraConfig config_;
    torch::Device device_;
    const CrossRankOps& ranks_;
    FraModel model_{nullptr};
    std::unique_ptr<Lars> optimizer_;
    GradientSync* gradientSync_ = nullptr;
};

}  // namespace fra
