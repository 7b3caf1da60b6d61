// Linear probe, fine-tuning and the heatmap read-out end to end on tiny synthetic datasets.
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetRegistry.h"
#include "downstream/DownstreamEvaluation.h"
#include "run/NpyFile.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"
#include "train/Trainer.h"
#include "util/AtomicFile.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fra::DatasetRegistry& registry() {
    static const fra::DatasetRegistry r;
    return r;
}

fs::path landmarkDataset(const fs::path& root) { return testimages::writeBlobLandmarkDataset(root); }

fra::EvalConfig small(const std::string& protocol) {
    fra::EvalConfig c;
    c.protocol = protocol;
    c.imageSize = 32;
    c.batchSize = 8;
    c.epochs = protocol == "lp" ? 30 : 3;
    c.warmupEpochs = 1;
    c.lr = protocol == "lp" ? 1e-2 : 1e-3;
    c.backboneLr = 1e-4;
    c.weightDecay = 0;
    c.headChannels = 16;
    c.evalEvery = 10;
    c.threads = 2;
    return c;
}

}  // namespace

TEST(DownstreamEvaluation, LinearProbeLearnsAnEasyTaskAndWritesItsFolder) {
    TempDir dir;
    const std::string spec = "folder:" + testimages::writeColourClassFolders(dir / "colours", 12, 6).string();
    const fra::DownstreamDataset d = registry().load(spec);
    const fs::path out = fra::DownstreamEvaluation::evalDirFor("random:resnet18", d, "lp", dir / "evals");
    EXPECT_EQ(out, dir / "evals" / "random-resnet18" / "eval" / "folder-colours-lp");
    fra::DownstreamEvaluation evaluation({"random:resnet18", spec, small("lp"), out}, d);
    std::vector<json> records;
    evaluation.onRecord([&](const json& r) { records.push_back(r); });
    const json result = evaluation.run();
    EXPECT_EQ(records.size(), 30u);
    EXPECT_GE(result["metrics"]["top1"].get<double>(), 0.9);
    EXPECT_EQ(result["primary_metric"], "top1");
    EXPECT_EQ(result["metrics"]["confusion"].size(), 2u);
    EXPECT_TRUE(fs::exists(out / "result.json"));
    EXPECT_EQ(json::parse(fra::readWholeFile(out / "status.json"))["state"], "finished");
    EXPECT_EQ(json::parse(fra::readWholeFile(out / "config.json"))["protocol"], "lp");
    // last record carries the test metrics
    EXPECT_TRUE(records.back().contains("test"));
    EXPECT_LT(records.back()["train_loss"].get<double>(), records.front()["train_loss"].get<double>());
}

TEST(DownstreamEvaluation, FineTuningRunsAndReportsUnreadableImages) {
    TempDir dir;
    const std::string spec = "folder:" + testimages::writeColourClassFolders(dir / "colours", 12, 6).string();
    const fra::DownstreamDataset d = registry().load(spec);
    fs::remove(dir / "colours" / "test" / "red" / "img0.png");  // vanishes after loading
    fra::DownstreamEvaluation evaluation({"random:resnet18", spec, small("ft"), dir / "ft"}, d);
    const json result = evaluation.run();
    EXPECT_EQ(result["unreadable_images"], 1);
    EXPECT_EQ(result["metrics"]["faces"], 11);
    EXPECT_TRUE(result["metrics"]["top1"].is_number());
}

