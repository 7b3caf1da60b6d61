#pragma once
#include <cstdint>
#include <deque>
#include <string>

namespace fra {

// Steps per second and the time left of a training, from a moving window of the steps' wall-clock
// times (so heatmap snapshots and checkpoints count, unlike images/s of the step alone). Used by
// `fra`'s progress line and the workbench's status bar.
class ProgressEstimate {
public:
    explicit ProgressEstimate(std::int64_t endStep, std::size_t window = 20) : endStep_(endStep), window_(window) {}
    void setEndStep(std::int64_t endStep) { endStep_ = endStep; }
    // `time`: seconds since the epoch when step `step` ended (StepRecord::time).
    void record(std::int64_t step, double time);
    bool ready() const { return samples_.size() >= 2; }
    double stepsPerSecond() const;  // 0 until two steps are known
    double secondsLeft() const;     // to endStep; 0 until ready
    std::int64_t step() const { return samples_.empty() ? 0 : samples_.back().first; }
    std::int64_t endStep() const { return endStep_; }

private:
    std::int64_t endStep_;
    std::size_t window_;
    std::deque<std::pair<std::int64_t, double>> samples_;
};

// "42 s", "7 min", "1 h 05 min": a duration for people.
std::string humanDuration(double seconds);

}  // namespace fra
