// The build without Qt and OpenCV (what a GPU server gets) does what the full build does:
// - it takes the same heatmap snapshots: a run trained by the headless `fra` on a JPEG folder
//   snapshots its probe faces, and the full build's `fra heatmaps` on the same checkpoint and the
//   same probe faces gives the same maps, within 1e-5 (the same model on the same CPU);
// - `fra prepare` makes stores from JPEG and PNG folders;
// - `fra heatmaps`, `finetune`, `eval` and `compare` on JPEG/PNG datasets give the full build's
//   numbers on the same checkpoint.
#include "run/NpyFile.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"

#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

TEST(HeadlessBuild, SnapshotsAgreeWithTheFullBuildsHeatmaps) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 12, 48);
    const ProcessResult version = runProcess({FRA_HEADLESS_CLI, "--version"});
    ASSERT_EQ(version.exitCode, 0) << version.err;
    EXPECT_NE(version.out.find("OpenCV: no"), std::string::npos) << version.out;

    std::vector<std::string> args = {FRA_HEADLESS_CLI, "pretrain", "--data", (dir / "faces").string(), "--out", (dir / "run").string(),
                                     "--steps", "4", "--quiet", "--set", "data.augment=device", "--set", "run.checkpoint_every=4",
                                     "--set", "run.heatmap_every=2"};
    for (const auto& a : tinyTrainingArgs()) args.push_back(a);
    const ProcessResult trained = runProcess(args);
    ASSERT_EQ(trained.exitCode, 0) << trained.out << trained.err;
    const auto run = fra::RunDirectory::open(dir / "run");
    const auto snapshots = run.heatmapSnapshots();
    ASSERT_EQ(snapshots.size(), 3u);  // steps 0, 2 and 4
    ASSERT_EQ(snapshots.back().step, 4);
    ASSERT_EQ(run.latestCheckpoint()->step, 4);
    const fra::NpyArray headless = fra::readNpy(snapshots.back().file);
    ASSERT_EQ(headless.shape.size(), 4u);
    const std::int64_t probes = headless.shape[0];
    EXPECT_EQ(probes, 3);

    // the full build, on the run's own probe faces
    std::vector<std::string> heatmaps = {FRA_CLI, "heatmaps", (dir / "run").string()};
    for (std::int64_t p = 0; p < probes; ++p) {
        char name[32];
        std::snprintf(name, sizeof name, "probe_%02lld.png", static_cast<long long>(p));
        heatmaps.push_back((run.probesDir() / name).string());
    }
    for (const auto& a : std::vector<std::string>{"--out", (dir / "full").string(), "--npy"}) heatmaps.push_back(a);
    const ProcessResult full = runProcess(heatmaps);
    ASSERT_EQ(full.exitCode, 0) << full.err;
    const std::size_t perProbe = headless.data.size() / static_cast<std::size_t>(probes);
    double worst = 0;
    for (std::int64_t p = 0; p < probes; ++p) {
        char name[32];
        std::snprintf(name, sizeof name, "probe_%02lld_heatmaps.npy", static_cast<long long>(p));
        const fra::NpyArray maps = fra::readNpy(dir / "full" / name);
        ASSERT_EQ(maps.data.size(), perProbe);
        for (std::size_t i = 0; i < perProbe; ++i)
            worst = std::max(worst, static_cast<double>(std::fabs(maps.data[i] - headless.data[p * perProbe + i])));
    }
    EXPECT_LT(worst, 1e-5) << "largest difference between the builds' heatmaps";
    std::printf("largest difference between the headless and the full build's heatmaps: %.3g\n", worst);
}

