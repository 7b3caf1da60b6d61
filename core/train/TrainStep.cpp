#include "train/TrainStep.h"

#include "compat/TorchCompat.h"
#include "model/CrossRankOps.h"
#include "dist/GradientSync.h"
#include "model/FraBatchNorm.h"
#include "optim/ParameterGroups.h"

namespace fra {

TrainStep::TrainStep(const FraConfig& config, torch::Device device, const CrossRankOps& ranks)
    : config_(config), device_(device), ranks_(ranks) {
    if (device_.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);  // fixed shapes: let cuDNN time its algorithms once
    model_ = FraModel(config);
    model_->to(device_);
    if (config.run.channelsLast) {
        model_->online->backbone->toChannelsLast();
        model_->momentum->backbone->toChannelsLast();
    }
    model_->train();
    if (ranks_.worldSize() > 1) useCrossRankBatchNorm(*model_, &ranks_);
    optimizer_ = std::make_unique<Lars>(larsParameterGroups(splitForLars(*model_), config.optim, config.optim.lr),
                                        LarsOptions(config.optim.lr));
}

TrainStep::~TrainStep() = default;

FraLossTerms TrainStep::run(const torch::Tensor& view1, const torch::Tensor& view2, double learningRate, double momentum) {
    for (auto& group : optimizer_->param_groups()) group.options().set_lr(learningRate);
    if (gradientSync_) gradientSync_->beforeForward();
    FraLossTerms terms;
    {
        compat::AutocastGuard autocast(device_, config_.run.precision == "bf16");
        if (config_.run.channelsLast)
            terms = model_->forward(view1.contiguous(torch::MemoryFormat::ChannelsLast), view2.contiguous(torch::MemoryFormat::ChannelsLast), ranks_);
        else
            terms = model_->forward(view1, view2, ranks_);
    }
    model_->zero_grad(/*set_to_none=*/true);
    if (gradientSync_) gradientSync_->beforeBackward(terms.total);
    terms.total.backward();
    optimizer_->step();
    model_->updateMomentumBranch(momentum);
    return terms;
}

}  // namespace fra
