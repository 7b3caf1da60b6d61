// The `fra` command line as a user meets it: help, one-line errors, exit codes, outputs.
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>

namespace fs = std::filesystem;

namespace {
ProcessResult runFra(std::vector<std::string> args) {
    args.insert(args.begin(), FRA_CLI);
    return runProcess(args);
}

void expectOneLineError(const ProcessResult& r, const std::string& fragment) {
    EXPECT_NE(r.exitCode, 0);
    const auto errLines = lines(r.err);
    ASSERT_EQ(errLines.size(), 1u) << r.err;
    EXPECT_EQ(errLines[0].rfind("fra: error: ", 0), 0u) << r.err;
    EXPECT_NE(errLines[0].find(fragment), std::string::npos) << r.err;
}
}  // namespace

TEST(Cli, HelpForEveryCommand) {
    for (const std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"--help"}, {"pretrain", "--help"}, {"resume", "--help"}, {"heatmaps", "--help"}, {"export", "--help"},
             {"bench", "step", "--help"}, {"bench", "data", "--help"}, {"bench", "parity", "--help"}, {"bench", "train", "--help"}, {"presets", "--help"}, {"config", "--help"},
             {"samples", "crop", "--help"}}) {
        const ProcessResult r = runFra(args);
        EXPECT_EQ(r.exitCode, 0) << args[0];
        EXPECT_NE(r.out.find("Usage"), std::string::npos) << args[0] << r.out;
    }
    EXPECT_NE(runFra({"presets"}).out.find("cpu-r18"), std::string::npos);
    EXPECT_NE(runFra({"config", "--fields"}).out.find("model.num_regions"), std::string::npos);
}

TEST(Cli, BadArgumentsGiveOneLineAndWriteNothing) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 6, 40);
    expectOneLineError(runFra({"pretrain", "--out", (dir / "r").string(), "--data", (dir / "nope").string()}), "does not exist");
    expectOneLineError(runFra({"pretrain", "--out", (dir / "r").string(), "--data", (dir / "data").string(), "--set", "model.arch=vgg"}),
                       "model.arch");
    expectOneLineError(runFra({"pretrain", "--out", (dir / "r").string(), "--data", (dir / "data").string(), "--preset", "nope"}),
                       "unknown preset 'nope'");
    expectOneLineError(runFra({"pretrain", "--out", (dir / "r").string(), "--data", (dir / "data").string(), "--bogus"}), "--bogus");
    expectOneLineError(runFra({"pretrain", "--out", "/proc/fra-no-way/run", "--data", (dir / "data").string(), "--set", "data.batch_size=4"}),
                       "cannot create run folder");
    expectOneLineError(runFra({"pretrain", "--data", (dir / "data").string()}), "--out");
    expectOneLineError(runFra({"resume", (dir / "data").string()}), "not a run folder");
    expectOneLineError(runFra({"export", (dir / "nothing.pt").string(), "--out", (dir / "x.pth").string()}), "does not exist");
    EXPECT_FALSE(fs::exists(dir / "r"));
    EXPECT_FALSE(fs::exists(dir / "x.pth"));
    std::ofstream(dir / "bad.json") << "{\"model\": {\"num_regions\": 0}}";
    expectOneLineError(runFra({"pretrain", "--out", (dir / "r").string(), "--data", (dir / "data").string(), "--config",
                            (dir / "bad.json").string()}),
                       "bad.json: field 'model.num_regions'");
    EXPECT_FALSE(fs::exists(dir / "r"));
    // the online evaluation's tasks: a folder that is not there, and a malformed annotation file (its file and line)
    const std::vector<std::string> small = {"pretrain", "--out", (dir / "r").string(), "--data", (dir / "data").string(), "--set",
                                            "data.batch_size=4", "--set", "run.eval_every=1"};
    std::vector<std::string> args = small;
    args.insert(args.end(), {"--set", "run.eval_knn_task=folder:" + (dir / "no-task").string()});
    expectOneLineError(runFra(args), "run.eval_knn_task = 'folder:" + (dir / "no-task").string() + "'");
    const fs::path blobs = testimages::writeBlobLandmarkDataset(dir / "blobs");
    fs::path pts;
    for (const auto& e : fs::recursive_directory_iterator(blobs))
        if (e.path().extension() == ".pts") pts = e.path();
    std::ofstream(pts) << "version: 1\nn_points: 68\n{\n1 2\nnot a point\n}\n";
    args = small;
    args.insert(args.end(), {"--set", "run.eval_landmark_task=pts:" + blobs.string()});
    expectOneLineError(runFra(args), pts.filename().string() + ":5");
    EXPECT_FALSE(fs::exists(dir / "r"));
}

