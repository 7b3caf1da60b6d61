// fra-requeue-bench: what a preemption costs a Slurm job, as JSON lines.
//   fra-requeue-bench [REPEATS=3] [TASKS=1]
// A one-node Slurm cluster (the tests' harness: Debian's munge, slurmctld and slurmd in a temporary
// folder, cred_expire=10, sched_interval=5) runs a tiny pre-training submitted with `fra submit
// slurm`; in mid-run the job gets Slurm's preemption signal (scancel --signal=USR2). Per repeat:
// seconds from the signal to the checkpoint recorded in run.json, from the requeue to the first
// resumed step in metrics.jsonl, and the steps lost (logged before the stop, beyond the checkpoint).
// The first line describes the configuration; each repeat is one line; the last line is the median.
#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/SlurmCluster.h"
#include "support/TempDir.h"
#include "support/TestImages.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::size_t loggedSteps(const fs::path& run) {
    return fs::exists(run / "metrics.jsonl") ? fra::MetricsReader::readAll(run / "metrics.jsonl").size() : 0;
}

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

[[noreturn]] void fail(const std::string& why) {
    std::printf("%s\n", nlohmann::json{{"bench", "slurm-requeue"}, {"error", why}}.dump().c_str());
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const int tasks = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
    constexpr int kSteps = 40;
    TempDir dir;
    SlurmCluster cluster(dir / "cluster");
    testimages::writeFolder(dir / "faces", 16, 72);
    const std::vector<std::string> settings = {
        "model.arch=resnet18", "model.num_regions=4", "model.embed_dim=16", "model.hidden_dim=32", "model.decoder_heads=2",
        "model.decoder_feedforward=16", "data.image_size=64", "data.batch_size=8", "data.workers=1", "run.threads=1",
        "run.probe_images=2", "optim.warmup_epochs=0", "optim.epochs=20", "run.checkpoint_every=1000", "run.heartbeat_s=1"};
    std::printf("%s\n", nlohmann::json{{"bench", "slurm-requeue"},
                                       {"config", "cpu-r18 preset with a tiny ResNet-18 model (64 px, batch 8 per task, 4 regions)"},
                                       {"tasks", tasks},
                                       {"steps", kSteps},
                                       {"cluster", "one node on this machine: Slurm 22.05 daemons started by the bench, cred_expire=10, sched_interval=5"}}
                            .dump()
                            .c_str());
    std::vector<double> toCheckpoint, toFirstStep;
    for (int repeat = 0; repeat < repeats; ++repeat) {
        const fs::path run = dir / "runs" / ("r" + std::to_string(repeat));
        std::vector<std::string> submit = {FRA_CLI, "submit", "slurm", "--data", (dir / "faces").string(), "--out", run.string(),
                                           "--steps", std::to_string(kSteps), "--tasks-per-node", std::to_string(tasks)};
        for (const auto& s : settings) submit.insert(submit.end(), {"--set", s});
        const ProcessResult submitted = runProcess(submit);
        if (submitted.exitCode != 0) fail("fra submit slurm: " + submitted.err);
        std::string jobId;
        if (const auto at = submitted.out.find("submitted job "); at != std::string::npos)
            jobId = submitted.out.substr(at + 14, submitted.out.find_first_not_of("0123456789", at + 14) - at - 14);
        if (!waitUntil([&] { return loggedSteps(run) >= 8; }, 240)) fail("the job never reached step 8");
        const std::size_t before = loggedSteps(run);
        const auto signalled = Clock::now();
        if (runProcess({"/usr/bin/scancel", "--signal=USR2", jobId}).exitCode != 0) fail("scancel --signal=USR2 failed");
        if (!waitUntil([&] { return fra::RunDirectory::open(run).readStatus().slurmStops.size() == 1; }, 120)) fail("no checkpoint after the signal");
        const double checkpointed = since(signalled);
        const std::size_t loggedAtStop = loggedSteps(run);
        const auto stop = fra::RunDirectory::open(run).readStatus().slurmStops.at(0);
        const std::int64_t stoppedAt = stop.value("step", std::int64_t{-1});
        const auto requeued = Clock::now();
        // the job's second run (restart 1) has started and logged a step past the checkpoint
        if (!waitUntil([&] { return fra::RunDirectory::open(run).readStatus().launcher.find("restart 1") != std::string::npos &&
                                    loggedSteps(run) > static_cast<std::size_t>(stoppedAt); }, 300))
            fail("the requeued job never resumed");
        const double resumed = since(requeued);
        if (!waitUntil([&] { return fra::RunDirectory::open(run).readStatus().state == "finished" && cluster.jobState(jobId).empty(); }, 300))
            fail("the requeued job never finished");
        const auto records = fra::MetricsReader::readAll(run / "metrics.jsonl");
        // steps done before the stop that the checkpoint does not hold: done again after the resume
        const std::int64_t lost = std::max<std::int64_t>(0, static_cast<std::int64_t>(loggedAtStop) - stoppedAt);
        toCheckpoint.push_back(checkpointed);
        toFirstStep.push_back(resumed);
        std::printf("%s\n", nlohmann::json{{"bench", "slurm-requeue"},
                                           {"repeat", repeat},
                                           {"steps_before_signal", before},
                                           {"checkpoint_step", stoppedAt},
                                           {"signal_to_checkpoint_s", checkpointed},
                                           {"requeue_to_first_step_s", resumed},
                                           {"steps_lost", lost},
                                           {"steps_logged", records.size()}}
                                .dump()
                                .c_str());
        std::fflush(stdout);
    }
    std::printf("%s\n", nlohmann::json{{"bench", "slurm-requeue"},
                                       {"summary", "median"},
                                       {"repeats", repeats},
                                       {"signal_to_checkpoint_s", median(toCheckpoint)},
                                       {"requeue_to_first_step_s", median(toFirstStep)}}
                            .dump()
                            .c_str());
    return 0;
}
