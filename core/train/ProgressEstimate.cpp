#include "train/ProgressEstimate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fra {

void ProgressEstimate::record(std::int64_t step, double time) {
    if (!samples_.empty() && step <= samples_.back().first) samples_.clear();  // a resume started over
    samples_.emplace_back(step, time);
    while (samples_.size() > window_ + 1) samples_.pop_front();
}

double ProgressEstimate::stepsPerSecond() const {
    if (samples_.size() < 2) return 0;
    const double seconds = samples_.back().second - samples_.front().second;
    const double steps = static_cast<double>(samples_.back().first - samples_.front().first);
    return seconds > 0 ? steps / seconds : 0;
}

double ProgressEstimate::secondsLeft() const {
    const double rate = stepsPerSecond();
    if (rate <= 0) return 0;
    const double left = static_cast<double>(endStep_ - step());
    return left > 0 ? left / rate : 0;
}

std::string humanDuration(double seconds) {
    char buf[48];
    const long s = std::lround(std::max(0.0, seconds));
    if (s < 60) std::snprintf(buf, sizeof buf, "%ld s", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%ld min", (s + 30) / 60);
    else std::snprintf(buf, sizeof buf, "%ld h %02ld min", s / 3600, (s / 60) % 60);
    return buf;
}

}  // namespace fra