// `fra prepare` of the headless build: a store from a folder of JPEG and PNG faces (other formats
// skipped with a reason), verified by both builds, trained from with snapshots.
TEST(HeadlessBuild, PreparesAStoreFromJpegAndPngFacesThatBothBuildsRead) {
    TempDir dir;
    testimages::writeFolder(dir / "faces" / "a", 8, 64, ".jpg");
    testimages::writeFolder(dir / "faces" / "b", 4, 64, ".png");
    testimages::writeFolder(dir / "faces" / "c", 1, 64, ".bmp");
    const ProcessResult prepared =
        runProcess({FRA_HEADLESS_CLI, "prepare", "--data", (dir / "faces").string(), "--out", (dir / "faces.frastore").string(), "--size", "48"});
    ASSERT_EQ(prepared.exitCode, 0) << prepared.out << prepared.err;
    for (const char* cli : {FRA_HEADLESS_CLI, FRA_CLI}) {
        const ProcessResult verified = runProcess({cli, "prepare", "--verify", (dir / "faces.frastore").string()});
        EXPECT_EQ(verified.exitCode, 0) << cli << ": " << verified.out << verified.err;
        EXPECT_NE(verified.out.find("12"), std::string::npos) << verified.out;  // 8 JPEG + 4 PNG faces
    }
    std::vector<std::string> args = {FRA_HEADLESS_CLI, "pretrain", "--data", (dir / "faces.frastore").string(), "--out", (dir / "run").string(),
                                     "--steps", "2", "--quiet", "--set", "data.format=prepared", "--set", "run.heatmap_every=2"};
    for (const auto& a : tinyTrainingArgs()) args.push_back(a);
    const ProcessResult trained = runProcess(args);
    ASSERT_EQ(trained.exitCode, 0) << trained.out << trained.err;
    EXPECT_EQ(fra::RunDirectory::open(dir / "run").heatmapSnapshots().size(), 2u);
    // a format this build cannot read is skipped (the store's index keeps the reason)
    EXPECT_NE(prepared.out.find("wrote 12 images (1 skipped"), std::string::npos) << prepared.out;
    // a folder of nothing it can read: one line with the first reason, and no store
    const ProcessResult bmpOnly =
        runProcess({FRA_HEADLESS_CLI, "prepare", "--data", (dir / "faces" / "c").string(), "--out", (dir / "bmp.frastore").string()});
    EXPECT_EQ(bmpOnly.exitCode, 1) << bmpOnly.out;
    const auto errLines = lines(bmpOnly.err);  // the progress lines, then one error line
    ASSERT_FALSE(errLines.empty());
    EXPECT_EQ(errLines.back().rfind("fra: error: no face of", 0), 0u) << bmpOnly.err;
    EXPECT_NE(errLines.back().find("not a JPEG or PNG file"), std::string::npos) << bmpOnly.err;
    EXPECT_FALSE(fs::exists(dir / "bmp.frastore"));
}

namespace {

nlohmann::json readJson(const fs::path& file) {
    std::ifstream in(file);
    return nlohmann::json::parse(in);
}

double largestDifference(const fra::NpyArray& a, const fra::NpyArray& b) {
    EXPECT_EQ(a.shape, b.shape);
    double worst = a.data.size() == b.data.size() ? 0.0 : INFINITY;
    for (std::size_t i = 0; i < a.data.size() && i < b.data.size(); ++i) worst = std::max(worst, static_cast<double>(std::fabs(a.data[i] - b.data[i])));
    return worst;
}

}  // namespace

