#pragma once
#include "optim/Lars.h"

#include <string>
#include <vector>

namespace fra {

class FraModelImpl;
struct OptimConfig;

struct ParameterSplit {
    std::vector<torch::Tensor> adapted;        // weight decay + LARS trust ratio
    std::vector<torch::Tensor> excluded;       // BN parameters and every bias: plain SGD step
    std::vector<std::string> adaptedNames, excludedNames;
};

// Splits the trainable parameters (online branch + predictors) as the spec says: BatchNorm
// parameters and all biases are excluded from weight decay and LARS adaptation.
ParameterSplit splitForLars(const FraModelImpl& model);

std::vector<torch::optim::OptimizerParamGroup> larsParameterGroups(const ParameterSplit& split, const OptimConfig& config,
                                                                   double learningRate);

}  // namespace fra
