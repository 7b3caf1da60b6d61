#include "run/MetricsLog.h"
#include "run/NpyFile.h"
#include "run/RunDirectory.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"
#include "model/CrossRankOps.h"
#include "train/Checkpoint.h"
#include "train/TrainStep.h"
#include "data/PreparedStoreWriter.h"
#include "support/StoreOptions.h"
#include "train/Trainer.h"
#include "train/HeatmapProbe.h"
#include "model/FraModel.h"
#include <torch/torch.h>
#include "util/FraError.h"

#include <fstream>
#include <gtest/gtest.h>
#include <mutex>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct Recorder : fra::TrainingObserver {
    std::mutex mutex;
    std::vector<fra::StepRecord> steps;
    std::vector<fra::HeatmapSnapshot> heatmaps;
    std::vector<fra::RunState> states;
    std::vector<std::string> warnings;
    std::vector<std::int64_t> checkpoints;
    void onStep(const fra::StepRecord& r) override {
        std::lock_guard<std::mutex> l(mutex);
        steps.push_back(r);
    }
    void onHeatmaps(const fra::HeatmapSnapshot& s) override {
        std::lock_guard<std::mutex> l(mutex);
        heatmaps.push_back(s);
    }
    void onStateChanged(fra::RunState s, const std::string&) override {
        std::lock_guard<std::mutex> l(mutex);
        states.push_back(s);
    }
    void onLog(const std::string& level, const std::string& m) override {
        std::lock_guard<std::mutex> l(mutex);
        if (level == "warning") warnings.push_back(m);
    }
    void onCheckpoint(std::int64_t step, const std::string&) override {
        std::lock_guard<std::mutex> l(mutex);
        checkpoints.push_back(step);
    }
    std::size_t stepCount() {
        std::lock_guard<std::mutex> l(mutex);
        return steps.size();
    }
};

std::string readFile(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void waitForSteps(Recorder& r, std::size_t n) {
    for (int i = 0; i < 6000 && r.stepCount() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace

TEST(Trainer, RunsAndFillsTheRunDirectoryWhileSkippingBrokenImages) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 10, 40);
    testimages::writeTruncatedJpeg(dir / "data" / "zz_truncated.jpg");
    testimages::writeGarbage(dir / "data" / "zz_garbage.jpg");
    fra::FraConfig config = tinyTrainingConfig((dir / "data").string());
    config.run.maxSteps = 6;
    auto trainer = fra::Trainer::create(config, dir / "run");
    Recorder rec;
    trainer->addObserver(&rec);
    trainer->start();
    EXPECT_EQ(trainer->wait(), fra::RunState::Finished);

    ASSERT_EQ(rec.steps.size(), 6u);
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(rec.steps[i].step, i + 1);
        EXPECT_TRUE(std::isfinite(rec.steps[i].loss));
        EXPECT_NEAR(rec.steps[i].loss, rec.steps[i].lossC + 0.1 * rec.steps[i].lossR, 1e-5);
        EXPECT_GT(rec.steps[i].lr, 0);
        EXPECT_GE(rec.steps[i].momentum, 0.996);
        EXPECT_GT(rec.steps[i].imagesPerSecond, 0);
    }
    EXPECT_EQ(rec.states.front(), fra::RunState::Running);
    EXPECT_EQ(rec.states.back(), fra::RunState::Finished);
    EXPECT_EQ(rec.checkpoints, (std::vector<std::int64_t>{3, 6}));

    // snapshots at steps 0, 2, 4, 6 of 3 probe faces x K=4 maps that sum to 1 over regions
    ASSERT_EQ(rec.heatmaps.size(), 4u);
    const fra::HeatmapSnapshot& last = rec.heatmaps.back();
    EXPECT_EQ(last.step, 6);
    EXPECT_EQ(last.probes, 3);
    EXPECT_EQ(last.regions, 4);
    const int plane = last.height * last.width;
    for (int p = 0; p < last.probes; ++p)
        for (int i = 0; i < plane; ++i) {
            double sum = 0;
            for (int k = 0; k < last.regions; ++k) sum += last.maps[(p * last.regions + k) * plane + i];
            ASSERT_NEAR(sum, 1.0, 1e-5);
        }

    const auto run = fra::RunDirectory::open(dir / "run");
    EXPECT_EQ(fra::MetricsReader::readAll(run.metricsFile()).size(), 6u);
    EXPECT_EQ(run.heatmapSnapshots().size(), 4u);
    EXPECT_EQ(fra::readNpy(run.heatmapPath(6)).shape, (std::vector<std::int64_t>{3, 4, 1, 1}));
    EXPECT_EQ(run.checkpoints().size(), 2u);
    EXPECT_EQ(run.readStatus().state, "finished");
    EXPECT_EQ(run.readStatus().skippedImages, 2);
    EXPECT_EQ(run.readConfig()["data"]["batch_size"], 4);
    EXPECT_TRUE(fs::exists(run.probesDir() / "probe_02.png"));
    // the broken files are named in run.log, once each
    const std::string log = readFile(run.logFile());
    EXPECT_NE(log.find("zz_truncated.jpg': truncated JPEG"), std::string::npos) << log;
    EXPECT_NE(log.find("zz_garbage.jpg': not a decodable image"), std::string::npos) << log;
    EXPECT_EQ(rec.warnings.size(), 2u);
}

