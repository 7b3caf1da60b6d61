#include "data/BatchLoader.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/FraError.h"

#include <gtest/gtest.h>

namespace {
fra::DataConfig loaderConfig(int workers) {
    fra::DataConfig c;
    c.imageSize = 24;
    c.batchSize = 4;
    c.workers = workers;
    c.prefetchBatches = 3;
    c.minImageSide = 16;
    return c;
}

std::vector<std::shared_ptr<fra::Batch>> take(fra::BatchLoader& loader, int n) {
    std::vector<std::shared_ptr<fra::Batch>> out;
    for (int i = 0; i < n; ++i) out.push_back(loader.next());
    return out;
}
}  // namespace

TEST(BatchLoader, BatchesDependOnlyOnSeedAndStep) {
    TempDir dir;
    testimages::writeFolder(dir / "imgs", 10, 40);
    const fra::ImageFolder folder(dir / "imgs");
    fra::BatchLoader one(folder, loaderConfig(1), 7, 0), three(folder, loaderConfig(3), 7, 0);
    const auto a = take(one, 6), b = take(three, 6);  // 2 steps per epoch: 3 epochs
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(a[i]->step, i);
        EXPECT_EQ(a[i]->fileIndices, b[i]->fileIndices);
        EXPECT_EQ(a[i]->view1, b[i]->view1);
        EXPECT_EQ(a[i]->view2, b[i]->view2);
        EXPECT_NE(a[i]->view1, a[i]->view2);
    }
    // resuming at step 3 sees exactly the batches 3.. of the uninterrupted loader
    fra::BatchLoader resumed(folder, loaderConfig(2), 7, 3);
    const auto c = take(resumed, 3);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(c[i]->step, 3 + i);
        EXPECT_EQ(c[i]->view1, a[3 + i]->view1);
    }
    // another seed, another order
    fra::BatchLoader other(folder, loaderConfig(1), 8, 0);
    EXPECT_NE(other.next()->view1, a[0]->view1);
}

TEST(BatchLoader, EachEpochIsAPermutationWithoutRepeats) {
    TempDir dir;
    testimages::writeFolder(dir / "imgs", 9, 32);
    fra::BatchLoader loader(fra::ImageFolder(dir / "imgs"), loaderConfig(2), 1, 0);
    ASSERT_EQ(loader.stepsPerEpoch(), 2);  // 9 images, batch 4: the last one is dropped
    std::set<std::int64_t> seen;
    for (int i = 0; i < 2; ++i) {
        const auto batch = loader.next();
        for (auto f : batch->fileIndices) EXPECT_TRUE(seen.insert(f).second);
    }
    EXPECT_EQ(seen.size(), 8u);
}

TEST(BatchLoader, CorruptAndTinyImagesAreSkippedAndReportedOnce) {
    TempDir dir;
    testimages::writeFolder(dir / "imgs", 6, 32);
    testimages::writeTruncatedJpeg(dir / "imgs" / "broken_a.jpg");
    testimages::writeGarbage(dir / "imgs" / "broken_b.png");
    testimages::writeImage(dir / "imgs" / "broken_c.png", testimages::syntheticRgb(8, 8, 1));
    fra::BatchLoader loader(fra::ImageFolder(dir / "imgs"), loaderConfig(2), 3, 0);
    std::set<std::string> reported;
    for (int step = 0; step < 12; ++step) {
        const auto batch = loader.next();
        for (auto f : batch->fileIndices) {
            ASSERT_GE(f, 0);
            EXPECT_EQ(loader.folder().relative(f).rfind("broken", 0), std::string::npos);
        }
        for (const auto& s : loader.takeSkipped()) EXPECT_TRUE(reported.insert(s.path).second) << s.path;
    }
    EXPECT_EQ(reported.size(), 3u);
    EXPECT_EQ(loader.skippedTotal(), 3u);
}

TEST(BatchLoader, RefusesFewerImagesThanABatchAndAllBrokenFolders) {
    TempDir dir;
    testimages::writeFolder(dir / "few", 3, 32);
    EXPECT_THROW(fra::BatchLoader(fra::ImageFolder(dir / "few"), loaderConfig(1), 0, 0), fra::FraError);
    std::filesystem::create_directories(dir / "broken");
    for (int i = 0; i < 5; ++i) testimages::writeGarbage(dir / "broken" / ("x" + std::to_string(i) + ".jpg"));
    fra::BatchLoader loader(fra::ImageFolder(dir / "broken"), loaderConfig(1), 0, 0);
    try {
        loader.next();
        FAIL() << "expected an error";
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("no readable image"), std::string::npos);
    }
}
