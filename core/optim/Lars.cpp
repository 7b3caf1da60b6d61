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
    for (auto& group : param_groups()) {
        const auto& o = static_cast<const LarsOptions&>(group.options());
        const double wd = o.exclude_from_adaptation() ? 0.0 : o.weight_decay();
        for (auto& p : group.params()) {
            if (!p.grad().defined()) continue;
            torch::Tensor d = p.grad();
            if (wd != 0.0) d = d.add(p, wd);
            if (o.exclude_from_adaptation()) {
                d = d * o.lr();
            } else {
                const torch::Tensor wNorm = torch::norm(p);
                const torch::Tensor gNorm = torch::norm(p.grad());
                torch::Tensor trust = o.trust_coefficient() * wNorm / (gNorm + wd * wNorm + o.eps());
                // a zero weight or gradient norm would freeze the tensor; step plainly instead
                trust = torch::where((wNorm > 0) & (gNorm > 0), trust, torch::ones_like(trust));
                d = d * (trust * o.lr());
            }
            if (o.momentum() != 0.0) {
                auto& slot = state_[compat::optimizerStateKey(*this, p)];
                if (!slot) {
                    auto fresh = std::make_unique<LarsParamState>();
                    fresh->momentum_buffer(d.clone());
                    slot = std::move(fresh);
                } else {
                    auto& buffer = static_cast<LarsParamState&>(*slot).momentum_buffer();
                    buffer.mul_(o.momentum()).add_(d);
                }
                d = static_cast<LarsParamState&>(*slot).momentum_buffer();
            }
            p.sub_(d);
        }
    }
    return loss;
}

void Lars::save(torch::serialize::OutputArchive& archive) const { serialize(*this, archive); }
void Lars::load(torch::serialize::InputArchive& archive) { serialize(*this, archive); }

}  // namespace fra
