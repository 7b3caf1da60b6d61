#pragma once
#include "config/FraConfig.h"

#include <nlohmann/json.hpp>

namespace fra {

// The model settings that every training benchmark line reports (implementation, backbone,
// device, precision, layout, batch, resolution), so that lines of `bench step` and `bench train`
// read alike; each benchmark adds its own fields and results.
nlohmann::json trainingBenchSettings(const FraConfig& config);

}  // namespace fra
