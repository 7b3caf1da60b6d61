#pragma once
#include <torch/torch.h>

namespace fra {

struct LarsOptions : public torch::optim::OptimizerCloneableOptions<LarsOptions> {
    explicit LarsOptions(double lr = 0.1) : lr_(lr) {}
    TORCH_ARG(double, lr);
    TORCH_ARG(double, momentum) = 0.9;
    TORCH_ARG(double, weight_decay) = 0.0;
    TORCH_ARG(double, trust_coefficient) = 1e-3;
    TORCH_ARG(double, eps) = 1e-8;
    // Excluded groups (BN parameters, biases) get neither weight decay nor LARS adaptation.
    TORCH_ARG(bool, exclude_from_adaptation) = false;

public:
    void serialize(torch::serialize::InputArchive& archive) override;
    void serialize(torch::serialize::OutputArchive& archive) const override;
    double get_lr() const override { return lr(); }
    void set_lr(const double lr) override { this->lr(lr); }
};

struct LarsParamState : public torch::optim::OptimizerCloneableParamState<LarsParamState> {
    TORCH_ARG(torch::Tensor, momentum_buffer);

public:
    void serialize(torch::serialize::InputArchive& archive) override;
    void serialize(torch::serialize::OutputArchive& archive) const override;
};

// LARS (You et al.) as in the BYOL/LEWEL/FRA code: SGD with momentum where each parameter's
// step is scaled by trust * |w| / (|g| + wd * |w| + eps). Everything stays on the device: no
// .item() and no host synchronisation inside step().
class Lars : public torch::optim::Optimizer {
public:
    Lars(std::vector<torch::optim::OptimizerParamGroup> groups, LarsOptions defaults);
    torch::Tensor step(LossClosure closure = nullptr) override;
    // Graph-safe: take the learning rate of every group from this 0-dim tensor on the parameters'
    // device instead of the groups' numbers (a CUDA graph replays the step with new values in it).
    void setLearningRateTensor(torch::Tensor lr) { lrTensor_ = std::move(lr); }
    void save(torch::serialize::OutputArchive& archive) const override;
    void load(torch::serialize::InputArchive& archive) override;

private:
    torch::Tensor lrTensor_;

    template <typename Self, typename Archive>
    static void serialize(Self& self, Archive& archive) {
        torch::optim::serialize<LarsParamState, LarsOptions>(archive, self);
    }
};

}  // namespace fra
