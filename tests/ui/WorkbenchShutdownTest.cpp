// Every way the workbench process is ended from outside keeps its run: SIGINT, SIGTERM and SIGHUP
// in the offscreen GUI, and the X server going away under a real (Xvfb) display, each stop the
// training after its step with a checkpoint and the state `stopped`; `fra resume` then continues
// the same loss curve as a run never interrupted. These run the real fra-workbench binary.
#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

constexpr int kSteps = 14;

// The tiny training of the CLI tests (ResNet-18 at 32 px, batch 4), no step-based checkpoints:
// the only checkpoint a stopped run has is the one its shutdown wrote.
std::vector<std::string> tinySettings() {
    return {"model.arch=resnet18", "model.num_regions=4", "model.embed_dim=16", "model.hidden_dim=32", "model.decoder_heads=2",
            "model.decoder_feedforward=16", "data.image_size=32", "data.batch_size=4", "data.workers=2", "data.min_image_side=16",
            "optim.epochs=20", "optim.warmup_epochs=1", "run.threads=2", "run.heatmap_every=2", "run.probe_images=3",
            "run.checkpoint_every=1000", "run.checkpoint_minutes=0", "run.seed=5", "run.eval_every=0"};
}

std::vector<std::string> workbenchArgs(const fs::path& runs, const fs::path& data) {
    std::vector<std::string> args = {FRA_WORKBENCH, "--runs", runs.string(), "--demo", data.string(), "--preset", "cpu-r18",
                                     "--steps", std::to_string(kSteps)};
    for (const auto& s : tinySettings()) args.insert(args.end(), {"--set", s});
    return args;
}

std::size_t loggedSteps(const fs::path& run) {
    return fs::exists(run / "metrics.jsonl") ? fra::MetricsReader::readAll(run / "metrics.jsonl").size() : 0;
}

fs::path onlyRun(const fs::path& runs) {
    for (const auto& e : fs::directory_iterator(runs))
        if (e.is_directory()) return e.path();
    return {};
}

// Waits until the workbench's run has logged `steps` steps; returns its folder.
fs::path waitForSteps(const fs::path& runs, std::size_t steps) {
    for (int i = 0; i < 6000; ++i) {  // 60 s
        const fs::path run = fs::exists(runs) ? onlyRun(runs) : fs::path();
        if (!run.empty() && loggedSteps(run) >= steps) return run;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return {};
}

class WorkbenchShutdown : public ::testing::Test {
protected:
    void SetUp() override {
        testimages::writeFolder(dir / "data", 16, 48);
        ::setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1);  // the GUI's settings stay in the test folder
        ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
        // the reference: the same settings, never interrupted, through the command line
        std::vector<std::string> args = {FRA_CLI, "pretrain", "--preset", "cpu-r18", "--data", (dir / "data").string(),
                                         "--out", (dir / "reference").string(), "--steps", std::to_string(kSteps), "--quiet"};
        for (const auto& s : tinySettings()) args.insert(args.end(), {"--set", s});
        const ProcessResult reference = runProcess(args);
        ASSERT_EQ(reference.exitCode, 0) << reference.err;
        expected = fra::MetricsReader::readAll(dir / "reference" / "metrics.jsonl");
        ASSERT_EQ(expected.size(), static_cast<std::size_t>(kSteps));
    }

    // The run was stopped by the shutdown: checkpoint at its last logged step, state `stopped`,
    // and `fra resume` completes the same curve as the reference.
    void expectResumableAndSameCurve(const fs::path& run) {
        const auto opened = fra::RunDirectory::open(run);
        const auto status = opened.readStatus();
        EXPECT_EQ(status.state, "stopped") << status.message;
        const std::size_t logged = loggedSteps(run);
        ASSERT_TRUE(opened.latestCheckpoint().has_value());
        EXPECT_EQ(static_cast<std::size_t>(opened.latestCheckpoint()->step), logged);
        EXPECT_LT(logged, static_cast<std::size_t>(kSteps)) << "the shutdown came too late to interrupt the run";

        const ProcessResult resumed = runProcess({FRA_CLI, "resume", run.string(), "--quiet"});
        ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
        const auto actual = fra::MetricsReader::readAll(run / "metrics.jsonl");
        ASSERT_EQ(actual.size(), expected.size());
        for (std::size_t i = 0; i < actual.size(); ++i) {
            EXPECT_EQ(actual[i].step, static_cast<std::int64_t>(i + 1));
            EXPECT_EQ(actual[i].loss, expected[i].loss) << "step " << i + 1;
            EXPECT_EQ(actual[i].lr, expected[i].lr) << "step " << i + 1;
        }
        EXPECT_EQ(fra::RunDirectory::open(run).readStatus().state, "finished");
    }

    void endWithSignal(int sig) {
        const fs::path runs = dir / "runs";
        const pid_t pid = spawnProcess(workbenchArgs(runs, dir / "data"), (dir / "workbench.log").string());
        const fs::path run = waitForSteps(runs, 3);
        ASSERT_FALSE(run.empty()) << readFile((dir / "workbench.log").string());
        ::kill(pid, sig);
        EXPECT_EQ(waitProcess(pid), 0) << readFile((dir / "workbench.log").string());
        EXPECT_NE(readFile((dir / "workbench.log").string()).find("stopping the training after this step"), std::string::npos);
        expectResumableAndSameCurve(run);
    }

    TempDir dir;
    std::vector<fra::StepRecord> expected;
};

}  // namespace

TEST_F(WorkbenchShutdown, SigintCheckpointsAndStops) { endWithSignal(SIGINT); }
TEST_F(WorkbenchShutdown, SigtermCheckpointsAndStops) { endWithSignal(SIGTERM); }
TEST_F(WorkbenchShutdown, SighupCheckpointsAndStops) { endWithSignal(SIGHUP); }

// As a closed ssh -X session or a logout does: the X server ends under a training workbench.
TEST_F(WorkbenchShutdown, DisplayGoingAwayCheckpointsAndStops) {
    const std::string xvfb = "/usr/bin/Xvfb";
    ASSERT_TRUE(fs::exists(xvfb)) << "Xvfb is missing: scripts/install-deps.sh installs the xvfb package";
    const std::string display = ":" + std::to_string(200 + ::getpid() % 700);
    const pid_t server = spawnProcess({xvfb, display, "-nolisten", "tcp", "-screen", "0", "1280x800x24"}, (dir / "xvfb.log").string());
    const fs::path socket = "/tmp/.X11-unix/X" + display.substr(1);
    for (int i = 0; i < 1000 && !fs::exists(socket); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(fs::exists(socket)) << readFile((dir / "xvfb.log").string());
    ::setenv("DISPLAY", display.c_str(), 1);
    ::setenv("QT_QPA_PLATFORM", "xcb", 1);

    const fs::path runs = dir / "runs";
    const pid_t pid = spawnProcess(workbenchArgs(runs, dir / "data"), (dir / "workbench.log").string());
    const fs::path run = waitForSteps(runs, 3);
    ::kill(server, SIGTERM);
    waitProcess(server);
    ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
    ASSERT_FALSE(run.empty()) << readFile((dir / "workbench.log").string());
    const int code = waitProcess(pid);  // Qt ends the process with exit(1) when its display is gone
    const std::string log = readFile((dir / "workbench.log").string());
    EXPECT_EQ(code, 1) << log;
    EXPECT_NE(log.find("the display connection broke: stopped"), std::string::npos) << log;
    expectResumableAndSameCurve(run);
}
