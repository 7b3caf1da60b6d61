#pragma once
#include "train/StepRecord.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fra {

enum class RunState { Created, Running, Paused, Stopped, Finished, Failed };

const char* toString(RunState state);

struct HeatmapSnapshot {
    std::int64_t step = 0;
    int probes = 0, regions = 0, height = 0, width = 0;
    std::vector<float> maps;  // probes x regions x height x width
    std::string file;         // the .npy written into the run directory
};

// What the training thread reports. Callbacks run on the training thread: a GUI forwards them
// through queued signals, the command line prints them. They must not block for long.
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void onStep(const StepRecord&) {}
    virtual void onHeatmaps(const HeatmapSnapshot&) {}
    virtual void onLog(const std::string& /*level*/, const std::string& /*message*/) {}
    virtual void onStateChanged(RunState, const std::string& /*message*/) {}
    virtual void onCheckpoint(std::int64_t /*step*/, const std::string& /*path*/) {}
};

}  // namespace fra
