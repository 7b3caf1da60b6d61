#include "model/CrossRankOps.h"
#include "support/TempDir.h"
#include "support/TinyConfig.h"
#include "train/Checkpoint.h"
#include "train/TrainStep.h"
#include "util/FraError.h"

#include <fstream>
#include <gtest/gtest.h>

TEST(Checkpoint, RestoresWeightsBuffersOptimiserAndState) {
    TempDir dir;
    torch::manual_seed(0);
    const fra::FraConfig config = tinyTrainingConfig("");
    fra::TrainStep a(config, torch::kCPU, fra::CrossRankOps::singleProcess());
    const auto x1 = torch::randn({4, 3, 32, 32}), x2 = torch::randn({4, 3, 32, 32});
    a.run(x1, x2, 0.05, 0.99);
    fra::TrainingState state;
    state.step = 1;
    state.configJson = "{\"x\": 1}";
    state.cpuGeneratorState = at::detail::getDefaultCPUGenerator().get_state();
    state.skippedImages = {"a.jpg"};
    fra::Checkpoint::save(dir / "c.pt", *a.model(), a.optimizer(), state);

    torch::manual_seed(123);  // different initialisation
    fra::TrainStep b(config, torch::kCPU, fra::CrossRankOps::singleProcess());
    const fra::TrainingState back = fra::Checkpoint::load(dir / "c.pt", *b.model(), &b.optimizer());
    EXPECT_EQ(back.step, 1);
    EXPECT_EQ(back.configJson, "{\"x\": 1}");
    EXPECT_EQ(back.skippedImages, (std::vector<std::string>{"a.jpg"}));
    EXPECT_TRUE(torch::equal(back.cpuGeneratorState, state.cpuGeneratorState));
    auto pa = a.model()->named_parameters(), pb = b.model()->named_parameters();
    for (const auto& item : pa) ASSERT_TRUE(torch::equal(item.value(), pb[item.key()])) << item.key();
    auto ba = a.model()->named_buffers(), bb = b.model()->named_buffers();
    for (const auto& item : ba) ASSERT_TRUE(torch::equal(item.value(), bb[item.key()])) << item.key();
    // the next step is identical, momentum buffers included (no dropout: eval the decoder noise out)
    torch::manual_seed(5);
    const auto la = a.run(x1, x2, 0.05, 0.99).total.item<double>();
    torch::manual_seed(5);
    const auto lb = b.run(x1, x2, 0.05, 0.99).total.item<double>();
    EXPECT_EQ(la, lb);
    for (const auto& item : pa) ASSERT_TRUE(torch::equal(item.value(), pb[item.key()])) << item.key();
}

TEST(Checkpoint, UnreadableOrMismatchedFilesGiveClearErrors) {
    TempDir dir;
    const fra::FraConfig config = tinyTrainingConfig("");
    fra::TrainStep a(config, torch::kCPU, fra::CrossRankOps::singleProcess());
    std::ofstream(dir / "junk.pt") << "not a checkpoint";
    try {
        fra::Checkpoint::load(dir / "junk.pt", *a.model(), nullptr);
        FAIL();
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("junk.pt' is unreadable"), std::string::npos) << e.what();
    }
    EXPECT_THROW(fra::Checkpoint::load(dir / "none.pt", *a.model(), nullptr), fra::FraError);
    fra::TrainingState state;
    state.cpuGeneratorState = at::detail::getDefaultCPUGenerator().get_state();
    fra::Checkpoint::save(dir / "c.pt", *a.model(), a.optimizer(), state);
    fra::FraConfig other = config;
    other.model.numRegions = 6;
    fra::TrainStep b(other, torch::kCPU, fra::CrossRankOps::singleProcess());
    try {
        fra::Checkpoint::load(dir / "c.pt", *b.model(), nullptr);
        FAIL();
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("does not match this model"), std::string::npos) << e.what();
    }
}
