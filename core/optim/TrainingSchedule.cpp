#include "optim/TrainingSchedule.h"

#include <algorithm>
#include <cmath>

namespace fra {

TrainingSchedule::TrainingSchedule(const OptimConfig& optim, const MomentumConfig& momentum, int globalBatch,
                                   std::int64_t stepsPerEpoch)
    : baseLr_(optim.lr * globalBatch / optim.referenceBatch),
      baseMomentum_(momentum.base),
      warmupEpochs_(optim.warmupEpochs),
      epochs_(optim.epochs),
      perIteration_(optim.cosineGranularity == "iteration"),
      stepsPerEpoch_(std::max<std::int64_t>(1, stepsPerEpoch)) {}

double TrainingSchedule::learningRate(std::int64_t step) const {
    const std::int64_t warmupSteps = static_cast<std::int64_t>(warmupEpochs_) * stepsPerEpoch_;
    if (step < warmupSteps) return baseLr_ * std::min(1.0, static_cast<double>(step + 1) / warmupSteps);
    double progress;
    if (perIteration_)
        progress = static_cast<double>(step - warmupSteps) / static_cast<double>(totalSteps() - warmupSteps);
    else
        progress = static_cast<double>(epochOf(step) - warmupEpochs_) / static_cast<double>(epochs_ - warmupEpochs_);
    progress = std::clamp(progress, 0.0, 1.0);
    return baseLr_ * 0.5 * (1.0 + std::cos(M_PI * progress));
}

double TrainingSchedule::momentum(std::int64_t step) const {
    const double progress = std::clamp(static_cast<double>(step) / static_cast<double>(totalSteps()), 0.0, 1.0);
    return 1.0 - (1.0 - baseMomentum_) * (std::cos(M_PI * progress) + 1.0) / 2.0;
}

}  // namespace fra
