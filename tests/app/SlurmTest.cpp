// `fra submit slurm` on a real one-node Slurm cluster that the test starts (Debian's munge,
// slurmctld, slurmd; tests/support/SlurmCluster): the job script, a preemption (Slurm's signal sent
// with scancel) that ends, after the job requeued itself and resumed, with the uninterrupted run's
// curve, two tasks that match one process, and one-line refusals that leave nothing behind.
#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/SlurmCluster.h"
#include "support/TempDir.h"
#include "support/TestImages.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace {

// Settings under which one process and two ranks, and a resumed and an uninterrupted run, agree.
std::vector<std::string> settings() {
    return {"--set", "model.arch=resnet18", "--set", "model.num_regions=4", "--set", "model.embed_dim=16", "--set", "model.hidden_dim=32",
            "--set", "model.decoder_heads=2", "--set", "model.decoder_feedforward=16", "--set", "model.decoder_dropout=0",
            "--set", "data.image_size=64", "--set", "data.batch_size=8", "--set", "data.workers=1", "--set", "run.threads=1",
            "--set", "run.probe_images=2", "--set", "optim.warmup_epochs=0", "--set", "optim.epochs=20", "--set", "run.checkpoint_every=1000",
            "--set", "run.distributed_timeout_s=30", "--set", "run.heartbeat_s=1", "--set", "optim.reference_batch=512",
            "--set", "loss.teacher_temperature=0.04", "--set", "loss.lambda_r=0.1", "--set", "run.seed=3"};
}

std::vector<std::string> submitArgs(const fs::path& data, const fs::path& out, int steps, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {FRA_CLI, "submit", "slurm", "--data", data.string(), "--out", out.string(), "--steps", std::to_string(steps)};
    for (const auto& s : settings()) args.push_back(s);
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// The same training as one process outside Slurm: the reference curve.
std::vector<std::string> localPretrain(const fs::path& data, const fs::path& out, int steps) {
    std::vector<std::string> args = {FRA_CLI, "pretrain", "--data", data.string(), "--out", out.string(), "--steps", std::to_string(steps), "--quiet"};
    for (const auto& s : settings()) args.push_back(s);
    return args;
}

std::string jobIdOf(const ProcessResult& submitted) {
    const std::string prefix = "submitted job ";
    const std::size_t at = submitted.out.find(prefix);
    if (at == std::string::npos) return "";
    const std::size_t end = submitted.out.find_first_not_of("0123456789", at + prefix.size());
    return submitted.out.substr(at + prefix.size(), end - at - prefix.size());
}

std::size_t loggedSteps(const fs::path& run) {
    return fs::exists(run / "metrics.jsonl") ? fra::MetricsReader::readAll(run / "metrics.jsonl").size() : 0;
}

std::string stateOf(const fs::path& run) {
    return fs::exists(run / "run.json") ? fra::RunDirectory::open(run).readStatus().state : "";
}

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void expectSameCurve(const fs::path& run, const fs::path& reference, double tolerance) {
    const auto expected = fra::MetricsReader::readAll(reference / "metrics.jsonl");
    const auto actual = fra::MetricsReader::readAll(run / "metrics.jsonl");
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
        EXPECT_EQ(actual[i].step, static_cast<std::int64_t>(i + 1));
        EXPECT_NEAR(actual[i].loss, expected[i].loss, tolerance * std::abs(expected[i].loss)) << "step " << i + 1;
        EXPECT_NEAR(actual[i].lossR, expected[i].lossR, tolerance * std::abs(expected[i].lossR)) << "step " << i + 1;
        EXPECT_EQ(actual[i].lr, expected[i].lr) << "step " << i + 1;
    }
}

class Slurm : public ::testing::Test {
protected:
    void SetUp() override {
        cluster = std::make_unique<SlurmCluster>(dir / "cluster");
        testimages::writeFolder(dir / "faces", 16, 72);
    }
    void TearDown() override { cluster.reset(); }

    std::string logs(const fs::path& run) const {
        std::string text;
        if (fs::exists(run / "slurm"))
            for (const auto& e : fs::directory_iterator(run / "slurm"))
                if (e.path().extension() == ".log") text += readFile(e.path().string());
        const std::string controller = readFile((dir / "cluster" / "slurmctld.log").string());
        return text + "--- slurmctld.log (end) ---\n" + controller.substr(controller.size() > 6000 ? controller.size() - 6000 : 0);
    }

    TempDir dir;
    std::unique_ptr<SlurmCluster> cluster;
};

}  // namespace

