#include "bench/BenchSettings.h"

namespace fra {

nlohmann::json trainingBenchSettings(const FraConfig& config) {
    return {{"impl", "fra-cpp"},
            {"preset", config.preset},
            {"arch", config.model.arch},
            {"regions", config.model.numRegions},
            {"output_stride", config.model.outputStride},
            {"query_init", config.model.queryInit},
            {"relation_targets", config.loss.relationTargets},
            {"device", config.run.device},
            {"precision", config.run.precision},
            {"channels_last", config.run.channelsLast},
            {"bs", config.data.batchSize},
            {"res", config.data.imageSize}};
}

}  // namespace fra
