#pragma once
#include "config/FraConfig.h"

#include <filesystem>
#include <nlohmann/json.hpp>

namespace fra {

// End-to-end throughput of the real trainer (data loading, device transfer, augmentation and
// the training step) on config.data.root: a throw-away run of warmup + steps steps in `runDir`
// (made and removed here), timed from the end of warm-up step to the end of the last.
// Returns one JSON object: images/s, mean batch wait, the data format and settings.
nlohmann::json runTrainBenchmark(FraConfig config, int steps, int warmupSteps, const std::filesystem::path& runDir);

}  // namespace fra
