// The build without Qt and OpenCV (what a GPU server gets) takes the same heatmap snapshots as the
// full build: a run trained by the headless `fra` on a JPEG folder snapshots its probe faces, and
// the full build's `fra heatmaps` on the same checkpoint and the same probe faces gives the same
// maps, within 1e-5 (the same model on the same CPU; only the builds differ).
#include "run/NpyFile.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"

#include <cmath>
#include <gtest/gtest.h>

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