TEST_F(Slurm, APreemptedJobRequeuesItselfAndEndsWithTheUninterruptedCurve) {
    constexpr int kSteps = 40;
    const ProcessResult uninterrupted = runProcess(localPretrain(dir / "faces", dir / "reference", kSteps));
    ASSERT_EQ(uninterrupted.exitCode, 0) << uninterrupted.err;

    const fs::path run = dir / "runs" / "preempted";
    const ProcessResult submitted = runProcess(submitArgs(dir / "faces", run, kSteps));
    ASSERT_EQ(submitted.exitCode, 0) << submitted.err;
    const std::string job = jobIdOf(submitted);
    ASSERT_FALSE(job.empty()) << submitted.out;
    EXPECT_TRUE(fs::exists(run / "slurm" / "job.sh"));
    EXPECT_NE(readFile((run / "slurm" / "job.sh").string()).find("#SBATCH --signal=USR2@"), std::string::npos);

    ASSERT_TRUE(waitUntil([&] { return loggedSteps(run) >= 5; }, 180)) << logs(run);
    // a preemption: Slurm's signal to the job's tasks, as PreemptMode=REQUEUE with a grace time sends it
    const auto signalled = std::chrono::steady_clock::now();
    const ProcessResult signal = runProcess({"/usr/bin/scancel", "--signal=USR2", job});
    ASSERT_EQ(signal.exitCode, 0) << signal.err;
    ASSERT_TRUE(waitUntil([&] { return fra::RunDirectory::open(run).readStatus().slurmStops.size() == 1; }, 60)) << logs(run);
    const double toCheckpoint = secondsSince(signalled);
    const auto stop = fra::RunDirectory::open(run).readStatus().slurmStops.at(0);
    const std::int64_t stoppedAt = stop.value("step", std::int64_t{-1});
    EXPECT_EQ(stop.value("reason", ""), "preemption");
    EXPECT_TRUE(stop.value("requeued", false));
    EXPECT_LT(stoppedAt, kSteps) << "the signal came too late to interrupt the run";
    EXPECT_TRUE(fs::exists(run / "checkpoints" / ("ckpt_" + std::string(10 - std::to_string(stoppedAt).size(), '0') + std::to_string(stoppedAt) + ".pt")));
    const auto requeued = std::chrono::steady_clock::now();
    // requeued: the run browser for a terminal shows the job waiting in the queue again
    bool sawPending = false;
    waitUntil([&] {
        const ProcessResult listed = runProcess({FRA_CLI, "runs", (dir / "runs").string()});
        sawPending = listed.out.find("(job PENDING") != std::string::npos;
        return sawPending || loggedSteps(run) > static_cast<std::size_t>(stoppedAt);
    }, 60);
    EXPECT_TRUE(sawPending) << "fra runs never showed the requeued job pending";
    ASSERT_TRUE(waitUntil([&] { return loggedSteps(run) > static_cast<std::size_t>(stoppedAt); }, 180)) << logs(run);
    const double toFirstStep = secondsSince(requeued);
    ASSERT_TRUE(waitUntil([&] { return stateOf(run) == "finished" && cluster->jobState(job).empty(); }, 180)) << logs(run);

    expectSameCurve(run, dir / "reference", 0.0);  // the same process configuration on the CPU: identical
    const fra::RunStatus status = fra::RunDirectory::open(run).readStatus();
    EXPECT_EQ(status.jobId, job);
    EXPECT_NE(status.launcher.find("slurm (job " + job), std::string::npos) << status.launcher;
    const std::string log = logs(run);
    EXPECT_NE(log.find("run 0 on"), std::string::npos) << log;
    EXPECT_NE(log.find("run 1 on"), std::string::npos) << log;  // the requeued run appended to the same log
    EXPECT_NE(readFile((run / "run.log").string()).find("slurm: preemption signal: checkpoint at step"), std::string::npos);
    std::printf("{\"bench\": \"slurm-requeue\", \"signal_to_checkpoint_s\": %.2f, \"requeue_to_first_step_s\": %.2f, \"steps_lost\": 0}\n",
                toCheckpoint, toFirstStep);
}