TEST(DownstreamEvaluation, LandmarksAndTheHeatmapReadOutOfAnFraRun) {
    TempDir dir;
    const std::string spec = "pts:" + landmarkDataset(dir / "blobs").string();
    const fra::DownstreamDataset d = registry().load(spec);
    ASSERT_EQ(d.landmarkCount, 68);

    testimages::writeFolder(dir / "faces", 8, 48);
    fra::FraConfig config = tinyTrainingConfig((dir / "faces").string());
    config.run.maxSteps = 2;
    auto trainer = fra::Trainer::create(config, dir / "run");
    trainer->start();
    ASSERT_EQ(trainer->wait(), fra::RunState::Finished);
    trainer.reset();

    const fs::path lpDir = fra::DownstreamEvaluation::evalDirFor((dir / "run").string(), d, "lp", {});
    EXPECT_EQ(lpDir, dir / "run" / "eval" / "pts-blobs-lp");
    fra::EvalConfig lp = small("lp");
    lp.epochs = 10;
    const json result = fra::DownstreamEvaluation({(dir / "run").string(), spec, lp, lpDir}, d).run();
    EXPECT_TRUE(std::isfinite(result["metrics"]["nme"].get<double>()));
    EXPECT_GT(result["metrics"]["nme"].get<double>(), 0.0);
    EXPECT_TRUE(result["metrics"].contains("nme_inter_pupil"));
    EXPECT_EQ(result["metrics"]["faces"], 8);

    const json readout = fra::runHeatmapQuality((dir / "run").string(), spec, d, lp, dir / "run" / "eval" / "readout");
    EXPECT_EQ(readout["metrics"]["regions"], 4);
    EXPECT_EQ(readout["train_faces"], 24);
    EXPECT_TRUE(std::isfinite(readout["metrics"]["nme"].get<double>()));
    EXPECT_GT(readout["metrics"]["mean_shape_nme"].get<double>(), 0.0);  // the floor it is compared with
    // per region: the facial part its centroid sits nearest to in most test faces, and how often
    ASSERT_EQ(readout["region_parts"].size(), 4u);
    for (const auto& r : readout["region_parts"]) {
        EXPECT_GE(r["share"].get<double>(), 0.2);  // the most frequent of 5 parts: at least a fifth
        EXPECT_LE(r["share"].get<double>(), 1.0);
        EXPECT_GE(r["fixed_point_share"].get<double>(), 0.2);
        EXPECT_TRUE(r["part"].is_string());
    }
    EXPECT_TRUE(readout["metrics"].contains("part_consistency"));
    EXPECT_GE(readout["metrics"]["distinct_parts"].get<int>(), 1);
    // the region-tracking score: all 8 test faces, each region's error, the positional prior's beside it
    EXPECT_EQ(readout["metrics"]["tracking_faces"], 8);
    EXPECT_GT(readout["metrics"]["tracking_error_fixed_point_cells"].get<double>(), 0.0);
    for (const char* kind : {"shift", "scale", "rotation"})
        EXPECT_TRUE(std::isfinite(readout["metrics"][std::string("tracking_error_") + kind + "_cells"].get<double>())) << kind;
    EXPECT_EQ(readout["tracking_error_by_region"].size(), 4u);
    for (const auto& r : readout["region_parts"]) EXPECT_GE(r["tracking_error_cells"].get<double>(), 0.0);
    EXPECT_THROW(fra::runHeatmapQuality("random:resnet18", spec, d, lp, dir / "x"), std::exception);

    // Fine-tuning the FRA run snapshots the K heatmaps of fixed test faces before the first epoch
    // and after each one, in the pre-training's layout, inside the evaluation folder.
    fra::EvalConfig ft = small("ft");
    ft.probeImages = 3;
    const fs::path ftDir = fra::DownstreamEvaluation::evalDirFor((dir / "run").string(), d, "ft", {});
    fra::DownstreamEvaluation fine({(dir / "run").string(), spec, ft, ftDir}, d);
    std::vector<json> records;
    fine.onRecord([&](const json& r) { records.push_back(r); });
    fine.run();
    ASSERT_EQ(records.size(), 3u);
    EXPECT_TRUE(records[0].value("heatmaps", false));
    const auto run = fra::RunDirectory::open(ftDir);
    const auto snapshots = run.heatmapSnapshots();
    ASSERT_EQ(snapshots.size(), 4u);  // epoch 0 (the pre-trained model) and epochs 1..3
    for (std::size_t e = 0; e < snapshots.size(); ++e) EXPECT_EQ(snapshots[e].step, static_cast<std::int64_t>(e));
    const fra::NpyArray before = fra::readNpy(snapshots.front().file), after = fra::readNpy(snapshots.back().file);
    ASSERT_EQ(before.shape.size(), 4u);  // P x K x h x w: 3 probes, K = 4, the pre-training's map
    EXPECT_EQ(before.shape[0], 3);
    EXPECT_EQ(before.shape[1], 4);
    EXPECT_EQ(after.shape, before.shape);
    EXPECT_NE(before.data, after.data);  // the backbone moved, the heads stayed
    EXPECT_EQ(fra::ProbeSet::load(run).images.size(), 3u);
    // a random initialisation has no region heads: no snapshots
    const fs::path randomDir = dir / "random-ft";
    fra::DownstreamEvaluation({"random:resnet18", spec, ft, randomDir}, d).run();
    EXPECT_FALSE(fs::exists(randomDir / "heatmaps"));
}
