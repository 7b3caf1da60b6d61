#include "ProgressPrinter.h"

#include <cstdio>
#include <string>
#include <unistd.h>


ProgressPrinter::ProgressPrinter(std::int64_t firstStep, std::int64_t endStep, int batchSize, bool quiet)
    : firstStep_(firstStep), endStep_(endStep), batchSize_(batchSize), quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0), estimate_(endStep) {}

void ProgressPrinter::endLine() {
    if (lineOpen_) std::fputc('\n', stderr);
    lineOpen_ = false;
}

void ProgressPrinter::onStep(const fra::StepRecord& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    smoothedRate_ = smoothedRate_ == 0 ? r.imagesPerSecond : 0.9 * smoothedRate_ + 0.1 * r.imagesPerSecond;
    estimate_.record(r.step, r.time);
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool last = r.step >= endStep_;
    if (!tty_ && !last && now - lastPrint_ < std::chrono::seconds(5) && r.step != firstStep_ + 1) return;
    lastPrint_ = now;
    const double fraction = endStep_ > firstStep_ ? double(r.step - firstStep_) / double(endStep_ - firstStep_) : 1.0;
    // until two steps have wall-clock times, the step's own throughput
    const double eta = estimate_.ready()  ? estimate_.secondsLeft()
                       : smoothedRate_ > 0 ? double(endStep_ - r.step) * batchSize_ / smoothedRate_
                                           : 0.0;
    const int width = 24;
    std::string bar(static_cast<std::size_t>(fraction * width + 0.5), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "%s[%s] step %lld/%lld  loss %.4f  L_c %.4f  L_r %.4f  lr %.3g  %.1f img/s  %.2f steps/s  ETA %s%s",
                 tty_ ? "\r" : "", bar.c_str(), static_cast<long long>(r.step), static_cast<long long>(endStep_), r.loss, r.lossC,
                 r.lossR, r.lr, smoothedRate_, estimate_.stepsPerSecond(), fra::humanDuration(eta).c_str(), tty_ ? "\033[K" : "\n");
    lineOpen_ = tty_;
    std::fflush(stderr);
}

void ProgressPrinter::onLog(const std::string& level, const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (quiet_ && level == "info") return;
    endLine();
    std::fprintf(stderr, "%s: %s\n", level.c_str(), message.c_str());
}

void ProgressPrinter::onCheckpoint(std::int64_t step, const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (quiet_ || tty_) return;  // on a terminal the bar is enough
    std::fprintf(stderr, "checkpoint at step %lld: %s\n", static_cast<long long>(step), path.c_str());
}

void ProgressPrinter::onStateChanged(fra::RunState state, const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state == fra::RunState::Running) return;
    endLine();
    if (!message.empty()) std::fprintf(stderr, "%s: %s\n", fra::toString(state), message.c_str());
}
