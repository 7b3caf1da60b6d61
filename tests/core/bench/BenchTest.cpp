#include "bench/ParityCheck.h"
#include "bench/StepBenchmark.h"
#include "bench/TrainBenchmark.h"
#include "data/PreparedStoreWriter.h"
#include "support/StoreOptions.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"
#include "util/FraError.h"

#include <cmath>
#include <gtest/gtest.h>
#include <torch/cuda.h>

namespace fs = std::filesystem;

namespace {

fra::FraConfig tinyStoreConfig(const fs::path& dir) {
    testimages::writeFolder(dir / "faces", 10, 40);
    fra::PreparedStoreWriter(dir / "faces", dir / "faces.frastore", rawStore(32)).run();
    fra::FraConfig config = tinyTrainingConfig((dir / "faces.frastore").string());
    config.data.format = "prepared";
    return config;
}

}  // namespace

TEST(TrainBenchmark, TimesTheRealTrainerAndRemovesItsRun) {
    TempDir dir;
    const fra::FraConfig config = tinyStoreConfig(dir.path());
    const nlohmann::json result = fra::runTrainBenchmark(config, 3, 1, dir.path() / "bench-run");
    EXPECT_EQ(result["bench"], "train");
    EXPECT_EQ(result["data_format"], "prepared");
    EXPECT_EQ(result["steps"], 3);
    const double perSecond = result["img_per_s"].get<double>();
    EXPECT_TRUE(std::isfinite(perSecond) && perSecond > 0) << result.dump();
    EXPECT_NEAR(result["ms_per_step"].get<double>(), 1000.0 * config.data.batchSize / perSecond, 1e-6);
    EXPECT_TRUE(std::isfinite(result["last_loss"].get<double>()));
    EXPECT_FALSE(fs::exists(dir.path() / "bench-run"));
}

TEST(TrainBenchmark, RefusesAnExistingFolderAndNeedsSteps) {
    TempDir dir;
    const fra::FraConfig config = tinyStoreConfig(dir.path());
    fs::create_directories(dir.path() / "taken");
    EXPECT_THROW(fra::runTrainBenchmark(config, 3, 1, dir.path() / "taken"), fra::FraError);
    EXPECT_TRUE(fs::exists(dir.path() / "taken"));
    EXPECT_THROW(fra::runTrainBenchmark(config, 0, 1, dir.path() / "new"), fra::FraError);
}

TEST(ParityCheck, SaysSoWhenThereIsNoCudaDevice) {
    if (torch::cuda::is_available()) GTEST_SKIP() << "a CUDA device is present: scripts/gpu-check.sh runs the real check";
    try {
        fra::runParityCheck(tinyTrainingConfig("unused"), 1, 1e-3);
        FAIL() << "no error without a CUDA device";
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("no CUDA device"), std::string::npos) << e.what();
    }
}

// `fra bench step --profile N`: where a step's time goes (CUDA kernels on a GPU, operators here).
TEST(StepBenchmark, ProfilesStepsWithKineto) {
    fra::StepBenchmarkOptions options;
    options.config = tinyTrainingConfig("unused");
    options.iterations = 1;
    options.warmup = 1;
    options.profileSteps = 2;
    const nlohmann::json out = fra::runStepBenchmark(options);
    ASSERT_TRUE(out.contains("profile")) << out.dump();
    const nlohmann::json& p = out["profile"];
    EXPECT_EQ(p["profiled_steps"], 2);
    EXPECT_GT(p["events_per_step"].get<double>(), 100.0);  // a FRA step is thousands of operators
    ASSERT_FALSE(p["top"].empty());
    EXPECT_GT(p["top"][0]["ms_per_step"].get<double>(), 0.0);
    bool convolution = false;
    for (const auto& t : p["top"]) convolution = convolution || t["name"].get<std::string>().find("conv") != std::string::npos;
    EXPECT_TRUE(convolution) << p.dump();
}
