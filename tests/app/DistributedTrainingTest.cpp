// Multi-process training on torch's c10d (Gloo on loopback), launched the torchrun way.
#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {


std::vector<std::string> pretrain(const fs::path& data, const fs::path& out, int steps) {
    return {FRA_CLI, "pretrain", "--data", data.string(), "--out", out.string(), "--steps", std::to_string(steps), "--seed", "3", "--quiet",
            "--set", "model.arch=resnet18", "--set", "model.num_regions=4", "--set", "model.embed_dim=16", "--set", "model.hidden_dim=32",
            "--set", "model.decoder_heads=2", "--set", "model.decoder_feedforward=16",
            // dropout draws per-sample random numbers: with it one process and two differ by design
            "--set", "model.decoder_dropout=0", "--set", "data.image_size=64", "--set", "data.batch_size=8", "--set", "data.workers=1",
            "--set", "run.threads=1", "--set", "run.probe_images=2", "--set", "optim.warmup_epochs=0", "--set", "optim.epochs=4",
            "--set", "run.checkpoint_every=2", "--set", "run.distributed_timeout_s=20",
            // cpu-r18's architecture (learned queries, stride 16) with the spec's lr and L_r settings: the
            // preset's 8x lr and sharper teacher amplify summation-order differences past 1e-4 by step 5
            "--set", "optim.reference_batch=512", "--set", "loss.teacher_temperature=0.04", "--set", "loss.lambda_r=0.1"};
}

// Runs `argv` as `world` ranks (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT); returns their pids.
std::vector<pid_t> launch(const std::vector<std::string>& argv, int world, int port, const fs::path& logs) {
    std::vector<pid_t> pids;
    for (int rank = 0; rank < world; ++rank) {
        ::setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
        ::setenv("RANK", std::to_string(rank).c_str(), 1);
        ::setenv("MASTER_ADDR", "127.0.0.1", 1);
        ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
        pids.push_back(spawnProcess(argv, (logs / ("rank" + std::to_string(rank) + ".log")).string()));
    }
    for (const char* v : {"WORLD_SIZE", "RANK", "MASTER_ADDR", "MASTER_PORT"}) ::unsetenv(v);
    return pids;
}

}  // namespace

TEST(DistributedTraining, TwoGlooRanksMatchOneProcessWithTheCombinedBatch) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 16, 72);
    const ProcessResult single = runProcess(pretrain(dir / "data", dir / "single", 6));
    ASSERT_EQ(single.exitCode, 0) << single.err;
    const auto pids = launch(pretrain(dir / "data", dir / "two", 6), 2, freeLoopbackPort(), dir.path());
    for (pid_t pid : pids) ASSERT_EQ(waitProcess(pid), 0) << readFile((dir / "rank0.log").string()) << readFile((dir / "rank1.log").string());

    const auto expected = fra::MetricsReader::readAll(dir / "single" / "metrics.jsonl");
    const auto actual = fra::MetricsReader::readAll(dir / "two" / "metrics.jsonl");  // only rank 0 writes it
    ASSERT_EQ(actual.size(), 6u);
    for (std::size_t i = 0; i < actual.size(); ++i) {
        EXPECT_NEAR(actual[i].loss, expected[i].loss, 1e-4 * expected[i].loss) << "step " << i + 1;
        EXPECT_NEAR(actual[i].lossR, expected[i].lossR, 1e-4 * expected[i].lossR) << "step " << i + 1;
        EXPECT_NEAR(actual[i].lossL, expected[i].lossL, 1e-4 * expected[i].lossL) << "step " << i + 1;
        EXPECT_EQ(actual[i].lr, expected[i].lr);
    }
    const auto run = fra::RunDirectory::open(dir / "two");
    EXPECT_EQ(run.readStatus().state, "finished");
    EXPECT_NE(run.readStatus().device.find("2 ranks"), std::string::npos);
    EXPECT_EQ(run.latestCheckpoint()->step, 6);
}

TEST(DistributedTraining, ALostRankStopsTheOthersAndTheRunResumes) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 16, 72);
    auto pids = launch(pretrain(dir / "data", dir / "run", 40), 2, freeLoopbackPort(), dir.path());
    // once the checkpoint of step 2 exists, rank 1 dies
    for (int i = 0; i < 3000 && !fs::exists(dir / "run" / "checkpoints" / "ckpt_0000000002.pt"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(fs::exists(dir / "run" / "checkpoints" / "ckpt_0000000002.pt")) << readFile((dir / "rank0.log").string());
    ::kill(pids[1], SIGKILL);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(waitProcess(pids[0]), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
    waitProcess(pids[1]);
    const std::string log = readFile((dir / "rank0.log").string());
    EXPECT_NE(log.find("lost the other ranks"), std::string::npos) << log;
    EXPECT_EQ(fra::RunDirectory::open(dir / "run").readStatus().state, "failed");

    // restarting both ranks continues from the newest checkpoint to the end
    const auto resumed = launch({FRA_CLI, "resume", (dir / "run").string(), "--steps", "6", "--quiet"}, 2, freeLoopbackPort(), dir.path());
    for (pid_t pid : resumed) ASSERT_EQ(waitProcess(pid), 0) << readFile((dir / "rank0.log").string()) << readFile((dir / "rank1.log").string());
    const auto records = fra::MetricsReader::readAll(dir / "run" / "metrics.jsonl");
    ASSERT_EQ(records.size(), 6u);
    for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].step, static_cast<std::int64_t>(i + 1));
}
