#include "train/CudaGraphStep.h"

#include "train/TrainStep.h"

#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

namespace fra {

CudaGraphStep::CudaGraphStep(TrainStep& step, int eagerSteps) : step_(step), eagerSteps_(eagerSteps) {}

CudaGraphStep::~CudaGraphStep() = default;

FraLossTerms CudaGraphStep::run(const torch::Tensor& view1, const torch::Tensor& view2, double learningRate, double momentum) {
    const c10::cuda::CUDAGuard onDevice(step_.device());
    if (!learningRate_.defined()) {
        const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(step_.device());
        learningRate_ = torch::zeros({}, options);
        momentum_ = torch::zeros({2}, options);
    }
    learningRate_.fill_(learningRate);  // kernels on the current stream, ordered before the replay
    momentum_[0].fill_(momentum);
    momentum_[1].fill_(1.0 - momentum);
    if (eagerDone_ < eagerSteps_) {
        ++eagerDone_;
        return step_.runWithDeviceScalars(view1, view2, learningRate_, momentum_);
    }
    if (!graph_) {
        capture(view1, view2);  // records the step; the replay below runs it
    } else {
        view1_.copy_(view1);
        view2_.copy_(view2);
    }
    graph_->replay();
    return outputs_;
}

void CudaGraphStep::capture(const torch::Tensor& view1, const torch::Tensor& view2) {
    view1_ = view1.clone();
    view2_ = view2.clone();
    const c10::cuda::CUDAStream current = c10::cuda::getCurrentCUDAStream();
    const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool();
    at::cuda::CUDAEvent inputsReady;
    inputsReady.record(current);
    inputsReady.block(side);
    graph_ = std::make_unique<at::cuda::CUDAGraph>();
    // autocast's cache of bf16 weight copies would be captured as stale constants: cast inside the graph
    const bool cache = at::autocast::is_autocast_cache_enabled();
    at::autocast::set_autocast_cache_enabled(false);
    {
        const c10::cuda::CUDAStreamGuard onSide(side);
        graph_->capture_begin();
        outputs_ = step_.runWithDeviceScalars(view1_, view2_, learningRate_, momentum_);
        graph_->capture_end();
    }
    at::autocast::set_autocast_cache_enabled(cache);
    at::cuda::CUDAEvent captured;
    captured.record(side);
    captured.block(current);
}

}  // namespace fra
