#pragma once
#include "train/ProgressEstimate.h"
#include "train/TrainingObserver.h"

#include <chrono>
#include <cstdint>
#include <mutex>

// Prints training progress: a one-line bar redrawn in place on a terminal, a plain line every
// few seconds otherwise (logs, CI), plus warnings, heatmap snapshots and checkpoints.
class ProgressPrinter : public fra::TrainingObserver {
public:
    ProgressPrinter(std::int64_t firstStep, std::int64_t endStep, int batchSize, bool quiet);
    void onStep(const fra::StepRecord& record) override;
    void onLog(const std::string& level, const std::string& message) override;
    void onCheckpoint(std::int64_t step, const std::string& path) override;
    void onStateChanged(fra::RunState state, const std::string& message) override;

private:
    void endLine();
    std::int64_t firstStep_, endStep_;
    int batchSize_;
    bool quiet_;
    bool tty_;
    bool lineOpen_ = false;
    double smoothedRate_ = 0;       // images/s of the steps themselves
    fra::ProgressEstimate estimate_;  // steps/s and ETA from wall-clock step times
    std::chrono::steady_clock::time_point lastPrint_{};
    std::mutex mutex_;
};
