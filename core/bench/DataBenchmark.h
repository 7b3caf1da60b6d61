#pragma once
#include "config/FraConfig.h"

#include <nlohmann/json.hpp>

namespace fra {

// Throughput of the input pipeline alone (decode + both augmented views into batch buffers)
// over the images of config.data.root, like ../shared/bench/data_ref.py's DataLoader run.
nlohmann::json runDataBenchmark(const FraConfig& config, int batches, int warmupBatches);

}  // namespace fra