TEST(Trainer, PausesResumesAndStopsWithACheckpoint) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 40);
    fra::FraConfig config = tinyTrainingConfig((dir / "data").string());
    config.run.checkpointEvery = 0;
    config.run.heatmapEvery = 0;
    auto trainer = fra::Trainer::create(config, dir / "run");
    Recorder rec;
    trainer->addObserver(&rec);
    trainer->start();
    waitForSteps(rec, 2);
    trainer->pause();
    for (int i = 0; i < 500 && trainer->state() != fra::RunState::Paused; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(trainer->state(), fra::RunState::Paused);
    const auto pausedAt = trainer->step();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(trainer->step(), pausedAt);
    EXPECT_EQ(fra::RunDirectory::open(dir / "run").readStatus().state, "paused");
    trainer->resume();
    waitForSteps(rec, static_cast<std::size_t>(pausedAt) + 2);
    trainer->requestStop();
    EXPECT_EQ(trainer->wait(), fra::RunState::Stopped);
    const auto run = fra::RunDirectory::open(dir / "run");
    ASSERT_TRUE(run.latestCheckpoint());
    EXPECT_EQ(run.latestCheckpoint()->step, trainer->step());
    EXPECT_EQ(run.readStatus().state, "stopped");
    trainer.reset();
    auto resumed = fra::Trainer::resume(dir / "run", run.latestCheckpoint()->step + 1);
    EXPECT_EQ(resumed->firstStep(), run.latestCheckpoint()->step);
    resumed->start();
    EXPECT_EQ(resumed->wait(), fra::RunState::Finished);
}

TEST(Trainer, NonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 40);
    fra::FraConfig config = tinyTrainingConfig((dir / "data").string());
    config.run.checkpointEvery = 2;
    config.run.maxSteps = 2;
    {
        auto trainer = fra::Trainer::create(config, dir / "run");
        trainer->start();
        ASSERT_EQ(trainer->wait(), fra::RunState::Finished);
    }
    // Corrupt one weight of the step-2 checkpoint (as a bad update would) and continue.
    const auto run = fra::RunDirectory::open(dir / "run");
    const fs::path good = run.checkpointPath(2);
    {
        fra::TrainStep step(config, torch::kCPU, fra::CrossRankOps::singleProcess());
        fra::TrainingState state = fra::Checkpoint::load(good, *step.model(), &step.optimizer());
        torch::NoGradGuard noGrad;
        step.model()->named_parameters()["online.global_projector.mlp.0.weight"][0][0] = NAN;
        fra::Checkpoint::save(good, *step.model(), step.optimizer(), state);
    }
    auto trainer = fra::Trainer::resume(dir / "run", 6);
    trainer->start();
    ASSERT_EQ(trainer->wait(), fra::RunState::Failed);
    EXPECT_NE(trainer->lastMessage().find("non-finite loss at step 3"), std::string::npos) << trainer->lastMessage();
    EXPECT_NE(trainer->lastMessage().find("last good checkpoint: " + good.string()), std::string::npos) << trainer->lastMessage();
    EXPECT_EQ(run.readStatus().state, "failed");
    EXPECT_EQ(run.latestCheckpoint()->step, 2);  // nothing written after the failure
    const auto metrics = fra::MetricsReader::readAll(run.metricsFile());
    ASSERT_EQ(metrics.size(), 2u);
    for (const auto& r : metrics) EXPECT_TRUE(std::isfinite(r.loss));
}

