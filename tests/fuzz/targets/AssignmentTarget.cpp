// `--set key=value` assignments, one per line, for the training and the evaluation settings.
#include "FuzzSupport.h"
#include "config/ConfigSchema.h"
#include "downstream/EvalSchema.h"

#include <sstream>

FRA_FUZZ_TARGET {
    std::istringstream in(fuzz::asString(data, size));
    fra::FraConfig config;
    fra::EvalConfig eval;
    for (std::string line; std::getline(in, line);) {
        fuzz::acceptingFraErrors([&] { fra::ConfigSchema::instance().applyAssignment(config, line); });
        fuzz::acceptingFraErrors([&] { fra::EvalSchema::instance().applyAssignment(eval, line); });
    }
    fuzz::acceptingFraErrors([&] { fra::EvalSchema::instance().requireValid(eval, "fuzzed settings"); });
    return 0;
}
