#include "model/FraModel.h"

#include "loss/CrossViewAlignment.h"
#include "loss/FraLosses.h"
#include "model/CrossRankOps.h"
#include "model/ModuleState.h"
#include "util/FraError.h"

namespace fra {

FraModelImpl::FraModelImpl(const FraConfig& config) : config_(config) {
    const bool regions = config.loss.localConsistency;
    online = register_module("online", FraBranch(config.model, regions));
    momentum = register_module("momentum", FraBranch(config.model, regions));
    const int d = config.model.embedDim, hidden = config.model.hiddenDim;
    globalPredictor = register_module("global_predictor", Mlp1d(d, hidden, d));
    if (regions) regionPredictor = register_module("region_predictor", Mlp1d(d, hidden, d));

    copyParametersAndBuffers(*online, *momentum);
    for (auto& p : momentum->parameters()) p.set_requires_grad(false);
}

FraLossTerms FraModelImpl::forward(const torch::Tensor& view1, const torch::Tensor& view2, const CrossRankOps& ranks, const torch::Tensor& crops) {
    const LossConfig& lc = config_.loss;
    const BranchOutputs o1 = online->forwardTraining(view1, ranks);
    const BranchOutputs o2 = online->forwardTraining(view2, ranks);
    BranchOutputs t1, t2;
    {
        torch::NoGradGuard noGrad;
        t1 = momentum->forwardTraining(view1, ranks);
        t2 = momentum->forwardTraining(view2, ranks);
    }
    FraLossTerms out;
    const auto zero = torch::zeros({}, view1.options().dtype(torch::kFloat32));
    out.lossG = zero;
    out.lossL = zero;
    out.lossR = zero;
    out.lossC = zero;
    const std::pair<const BranchOutputs*, const BranchOutputs*> pairs[] = {{&o1, &t2}, {&o2, &t1}};
    for (const auto& [o, t] : pairs) {
        const torch::Tensor g = byolLoss(globalPredictor(o->global.unsqueeze(-1)).squeeze(-1).to(torch::kFloat32),
                                         t->global.to(torch::kFloat32));
        out.lossG = out.lossG + g;
        if (!lc.localConsistency) {
            out.lossC = out.lossC + g;  // GC only: BYOL
            continue;
        }
        const torch::Tensor predicted = regionPredictor(o->regions.transpose(1, 2)).transpose(1, 2);  // B x K x D
        const torch::Tensor l = regionConsistency(predicted.to(torch::kFloat32), t->regions.to(torch::kFloat32),
                                                  lc.decorrelationWeight);
        out.lossL = out.lossL + l;
        out.lossC = out.lossC + lc.lambdaC * g + (1.0 - lc.lambdaC) * l;
    }
    out.total = out.lossC;
    if (lc.localConsistency) {  // what L_r's student sees, also when SR is off
        out.regionCosine = 0.5 * (meanPairwiseCosine(o1.maskEmbeddings) + meanPairwiseCosine(o2.maskEmbeddings));
        out.heatmapEntropy = 0.5 * (normalisedAssignmentEntropy(o1.dots, lc.studentTemperature) +
                                    normalisedAssignmentEntropy(o2.dots, lc.studentTemperature));
        out.regionContiguity = 0.5 * (regionContiguity(o1.dots) + regionContiguity(o2.dots));
    }
    if (lc.localConsistency && lc.semanticRelation) {
        if (lc.relationTargets == "other_view") {
            if (!crops.defined()) throw FraError("loss.relation_targets = other_view needs the views' crops");
            const auto h = o1.dots.size(2), w = o1.dots.size(3);
            const auto [grid12, inside12] = crossViewGrid(crops, 0, 1, h, w);
            const auto [grid21, inside21] = crossViewGrid(crops, 1, 0, h, w);
            out.lossR = 0.5 * (semanticRelationAcrossViews(o1.dots, t2.dots, grid12, inside12, lc, ranks) +
                               semanticRelationAcrossViews(o2.dots, t1.dots, grid21, inside21, lc, ranks));
        } else {
            out.lossR = 0.5 * (semanticRelation(o1.dots, t1.dots, lc, ranks) + semanticRelation(o2.dots, t2.dots, lc, ranks));
        }
        out.total = out.total + lc.lambdaR * out.lossR;
    }
    return out;
}

void FraModelImpl::updateMomentumBranch(double m) { updateMomentumBranch(torch::Tensor(), m); }

void FraModelImpl::updateMomentumBranch(const torch::Tensor& deviceMomentum) { updateMomentumBranch(deviceMomentum, 0.0); }

// EMA of the online branch into the momentum branch, with m a number or (graph-safe) a tensor
// {m, 1 - m} on the device whose values change between replays (1 - m is filled from the host's
// double, not computed in float32, so both forms round alike).
void FraModelImpl::updateMomentumBranch(const torch::Tensor& deviceMomentum, double m) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> targets, sources;
    for (const auto& p : momentum->parameters()) targets.push_back(p);
    for (const auto& p : online->parameters()) sources.push_back(p);
    const bool onDevice = deviceMomentum.defined();
    const torch::Tensor keep = onDevice ? deviceMomentum[0] : torch::Tensor(), take = onDevice ? deviceMomentum[1] : torch::Tensor();
    if (onDevice) {
        torch::_foreach_mul_(targets, std::vector<torch::Tensor>(targets.size(), keep));
        torch::_foreach_add_(targets, torch::_foreach_mul(sources, std::vector<torch::Tensor>(sources.size(), take)));
    } else {
        torch::_foreach_mul_(targets, m);
        torch::_foreach_add_(targets, sources, 1.0 - m);
    }
    if (!config_.momentum.averageBuffers) return;
    auto dst = momentum->named_buffers();
    for (const auto& item : online->named_buffers()) {
        torch::Tensor& t = dst[item.key()];
        if (!t.is_floating_point()) t.copy_(item.value());  // num_batches_tracked
        else if (onDevice) t.mul_(keep).add_(item.value() * take);
        else t.mul_(m).add_(item.value(), 1.0 - m);  // running stats, proto
    }
}

std::vector<std::pair<std::string, torch::Tensor>> FraModelImpl::trainableParameters() const {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : named_parameters())
        if (item.key().rfind("momentum.", 0) != 0) out.emplace_back(item.key(), item.value());
    return out;
}

std::vector<torch::Tensor> FraModelImpl::batchNormParameters() const {
    std::vector<torch::Tensor> out;
    for (const auto& module : modules(/*include_self=*/false)) {
        if (module->as<FraBatchNorm>())
            for (const auto& p : module->parameters(/*recurse=*/false)) out.push_back(p);
    }
    return out;
}

}  // namespace fra
