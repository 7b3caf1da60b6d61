#pragma once
#include "model/FraModel.h"

#include <filesystem>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace fra {

// What besides weights and optimiser a checkpoint must hold to continue the same curve.
struct TrainingState {
    std::int64_t step = 0;                  // optimiser steps done
    std::string configJson;                 // the frozen config, so a checkpoint stands alone
    torch::Tensor cpuGeneratorState;        // dropout and other random draws of the model
    std::vector<std::string> skippedImages; // already reported in run.log
    double trainingSeconds = 0;             // wall time spent training so far
};

// A checkpoint file (LibTorch archive): model (online, momentum, predictors, buffers incl.
// proto and BN statistics), LARS state (momentum buffers), TrainingState. Written to a
// temporary file and renamed into place, so a kill never leaves a torn checkpoint.
class Checkpoint {
public:
    static void save(const std::filesystem::path& file, FraModelImpl& model, const torch::optim::Optimizer& optimizer,
                     const TrainingState& state);
    // Restores into an already constructed model (and optimiser, when given). Throws FraError
    // naming the file when it is unreadable or does not match the model.
    static TrainingState load(const std::filesystem::path& file, FraModelImpl& model, torch::optim::Optimizer* optimizer,
                              torch::Device device = torch::kCPU);
    // Only the config stored in the checkpoint (to build the matching model first).
    static std::string readConfigJson(const std::filesystem::path& file);
};

}  // namespace fra
