#include "bench/DataBenchmark.h"

#include "data/BatchLoader.h"
#include "data/ImageFolder.h"

#include <chrono>
#include <opencv2/core.hpp>

namespace fra {

nlohmann::json runDataBenchmark(const FraConfig& config, int batches, int warmupBatches) {
    cv::setNumThreads(0);
    BatchLoader loader(ImageFolder(config.data.root), config.data, config.run.seed, 0);
    for (int i = 0; i < warmupBatches; ++i) loader.next();
    const auto start = std::chrono::steady_clock::now();
    std::int64_t images = 0;
    for (int i = 0; i < batches; ++i) images += loader.next()->size;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return {{"bench", "data"},          {"impl", "fra-cpp"}, {"preset", config.preset},
            {"workers", config.data.workers}, {"res", config.data.imageSize},
            {"bs", config.data.batchSize}, {"batches", batches},
            {"img_per_s", images / elapsed}, {"skipped", loader.skippedTotal()}};
}

}  // namespace fra
