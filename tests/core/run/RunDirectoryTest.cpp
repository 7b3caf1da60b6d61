#include "run/RunDirectory.h"
#include "run/RunNotes.h"
#include "support/TempDir.h"
#include "util/FraError.h"

#include <fstream>
#include <gtest/gtest.h>

TEST(RunDirectory, CreateWritesLayoutAndRefusesNonEmptyFolders) {
    TempDir dir;
    const auto run = fra::RunDirectory::create(dir / "run", {{"preset", "cpu-r18"}, {"model", {{"arch", "resnet18"}}}});
    EXPECT_TRUE(std::filesystem::is_directory(run.checkpointsDir()));
    EXPECT_TRUE(std::filesystem::is_directory(run.heatmapsDir()));
    EXPECT_TRUE(std::filesystem::is_directory(run.probesDir()));
    EXPECT_EQ(run.readConfig()["model"]["arch"], "resnet18");
    EXPECT_EQ(run.readStatus().state, "created");
    EXPECT_EQ(run.readStatus().preset, "cpu-r18");
    EXPECT_THROW(fra::RunDirectory::create(dir / "run", {}), fra::FraError);
    std::ofstream(dir / "file") << "x";
    EXPECT_THROW(fra::RunDirectory::create(dir / "file", {}), fra::FraError);
    EXPECT_THROW(fra::RunDirectory::open(dir / "missing"), fra::FraError);
    std::filesystem::create_directories(dir / "plain");
    EXPECT_THROW(fra::RunDirectory::open(dir / "plain"), fra::FraError);
    EXPECT_NO_THROW(fra::RunDirectory::open(dir / "run"));
}

TEST(RunDirectory, StatusAndNotesRoundTripSeparately) {
    TempDir dir;
    const auto run = fra::RunDirectory::create(dir / "run", {});
    fra::RunStatus s;
    s.state = "running";
    s.step = 42;
    run.writeStatus(s);
    fra::RunNotes notes;
    notes.notes = "try lambda_r 0.2";
    notes.tags = {"ablation", "sr"};
    notes.save(run.root());
    s.step = 43;
    run.writeStatus(s);  // the trainer's status updates leave the notes alone
    const fra::RunStatus back = run.readStatus();
    EXPECT_EQ(back.state, "running");
    EXPECT_EQ(back.step, 43);
    const fra::RunNotes n = fra::RunNotes::load(run.root());
    EXPECT_EQ(n.notes, "try lambda_r 0.2");
    EXPECT_EQ(n.tags, (std::vector<std::string>{"ablation", "sr"}));
    EXPECT_TRUE(fra::RunNotes::load(dir / "elsewhere").notes.empty());
    // no temporary files are left behind by atomic writes
    for (const auto& e : std::filesystem::directory_iterator(run.root()))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(RunDirectory, CheckpointsSortAndPrune) {
    TempDir dir;
    const auto run = fra::RunDirectory::create(dir / "run", {});
    for (int step : {100, 5, 30, 7}) std::ofstream(run.checkpointPath(step)) << "x";
    std::ofstream(run.checkpointsDir() / ".ckpt_0000000200.pt.tmp-1-0") << "partial";
    ASSERT_EQ(run.checkpoints().size(), 4u);
    EXPECT_EQ(run.latestCheckpoint()->step, 100);
    run.pruneCheckpoints(2);
    const auto left = run.checkpoints();
    ASSERT_EQ(left.size(), 2u);
    EXPECT_EQ(left[0].step, 30);
    EXPECT_EQ(left[1].step, 100);
}

TEST(RunDirectory, PruningNeverTouchesMilestones) {
    TempDir dir;
    const auto run = fra::RunDirectory::create(dir / "run", {});
    for (int step = 100; step <= 700; step += 100) std::ofstream(run.checkpointPath(step)) << "x";
    run.pruneCheckpoints(1, 300);
    std::vector<std::int64_t> left;
    for (const auto& c : run.checkpoints()) left.push_back(c.step);
    EXPECT_EQ(left, (std::vector<std::int64_t>{300, 600, 700}));  // the milestones and the newest periodic one
    EXPECT_EQ(fra::milestoneInterval(0.1, 1000), 100);
    EXPECT_EQ(fra::milestoneInterval(0.1, 4), 1);
    EXPECT_EQ(fra::milestoneInterval(250, 1000), 250);
    EXPECT_EQ(fra::milestoneInterval(0, 1000), 0);
}

TEST(RunDirectory, HeatmapIndexTruncatesAfterAStep) {
    TempDir dir;
    const auto run = fra::RunDirectory::create(dir / "run", {});
    for (int step : {0, 10, 20}) {
        std::ofstream(run.heatmapPath(step)) << "x";
        run.appendHeatmapIndex(step, run.heatmapPath(step), {1, 8, 4, 4});
    }
    std::ofstream(run.heatmapsDir() / "index.jsonl", std::ios::app) << "{\"step\": 3";  // torn line
    EXPECT_EQ(run.heatmapSnapshots().size(), 3u);
    run.truncateHeatmapsAfter(10);
    const auto left = run.heatmapSnapshots();
    ASSERT_EQ(left.size(), 2u);
    EXPECT_EQ(left[1].step, 10);
    EXPECT_FALSE(std::filesystem::exists(run.heatmapPath(20)));
}