TEST(Trainer, BadInputLeavesNothingBehind) {
    TempDir dir;
    testimages::writeFolder(dir / "few", 3, 40);
    testimages::writeFolder(dir / "data", 8, 40);
    auto expectError = [&](const fra::FraConfig& c, const fs::path& out, const std::string& fragment) {
        try {
            fra::Trainer::create(c, out);
            ADD_FAILURE() << "expected an error containing " << fragment;
        } catch (const fra::FraError& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
        EXPECT_FALSE(fs::exists(out)) << out;
    };
    expectError(tinyTrainingConfig((dir / "missing").string()), dir / "r1", "does not exist");
    expectError(tinyTrainingConfig((dir / "few").string()), dir / "r2", "fewer than one batch");
    fra::FraConfig bad = tinyTrainingConfig((dir / "data").string());
    bad.model.decoderHeads = 3;
    expectError(bad, dir / "r3", "model.decoder_heads");
    expectError(tinyTrainingConfig((dir / "data").string()), "/proc/fra-cannot-write-here/run", "cannot create run folder");
    fs::create_directories(dir / "used");
    std::ofstream(dir / "used" / "keep.txt") << "precious";
    EXPECT_THROW(fra::Trainer::create(tinyTrainingConfig((dir / "data").string()), dir / "used"), fra::FraError);
    EXPECT_EQ(readFile(dir / "used" / "keep.txt"), "precious");
}

TEST(Trainer, RefusesToTrainARunThatAnotherTrainerHolds) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 40);
    fra::FraConfig config = tinyTrainingConfig((dir / "data").string());
    auto trainer = fra::Trainer::create(config, dir / "run");
    EXPECT_THROW(fra::Trainer::resume(dir / "run"), fra::FraError);
}

TEST(Trainer, TrainsWithDeviceAugmentationFromRawAndJpegStoresAndJpegFolders) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 48);
    fra::PreparedStoreWriter(dir / "data", dir / "raw.frastore", rawStore(40)).run();
    fra::PreparedStoreWriter(dir / "data", dir / "jpeg.frastore", jpegStore(40)).run();
    const auto trainsThreeSteps = [&](const fs::path& data, const std::string& format, const std::string& run) {
        fra::FraConfig config = tinyTrainingConfig(data.string());
        config.data.format = format;
        config.data.augment = "device";  // folders: decoded to a square by libjpeg-turbo, views made by TensorAugmenter
        config.run.maxSteps = 3;
        auto trainer = fra::Trainer::create(config, dir / run);
        Recorder rec;
        trainer->addObserver(&rec);
        trainer->start();
        ASSERT_EQ(trainer->wait(), fra::RunState::Finished) << trainer->lastMessage();
        ASSERT_EQ(rec.steps.size(), 3u);
        for (const auto& r : rec.steps) EXPECT_TRUE(std::isfinite(r.loss));
        EXPECT_TRUE(fs::exists(fra::RunDirectory::open(dir / run).probesDir() / "probe_02.png"));
        EXPECT_FALSE(rec.heatmaps.empty());
    };
    trainsThreeSteps(dir / "raw.frastore", "prepared", "run-raw");
    trainsThreeSteps(dir / "jpeg.frastore", "prepared", "run-jpeg");
    trainsThreeSteps(dir / "data", "folder", "run-folder");
    // a damaged store is refused before anything is written
    fra::FraConfig config = tinyTrainingConfig((dir / "bad.frastore").string());
    config.data.format = "prepared";
    std::ofstream(dir / "bad.frastore") << "nope";
    EXPECT_THROW(fra::Trainer::create(config, dir / "run2"), fra::FraError);
    EXPECT_FALSE(fs::exists(dir / "run2"));
}