// A real time limit: Slurm signals the job before it (--time=1, the signal's lead 40 s), the job
// checkpoints and requeues itself; the second time it reaches the limit, run.slurm_max_timeouts=1
// is used up and the run stays stopped at its checkpoint, saying how to continue.
TEST_F(Slurm, ATimeLimitRequeuesUntilTheCapAndThenStopsResumable) {
    const fs::path run = dir / "runs" / "limited";
    const ProcessResult submitted =
        runProcess(submitArgs(dir / "faces", run, 100000, {"--time", "1", "--signal-lead", "40", "--set", "run.slurm_max_timeouts=1", "--set", "optim.epochs=100000"}));
    ASSERT_EQ(submitted.exitCode, 0) << submitted.err;
    const std::string job = jobIdOf(submitted);
    ASSERT_TRUE(waitUntil([&] { return fs::exists(run / "run.json") && fra::RunDirectory::open(run).readStatus().slurmStops.size() == 2; }, 400))
        << logs(run);
    ASSERT_TRUE(waitUntil([&] { return cluster->jobState(job).empty(); }, 120)) << logs(run);
    const fra::RunStatus status = fra::RunDirectory::open(run).readStatus();
    EXPECT_EQ(status.state, "stopped");
    EXPECT_NE(status.message.find("run.slurm_max_timeouts"), std::string::npos) << status.message;
    const auto& first = status.slurmStops.at(0);
    const auto& second = status.slurmStops.at(1);
    EXPECT_EQ(first.value("reason", ""), "time limit");
    EXPECT_TRUE(first.value("requeued", false));
    EXPECT_EQ(second.value("reason", ""), "time limit");
    EXPECT_FALSE(second.value("requeued", true));
    // the cap counts this run's time-limit stops, not SLURM_RESTART_COUNT: Slurm requeues a job with
    // --requeue on its own too (a launch or node failure on a loaded machine), and each counts a restart
    EXPECT_GT(second.value("slurm_restart", -1), first.value("slurm_restart", -1)) << logs(run);
    EXPECT_GT(second.value("step", 0), first.value("step", 0));
    ASSERT_TRUE(fra::RunDirectory::open(run).latestCheckpoint());
    EXPECT_EQ(fra::RunDirectory::open(run).latestCheckpoint()->step, status.checkpointStep);
    EXPECT_EQ(loggedSteps(run), static_cast<std::size_t>(status.checkpointStep));  // nothing trained after the checkpoint is lost
}

TEST_F(Slurm, TwoTasksMatchOneProcessWithTheCombinedBatch) {
    constexpr int kSteps = 6;
    const ProcessResult one = runProcess(localPretrain(dir / "faces", dir / "single", kSteps));
    ASSERT_EQ(one.exitCode, 0) << one.err;
    const fs::path run = dir / "runs" / "two";
    const ProcessResult submitted = runProcess(submitArgs(dir / "faces", run, kSteps, {"--tasks-per-node", "2", "--cpus-per-task", "1"}));
    ASSERT_EQ(submitted.exitCode, 0) << submitted.err;
    const std::string job = jobIdOf(submitted);
    ASSERT_TRUE(waitUntil([&] { return stateOf(run) == "finished" && cluster->jobState(job).empty(); }, 240)) << logs(run);
    expectSameCurve(run, dir / "single", 1e-4);
    const fra::RunStatus status = fra::RunDirectory::open(run).readStatus();
    EXPECT_NE(status.device.find("2 ranks"), std::string::npos) << status.device;
    EXPECT_NE(status.launcher.find("task 0 of 2"), std::string::npos) << status.launcher;
}

// One rank of a 2-task job dies in mid-run (killed as the kernel's OOM killer would): srun ends the
// other rank and the job, the job's log names the rank, and the run is left resumable, not "running".
TEST_F(Slurm, ARankKilledInMidRunFailsTheJobNamingTheRank) {
    const fs::path run = dir / "runs" / "killed";
    const ProcessResult submitted =
        runProcess(submitArgs(dir / "faces", run, 100000, {"--tasks-per-node", "2", "--cpus-per-task", "1", "--set", "run.checkpoint_every=3"}));
    ASSERT_EQ(submitted.exitCode, 0) << submitted.err;
    const std::string job = jobIdOf(submitted);
    ASSERT_TRUE(waitUntil([&] { return loggedSteps(run) >= 4; }, 240)) << logs(run);
    // rank 1: the fra process of this job whose task id is 1
    pid_t rank1 = -1;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string environ = readFile((entry.path() / "environ").string());
        const std::string cmdline = readFile((entry.path() / "cmdline").string());
        if (cmdline.find(FRA_CLI) != 0) continue;
        if (environ.find(std::string("SLURM_JOB_ID=") + job + '\0') != std::string::npos &&
            environ.find(std::string("SLURM_PROCID=1") + '\0') != std::string::npos)
            rank1 = static_cast<pid_t>(std::stol(entry.path().filename().string()));
    }
    ASSERT_GT(rank1, 0) << "no process of rank 1 found";
    ASSERT_EQ(::kill(rank1, SIGKILL), 0);
    ASSERT_TRUE(waitUntil([&] { return cluster->jobState(job).empty(); }, 120)) << logs(run);
    const std::string log = logs(run);
    EXPECT_NE(log.find("task 1: Killed"), std::string::npos) << log;
    const ProcessResult listed = runProcess({FRA_CLI, "runs", "--json", run.string()});
    ASSERT_EQ(listed.exitCode, 0) << listed.err;
    EXPECT_EQ(listed.out.find("\"state\":\"running\""), std::string::npos) << listed.out;
    EXPECT_NE(stateOf(run), "finished");
    EXPECT_TRUE(fra::RunDirectory::open(run).latestCheckpoint().has_value()) << "nothing to resume from";
}

