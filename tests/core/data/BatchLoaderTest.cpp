#include "data/BatchLoader.h"
#include "data/PreparedStore.h"
#include "data/ImageDecoder.h"
#include "data/PreparedStoreWriter.h"
#include "data/TwoViewAugmenter.h"
#include "support/StoreOptions.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/FraError.h"

#include <algorithm>
#include <cmath>
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

// Every batch says how its views were cut (L_r's other_view targets read it): rendering an image
// with its slot's recorded decisions gives exactly the view the loader made.
TEST(BatchLoader, ABatchRecordsTheCropsItsViewsWereCutWith) {
    TempDir dir;
    testimages::writeFolder(dir / "imgs", 8, 40);
    const fra::ImageFolder folder(dir / "imgs");
    const fra::DataConfig config = loaderConfig(2);
    fra::BatchLoader loader(folder, config, 5, 0);
    const auto batch = loader.next();
    ASSERT_EQ(batch->params1.size(), 4u);
    ASSERT_EQ(batch->params2.size(), 4u);
    const fra::TwoViewAugmenter augmenter(config);
    fra::ImageDecoder decoder(config.minImageSide);
    for (int slot = 0; slot < batch->size; ++slot) {
        const fra::DecodedImage image = decoder.decode(folder.path(static_cast<std::size_t>(batch->fileIndices[slot])));
        ASSERT_TRUE(image.ok());
        std::vector<float> view(batch->floatsPerImage());
        augmenter.render(image.rgb, batch->params1[slot], view.data());
        EXPECT_TRUE(std::equal(view.begin(), view.end(), batch->view1.begin() + slot * batch->floatsPerImage())) << slot;
        augmenter.render(image.rgb, batch->params2[slot], view.data());
        EXPECT_TRUE(std::equal(view.begin(), view.end(), batch->view2.begin() + slot * batch->floatsPerImage())) << slot;
        EXPECT_GT(batch->params1[slot].cropWidth, 0);
    }
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

TEST(BatchLoader, JpegStoresAndDeviceFoldersGiveSquaresAndTheSameViewDecisions) {
    TempDir dir;
    testimages::writeFolder(dir / "imgs", 8, 60);
    testimages::writeGarbage(dir / "imgs" / "zz_broken.jpg");
    fra::PreparedStoreWriter(dir / "imgs", dir / "raw.frastore", rawStore(32)).run();
    fra::PreparedStoreWriter(dir / "imgs", dir / "jpeg.frastore", jpegStore(32)).run();
    const auto raw = std::make_shared<const fra::PreparedStore>(dir / "raw.frastore");
    const auto jpg = std::make_shared<const fra::PreparedStore>(dir / "jpeg.frastore");
    fra::BatchLoader fromRaw(raw, loaderConfig(2), 5, 0), fromJpeg(jpg, loaderConfig(2), 5, 0);
    fra::DataConfig device = loaderConfig(2);
    device.augment = "device";
    device.decodeSize = 32;
    fra::BatchLoader fromFolder(fra::ImageFolder(dir / "imgs"), device, 5, 0);
    for (int step = 0; step < 3; ++step) {
        const auto a = fromRaw.next(), b = fromJpeg.next(), c = fromFolder.next();
        ASSERT_TRUE(b->augmentOnDevice());
        ASSERT_TRUE(c->augmentOnDevice());
        EXPECT_FALSE(b->decodeOnDevice());
        EXPECT_EQ(b->rawSize, 32);
        EXPECT_EQ(c->rawSize, 32);
        EXPECT_EQ(a->fileIndices, b->fileIndices);
        for (int i = 0; i < a->size; ++i) {
            EXPECT_EQ(a->params1[i].cropX, b->params1[i].cropX);
            EXPECT_EQ(a->params2[i].flip, b->params2[i].flip);
        }
        double jpegError = 0, folderError = 0;
        for (std::size_t i = 0; i < a->raw.size(); ++i) jpegError += std::abs(int(a->raw[i]) - int(b->raw[i]));
        EXPECT_LE(jpegError / a->raw.size(), 6.0);  // quality 95, chroma 4:2:0 on 32 px synthetic edges
        // the folder holds 9 files (one broken, skipped), the stores 8: compare the slots that hold the same image
        for (int slot = 0; slot < c->size; ++slot) {
            const auto file = c->fileIndices[slot];
            const auto same = std::find(a->fileIndices.begin(), a->fileIndices.end(), file);
            if (same == a->fileIndices.end()) continue;
            const std::size_t bytes = 32 * 32 * 3, j = static_cast<std::size_t>(same - a->fileIndices.begin());
            for (std::size_t k = 0; k < bytes; ++k) folderError += std::abs(int(a->raw[j * bytes + k]) - int(c->raw[slot * bytes + k])) / double(bytes);
        }
        EXPECT_LE(folderError / c->size, 4.0);  // OpenCV's area resize against ours, from differently decoded JPEGs
    }
    EXPECT_EQ(fromFolder.skippedTotal(), 1u);
    fra::DataConfig nvjpeg = loaderConfig(1);
    nvjpeg.jpegDecoder = "nvjpeg";  // the trainer resolves this only on CUDA builds with nvJPEG: the loader then hands over JPEGs
    fra::BatchLoader encoded(jpg, nvjpeg, 5, 0);
    const auto e = encoded.next();
    EXPECT_TRUE(e->decodeOnDevice());
    EXPECT_TRUE(e->raw.empty());
    ASSERT_EQ(e->jpegData.size(), 4u);
    EXPECT_EQ(e->jpegData[0], jpg->encoded(static_cast<std::size_t>(e->fileIndices[0])).data);
}
