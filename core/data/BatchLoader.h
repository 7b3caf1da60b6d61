#pragma once
#include "config/FraConfig.h"
#include "data/Batch.h"
#include "data/ImageFolder.h"
#include "data/ViewSampler.h"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace fra {

class TwoViewAugmenter;
class ImageDecoder;
class PreparedStore;

struct SkippedImage {
    std::string path;
    std::string reason;
};

// Builds training batches on worker threads, a bounded number of steps ahead of the consumer.
// The batch of step s is a pure function of (seed, s): epoch e = s / stepsPerEpoch uses a
// seeded permutation, every view its own derived seed. A run resumed at step s therefore sees
// exactly the batches it would have seen, whatever the number of workers.
// Unreadable, corrupt or too-small images are replaced by the next readable image in the
// permutation and reported once through takeSkipped(); they never stop the run.
class BatchLoader {
public:
    // With `shardCount` > 1 (data-parallel ranks) the loader builds only slice `shardIndex` of
    // every global batch of config.batchSize images: together the ranks see exactly the batches
    // of one process.
    BatchLoader(ImageFolder folder, const DataConfig& config, std::uint64_t seed, std::int64_t firstStep, int shardIndex = 0,
                int shardCount = 1);
    // From a prepared store: batches carry raw pixels and view parameters (Batch::augmentOnDevice).
    BatchLoader(std::shared_ptr<const PreparedStore> store, const DataConfig& config, std::uint64_t seed, std::int64_t firstStep,
                int shardIndex = 0, int shardCount = 1);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    // The batch for the next step; blocks until it is ready. Throws FraError only when no
    // image of the folder can be read at all.
    std::shared_ptr<Batch> next();

    std::int64_t stepsPerEpoch() const { return stepsPerEpoch_; }
    std::size_t datasetSize() const { return datasetSize_; }
    const ImageFolder& folder() const { return folder_; }  // empty for a prepared store
    std::string describe(std::int64_t index) const;     // path of a sample, for messages

    // Images skipped since the last call (each file is reported once per loader).
    std::vector<SkippedImage> takeSkipped();
    std::size_t skippedTotal() const;

    static std::int64_t stepsPerEpochFor(std::size_t images, int batchSize);
    // Whether an image folder's views are made on the compute device (data.augment, resolved for
    // this build), and the side of the square its images are then decoded to.
    static bool folderViewsOnDevice(const DataConfig& config);
    static int decodeSizeFor(const DataConfig& config);

private:
    void workerLoop();
    std::shared_ptr<Batch> build(std::int64_t step);
    std::shared_ptr<const std::vector<std::int64_t>> permutation(std::int64_t epoch);
    bool fillSlot(std::int64_t epoch, std::int64_t position, std::uint64_t viewSeed, Batch& batch, int slot);

    BatchLoader(ImageFolder folder, std::shared_ptr<const PreparedStore> store, std::size_t size, const DataConfig& config,
                std::uint64_t seed, std::int64_t firstStep, int shardIndex, int shardCount);
    bool fillFromStore(std::int64_t file, std::uint64_t viewSeed, Batch& batch, int slot, std::string& problem);
    bool fillSquareFromFile(std::int64_t file, std::uint64_t viewSeed, Batch& batch, int slot, std::string& problem);
    void drawViews(std::uint64_t viewSeed, int side, Batch& batch, int slot) const;

    ImageFolder folder_;
    std::shared_ptr<const PreparedStore> store_;
    std::size_t datasetSize_;
    DataConfig config_;
    std::uint64_t seed_;
    int shardIndex_, shardCount_;
    std::int64_t stepsPerEpoch_;
    bool viewsOnDevice_;  // batches of raw squares and view parameters (prepared stores; folders with augment = device)
    int rawSize_;         // side of those squares
    bool jpegOnDevice_;   // JPEG store records handed over encoded (data.jpeg_decoder = nvjpeg)
    ViewSampler sampler_;
    // image folders only; shared_ptr because a build without OpenCV never completes these types
    std::shared_ptr<TwoViewAugmenter> augmenter_;
    std::shared_ptr<ImageDecoder> decoder_;

    mutable std::mutex mutex_;
    std::condition_variable workAvailable_;
    std::condition_variable batchReady_;
    std::int64_t nextToBuild_;
    std::int64_t nextToHand_;
    std::map<std::int64_t, std::shared_ptr<Batch>> ready_;
    std::string fatalError_;
    bool stopping_ = false;

    std::map<std::int64_t, std::shared_ptr<const std::vector<std::int64_t>>> permutations_;
    std::set<std::int64_t> badFiles_;
    std::vector<SkippedImage> newlySkipped_;
    std::size_t skippedTotal_ = 0;

    std::vector<std::thread> workers_;
};

}  // namespace fra
