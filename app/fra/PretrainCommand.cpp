// `fra pretrain` and `fra resume`: FRA pre-training from the command line.
#include "Commands.h"
#include "ConfigAssembly.h"
#include "ProgressPrinter.h"
#include "StopSignal.h"
#include "config/ConfigSchema.h"
#include "dist/DistributedEnv.h"
#include "run/RunDirectory.h"
#include "slurm/SlurmJob.h"
#include "train/Trainer.h"
#include "util/FraError.h"

#include <iostream>
#include <memory>

namespace {

int runToEnd(fra::Trainer& trainer, bool quiet) {
    // data-parallel ranks other than 0 train silently; rank 0 reports for all
    ProgressPrinter printer(trainer.firstStep(), trainer.endStep(), trainer.config().data.batchSize, quiet || !trainer.writesRun());
    trainer.addObserver(&printer);
    StopSignal::install();
    trainer.start();
    bool pausedBySignal = false;
    while (!trainer.waitFor(std::chrono::milliseconds(200))) {
        if (StopSignal::requested()) trainer.requestStop();
        if (StopSignal::pauseWanted() != pausedBySignal) {
            pausedBySignal = StopSignal::pauseWanted();
            if (pausedBySignal) trainer.pause();
            else trainer.resume();
        }
    }
    const fra::RunState state = trainer.state();
    if (trainer.writesRun())
        std::cout << "run " << trainer.run().root().string() << ": " << fra::toString(state) << " at step " << trainer.step() << "/"
                  << trainer.totalSteps() << std::endl;
    if (state == fra::RunState::Failed) {
        std::cerr << "fra: error: " << trainer.lastMessage() << std::endl;
        return 1;
    }
    if (state == fra::RunState::Stopped && StopSignal::slurmSignalled()) {
        // every rank stopped at the same step; rank 0 wrote the checkpoint and requeues the job
        if (trainer.writesRun()) std::cout << "fra: " << fra::requeueAfterSignal(trainer.run(), trainer.config().run.slurmMaxTimeouts) << std::endl;
        return 0;
    }
    return state == fra::RunState::Stopped ? 130 : 0;
}

struct PretrainOptions {
    ConfigOptions config;
    std::string data;
    std::string out;
    std::int64_t steps = -1;
    int threads = -1;
    long long seed = -1;
    std::string device;
    bool quiet = false;
};

struct ResumeOptions {
    std::string run;
    std::int64_t steps = 0;
    bool quiet = false;
    bool force = false;
    fra::LivenessPolicy liveness;
};

}  // namespace

void addPretrainCommands(CLI::App& app, CommandAction& action) {
    auto opts = std::make_shared<PretrainOptions>();
    CLI::App* pretrain = app.add_subcommand("pretrain", "Start an FRA pre-training run on a folder of face images");
    opts->config.addTo(*pretrain);
    pretrain->add_option("--data", opts->data, "Folder of face images (recursive; jpg, png, bmp, webp)");
    pretrain->add_option("--out", opts->out, "New run folder (must not exist or be empty)")->required();
    pretrain->add_option("--steps", opts->steps, "Stop after this many steps (run.max_steps)")->check(CLI::NonNegativeNumber);
    pretrain->add_option("--threads", opts->threads, "Compute threads (run.threads; 0 = all cores)")->check(CLI::NonNegativeNumber);
    pretrain->add_option("--seed", opts->seed, "Seed of initialisation, data order and augmentations")->check(CLI::NonNegativeNumber);
    pretrain->add_option("--device", opts->device, "cpu or cuda (run.device)")->check(CLI::IsMember({"cpu", "cuda"}));
    pretrain->add_flag("--quiet,-q", opts->quiet, "Print only warnings and the result");
    pretrain->callback([opts, &action] {
        action = [opts] {
            fra::DistributedEnv::fromEnvironment();  // a malformed launcher environment is the first error, before any file
            fra::FraConfig config = opts->config.build();
            auto& schema = fra::ConfigSchema::instance();
            if (!opts->data.empty()) config.data.root = std::filesystem::absolute(opts->data).lexically_normal().string();
            if (opts->steps >= 0) schema.applyAssignment(config, "run.max_steps=" + std::to_string(opts->steps));
            if (opts->threads >= 0) schema.applyAssignment(config, "run.threads=" + std::to_string(opts->threads));
            if (opts->seed >= 0) schema.applyAssignment(config, "run.seed=" + std::to_string(opts->seed));
            if (!opts->device.empty()) schema.applyAssignment(config, "run.device=" + opts->device);
            auto trainer = fra::Trainer::create(config, opts->out);
            return runToEnd(*trainer, opts->quiet);
        };
    });

    auto resumeOpts = std::make_shared<ResumeOptions>();
    CLI::App* resume = app.add_subcommand("resume", "Continue a run from its newest checkpoint (same curve, same data order)");
    resume->add_option("run", resumeOpts->run, "Run folder")->required();
    resume->add_option("--steps", resumeOpts->steps, "New step budget (run.max_steps) for a run that reached its old one")
        ->check(CLI::PositiveNumber);
    resume->add_flag("--quiet,-q", resumeOpts->quiet, "Print only warnings and the result");
    resume->add_flag("--force", resumeOpts->force,
                     "Resume a run whose heartbeat from another machine is older than --stale-after (that machine may only be cut off)");
    resume->add_option("--stale-after", resumeOpts->liveness.staleAfterSeconds,
                       "Seconds without a heartbeat before a run on another machine counts as interrupted")
        ->check(CLI::Range(1.0, 1e7));
    resume->add_option("--max-clock-skew", resumeOpts->liveness.maxClockSkewSeconds,
                       "Seconds by which the training machine's clock may differ from this one's")
        ->check(CLI::Range(0.0, 86400.0));
    resume->callback([resumeOpts, &action] {
        action = [resumeOpts] {
            fra::DistributedEnv::fromEnvironment();
            auto trainer = fra::Trainer::resume(resumeOpts->run, resumeOpts->steps, resumeOpts->liveness, resumeOpts->force);
            if (trainer->step() >= trainer->endStep()) {
                if (!trainer->writesRun()) return 0;
                std::cout << "run " << resumeOpts->run << " is complete at step " << trainer->step()
                          << " (give --steps to extend it)" << std::endl;
                return 0;
            }
            return runToEnd(*trainer, resumeOpts->quiet);
        };
    });
}
