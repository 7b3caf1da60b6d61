#pragma once
#include "config/FraConfig.h"

#include <cstdint>

namespace fra {

// Learning rate and EMA momentum as functions of the global step, as in the authors' code:
// lr = optim.lr * batch / reference_batch; linear warm-up per iteration over warmup_epochs,
// then cosine to 0 per epoch (or per iteration, the paper's wording). The momentum goes from
// momentum.base to 1 on a cosine over all iterations.
class TrainingSchedule {
public:
    TrainingSchedule(const OptimConfig& optim, const MomentumConfig& momentum, int globalBatch, std::int64_t stepsPerEpoch);

    double baseLearningRate() const { return baseLr_; }
    // lr used by the optimiser step with 0-based index `step`.
    double learningRate(std::int64_t step) const;
    // EMA momentum applied after the optimiser step with 0-based index `step`.
    double momentum(std::int64_t step) const;

    std::int64_t stepsPerEpoch() const { return stepsPerEpoch_; }
    std::int64_t totalSteps() const { return stepsPerEpoch_ * epochs_; }
    std::int64_t epochOf(std::int64_t step) const { return step / stepsPerEpoch_; }

private:
    double baseLr_;
    double baseMomentum_;
    int warmupEpochs_;
    int epochs_;
    bool perIteration_;
    std::int64_t stepsPerEpoch_;
};

}  // namespace fra
