#pragma once
#include <cstdint>
#include <string>

namespace fra {

// Which run of which Slurm job this process is (SLURM_JOB_ID, SLURM_RESTART_COUNT); empty outside
// Slurm. A requeued job starts again with the same id and a higher restart count, after Slurm has
// ended every task of the earlier run.
struct SlurmIncarnation {
    std::string jobId;
    std::int64_t restartCount = 0;

    static SlurmIncarnation ofThisProcess();
    // True when this process belongs to a later run of job `otherJobId` than `otherRestart`.
    bool succeeds(const std::string& otherJobId, std::int64_t otherRestart) const {
        return !jobId.empty() && jobId == otherJobId && restartCount > otherRestart;
    }
};

}  // namespace fra
