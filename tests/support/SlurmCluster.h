#pragma once
#include <filesystem>
#include <string>
#include <sys/types.h>

// A one-node Slurm cluster on this machine for the tests: Debian's munge, slurmctld and slurmd,
// started by the test in `folder` (keys, configuration, state, spool and logs all there, ports of
// their own, proctrack/linuxproc, task/none, no accounting) and stopped by their pids. The
// machine's own munge and Slurm configuration are never read or touched: clients find this
// cluster through SLURM_CONF.
class SlurmCluster {
public:
    explicit SlurmCluster(const std::filesystem::path& folder);
    ~SlurmCluster();  // cancels the jobs, then stops slurmd, slurmctld and munged
    SlurmCluster(const SlurmCluster&) = delete;
    SlurmCluster& operator=(const SlurmCluster&) = delete;

    // Points this process (and so every program it starts) at the cluster: SLURM_CONF.
    void useFromThisProcess() const;
    const std::filesystem::path& conf() const { return conf_; }
    // squeue's state of the job ("PENDING", "RUNNING", ...); "" when it has left the queue.
    std::string jobState(const std::string& jobId) const;

private:
    void start();
    void shutDown();
    std::filesystem::path folder_, conf_;
    pid_t munged_ = -1, controller_ = -1, node_ = -1;
};
