// A run killed with SIGKILL and resumed continues the same loss curve as a run never stopped.
#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"

#include <csignal>
#include <gtest/gtest.h>
#include <thread>

namespace fs = std::filesystem;

namespace {
std::vector<std::string> pretrainArgs(const fs::path& data, const fs::path& out) {
    std::vector<std::string> args = {FRA_CLI, "pretrain", "--data", data.string(), "--out", out.string(), "--steps", "10",
                                     "--seed", "11", "--set", "run.checkpoint_every=4", "--quiet"};
    for (const auto& a : tinyTrainingArgs()) args.push_back(a);
    return args;
}

std::int64_t loggedSteps(const fs::path& run) {
    return static_cast<std::int64_t>(fra::MetricsReader::readAll(run / "metrics.jsonl").size());
}
}  // namespace

TEST(ResumeAfterKill, SameLossesAsAnUninterruptedRun) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 12, 48);  // 3 steps per epoch: the kill lands mid-epoch

    const ProcessResult reference = runProcess(pretrainArgs(dir / "data", dir / "reference"));
    ASSERT_EQ(reference.exitCode, 0) << reference.err;
    const auto expected = fra::MetricsReader::readAll(dir / "reference" / "metrics.jsonl");
    ASSERT_EQ(expected.size(), 10u);

    const pid_t pid = spawnProcess(pretrainArgs(dir / "data", dir / "killed"), (dir / "killed.log").string());
    // kill it after the checkpoint of step 4, in the middle of step 6 or so
    for (int i = 0; i < 30000 && loggedSteps(dir / "killed") < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_GE(loggedSteps(dir / "killed"), 5);
    ::kill(pid, SIGKILL);
    ASSERT_EQ(waitProcess(pid), 128 + SIGKILL);
    const auto run = fra::RunDirectory::open(dir / "killed");
    ASSERT_EQ(run.latestCheckpoint()->step, 4);
    EXPECT_EQ(run.readStatus().state, "running");  // what a crash leaves: resumable

    const ProcessResult resumed = runProcess({FRA_CLI, "resume", (dir / "killed").string(), "--quiet"});
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
    const auto actual = fra::MetricsReader::readAll(dir / "killed" / "metrics.jsonl");
    ASSERT_EQ(actual.size(), 10u);  // one continuous curve: steps after the checkpoint were replaced
    for (std::size_t i = 0; i < actual.size(); ++i) {
        EXPECT_EQ(actual[i].step, static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(actual[i].loss, expected[i].loss) << "step " << i + 1;
        EXPECT_EQ(actual[i].lossR, expected[i].lossR) << "step " << i + 1;
        EXPECT_EQ(actual[i].lr, expected[i].lr) << "step " << i + 1;
    }
    EXPECT_EQ(fra::RunDirectory::open(dir / "killed").readStatus().state, "finished");
}
