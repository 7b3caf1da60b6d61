#pragma once
#include "util/Subprocess.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fra {

// A machine reached with the system's own OpenSSH client by an alias of the user's ssh config
// (keys, agent and ProxyJump as ssh resolves them), and the `fra` there. Connections to one host
// share a master connection (ControlMaster), so following many runs costs one login.
struct SshHost {
    std::string alias;
    std::string fraCommand = "fra";  // the remote `fra` (a name on the remote PATH, or a path)
    std::string sshConfig;           // ssh -F FILE; empty: ssh's default (~/.ssh/config), or $FRA_SSH_CONFIG

    // ssh's argument vector for `remoteCommand` (run by the remote login shell).
    std::vector<std::string> sshArgv(const std::string& remoteCommand) const;
    // The -e argument that makes rsync use the same ssh options.
    std::string rsyncShell() const;
    // Runs `remoteCommand`; throws FraError with one readable line when ssh cannot connect or log in
    // (exit 255: unknown alias, refused key, host down).
    SubprocessResult run(const std::string& remoteCommand, const std::string& input = {}, double timeoutSeconds = 60) const;
    // The remote `fra --version` first line; throws FraError when there is no such `fra`.
    std::string fraVersion() const;
};

// "~/runs/a" as ssh's and rsync's remote sides both read it: relative to the login folder (quoted,
// "~" would be a folder named "~" to the one and the home folder to the other).
std::string fromLoginFolder(const std::string& path);

// The host aliases an ssh config file names (`Host` lines, wildcards left out): the hosts the
// workbench offers. `file` empty: $FRA_SSH_CONFIG, else ~/.ssh/config. A missing file gives none.
std::vector<std::string> sshConfigHosts(const std::filesystem::path& file = {});

// <cache>/remote.json: what ties a local mirror folder to the run folder it mirrors.
struct RemoteRunEntry {
    SshHost host;
    std::string remoteRun;   // the run folder on the host (absolute, or relative to the login folder)
    std::string launchLog;   // where `fra pretrain`'s output goes on the host (empty when followed, not launched)
    std::int64_t launchedPid = 0;
    double created = 0;

    nlohmann::json toJson() const;
    static RemoteRunEntry fromJson(const nlohmann::json& j, const std::string& source);
    static bool exists(const std::filesystem::path& cache);
    static RemoteRunEntry read(const std::filesystem::path& cache);  // FraError naming the file
    void write(const std::filesystem::path& cache) const;
};

struct LaunchRequest {
    nlohmann::json config;       // the complete run config (as `fra config` prints it)
    std::string remoteData;      // the faces on the host (a folder or a prepared store)
    std::string remoteRun;       // the new run folder on the host
    double startTimeoutSeconds = 180;
};

struct MirrorReport {
    bool reached = false;        // false: the host could not be reached this time (the run goes on there)
    std::string error;           // why not, one line
    double seconds = 0;
};

struct SlurmJobRequest;
struct SlurmJobState;

// Submits the run as a Slurm job from the host (a login node): its `fra submit slurm`, with the
// config handed over on stdin, the data and run folder there and `job`'s resources and options
// (`job.setupFile` is a path there). Records the remote run in `cache` and mirrors the submission
// once, so that it is listed at once. Returns the job id; on failure throws the host's one-line
// error, and nothing is left behind on either side.
std::string submitRemoteSlurmJob(const SshHost& host, const LaunchRequest& request, const SlurmJobRequest& job,
                                 const std::filesystem::path& cache);

// The workbench's Stop for a mirrored run's Slurm job: `fra submit stop` on the host (a checkpoint,
// then scancel). Returns the host's answer, one line.
std::string stopRemoteSlurmJob(const std::filesystem::path& cache);

// A mirror's copy of its job's queue state: squeue's line for the job on the host, fetched by each
// mirror pass into <cache>/slurm/queue.txt ("%i|%T|%r"; empty once the host's squeue no longer
// knows the job).
inline constexpr const char* kMirroredQueueFile = "queue.txt";
// What that file says of the mirrored submission's job: nullopt before the first fetch; a state
// with an empty name once the host's squeue no longer lists the job.
std::optional<SlurmJobState> mirroredSlurmJobState(const std::filesystem::path& cache, const std::string& jobId);

// Starts `fra pretrain` on the host detached from the connection (setsid, nohup: a dropped ssh
// session does not stop it), waits until its first heartbeat, and records the remote run in
// `cache` (which must not hold a run yet). On failure the remote output's error line is thrown and
// nothing is left behind on either side.
RemoteRunEntry launchRemoteRun(const SshHost& host, const LaunchRequest& request, const std::filesystem::path& cache);

// Records an existing run on the host for following (`fra remote follow HOST:RUN`).
RemoteRunEntry followRemoteRun(const SshHost& host, const std::string& remoteRun, const std::filesystem::path& cache);

// One mirroring pass with rsync: everything but checkpoints, the heatmap index after the snapshots
// it names, each file written beside its target and renamed (a file being written never appears
// half in the cache). Never throws for an unreachable host: the report says so.
MirrorReport mirrorRemoteRun(const std::filesystem::path& cache);

// Copies one checkpoint (the newest when `step` < 0) into the cache; returns its local path.
std::filesystem::path fetchRemoteCheckpoint(const std::filesystem::path& cache, std::int64_t step = -1);

// Sends `signalName` (TERM: stop with a checkpoint at a step boundary; TSTP: pause; CONT: go on)
// to the remote training process named by the mirrored heartbeat, only if that pid still is the
// same process (its start time matches). Throws FraError when it is not running there.
void signalRemoteRun(const std::filesystem::path& cache, const std::string& signalName);

}  // namespace fra
