#include "model/FraBatchNorm.h"

#include "model/CrossRankOps.h"

namespace fra {

FraBatchNormImpl::FraBatchNormImpl(int64_t features, double momentum, double eps) : momentum_(momentum), eps_(eps) {
    weight = register_parameter("weight", torch::ones({features}));
    bias = register_parameter("bias", torch::zeros({features}));
    running_mean = register_buffer("running_mean", torch::zeros({features}));
    running_var = register_buffer("running_var", torch::ones({features}));
    num_batches_tracked = register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong));
}

torch::Tensor FraBatchNormImpl::forward(const torch::Tensor& x) {
    if (is_training()) {
        torch::NoGradGuard noGrad;
        num_batches_tracked.add_(1);
    }
    if (!is_training() || !ranks_ || ranks_->worldSize() == 1)
        return torch::batch_norm(x, weight, bias, running_mean, running_var, is_training(), momentum_, eps_,
                                 at::globalContext().userEnabledCuDNN());
    std::vector<int64_t> dims{0};
    for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
    const torch::Tensor xf = x.to(torch::kFloat32);
    // One all-reduce for both moments. They are accumulated in double: var = E[x^2] - E[x]^2
    // cancels catastrophically in float32 for channels whose spread is small next to their mean.
    const torch::Tensor xd = xf.to(torch::kDouble);
    const torch::Tensor moments = ranks_->mean(torch::stack({xd.mean(dims), (xd * xd).mean(dims)}));
    const torch::Tensor mean = moments[0].to(torch::kFloat32);
    const torch::Tensor var = (moments[1] - moments[0] * moments[0]).clamp_min(0).to(torch::kFloat32);
    {
        torch::NoGradGuard noGrad;
        const double n = static_cast<double>(x.numel() / x.size(1)) * ranks_->worldSize();
        running_mean.mul_(1 - momentum_).add_(mean.detach(), momentum_);
        running_var.mul_(1 - momentum_).add_(var.detach() * (n / std::max(1.0, n - 1)), momentum_);
    }
    std::vector<int64_t> shape(x.dim(), 1);
    shape[1] = x.size(1);
    const torch::Tensor scale = (weight / torch::sqrt(var + eps_)).view(shape);
    return ((xf - mean.view(shape)) * scale + bias.view(shape)).to(x.scalar_type());
}

void useCrossRankBatchNorm(torch::nn::Module& module, const CrossRankOps* ops) {
    for (auto& m : module.modules(/*include_self=*/true))
        if (auto* bn = m->as<FraBatchNorm>()) bn->setCrossRankOps(ops);
}

}  // namespace fra
