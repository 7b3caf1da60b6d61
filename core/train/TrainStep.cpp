#include "train/TrainStep.h"

#include "compat/TorchCompat.h"
#include "dist/GradientSync.h"
#include "model/CrossRankOps.h"
#include "model/FraBatchNorm.h"
#include "optim/ParameterGroups.h"
#include "util/FraError.h"

#ifdef FRA_WITH_CUDA
#include "train/CudaGraphStep.h"
#else
namespace fra {
class CudaGraphStep {};  // never made without CUDA; complete for TrainStep's unique_ptr
}  // namespace fra
#endif

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
    if (config.run.cudaGraph) {
        if (!device_.is_cuda()) throw FraError("run.cuda_graph needs run.device = cuda");
        if (ranks_.worldSize() > 1)
            throw FraError("run.cuda_graph works with one process: the gradient all-reduce of several ranks is not captured");
#ifdef FRA_WITH_CUDA
        graph_ = std::make_unique<CudaGraphStep>(*this);
#else
        throw FraError("run.cuda_graph needs a build with CUDA (-DFRA_WITH_CUDA=ON)");
#endif
    }
}

TrainStep::~TrainStep() = default;

void TrainStep::setGradientSync(GradientSync* sync) {
    if (sync && graph_) throw FraError("run.cuda_graph works with one process");
    gradientSync_ = sync;
}

bool TrainStep::replaysGraph() const { return graph_ != nullptr; }

FraLossTerms TrainStep::forwardBackward(const torch::Tensor& view1, const torch::Tensor& view2, const torch::Tensor& crops) {
    if (gradientSync_) gradientSync_->beforeForward();
    FraLossTerms terms;
    {
        compat::AutocastGuard autocast(device_, config_.run.precision == "bf16");
        if (config_.run.channelsLast)
            terms = model_->forward(view1.contiguous(torch::MemoryFormat::ChannelsLast), view2.contiguous(torch::MemoryFormat::ChannelsLast), ranks_,
                                    crops);
        else
            terms = model_->forward(view1, view2, ranks_, crops);
    }
    model_->zero_grad(/*set_to_none=*/true);
    if (gradientSync_) gradientSync_->beforeBackward(terms.total);
    terms.total.backward();
    return terms;
}

FraLossTerms TrainStep::run(const torch::Tensor& view1, const torch::Tensor& view2, double learningRate, double momentum,
                            const torch::Tensor& crops) {
#ifdef FRA_WITH_CUDA
    if (graph_) return graph_->run(view1, view2, learningRate, momentum);
#endif
    for (auto& group : optimizer_->param_groups()) group.options().set_lr(learningRate);
    const FraLossTerms terms = forwardBackward(view1, view2, crops);
    optimizer_->step();
    model_->updateMomentumBranch(momentum);
    return terms;
}

FraLossTerms TrainStep::runWithDeviceScalars(const torch::Tensor& view1, const torch::Tensor& view2, const torch::Tensor& learningRate,
                                             const torch::Tensor& momentum) {
    const FraLossTerms terms = forwardBackward(view1, view2);
    optimizer_->setLearningRateTensor(learningRate);
    optimizer_->step();
    optimizer_->setLearningRateTensor(torch::Tensor());
    model_->updateMomentumBranch(momentum);
    return terms;
}

}  // namespace fra
