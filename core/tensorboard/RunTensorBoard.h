#pragma once
#include "tensorboard/EventFile.h"
#include "train/StepRecord.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace fra {

class RunDirectory;

// RUN/tensorboard/: the run's scalars (every numeric field of metrics.jsonl) and its heatmap
// snapshots (one image of every probe face: regions over the face, and each pixel's most likely
// region) as a TensorBoard event file, so `tensorboard --logdir RUNS` shows the runs beside
// everything else a researcher watches.
std::filesystem::path tensorBoardDir(const RunDirectory& run);

// metrics.jsonl field -> TensorBoard tag ("loss/L_c", "regions/region_cos", ...); fields it does not
// know go under "metrics/".
std::string tensorBoardTag(const std::string& metricsField);
std::vector<std::pair<std::string, float>> tensorBoardScalars(const StepRecord& record);

struct TensorBoardSummary {
    std::filesystem::path file;
    std::size_t steps = 0;      // scalar events
    std::size_t snapshots = 0;  // image events
    bool rebuilt = false;       // written from metrics.jsonl and the heatmap snapshots (not carried over)
};

// The event log of a training process. Opening it leaves exactly one event file in the folder
// holding the run's history up to `lastStep` (the checkpoint a resume starts from): the previous
// file's records up to that step are carried over, or, where there is no previous file (an older
// run, or one trained with run.tensorboard off) or it is damaged, everything is written anew from
// metrics.jsonl and the heatmap snapshots. So a resumed run never repeats a step.
class TensorBoardLog {
public:
    TensorBoardLog(const RunDirectory& run, std::int64_t lastStep);
    ~TensorBoardLog();
    void addStep(const StepRecord& record);
    // maps: float32 [probes, regions, height, width], as in heatmaps/step_N.npy
    void addHeatmaps(std::int64_t step, double wallTime, const std::vector<std::int64_t>& shape, const float* maps);
    const TensorBoardSummary& opened() const { return opened_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    TensorBoardSummary opened_;
};

// `fra export tensorboard RUN`: writes the event file anew from the run's files (any run, also one
// trained without TensorBoard), replacing the event files in RUN/tensorboard/.
TensorBoardSummary exportTensorBoard(const RunDirectory& run);

}  // namespace fra
