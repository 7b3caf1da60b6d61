// A run killed with SIGKILL and resumed continues the same loss curve as a run never stopped.
#include "run/MetricsLog.h"
#include "run/NpyFile.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"

#include <csignal>
#include <gtest/gtest.h>
#include <random>
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

namespace {
// Every file of a run parses: status, frozen config, each metrics line, each indexed heatmap snapshot.
void expectEveryRunFileParses(const fs::path& root, int kill) {
    const auto run = fra::RunDirectory::open(root);
    EXPECT_NO_THROW(run.readStatus()) << "after kill " << kill;
    EXPECT_NO_THROW(run.readConfig()) << "after kill " << kill;
    EXPECT_NO_THROW(fra::MetricsReader::readAll(run.metricsFile())) << "after kill " << kill;
    std::vector<fra::HeatmapIndexEntry> snapshots;
    EXPECT_NO_THROW(snapshots = run.heatmapSnapshots()) << "after kill " << kill;
    for (const auto& s : snapshots) EXPECT_NO_THROW(fra::readNpy(s.file)) << s.file << " after kill " << kill;
}
}  // namespace

// Crash consistency: SIGKILL at 20 random moments of a run that checkpoints and snapshots every
// step (so kills land inside checkpoint, heatmap and metrics writes); after each kill every run file
// parses and `fra resume` continues; the final curve equals the uninterrupted run's.
TEST(ResumeAfterKill, TwentyRandomKillsLeaveAParsableRunAndTheSameCurve) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 12, 48);
    constexpr int steps = 40;
    auto args = [&](const fs::path& out) {
        std::vector<std::string> a = {FRA_CLI, "pretrain", "--data", (dir / "data").string(), "--out", out.string(), "--steps",
                                      std::to_string(steps), "--seed", "3", "--set", "run.checkpoint_every=1", "--set",
                                      "run.checkpoint_minutes=0", "--quiet"};
        for (const auto& s : tinyTrainingArgs()) a.push_back(s);
        a.insert(a.end(), {"--set", "run.heatmap_every=1"});
        return a;
    };
    const ProcessResult reference = runProcess(args(dir / "reference"));
    ASSERT_EQ(reference.exitCode, 0) << reference.err;
    const auto expected = fra::MetricsReader::readAll(dir / "reference" / "metrics.jsonl");
    ASSERT_EQ(expected.size(), static_cast<std::size_t>(steps));

    const fs::path run = dir / "killed";
    std::mt19937 random(20261202);
    int kills = 0;
    for (int life = 0; kills < 20 && life < 60; ++life) {
        const std::vector<std::string> command =
            life == 0 ? args(run) : std::vector<std::string>{FRA_CLI, "resume", run.string(), "--quiet"};
        const std::size_t before = fs::exists(run / "metrics.jsonl") ? loggedSteps(run) : 0;
        if (before >= static_cast<std::size_t>(steps) - 2) break;  // leave the last steps to finish normally
        const pid_t pid = spawnProcess(command, (dir / "life.log").string());
        // a random moment inside the training: after this life's first new step, 0-150 ms later
        // (a tiny step with its checkpoint and snapshot takes about that long here)
        for (int i = 0; i < 30000 && loggedSteps(run) <= before; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 150000)(random)));
        ::kill(pid, SIGKILL);
        const int code = waitProcess(pid);
        if (code == 0) break;  // it finished first
        ASSERT_EQ(code, 128 + SIGKILL) << readFile((dir / "life.log").string());
        ++kills;
        expectEveryRunFileParses(run, kills);
    }
    EXPECT_GE(kills, 20);
    const ProcessResult last = runProcess({FRA_CLI, "resume", run.string(), "--quiet"});
    ASSERT_EQ(last.exitCode, 0) << last.err;
    expectEveryRunFileParses(run, kills);
    const auto actual = fra::MetricsReader::readAll(run / "metrics.jsonl");
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
        EXPECT_EQ(actual[i].step, static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(actual[i].loss, expected[i].loss) << "step " << i + 1;
        EXPECT_EQ(actual[i].lossR, expected[i].lossR) << "step " << i + 1;
    }
    EXPECT_EQ(fra::RunDirectory::open(run).readStatus().state, "finished");
}
