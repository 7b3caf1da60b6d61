#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fra {

// run.json: the run's state as the training process reports it. Rewritten atomically on every
// state change and checkpoint; readers (GUI, `fra` commands) never see a torn file. What people
// write about a run (notes, tags) lives in notes.json (RunNotes), which training never touches.
struct RunStatus {
    std::string state = "created";   // created | running | paused | stopped | finished | failed
    std::string message;             // why it stopped or failed, one line
    std::string preset;
    std::string host;
    std::int64_t pid = 0;
    std::int64_t step = 0;           // last step whose metrics were logged
    std::int64_t totalSteps = 0;
    std::int64_t checkpointStep = -1;  // newest checkpoint (-1: none yet)
    std::int64_t skippedImages = 0;
    double started = 0;              // Unix seconds
    double updated = 0;
    std::string device;
    std::string jobId;               // the batch system's job id, where a scheduler started the run
    std::string launcher;            // what started the process: "none", "torchrun (...)", "slurm (job ..., task ...)"
    // Every stop of a Slurm job on its signal: {"time", "step", "reason" ("preemption" | "time limit"),
    // "slurm_restart", "requeued", "message"}, oldest first (the job's restarts, as the run browser shows them).
    nlohmann::json slurmStops = nlohmann::json::array();

    nlohmann::json toJson() const;
    static RunStatus fromJson(const nlohmann::json& j);
    // True for states in which a process should be writing the run.
    bool claimsActive() const { return state == "running" || state == "paused"; }
};

}  // namespace fra
