// `fra submit slurm`: pre-training as a Slurm batch job that survives preemption and time limits.
#include "Commands.h"
#include "ConfigAssembly.h"
#include "slurm/SlurmJob.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <filesystem>
#include <iostream>
#include <memory>

namespace fs = std::filesystem;

namespace {

struct SubmitOptions {
    ConfigOptions config;
    std::string data;
    std::string out;
    std::int64_t steps = -1;
    fra::SlurmJobRequest job;
    std::string fra;
    std::string setupFile;
};

std::string thisExecutable() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? "fra" : self.string();
}

int submitToSlurm(const SubmitOptions& o) {
    if (o.data.empty()) throw fra::FraError("--data is required: the face folder or prepared store the job trains on");
    o.config.build();  // a bad preset, config file or setting fails here, before anything is submitted
    fra::SlurmJobRequest job = o.job;
    job.run = fs::absolute(o.out).lexically_normal();
    job.fra = o.fra.empty() ? thisExecutable() : o.fra;
    if (!o.setupFile.empty()) job.setupFile = fs::absolute(o.setupFile);
    job.pretrainArgs = {"--preset", o.config.preset, "--data", fs::absolute(o.data).lexically_normal().string()};
    if (!o.config.configFile.empty()) {  // copied into the run (slurm/settings.json): a later edit of the file does not change the job
        std::string text, problem;
        if (!fra::tryReadWholeFile(o.config.configFile, text, problem)) throw fra::FraError(problem);
        job.settings = text;
    }
    for (const auto& a : o.config.assignments) job.pretrainArgs.insert(job.pretrainArgs.end(), {"--set", a});
    if (o.steps >= 0) job.pretrainArgs.insert(job.pretrainArgs.end(), {"--steps", std::to_string(o.steps)});
    const fra::SlurmSubmission s = fra::submitSlurmJob(job);
    std::cout << "submitted job " << s.jobId << (s.cluster.empty() ? "" : " on cluster " + s.cluster) << ": " << s.script.string() << "\n"
              << "log: " << (job.run / "slurm" / ("job-" + s.jobId + ".log")).string() << "\n"
              << "follow it with `fra runs " << job.run.parent_path().string() << "`" << std::endl;
    return 0;
}

int stopSlurmRun(const std::string& run) {
    const std::string jobId = fra::submittedSlurmJobId(run);
    if (jobId.empty()) throw fra::FraError("'" + run + "' was not submitted to Slurm (no slurm/submission.json)");
    std::cout << fra::stopSlurmJob(jobId, 300) << std::endl;
    return 0;
}

}  // namespace

void addSubmitCommand(CLI::App& app, CommandAction& action) {
    auto o = std::make_shared<SubmitOptions>();
    CLI::App* submit = app.add_subcommand("submit", "Submit a pre-training to a batch system");
    submit->require_subcommand(1);
    CLI::App* slurm = submit->add_subcommand("slurm", "Write a Slurm job script into the run folder and submit it with sbatch");
    o->config.addTo(*slurm);
    slurm->add_option("--data", o->data, "Face folder or prepared store, as the cluster's nodes see it")->required();
    slurm->add_option("--out", o->out, "New run folder on storage every node sees")->required();
    slurm->add_option("--steps", o->steps, "Stop after this many steps (run.max_steps)")->check(CLI::NonNegativeNumber);
    slurm->add_option("--nodes", o->job.nodes, "Nodes")->check(CLI::Range(1, 4096))->capture_default_str();
    slurm->add_option("--gpus-per-node", o->job.gpusPerNode, "GPUs per node: one task each (0: CPU nodes)")->check(CLI::Range(0, 64))->capture_default_str();
    slurm->add_option("--tasks-per-node", o->job.tasksPerNode, "Tasks per node where there are no GPUs (with GPUs: one per GPU)")
        ->check(CLI::Range(1, 1024))->capture_default_str();
    slurm->add_option("--cpus-per-task", o->job.cpusPerTask, "CPUs per task (0: the cluster's default)")->check(CLI::Range(0, 4096));
    slurm->add_option("--time", o->job.time, "Time limit per run of the job, as sbatch takes it (e.g. 1-00:00:00)");
    slurm->add_option("--partition", o->job.partition, "Partition");
    slurm->add_option("--account", o->job.account, "Account");
    slurm->add_option("--qos", o->job.qos, "Quality of service");
    slurm->add_option("--setup-file", o->setupFile, "Shell lines to run before fra on the node (module load, conda activate)")
        ->check(CLI::ExistingFile);
    slurm->add_option("--sbatch-extra", o->job.sbatchExtra, "One more #SBATCH option, e.g. --sbatch-extra=--constraint=a100 (repeatable)");
    slurm->add_option("--signal-lead", o->job.signalSeconds, "Seconds before the time limit at which the job checkpoints and requeues")
        ->check(CLI::Range(10, 86400))->capture_default_str();
    slurm->add_option("--fra", o->fra, "The fra the nodes run (default: this one)");
    slurm->footer("The job runs one task per GPU with srun and appends every run's output to RUN/slurm/job-<id>.log.\n"
                  "On SIGUSR2 (sent --signal-lead seconds before the time limit, or by a preemption) every rank stops\n"
                  "at the same step, rank 0 writes a checkpoint and requeues the job; started again, it resumes.");
    auto stopRun = std::make_shared<std::string>();
    CLI::App* stop = submit->add_subcommand("stop", "Stop a submitted run's Slurm job: SIGTERM to its tasks (every rank stops at the same step with "
                                                    "a checkpoint, nothing requeues), then scancel; a job still waiting is cancelled");
    stop->add_option("RUN", *stopRun, "The run folder")->required();
    stop->callback([stopRun, &action] { action = [stopRun] { return stopSlurmRun(*stopRun); }; });
    slurm->callback([o, &action] {
        if (o->job.gpusPerNode > 0) o->job.tasksPerNode = o->job.gpusPerNode;
        action = [o] { return submitToSlurm(*o); };
    });
}