TEST(Cli, PretrainThenHeatmapsAndExportLoadableInPython) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 48);
    std::vector<std::string> args = {"pretrain", "--data", (dir / "data").string(), "--out", (dir / "run").string(), "--steps", "2", "--quiet"};
    for (const auto& a : tinyTrainingArgs()) args.push_back(a);
    const ProcessResult train = runFra(args);
    ASSERT_EQ(train.exitCode, 0) << train.err;
    EXPECT_NE(train.out.find("finished at step 2"), std::string::npos) << train.out;

    const std::string face = (dir / "data" / "face_001.jpg").string();
    const ProcessResult maps = runFra({"heatmaps", (dir / "run").string(), face, "--out", (dir / "maps").string(), "--npy"});
    ASSERT_EQ(maps.exitCode, 0) << maps.err;
    for (const char* suffix : {"_regions.png", "_argmax.png", "_panels.png", "_heatmaps.npy"})
        EXPECT_TRUE(fs::exists(dir / "maps" / (std::string("face_001") + suffix))) << suffix;
    testimages::writeGarbage(dir / "broken.jpg");
    expectOneLineError(runFra({"heatmaps", (dir / "run").string(), face, (dir / "broken.jpg").string(), "--out",
                            (dir / "maps2").string()}),
                       "broken.jpg");
    EXPECT_FALSE(fs::exists(dir / "maps2"));

    const ProcessResult exported = runFra({"export", (dir / "run").string(), "--out", (dir / "backbone.pth").string()});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    // torch.load in Python, into torchvision's resnet18: every key and shape matches, only fc is missing
    const std::string script = R"(
import sys, torch, torchvision
sd = torch.load(sys.argv[1])
m = torchvision.models.resnet18()
missing, unexpected = m.load_state_dict(sd, strict=False)
assert sorted(missing) == ['fc.bias', 'fc.weight'], missing
assert not unexpected, unexpected
assert all(sd[k].shape == v.shape for k, v in m.state_dict().items() if not k.startswith('fc.'))
print('ok', len(sd))
)";
    std::ofstream(dir / "check.py") << script;
    const ProcessResult py = runProcess({"/usr/bin/python3", (dir / "check.py").string(), (dir / "backbone.pth").string()});
    ASSERT_EQ(py.exitCode, 0) << py.err;
    EXPECT_EQ(py.out, "ok 120\n");  // torchvision resnet18 has 122 entries, fc.weight and fc.bias among them
}

