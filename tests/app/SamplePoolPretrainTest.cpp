// A short real pre-training run on the real-face sample pool, in which the loss falls.
#include "run/MetricsLog.h"
#include "support/Process.h"
#include "support/TempDir.h"

#include <cmath>
#include <cstdlib>
#include <gtest/gtest.h>
#include <numeric>

namespace fs = std::filesystem;

namespace {
fs::path samplePool() {
    if (const char* env = std::getenv("FRA_SAMPLES"); env && *env) return env;
    const char* data = std::getenv("XDG_DATA_HOME");
    const fs::path base = data && *data ? fs::path(data) : fs::path(std::getenv("HOME")) / ".local" / "share";
    return base / "fra-workbench" / "samples";
}

double meanLoss(const std::vector<fra::StepRecord>& r, std::size_t from, std::size_t to) {
    double sum = 0;
    for (std::size_t i = from; i < to; ++i) sum += r[i].loss;
    return sum / static_cast<double>(to - from);
}
}  // namespace

TEST(SamplePool, ShortPretrainingLowersTheLoss) {
    const fs::path pool = samplePool();
    ASSERT_TRUE(fs::exists(pool / "COMPLETE")) << "no sample pool at " << pool << ": run scripts/fetch-samples.sh";
    TempDir dir;
    // cpu-r18 at 64 px without warm-up, so the loss moves within 30 steps on two cores
    const ProcessResult r = runProcess({FRA_CLI, "pretrain", "--preset", "cpu-r18", "--data", (pool / "faces").string(), "--out",
                                        (dir / "run").string(), "--steps", "30", "--set", "data.image_size=64", "--set",
                                        "optim.warmup_epochs=0", "--set", "run.heatmap_every=10", "--set", "run.eval_every=15", "--quiet"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto records = fra::MetricsReader::readAll(dir / "run" / "metrics.jsonl");
    ASSERT_EQ(records.size(), 30u);
    const double first = meanLoss(records, 0, 5), last = meanLoss(records, 25, 30);
    std::cout << "sample pool: mean loss of steps 1-5 " << first << ", of steps 26-30 " << last << std::endl;
    EXPECT_LT(last, first - 0.2);
    EXPECT_TRUE(fs::exists(dir / "run" / "heatmaps" / "step_0000000030.npy"));
    // the preset's online evaluation on the pool's tasks, at steps 15 and 30 only
    for (const auto& record : records) {
        const bool due = record.step % 15 == 0;
        EXPECT_EQ(std::isfinite(record.knnTop1), due) << record.step;
        if (!due) continue;
        EXPECT_EQ(record.knnTestFaces, 15);  // johns-identity's test split
        EXPECT_GE(record.knnTop1, 0);
        EXPECT_LE(record.knnTop1, 1);
        if (fs::exists(pool / "tasks" / "landmarks-dlib68")) {  // built where dlib is
            EXPECT_GT(record.readoutNme, 0);
            EXPECT_LT(record.readoutNme, 0.5);
        }
        std::cout << "online evaluation at step " << record.step << ": kNN " << record.knnCorrect << "/15, read-out NME "
                  << record.readoutNme << ", " << record.onlineEvalSeconds << " s" << std::endl;
    }
}