// loss.relation_targets = other_view on both augmentation paths: the first step's L_c (computed
// before any update) is the same as with same_view, its L_r is not (the targets come from the other
// view, through the recorded crops), and training goes on with finite losses.
TEST(Trainer, TrainsWithTheOtherViewsRelationTargetsOnBothAugmentationPaths) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 48);
    const auto firstSteps = [&](const std::string& augment, const std::string& targets) {
        fra::FraConfig config = tinyTrainingConfig((dir / "data").string());
        config.data.augment = augment;
        config.loss.relationTargets = targets;
        config.run.maxSteps = 3;
        const fs::path run = dir / (augment + "-" + targets);
        auto trainer = fra::Trainer::create(config, run);
        Recorder rec;
        trainer->addObserver(&rec);
        trainer->start();
        EXPECT_EQ(trainer->wait(), fra::RunState::Finished) << trainer->lastMessage();
        EXPECT_EQ(rec.steps.size(), 3u);
        for (const auto& r : rec.steps) EXPECT_TRUE(std::isfinite(r.loss) && std::isfinite(r.lossR)) << augment;
        return rec.steps;
    };
    for (const std::string augment : {"cpu", "device"}) {
        const auto same = firstSteps(augment, "same_view"), other = firstSteps(augment, "other_view");
        ASSERT_FALSE(same.empty() || other.empty());
        EXPECT_EQ(same[0].lossC, other[0].lossC) << augment;
        EXPECT_GT(std::abs(same[0].lossR - other[0].lossR), 1e-6) << augment;
    }
}

TEST(Trainer, CheckpointsByTimeAsWellAsBySteps) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 40);
    fra::FraConfig config = tinyTrainingConfig((dir / "data").string());
    config.run.heatmapEvery = 0;
    config.run.keepCheckpoints = 100;
    config.run.maxSteps = 4;
    config.run.checkpointEvery = 0;  // never by steps
    auto checkpointsOf = [&](const std::string& name) {
        auto trainer = fra::Trainer::create(config, dir / name);
        trainer->start();
        EXPECT_EQ(trainer->wait(), fra::RunState::Finished);
        trainer.reset();
        return fra::RunDirectory::open(dir / name).checkpoints();
    };
    config.run.checkpointMinutes = 0;
    EXPECT_EQ(checkpointsOf("steps-only").size(), 1u);  // only the final checkpoint ...
    config.run.checkpointMinutes = 1e-6;  // ... unless the time limit (here a few microseconds) passes every step
    const auto checkpoints = checkpointsOf("by-time");
    ASSERT_EQ(checkpoints.size(), 4u);
    for (std::size_t i = 0; i < checkpoints.size(); ++i) EXPECT_EQ(checkpoints[i].step, static_cast<std::int64_t>(i + 1));
}

