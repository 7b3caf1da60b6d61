#pragma once
#include "run/RunLiveness.h"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace fra {

// One run as a list shows it (`fra runs`): where it is, what it trains, whether it is alive.
struct RunOverview {
    std::filesystem::path path;
    std::string name;
    std::string preset;
    LivenessVerdict liveness;   // liveness.state: running | late | interrupted | stopped | ... | unreadable
    std::int64_t step = 0;
    std::int64_t totalSteps = 0;
    double lastLoss = std::numeric_limits<double>::quiet_NaN();
    double bestLoss = std::numeric_limits<double>::quiet_NaN();
    std::string jobId;
    std::string launcher;
    std::string message;        // run.json's message, or why the run cannot be read
    std::string queue;          // a Slurm job's state in the queue ("PENDING (Priority)", "RUNNING"), while squeue lists it

    nlohmann::json toJson() const;
};

// The runs among `folders`: a folder that is a run (or a submitted Slurm job that has not started
// it yet), or the runs directly inside it; sorted by path.
std::vector<std::filesystem::path> findRuns(const std::vector<std::filesystem::path>& folders);

// Never throws for a broken run: it comes back with state "unreadable" and the reason.
RunOverview overviewOf(const std::filesystem::path& runRoot, const LivenessPolicy& policy);

}  // namespace fra
