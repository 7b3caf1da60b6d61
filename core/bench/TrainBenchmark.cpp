#include "bench/TrainBenchmark.h"

#include "bench/BenchSettings.h"
#include "train/Trainer.h"
#include "util/FraError.h"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <vector>

namespace fra {

namespace {

class StepCollector : public TrainingObserver {
public:
    void onStep(const StepRecord& record) override {
        std::lock_guard<std::mutex> lock(mutex_);
        records_.push_back(record);
        std::fprintf(stderr, "step %lld: %.1f images/s, batch wait %.1f ms\n", static_cast<long long>(record.step), record.imagesPerSecond,
                     1000.0 * record.dataWaitSeconds);
    }
    std::vector<StepRecord> records() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return records_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<StepRecord> records_;
};

}  // namespace

nlohmann::json runTrainBenchmark(FraConfig config, int steps, int warmupSteps, const std::filesystem::path& runDir) {
    if (steps < 1 || warmupSteps < 1) throw FraError("bench train needs at least 1 warm-up step and 1 timed step");
    if (std::filesystem::exists(runDir)) throw FraError("bench train: '" + runDir.string() + "' exists; give a new folder");
    config.run.maxSteps = steps + warmupSteps;
    config.run.checkpointEvery = 0;  // the final checkpoint is written after the last timed step
    config.run.heatmapEvery = 0;
    config.run.probeImages = 0;
    StepCollector collector;
    RunState state;
    std::string message;
    {
        auto trainer = Trainer::create(config, runDir);
        trainer->addObserver(&collector);
        trainer->start();
        state = trainer->wait();
        message = trainer->lastMessage();
    }
    std::filesystem::remove_all(runDir);
    const std::vector<StepRecord> records = collector.records();
    if (state != RunState::Finished || static_cast<int>(records.size()) != steps + warmupSteps)
        throw FraError("bench train: the run ended " + std::string(toString(state)) + " after " + std::to_string(records.size()) +
                       " steps: " + message);
    const StepRecord& first = records[static_cast<std::size_t>(warmupSteps) - 1];
    const double seconds = records.back().time - first.time;
    double wait = 0;
    for (std::size_t i = static_cast<std::size_t>(warmupSteps); i < records.size(); ++i) wait += records[i].dataWaitSeconds;
    nlohmann::json out = trainingBenchSettings(config);
    out.update({{"bench", "train"},
                {"data_format", config.data.format},
                {"workers", config.data.workers},
                {"steps", steps},
                {"warmup_steps", warmupSteps},
                {"img_per_s", config.data.batchSize * steps / seconds},
                {"ms_per_step", 1000.0 * seconds / steps},
                {"mean_batch_wait_ms", 1000.0 * wait / steps},
                {"last_loss", records.back().loss}});
    return out;
}

}  // namespace fra
