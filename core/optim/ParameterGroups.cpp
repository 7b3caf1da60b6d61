#include "optim/ParameterGroups.h"

#include "config/FraConfig.h"
#include "model/FraModel.h"

#include <unordered_set>

namespace fra {

ParameterSplit splitForLars(const FraModelImpl& model) {
    std::unordered_set<const void*> batchNorm;
    for (const auto& p : model.batchNormParameters()) batchNorm.insert(p.unsafeGetTensorImpl());
    ParameterSplit split;
    for (const auto& [name, p] : model.trainableParameters()) {
        const bool isBias = name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0;
        if (isBias || batchNorm.count(p.unsafeGetTensorImpl())) {
            split.excluded.push_back(p);
            split.excludedNames.push_back(name);
        } else {
            split.adapted.push_back(p);
            split.adaptedNames.push_back(name);
        }
    }
    return split;
}

std::vector<torch::optim::OptimizerParamGroup> larsParameterGroups(const ParameterSplit& split, const OptimConfig& c,
                                                                   double learningRate) {
    auto options = [&](bool excluded) {
        auto o = std::make_unique<LarsOptions>(learningRate);
        o->momentum(c.momentum).weight_decay(excluded ? 0.0 : c.weightDecay).trust_coefficient(c.trustCoefficient).eps(c.eps);
        o->exclude_from_adaptation(excluded);
        return o;
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(split.adapted, options(false));
    groups.emplace_back(split.excluded, options(true));
    return groups;
}

}  // namespace fra
