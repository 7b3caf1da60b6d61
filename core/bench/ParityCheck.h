#pragma once
#include "config/FraConfig.h"

#include <nlohmann/json.hpp>

namespace fra {

// CPU-vs-CUDA parity of the real training step: two TrainSteps (one per device) start from the
// same weights and buffers and take `steps` optimiser steps on the same synthetic views; the loss
// terms of every step are compared. fp32 without TF32 and without decoder dropout (whose random
// draws differ between devices), so only floating-point reordering separates the two.
// Returns one JSON object with the largest relative difference per term and "pass".
nlohmann::json runParityCheck(const FraConfig& config, int steps, double tolerance);

}  // namespace fra
