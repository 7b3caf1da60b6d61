#pragma once
#include "config/FraConfig.h"

#include <filesystem>
#include <memory>

namespace fra {

class FraModelImpl;

struct LoadedModel {
    FraConfig config;
    std::shared_ptr<FraModelImpl> model;
    std::filesystem::path checkpoint;
    std::int64_t step = 0;
};

// Loads a trained model for inspection (heatmaps, export, evaluation) from a checkpoint file
// or from a run directory (its newest checkpoint). Throws FraError naming what is missing.
LoadedModel loadTrainedModel(const std::filesystem::path& checkpointOrRun);

}  // namespace fra
