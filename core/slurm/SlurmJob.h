#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fra {

// Pre-training as a Slurm batch job, through Slurm's own clients (sbatch, squeue, scontrol):
// the job script `fra submit slurm` writes into the run folder, its submission, and what a job
// stopping on its signal asks of Slurm. Nothing here needs LibTorch.
struct SlurmJobRequest {
    std::filesystem::path run;              // the run folder (absolute); the job writes it
    std::vector<std::string> pretrainArgs;  // `fra pretrain`'s arguments, without --out
    std::string fra;                        // the fra the job runs (absolute path, or a name on the node's PATH)
    int nodes = 1;
    int tasksPerNode = 1;                   // one task per GPU; 1 on CPU nodes
    int gpusPerNode = 0;
    int cpusPerTask = 0;                    // 0: the cluster's default
    std::string time, partition, account, qos;  // empty: the cluster's default
    std::filesystem::path setupFile;        // shell lines run before fra (module load, conda activate)
    std::vector<std::string> sbatchExtra;   // more #SBATCH options, e.g. "--constraint=a100"
    int signalSeconds = 120;                // SIGUSR2 this long before the time limit
    std::string settings;                   // a JSON object of settings on top of the preset (the workbench's form):
                                            // written to slurm/settings.json and given to pretrain as --config
};

// The job script: one task per GPU through srun, the log of every run of the job appended to
// slurm/job-<id>.log, --requeue, SIGUSR2 to the tasks before the time limit. A job started again
// (requeued or resubmitted) resumes the run from its newest checkpoint. Throws FraError naming the
// setup file when it cannot be read or is not text.
std::string slurmJobScript(const SlurmJobRequest& request);

struct SlurmSubmission {
    std::string jobId;
    std::string cluster;   // empty when sbatch does not name it
    std::filesystem::path script;
};

// The job's resources and sbatch options as `fra submit slurm` takes them (--nodes ... --sbatch-extra),
// for a submission made by the fra of another machine (over ssh on a login node).
std::vector<std::string> slurmSubmitArguments(const SlurmJobRequest& request);

// Writes slurm/job.sh into the run folder, submits it with `sbatch --parsable` and records the job
// in slurm/submission.json. Throws FraError with sbatch's own first line when it refuses (an
// unknown partition, an invalid time) or is missing; the folder is then removed again if this
// call created it.
SlurmSubmission submitSlurmJob(const SlurmJobRequest& request);

// A Slurm duration ("MM", "MM:SS", "HH:MM:SS", "D-HH", "D-HH:MM", "D-HH:MM:SS") in seconds;
// nullopt for UNLIMITED, NOT_SET, INVALID or anything malformed.
std::optional<double> parseSlurmDuration(const std::string& text);

// How long job `jobId` has left before its time limit (squeue), when Slurm can say.
std::optional<double> slurmTimeLeftSeconds(const std::string& jobId);

// The job's queue state as squeue reports it ("PENDING (Priority)", "RUNNING", ...); empty when
// squeue no longer lists it or is not installed.
std::string slurmQueueState(const std::string& jobId);

// A job as squeue lists it: its state (PENDING, RUNNING, COMPLETED, ...) and, while it waits, why.
struct SlurmJobState {
    std::string state;
    std::string reason;
    bool finished() const;      // COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, ...: the job will not run again by itself
    bool hasTasks() const;      // RUNNING, CONFIGURING, SUSPENDED, STOPPED: a signal reaches its tasks
    std::string describe() const;  // "PENDING (BeginTime)", "RUNNING"
};

// squeue's output format that parseSlurmJobStates reads: job id, state, reason.
inline constexpr const char* kSqueueStateFormat = "%i|%T|%r";

// The states of these jobs (this user's) in one squeue call, finished jobs included while slurmctld
// still remembers them (MinJobAge, 300 s by default); jobs squeue does not list are absent. nullopt
// when squeue is missing or fails: nothing is known then.
std::optional<std::map<std::string, SlurmJobState>> slurmJobStates(const std::vector<std::string>& jobIds);
// squeue's "%i|%T|%r" lines, picked for these jobs (what slurmJobStates reads).
std::map<std::string, SlurmJobState> parseSlurmJobStates(const std::string& squeueOutput, const std::vector<std::string>& jobIds);

// The job id a submitted run folder records in slurm/submission.json; empty when it has none.
// Throws FraError naming the file when it cannot be read or the id is not a Slurm job id.
std::string submittedSlurmJobId(const std::filesystem::path& runRoot);

// `scancel --signal=SIGNAL JOB` (the job's tasks) and `scancel JOB`; a job that has already ended
// is not an error. Throw FraError with scancel's message otherwise.
void signalSlurmJob(const std::string& jobId, const std::string& signal);
void cancelSlurmJob(const std::string& jobId);

// The workbench's Stop: SIGTERM to the job's tasks first, so every rank stops at the same step with
// a checkpoint and the job does not requeue itself; then, once the job has ended or `graceSeconds`
// have passed, scancel. A job still pending is cancelled at once. Blocks; returns what happened.
std::string stopSlurmJob(const std::string& jobId, double graceSeconds);

// `scontrol requeue JOB`; throws FraError with scontrol's message when it refuses.
void requeueSlurmJob(const std::string& jobId);

class RunDirectory;

// After a run of this Slurm job stopped with a checkpoint on the job's signal (on rank 0): tells a
// time limit (the job has no more than the signal's lead, FRA_SLURM_SIGNAL_S, plus a minute left)
// from a preemption as submitit does, requeues the job (a time limit at most `maxTimeouts` times),
// and records the stop in run.json ("slurm_stops") and run.log. Returns the line to print; throws
// FraError when scontrol refuses the requeue.
std::string requeueAfterSignal(const RunDirectory& run, int maxTimeouts);

}  // namespace fra
