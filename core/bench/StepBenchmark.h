#pragma once
#include "config/FraConfig.h"

#include <nlohmann/json.hpp>
#include <string>

namespace fra {

struct StepBenchmarkOptions {
    FraConfig config;
    std::string mode = "fra";  // fra | byol (GC only) | backbone (one view, forward + backward)
    int iterations = 10;
    int warmup = 3;
    int profileSteps = 0;  // then profile this many more steps (kernels or operators, the top ones by time)
};

// Times the real training step (TrainStep: both branches, LARS, EMA) on synthetic inputs of
// the configured batch and resolution, like ../shared/bench/fra_ref.py does in Python.
// Returns one JSON object (images/s, ms per iteration, last loss, settings).
nlohmann::json runStepBenchmark(const StepBenchmarkOptions& options);

}  // namespace fra
