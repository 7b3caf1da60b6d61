// A run's TensorBoard event file, read by an independent reader (tests/support/tensorboard/
// read_events.py: crcmod's CRC-32C, protoc + python3-protobuf, Pillow), against the run's own files.
#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"

#include <csignal>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kPython = "/usr/bin/python3";  // Debian's, with python3-protobuf, python3-crcmod, python3-pil

std::vector<std::string> pretrainArgs(const fs::path& data, const fs::path& out, int steps) {
    std::vector<std::string> args = {FRA_CLI, "pretrain", "--data", data.string(), "--out", out.string(), "--steps", std::to_string(steps),
                                     "--seed", "5", "--set", "run.checkpoint_every=3", "--quiet"};
    for (const auto& a : tinyTrainingArgs()) args.push_back(a);
    return args;
}

// The reader's description of every event file in RUN/tensorboard/.
json readEvents(const TempDir& dir, const fs::path& run) {
    const fs::path generated = dir / "proto";
    fs::create_directories(generated);
    const fs::path protoDir = fs::path(FRA_SOURCE_DIR) / "tests/support/tensorboard";
    const ProcessResult protoc = runProcess({FRA_PROTOC, "--python_out=" + generated.string(), "-I", protoDir.string(), "event.proto"});
    EXPECT_EQ(protoc.exitCode, 0) << protoc.err;
    const ProcessResult r = runProcess({kPython, (protoDir / "read_events.py").string(), generated.string(), (run / "tensorboard").string()});
    EXPECT_EQ(r.exitCode, 0) << r.err << r.out;
    return r.exitCode == 0 ? json::parse(r.out) : json();
}

void expectScalarsMatchMetrics(const json& file, const fs::path& run) {
    const auto metrics = fra::MetricsReader::readAll(run / "metrics.jsonl");
    ASSERT_FALSE(metrics.empty());
    const std::map<std::string, double fra::StepRecord::*> tags = {
        {"loss/L (total)", &fra::StepRecord::loss}, {"loss/L_c (consistency)", &fra::StepRecord::lossC},
        {"loss/L_r (relation)", &fra::StepRecord::lossR}, {"optim/lr", &fra::StepRecord::lr},
        {"speed/images per s", &fra::StepRecord::imagesPerSecond}, {"regions/region_cos", &fra::StepRecord::regionCosine}};
    for (const auto& [tag, field] : tags) {
        ASSERT_TRUE(file["scalars"].contains(tag)) << tag;
        const json& points = file["scalars"][tag];
        ASSERT_EQ(points.size(), metrics.size()) << tag << ": one point per logged step, none repeated";
        for (std::size_t i = 0; i < metrics.size(); ++i) {
            EXPECT_EQ(points[i][0].get<std::int64_t>(), metrics[i].step) << tag;
            EXPECT_FLOAT_EQ(points[i][1].get<float>(), static_cast<float>(metrics[i].*field)) << tag << " at step " << metrics[i].step;
            EXPECT_DOUBLE_EQ(points[i][2].get<double>(), metrics[i].time) << tag;
        }
    }
}

void expectOneImagePerSnapshot(const json& file, const fs::path& run, int probes, int imageSize) {
    std::vector<std::int64_t> snapshotSteps;
    for (const auto& s : fra::RunDirectory::open(run).heatmapSnapshots()) snapshotSteps.push_back(s.step);
    ASSERT_FALSE(snapshotSteps.empty());
    std::vector<std::int64_t> imageSteps;
    for (const json& image : file["images"]) {
        imageSteps.push_back(image["step"]);
        EXPECT_EQ(image["format"], "JPEG");
        EXPECT_EQ(image["colorspace"], 3);
        EXPECT_EQ(image["width"], probes * imageSize);
        EXPECT_EQ(image["height"], 2 * imageSize);
        EXPECT_EQ(image["decoded_width"], image["width"]);
        EXPECT_EQ(image["decoded_height"], image["height"]);
    }
    EXPECT_EQ(imageSteps, snapshotSteps);
}

}  // namespace

TEST(TensorBoard, ALiveRunWritesItsScalarsAndHeatmapsForAnIndependentReader) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 12, 48);
    const ProcessResult r = runProcess(pretrainArgs(dir / "data", dir / "run", 7));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const json events = readEvents(dir, dir / "run");
    ASSERT_EQ(events["files"].size(), 1u);
    const json& file = events["files"][0];
    EXPECT_EQ(file["version"], "brain.Event:2");
    expectScalarsMatchMetrics(file, dir / "run");
    expectOneImagePerSnapshot(file, dir / "run", 3, 32);  // tinyTrainingArgs: 3 probe faces at 32 px
}

TEST(TensorBoard, AKilledAndResumedRunRepeatsNoStep) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 12, 48);
    const pid_t pid = spawnProcess(pretrainArgs(dir / "data", dir / "run", 12), (dir / "run.log").string());
    const auto logged = [&] { return fra::MetricsReader::readAll(dir / "run" / "metrics.jsonl").size(); };
    for (int i = 0; i < 30000 && logged() < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_GE(logged(), 5u);
    ::kill(pid, SIGKILL);
    waitProcess(pid);
    ASSERT_EQ(fra::RunDirectory::open(dir / "run").latestCheckpoint()->step, 3);

    const ProcessResult resumed = runProcess({FRA_CLI, "resume", (dir / "run").string(), "--quiet"});
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
    const json events = readEvents(dir, dir / "run");
    ASSERT_EQ(events["files"].size(), 1u) << "the resume replaced the killed process's file";
    const json& file = events["files"][0];
    expectScalarsMatchMetrics(file, dir / "run");  // steps 1..12 once each, the values after the resume
    expectOneImagePerSnapshot(file, dir / "run", 3, 32);
}

TEST(TensorBoard, ExportWritesTheEventFileOfARunTrainedWithoutIt) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 12, 48);
    auto args = pretrainArgs(dir / "data", dir / "run", 5);
    args.insert(args.end(), {"--set", "run.tensorboard=false"});
    const ProcessResult r = runProcess(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_FALSE(fs::exists(dir / "run" / "tensorboard"));

    const ProcessResult exported = runProcess({FRA_CLI, "export", "tensorboard", (dir / "run").string()});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    EXPECT_NE(exported.out.find("wrote 5 steps and"), std::string::npos) << exported.out;
    const json events = readEvents(dir, dir / "run");
    ASSERT_EQ(events["files"].size(), 1u);
    expectScalarsMatchMetrics(events["files"][0], dir / "run");
    expectOneImagePerSnapshot(events["files"][0], dir / "run", 3, 32);

    // again: the file is replaced, not added to
    ASSERT_EQ(runProcess({FRA_CLI, "export", "tensorboard", (dir / "run").string()}).exitCode, 0);
    EXPECT_EQ(readEvents(dir, dir / "run")["files"].size(), 1u);
}

TEST(TensorBoard, ExportOfAFolderThatIsNoRunIsAClearError) {
    TempDir dir;
    fs::create_directories(dir / "empty");
    const ProcessResult r = runProcess({FRA_CLI, "export", "tensorboard", (dir / "empty").string()});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find((dir / "empty").string()), std::string::npos) << r.err;
    const ProcessResult usage = runProcess({FRA_CLI, "export", "tensorboard"});
    EXPECT_EQ(usage.exitCode, 2) << usage.err;
    const ProcessResult noOut = runProcess({FRA_CLI, "export", (dir / "empty").string()});
    EXPECT_EQ(noOut.exitCode, 2) << noOut.err;
}