TEST(Cli, PrepareWritesJpegOrRawStoresVerifiesThemAndPretrainsFromStoresAndJpegFolders) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 48);
    testimages::writeTruncatedJpeg(dir / "data" / "zz_truncated.jpg");
    const ProcessResult jpeg = runFra({"prepare", "--data", (dir / "data").string(), "--out", (dir / "faces.frastore").string(), "--size", "40"});
    ASSERT_EQ(jpeg.exitCode, 0) << jpeg.err;
    EXPECT_NE(jpeg.out.find("wrote 8 images (1 skipped, 0 copied as they were"), std::string::npos) << jpeg.out;
    const ProcessResult raw = runFra({"prepare", "--data", (dir / "data").string(), "--out", (dir / "raw.frastore").string(), "--size", "40",
                                      "--encoding", "raw"});
    ASSERT_EQ(raw.exitCode, 0) << raw.err;
    // JPEG at quality 95 against pixels (at 40 px the JPEG headers weigh: real faces at 112 px are ~10x smaller)
    EXPECT_LT(fs::file_size(dir / "faces.frastore") * 2, fs::file_size(dir / "raw.frastore"));
    const ProcessResult verified = runFra({"prepare", "--verify", (dir / "faces.frastore").string()});
    ASSERT_EQ(verified.exitCode, 0) << verified.err;
    EXPECT_NE(verified.out.find("8 images of 40 px (JPEG, quality 95), every checksum matches and every face decodes"), std::string::npos)
        << verified.out;
    expectOneLineError(runFra({"prepare", "--data", (dir / "data").string(), "--out", (dir / "q.frastore").string(), "--quality", "0"}),
                       "--quality");
    expectOneLineError(runFra({"prepare", "--data", (dir / "data").string(), "--out", (dir / "q.frastore").string(), "--encoding", "png"}),
                       "--encoding");
    // a flipped byte inside a face: --verify names it, training skips it with a warning
    std::string bytes;
    {
        std::ifstream in(dir / "faces.frastore", std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    bytes[4096 + 8 + 200] ^= 0x20;
    std::ofstream(dir / "damaged.frastore", std::ios::binary) << bytes;
    expectOneLineError(runFra({"prepare", "--verify", (dir / "damaged.frastore").string()}), "image 0 (face_000.jpg) is corrupted");

    for (const auto& [data, format] : std::vector<std::pair<fs::path, std::string>>{
             {dir / "faces.frastore", "prepared"}, {dir / "damaged.frastore", "prepared"}, {dir / "data", "folder"}}) {
        const fs::path run = dir / ("run-" + data.filename().string());
        std::vector<std::string> args = {"pretrain", "--data", data.string(), "--out", run.string(), "--steps", "2", "--quiet",
                                         "--set", "data.format=" + format, "--set", "data.augment=device"};
        for (const auto& a : tinyTrainingArgs()) args.push_back(a);
        const ProcessResult train = runFra(args);
        ASSERT_EQ(train.exitCode, 0) << data << train.err;
        EXPECT_NE(train.out.find("finished at step 2"), std::string::npos) << train.out;
    }
    std::ifstream log(dir / "run-damaged.frastore" / "run.log");
    const std::string text((std::istreambuf_iterator<char>(log)), {});
    EXPECT_NE(text.find("face_000.jpg) is corrupted (checksum mismatch)"), std::string::npos) << text;
}

// A fatal signal leaves one line naming it and the phase, and the native stack, on stderr (the
// only trace a crash on a machine without a debugger leaves), and fra still dies of the signal.
TEST(Cli, AFatalSignalIsReportedWithItsStack) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 40);
    std::vector<std::string> args = {FRA_CLI, "pretrain", "--data", (dir / "data").string(), "--out", (dir / "run").string(), "--quiet"};
    for (const auto& a : tinyTrainingArgs()) args.push_back(a);
    const pid_t pid = spawnProcess(args, (dir / "log.txt").string());
    for (int i = 0; i < 3000 && !fs::exists(dir / "run" / "metrics.jsonl"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(fs::exists(dir / "run" / "metrics.jsonl"));
    ::kill(pid, SIGSEGV);
    EXPECT_EQ(waitProcess(pid), 128 + SIGSEGV);
    const std::string log = readFile((dir / "log.txt").string());
    EXPECT_NE(log.find("fra: fatal signal SIGSEGV while running the command; stack:"), std::string::npos) << log;
    EXPECT_NE(log.find("fra("), std::string::npos) << log;  // frames of the fra binary (backtrace_symbols_fd: "binary(symbol+offset)")
}

// Exit codes as the manual says: 0 success, 1 error, 2 usage, 130 interrupted. A usage error (an
// unknown option, a missing required one, no subcommand) is one line and 2 for every command.
TEST(Cli, UsageErrorsExitWithTwoForEveryCommand) {
    const std::vector<std::vector<std::string>> commands = {
        {"pretrain"}, {"resume"}, {"runs"}, {"remote", "launch"}, {"remote", "follow"}, {"remote", "stop"}, {"remote", "fetch"},
        {"remote", "runs"}, {"heatmaps"}, {"export"}, {"datasets"}, {"finetune"}, {"eval"}, {"compare"}, {"bench", "step"},
        {"bench", "data"}, {"bench", "train"}, {"bench", "parity"}, {"prepare"}, {"samples", "fetch"}, {"samples", "crop"},
        {"samples", "tasks"}, {"presets"}, {"config"}};
    for (auto args : commands) {
        args.push_back("--no-such-flag");
        const ProcessResult r = runFra(args);
        EXPECT_EQ(r.exitCode, 2) << args[0] << " " << (args.size() > 2 ? args[1] : "") << ": " << r.err;
        EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
        EXPECT_EQ(r.err.rfind("fra: error: ", 0), 0u) << r.err;
    }
    EXPECT_EQ(runFra({}).exitCode, 2);                   // no subcommand
    EXPECT_EQ(runFra({"pretrain"}).exitCode, 2);         // --out missing
    EXPECT_EQ(runFra({"remote"}).exitCode, 2);           // no remote subcommand
    EXPECT_EQ(runFra({"resume", "a", "b"}).exitCode, 2);  // one argument too many
    EXPECT_EQ(runFra({"pretrain", "--help"}).exitCode, 0);
    EXPECT_EQ(runFra({"--version"}).exitCode, 0);
}

// run.milestone_every keeps checkpoints along the run that run.keep_checkpoints would delete.
TEST(Cli, MilestoneCheckpointsSurvivePruning) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 12, 48);
    std::vector<std::string> args = {"pretrain", "--data", (dir / "faces").string(), "--out", (dir / "run").string(), "--steps", "12", "--quiet"};
    for (const auto& a : tinyTrainingArgs()) args.push_back(a);
    for (const char* s : {"run.checkpoint_every=2", "run.keep_checkpoints=1", "run.milestone_every=5"}) args.insert(args.end(), {"--set", s});
    const ProcessResult r = runFra(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(dir / "run" / "checkpoints")) left.push_back(e.path().filename().string());
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{"ckpt_0000000005.pt", "ckpt_0000000010.pt", "ckpt_0000000012.pt"}));
}