// run.async_loss_read (CUDA's default: each step's losses are read after the next step is launched)
// forced on the CPU: the same metrics, snapshots and checkpoints as reading them at once, a stop and
// a pause leave nothing unlogged, and a non-finite loss still fails the run naming its step.
TEST(Trainer, ReadingLossesOneStepLateLogsTheSameRun) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 8, 40);
    const auto trainWith = [&](const std::string& mode, const std::string& name) {
        fra::FraConfig config = tinyTrainingConfig((dir / "data").string());
        config.run.asyncLossRead = mode;
        config.run.maxSteps = 7;
        config.run.checkpointEvery = 3;
        auto trainer = fra::Trainer::create(config, dir / name);
        Recorder rec;
        trainer->addObserver(&rec);
        trainer->start();
        EXPECT_EQ(trainer->wait(), fra::RunState::Finished) << trainer->lastMessage();
        EXPECT_NE(readFile(dir / name / "run.log").find(mode == "on" ? "losses read one step late" : "on cpu"), std::string::npos);
        return std::make_pair(fra::MetricsReader::readAll(fra::RunDirectory::open(dir / name).metricsFile()), rec.checkpoints);
    };
    const auto [atOnce, atOnceCheckpoints] = trainWith("off", "sync");
    const auto [late, lateCheckpoints] = trainWith("on", "late");
    ASSERT_EQ(atOnce.size(), 7u);
    ASSERT_EQ(late.size(), 7u);
    for (std::size_t i = 0; i < atOnce.size(); ++i) {
        EXPECT_EQ(late[i].step, atOnce[i].step);
        EXPECT_EQ(late[i].loss, atOnce[i].loss) << "step " << atOnce[i].step;
        EXPECT_EQ(late[i].regionCosine, atOnce[i].regionCosine);
        EXPECT_EQ(late[i].lr, atOnce[i].lr);
    }
    EXPECT_EQ(lateCheckpoints, atOnceCheckpoints);  // 3, 6 and the final 7
    EXPECT_EQ(fra::RunDirectory::open(dir / "late").heatmapSnapshots().size(), fra::RunDirectory::open(dir / "sync").heatmapSnapshots().size());
    // the checkpoints hold the same weights: resuming either from step 6 gives the same step 7
    for (const char* name : {"sync", "late"}) {
        fs::remove(fra::RunDirectory::open(dir / name).checkpointPath(7));
    }
    std::vector<double> resumedLoss;
    for (const char* name : {"sync", "late"}) {
        auto resumed = fra::Trainer::resume(dir / name, 7);
        resumed->start();
        ASSERT_EQ(resumed->wait(), fra::RunState::Finished);
        resumedLoss.push_back(fra::MetricsReader::readAll(fra::RunDirectory::open(dir / name).metricsFile()).back().loss);
    }
    EXPECT_EQ(resumedLoss[0], resumedLoss[1]);
    EXPECT_EQ(resumedLoss[0], atOnce.back().loss);

    // a stop and a pause with a step in flight
    fra::FraConfig config = tinyTrainingConfig((dir / "data").string());
    config.run.asyncLossRead = "on";
    config.run.checkpointEvery = 0;
    config.run.heatmapEvery = 0;
    auto trainer = fra::Trainer::create(config, dir / "stopped");
    Recorder rec;
    trainer->addObserver(&rec);
    trainer->start();
    waitForSteps(rec, 2);
    trainer->pause();
    for (int i = 0; i < 500 && trainer->state() != fra::RunState::Paused; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(trainer->state(), fra::RunState::Paused);
    EXPECT_EQ(rec.stepCount(), static_cast<std::size_t>(trainer->step()));  // every step done is logged while paused
    trainer->resume();
    waitForSteps(rec, rec.stepCount() + 2);
    trainer->requestStop();
    EXPECT_EQ(trainer->wait(), fra::RunState::Stopped);
    const auto run = fra::RunDirectory::open(dir / "stopped");
    EXPECT_EQ(run.latestCheckpoint()->step, trainer->step());
    EXPECT_EQ(fra::MetricsReader::readAll(run.metricsFile()).size(), static_cast<std::size_t>(trainer->step()));
}

// Faces of the training size go in as they are; faces of any other size are centre-cropped and
// resized by the project's own code first (what `fra heatmaps` and the workbench hand in), in every build.
TEST(HeatmapProbe, FacesOfAnotherSizeAreCentreCroppedToTheTrainingSize) {
    fra::FraConfig config = tinyTrainingConfig("unused");
    torch::manual_seed(3);
    fra::FraModel model(config);
    const int size = config.data.imageSize;
    std::vector<fra::jpeg::RgbImage> faces(3), squares(3);
    for (int f = 0; f < 3; ++f) {
        faces[f].width = size + 7 * f;
        faces[f].height = size + 3 * f;
        faces[f].pixels.resize(static_cast<std::size_t>(faces[f].width) * faces[f].height * 3);
        for (std::size_t i = 0; i < faces[f].pixels.size(); ++i) faces[f].pixels[i] = static_cast<std::uint8_t>((i * (f + 3) + 17 * f) % 251);
        squares[f].width = squares[f].height = size;
        squares[f].pixels.resize(static_cast<std::size_t>(size) * size * 3);
        fra::centreSquareResize(faces[f], size, squares[f].pixels.data());
    }
    EXPECT_EQ(squares[0].pixels, faces[0].pixels);
    const fra::NpyArray any = fra::computeHeatmaps(*model, faces, config.data);
    const fra::NpyArray square = fra::computeHeatmaps(*model, squares, config.data);
    ASSERT_EQ(any.shape, square.shape);
    EXPECT_EQ(any.shape[0], 3);
    EXPECT_EQ(any.data, square.data);
    EXPECT_NE(std::vector<float>(any.data.begin(), any.data.begin() + any.data.size() / 3),
              std::vector<float>(any.data.begin() + any.data.size() / 3, any.data.begin() + 2 * any.data.size() / 3));
    faces[1] = fra::jpeg::RgbImage{};  // an empty face is refused, naming it
    EXPECT_THROW(fra::computeHeatmaps(*model, faces, config.data), fra::FraError);
}