// The same checkpoint, copied into two run folders, evaluated by each build on PNG datasets through
// the dataset plugins: `fra heatmaps`, fine-tuning with its region snapshots, the heatmap read-out
// and the comparison table agree (the same faces, cropped by the same code, the same recipe).
TEST(HeadlessBuild, HeatmapsFinetuneEvalAndCompareGiveTheFullBuildsNumbers) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 8, 48);
    std::vector<std::string> args = {FRA_HEADLESS_CLI, "pretrain", "--data", (dir / "faces").string(), "--out", (dir / "headless").string(),
                                     "--steps", "2", "--quiet"};
    for (const auto& a : tinyTrainingArgs()) args.push_back(a);
    const ProcessResult trained = runProcess(args);
    ASSERT_EQ(trained.exitCode, 0) << trained.out << trained.err;
    fs::copy(dir / "headless", dir / "full", fs::copy_options::recursive);
    const std::string colours = "folder:" + testimages::writeColourClassFolders(dir / "colours", 8, 4).string();
    const std::string blobs = "pts:" + testimages::writeBlobLandmarkDataset(dir / "blobs").string();
    const std::vector<std::string> recipe = {"--set", "image_size=32", "--set", "batch_size=8", "--set", "epochs=2", "--set", "warmup_epochs=1",
                                             "--set", "threads=2", "--set", "workers=2", "--set", "probe_images=3"};

    for (const auto& [cli, name] : {std::pair<std::string, std::string>{FRA_HEADLESS_CLI, "headless"}, {FRA_CLI, "full"}}) {
        const fs::path run = dir / name;
        std::vector<std::string> heatmaps = {cli, "heatmaps", run.string(), (dir / "blobs" / "test" / "g0" / "f0.png").string(),
                                             (dir / "colours" / "test" / "red" / "img1.png").string(), "--out", (run / "rendered").string(),
                                             "--npy", "--size", "64"};
        const ProcessResult rendered = runProcess(heatmaps);
        ASSERT_EQ(rendered.exitCode, 0) << name << ": " << rendered.err;
        std::vector<std::string> ft = {cli, "finetune", run.string(), "--dataset", colours, "--protocol", "ft", "--quiet"};
        ft.insert(ft.end(), recipe.begin(), recipe.end());
        const ProcessResult tuned = runProcess(ft);
        ASSERT_EQ(tuned.exitCode, 0) << name << ": " << tuned.err;
        const ProcessResult evaluated = runProcess({cli, "eval", run.string(), "--dataset", blobs});
        ASSERT_EQ(evaluated.exitCode, 0) << name << ": " << evaluated.err;
        const ProcessResult compared = runProcess({cli, "compare", "--results", (run / "eval" / "folder-colours-ft").string(),
                                                   (run / "eval" / "pts-blobs-heatmap-regression").string(), "--out", (run / "table").string()});
        ASSERT_EQ(compared.exitCode, 0) << name << ": " << compared.err;
    }

    const fs::path h = dir / "headless", f = dir / "full";
    for (const char* face : {"f0", "img1"}) {
        const std::string npy = std::string(face) + "_heatmaps.npy";
        EXPECT_LT(largestDifference(fra::readNpy(h / "rendered" / npy), fra::readNpy(f / "rendered" / npy)), 1e-5) << npy;
        EXPECT_TRUE(fs::exists(h / "rendered" / (std::string(face) + "_panels.png")));
    }
    const auto ftH = readJson(h / "eval" / "folder-colours-ft" / "result.json"), ftF = readJson(f / "eval" / "folder-colours-ft" / "result.json");
    EXPECT_EQ(ftH["metrics"]["top1"], ftF["metrics"]["top1"]);
    EXPECT_EQ(ftH["metrics"]["confusion"], ftF["metrics"]["confusion"]);
    EXPECT_EQ(ftH["test_faces"], 8);
    // the fine-tuning's region snapshots (step 0: the pre-trained model on the test faces)
    const auto snapsH = fra::RunDirectory::open(h / "eval" / "folder-colours-ft").heatmapSnapshots();
    const auto snapsF = fra::RunDirectory::open(f / "eval" / "folder-colours-ft").heatmapSnapshots();
    ASSERT_EQ(snapsH.size(), 3u);  // before the first epoch and after each of 2
    ASSERT_EQ(snapsF.size(), snapsH.size());
    for (std::size_t i = 0; i < snapsH.size(); ++i)  // the pre-trained model, then the backbone after each epoch
        EXPECT_LT(largestDifference(fra::readNpy(snapsH[i].file), fra::readNpy(snapsF[i].file)), 1e-5) << "snapshot " << i;
    const auto readH = readJson(h / "eval" / "pts-blobs-heatmap-regression" / "result.json");
    const auto readF = readJson(f / "eval" / "pts-blobs-heatmap-regression" / "result.json");
    EXPECT_EQ(readH["train_faces"], 24);
    EXPECT_GT(readH["metrics"]["mean_shape_nme"].get<double>(), 1e-3);  // the landmarks vary: the read-out has something to predict
    EXPECT_NEAR(readH["metrics"]["nme"].get<double>(), readF["metrics"]["nme"].get<double>(), 1e-6);
    EXPECT_NEAR(readH["metrics"]["centroid_spread_cells"].get<double>(), readF["metrics"]["centroid_spread_cells"].get<double>(), 1e-6);
    EXPECT_EQ(readH["region_parts"], readF["region_parts"]);
    std::ifstream tableH(h / "table" / "table.csv"), tableF(f / "table" / "table.csv");
    std::string headlessTable(std::istreambuf_iterator<char>(tableH), {});
    // the run's name as a whole CSV field (after a separator or a line start, before one or a line end)
    for (std::size_t at = 0; (at = headlessTable.find("headless", at)) != std::string::npos;) {
        const bool starts = at == 0 || headlessTable[at - 1] == ',' || headlessTable[at - 1] == '\n';
        const char after = at + 8 < headlessTable.size() ? headlessTable[at + 8] : '\r';
        if (starts && (after == ',' || after == '\r')) headlessTable.replace(at, 8, "full");
        at += starts ? 4 : 8;
    }
    EXPECT_EQ(headlessTable, std::string(std::istreambuf_iterator<char>(tableF), {}));  // the same table but for the run's name
    std::printf("fine-tuned top-1 %s (both builds), read-out NME %.6f (headless) vs %.6f (full), mean-shape NME %.6f\n",
                ftH["metrics"]["top1"].dump().c_str(), readH["metrics"]["nme"].get<double>(), readF["metrics"]["nme"].get<double>(),
                readH["metrics"]["mean_shape_nme"].get<double>());
}
