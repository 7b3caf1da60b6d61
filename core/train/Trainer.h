#pragma once
#include "config/FraConfig.h"
#include "run/RunLiveness.h"
#include "train/TrainingObserver.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace fra {

class RunDirectory;

// Runs FRA pre-training of one run directory on its own thread. No LibTorch in this header:
// the command line and the GUI bridge drive it without compiling torch.
//   auto trainer = Trainer::create(config, "runs/demo");   // validates, then writes the run
//   trainer->addObserver(&printer);
//   trainer->start();  ... pause() / resume() / requestStop() ...  trainer->wait();
class Trainer {
public:
    // Validates the config and the data folder before anything is written; on error throws
    // FraError and leaves no run directory behind.
    static std::unique_ptr<Trainer> create(const FraConfig& config, const std::filesystem::path& runDir);
    // Continues a run from its newest checkpoint (from step 0 if it died before the first).
    // `maxSteps` > 0 replaces run.max_steps (to extend a run that ended at its step budget).
    // Refuses (FraError naming host, pid and heartbeat age) a run live here or on another machine,
    // and one whose heartbeat is past `liveness.staleAfterSeconds` elsewhere unless `force`.
    static std::unique_ptr<Trainer> resume(const std::filesystem::path& runDir, std::int64_t maxSteps = 0,
                                           const LivenessPolicy& liveness = {}, bool force = false);

    ~Trainer();  // stops (with a checkpoint) and joins a running thread
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    void addObserver(TrainingObserver* observer);  // before start()
    void start();
    void pause();
    void resume();
    void requestStop();
    // Blocks until the training thread ends; returns how it ended.
    RunState wait();
    // Waits at most `timeout`; true once the thread has ended.
    bool waitFor(std::chrono::milliseconds timeout);

    RunState state() const;
    std::int64_t step() const;
    std::int64_t firstStep() const;   // where this session started (the checkpoint step on resume)
    std::int64_t endStep() const;     // where it will stop
    std::int64_t totalSteps() const;  // the whole schedule
    const RunDirectory& run() const;  // only for writesRun()
    // False on data-parallel ranks other than 0: they train but write nothing.
    bool writesRun() const;
    const FraConfig& config() const;
    std::string lastMessage() const;

    struct Impl;

private:
    explicit Trainer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace fra