TEST_F(Slurm, RefusalsAreOneLineAndLeaveNothingBehind) {
    auto expectRefused = [&](const std::vector<std::string>& argv, const std::string& fragment, const fs::path& out) {
        const ProcessResult r = runProcess(argv);
        EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
        const auto errLines = lines(r.err);
        ASSERT_EQ(errLines.size(), 1u) << r.err;
        EXPECT_NE(errLines[0].find(fragment), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(out)) << out;
    };
    expectRefused(submitArgs(dir / "faces", dir / "a", 4, {"--partition", "nosuchpartition"}), "sbatch refused the job: ", dir / "a");
    std::ofstream(dir / "setup.sh") << "module load cuda\n#SBATCH --mem=4G\n";
    expectRefused(submitArgs(dir / "faces", dir / "b", 4, {"--setup-file", (dir / "setup.sh").string()}), "setup.sh':2: #SBATCH lines", dir / "b");
    expectRefused(submitArgs(dir / "faces", dir / "c", 4, {"--set", "model.num_regions=0"}), "model.num_regions", dir / "c");
    // no sbatch on PATH: the machine is not a login node
    const std::string path = std::getenv("PATH");
    ::setenv("PATH", "/nonexistent", 1);
    expectRefused(submitArgs(dir / "faces", dir / "d", 4), "sbatch was not found", dir / "d");
    ::setenv("PATH", path.c_str(), 1);
}

// Before its job starts the run, a submitted folder is listed by `fra runs` with the job's queue
// state; once the job has left the queue without starting it, the line says where its log is.
TEST_F(Slurm, FraRunsShowsAJobWaitingInTheQueue) {
    const fs::path run = dir / "runs" / "held";
    const ProcessResult submitted = runProcess(submitArgs(dir / "faces", run, 4, {"--sbatch-extra=--hold"}));
    ASSERT_EQ(submitted.exitCode, 0) << submitted.err;
    const std::string job = jobIdOf(submitted);
    const ProcessResult queued = runProcess({FRA_CLI, "runs", (dir / "runs").string()});
    ASSERT_EQ(queued.exitCode, 0) << queued.err;
    EXPECT_NE(queued.out.find("queued: PENDING (JobHeldUser)"), std::string::npos) << queued.out;
    EXPECT_NE(queued.out.find(job), std::string::npos) << queued.out;
    // `fra submit stop` on a job that still waits: cancelled at once
    const ProcessResult stopped = runProcess({FRA_CLI, "submit", "stop", run.string()});
    ASSERT_EQ(stopped.exitCode, 0) << stopped.err;
    EXPECT_NE(stopped.out.find("job " + job + " was waiting in the queue (PENDING (JobHeldUser)): cancelled"), std::string::npos) << stopped.out;
    ASSERT_TRUE(waitUntil([&] { return cluster->jobState(job).empty(); }, 30));
    const ProcessResult notSubmitted = runProcess({FRA_CLI, "submit", "stop", (dir / "faces").string()});
    EXPECT_EQ(notSubmitted.exitCode, 1);
    EXPECT_NE(notSubmitted.err.find("was not submitted to Slurm"), std::string::npos) << notSubmitted.err;
    const ProcessResult gone = runProcess({FRA_CLI, "runs", "--json", (dir / "runs").string()});
    EXPECT_NE(gone.out.find("\"state\":\"submitted\""), std::string::npos) << gone.out;
    EXPECT_NE(gone.out.find("never started the run"), std::string::npos) << gone.out;
}
