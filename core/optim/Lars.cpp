#include "optim/Lars.h"

#include "compat/TorchCompat.h"

namespace fra {

void LarsOptions::serialize(torch::serialize::OutputArchive& archive) const {
    archive.write("lr", torch::IValue(lr()));
    archive.write("momentum", torch::IValue(momentum()));
    archive.write("weight_decay", torch::IValue(weight_decay()));
    archive.write("trust_coefficient", torch::IValue(trust_coefficient()));
    archive.write("eps", torch::IValue(eps()));
    archive.write("exclude_from_adaptation", torch::IValue(exclude_from_adaptation()));
}

void LarsOptions::serialize(torch::serialize::InputArchive& archive) {
    c10::IValue v;
    archive.read("lr", v);
    lr(v.toDouble());
    archive.read("momentum", v);
    momentum(v.toDouble());
    archive.read("weight_decay", v);
    weight_decay(v.toDouble());
    archive.read("trust_coefficient", v);
    trust_coefficient(v.toDouble());
    archive.read("eps", v);
    eps(v.toDouble());
    archive.read("exclude_from_adaptation", v);
    exclude_from_adaptation(v.toBool());
}

void LarsParamState::serialize(torch::serialize::OutputArchive& archive) const {
    if (momentum_buffer().defined()) archive.write("momentum_buffer", momentum_buffer(), /*is_buffer=*/true);
}

void LarsParamState::serialize(torch::serialize::InputArchive& archive) {
    torch::Tensor buffer;
    if (archive.try_read("momentum_buffer", buffer, /*is_buffer=*/true)) momentum_buffer(buffer);
}

Lars::Lars(std::vector<torch::optim::OptimizerParamGroup> groups, LarsOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<LarsOptions>(defaults)) {
    TORCH_CHECK(defaults.lr() >= 0, "Invalid learning rate: ", defaults.lr());
    TORCH_CHECK(defaults.momentum() >= 0, "Invalid momentum: ", defaults.momentum());
    TORCH_CHECK(defaults.weight_decay() >= 0, "Invalid weight decay: ", defaults.weight_decay());
}

torch::Tensor Lars::step(LossClosure closure) {
    torch::NoGradGuard noGrad;
    torch::Tensor loss;
    if (closure) {
        at::AutoGradMode enable(true);
        loss = closure();
    }
    // Multi-tensor (foreach) kernels over each group: a handful of launches per group instead of
    // about fifteen per parameter, which on a GPU costs more than the arithmetic.
    for (auto& group : param_groups()) {
        const auto& o = static_cast<const LarsOptions&>(group.options());
        const double wd = o.exclude_from_adaptation() ? 0.0 : o.weight_decay();
        std::vector<torch::Tensor> params, grads;
        for (auto& p : group.params()) {
            if (!p.grad().defined()) continue;
            params.push_back(p);
            grads.push_back(p.grad());
        }
        if (params.empty()) continue;
        std::vector<torch::Tensor> steps = wd != 0.0 ? torch::_foreach_add(grads, params, wd) : torch::_foreach_mul(grads, 1.0);
        const bool deviceLr = lrTensor_.defined();
        if (o.exclude_from_adaptation()) {
            if (deviceLr) torch::_foreach_mul_(steps, std::vector<torch::Tensor>(steps.size(), lrTensor_));
            else torch::_foreach_mul_(steps, o.lr());
        } else {
            const torch::Tensor wNorm = torch::stack(torch::_foreach_norm(params));
            const torch::Tensor gNorm = torch::stack(torch::_foreach_norm(grads));
            torch::Tensor trust = o.trust_coefficient() * wNorm / (gNorm + wd * wNorm + o.eps());
            // a zero weight or gradient norm would freeze the tensor; step plainly instead
            trust = torch::where((wNorm > 0) & (gNorm > 0), trust, torch::ones_like(trust));
            trust = deviceLr ? trust * lrTensor_ : trust * o.lr();
            torch::_foreach_mul_(steps, trust.unbind(0));
        }
        if (o.momentum() != 0.0) {
            std::vector<torch::Tensor> buffers, running, runningSteps;
            buffers.reserve(params.size());
            for (std::size_t i = 0; i < params.size(); ++i) {
                auto& slot = state_[compat::optimizerStateKey(*this, params[i])];
                if (!slot) {  // a parameter's first step starts its buffer at that step (as torch's SGD does)
                    auto created = std::make_unique<LarsParamState>();
                    created->momentum_buffer(steps[i].clone());
                    slot = std::move(created);
                } else {
                    running.push_back(static_cast<LarsParamState&>(*slot).momentum_buffer());
                    runningSteps.push_back(steps[i]);
                }
                buffers.push_back(static_cast<LarsParamState&>(*slot).momentum_buffer());
            }
            if (!running.empty()) {
                torch::_foreach_mul_(running, o.momentum());
                torch::_foreach_add_(running, runningSteps);
            }
            steps = std::move(buffers);
        }
        torch::_foreach_sub_(params, steps);
    }
    return loss;
}

void Lars::save(torch::serialize::OutputArchive& archive) const { serialize(*this, archive); }
void Lars::load(torch::serialize::InputArchive& archive) { serialize(*this, archive); }

}  // namespace fra
