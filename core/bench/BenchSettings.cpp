#include "bench/BenchSettings.h"

namespace fra {

nlohmann::json trainingBenchSettings(const FraConfig& config) {
    return {{"impl", "fra-cpp"},
            {"arch", config.model.arch},
            {"device", config.run.device},
            {"precision", config.run.precision},
            {"channels_last", config.run.channelsLast},
            {"bs", config.data.batchSize},
            {"res", config.data.imageSize}};
}

}  // namespace fra
