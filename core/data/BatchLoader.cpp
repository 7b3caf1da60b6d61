#include "data/BatchLoader.h"

#include "data/PreparedStore.h"
#ifndef FRA_NO_OPENCV
#include "data/ImageDecoder.h"
#include "data/TwoViewAugmenter.h"
#endif
#include "util/FraError.h"
#include "util/SeedSequence.h"

#include <numeric>

namespace fra {
namespace {
constexpr std::uint64_t kPermutationTag = 0x5045524D;  // "PERM"
constexpr std::uint64_t kViewTag = 0x56494557;         // "VIEW"
}  // namespace

std::int64_t BatchLoader::stepsPerEpochFor(std::size_t images, int batchSize) {
    return static_cast<std::int64_t>(images) / batchSize;  // the last partial batch is dropped
}

BatchLoader::BatchLoader(ImageFolder folder, const DataConfig& config, std::uint64_t seed, std::int64_t firstStep, int shardIndex,
                         int shardCount)
    : BatchLoader(folder, nullptr, folder.size(), config, seed, firstStep, shardIndex, shardCount) {}

BatchLoader::BatchLoader(std::shared_ptr<const PreparedStore> store, const DataConfig& config, std::uint64_t seed, std::int64_t firstStep,
                         int shardIndex, int shardCount)
    : BatchLoader(ImageFolder(store->file().parent_path(), {}), store, store->size(), config, seed, firstStep, shardIndex, shardCount) {}

BatchLoader::BatchLoader(ImageFolder folder, std::shared_ptr<const PreparedStore> store, std::size_t size, const DataConfig& config,
                         std::uint64_t seed, std::int64_t firstStep, int shardIndex, int shardCount)
    : folder_(std::move(folder)),
      store_(std::move(store)),
      datasetSize_(size),
      config_(config),
      seed_(seed),
      shardIndex_(shardIndex),
      shardCount_(shardCount),
      stepsPerEpoch_(stepsPerEpochFor(datasetSize_, config.batchSize)),
      sampler_(config),
      nextToBuild_(firstStep),
      nextToHand_(firstStep) {
    if (!store_) {
#ifdef FRA_NO_OPENCV
        throw FraError("data '" + folder_.root().string() +
                       "' is an image folder, and this build of fra has no OpenCV to decode it: write a prepared store with "
                       "`fra prepare` on a machine with OpenCV and train from that (data.format=prepared)");
#else
        augmenter_ = std::make_shared<TwoViewAugmenter>(config);
        decoder_ = std::make_shared<ImageDecoder>(config.minImageSide);
#endif
    }
    if (shardCount_ < 1 || shardIndex_ < 0 || shardIndex_ >= shardCount_ || config_.batchSize % shardCount_ != 0)
        throw FraError("data.batch_size = " + std::to_string(config_.batchSize) + " cannot be split over " + std::to_string(shardCount_) +
                       " ranks");
    if (stepsPerEpoch_ < 1)
        throw FraError("data '" + (store_ ? store_->file().string() : folder_.root().string()) + "' has " + std::to_string(datasetSize_) +
                       " images, fewer than one batch of " + std::to_string(config_.batchSize));
    for (int i = 0; i < std::max(1, config_.workers); ++i) workers_.emplace_back([this] { workerLoop(); });
}

std::string BatchLoader::describe(std::int64_t index) const {
    return store_ ? store_->file().string() + "#" + std::to_string(index) + " (" + store_->source(static_cast<std::size_t>(index)) + ")"
                  : folder_.path(static_cast<std::size_t>(index)).string();
}

bool BatchLoader::fillFromStore(std::int64_t file, std::uint64_t viewSeed, Batch& batch, int slot, std::string& problem) {
    const std::uint8_t* pixels = nullptr;
    try {
        pixels = store_->image(static_cast<std::size_t>(file), /*verify=*/true);
    } catch (const FraError& e) {
        problem = e.what();
        return false;
    }
    const std::size_t bytes = store_->bytesPerImage();
    std::copy(pixels, pixels + bytes, batch.raw.begin() + static_cast<std::ptrdiff_t>(slot * bytes));
    const int s = store_->imageSize();
    batch.params1[slot] = sampler_.draw(deriveSeed(viewSeed, {0}), 0, s, s);
    batch.params2[slot] = sampler_.draw(deriveSeed(viewSeed, {1}), 1, s, s);
    return true;
}

BatchLoader::~BatchLoader() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    workAvailable_.notify_all();
    batchReady_.notify_all();
    for (auto& t : workers_) t.join();
}

std::shared_ptr<Batch> BatchLoader::next() {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::int64_t step = nextToHand_;
    batchReady_.wait(lock, [&] { return ready_.count(step) || !fatalError_.empty() || stopping_; });
    if (!fatalError_.empty()) throw FraError(fatalError_);
    auto batch = ready_.at(step);
    ready_.erase(step);
    ++nextToHand_;
    lock.unlock();
    workAvailable_.notify_all();
    return batch;
}

void BatchLoader::workerLoop() {
    for (;;) {
        std::int64_t step;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            workAvailable_.wait(lock, [&] {
                return stopping_ || !fatalError_.empty() || nextToBuild_ < nextToHand_ + config_.prefetchBatches;
            });
            if (stopping_ || !fatalError_.empty()) return;
            step = nextToBuild_++;
        }
        std::shared_ptr<Batch> batch;
        try {
            batch = build(step);
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (fatalError_.empty()) fatalError_ = e.what();
            batchReady_.notify_all();
            workAvailable_.notify_all();
            return;
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ready_[step] = std::move(batch);
        }
        batchReady_.notify_all();
    }
}

std::shared_ptr<const std::vector<std::int64_t>> BatchLoader::permutation(std::int64_t epoch) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = permutations_.find(epoch);
    if (it != permutations_.end()) return it->second;
    auto perm = std::make_shared<std::vector<std::int64_t>>(datasetSize_);
    std::iota(perm->begin(), perm->end(), 0);
    std::uint64_t state = deriveSeed(seed_, {kPermutationTag, static_cast<std::uint64_t>(epoch)});
    for (std::size_t i = perm->size(); i > 1; --i) {  // Fisher-Yates with a portable generator
        state = splitMix64(state);
        std::swap((*perm)[i - 1], (*perm)[state % i]);
    }
    while (permutations_.size() >= 3) permutations_.erase(permutations_.begin());
    permutations_[epoch] = perm;
    return perm;
}

bool BatchLoader::fillSlot(std::int64_t epoch, std::int64_t position, std::uint64_t viewSeed, Batch& batch, int slot) {
    const auto perm = permutation(epoch);
    const auto n = static_cast<std::int64_t>(perm->size());
    for (std::int64_t k = 0; k < n; ++k) {
        const std::int64_t file = (*perm)[(position + k) % n];
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (badFiles_.count(file)) continue;
        }
        if (store_) {
            std::string problem;
            if (fillFromStore(file, viewSeed, batch, slot, problem)) {
                batch.fileIndices[slot] = file;
                return true;
            }
            std::lock_guard<std::mutex> lock(mutex_);
            if (badFiles_.insert(file).second) {
                newlySkipped_.push_back({describe(file), problem});
                ++skippedTotal_;
            }
            continue;
        }
#ifndef FRA_NO_OPENCV
        DecodedImage image = decoder_->decode(folder_.path(static_cast<std::size_t>(file)));
        if (!image.ok()) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (badFiles_.insert(file).second) {
                newlySkipped_.push_back({describe(file), image.problem});
                ++skippedTotal_;
            }
            continue;
        }
        const std::size_t offset = slot * batch.floatsPerImage();
        augmenter_->makeView(image.rgb, deriveSeed(viewSeed, {0}), 0, batch.view1.data() + offset);
        augmenter_->makeView(image.rgb, deriveSeed(viewSeed, {1}), 1, batch.view2.data() + offset);
        batch.fileIndices[slot] = file;
        return true;
#endif
    }
    return false;
}

std::shared_ptr<Batch> BatchLoader::build(std::int64_t step) {
    auto batch = std::make_shared<Batch>();
    batch->step = step;
    batch->size = config_.batchSize / shardCount_;
    batch->imageSize = config_.imageSize;
    if (store_) {
        batch->rawSize = store_->imageSize();
        batch->raw.resize(batch->size * store_->bytesPerImage());
        batch->params1.resize(batch->size);
        batch->params2.resize(batch->size);
    } else {
        batch->view1.resize(batch->size * batch->floatsPerImage());
        batch->view2.resize(batch->size * batch->floatsPerImage());
    }
    batch->fileIndices.assign(batch->size, -1);
    const std::int64_t epoch = step / stepsPerEpoch_;
    const std::int64_t first = (step % stepsPerEpoch_) * config_.batchSize + static_cast<std::int64_t>(shardIndex_) * batch->size;
    for (int slot = 0; slot < batch->size; ++slot) {
        const std::uint64_t viewSeed =
            deriveSeed(seed_, {kViewTag, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(first + slot)});
        if (!fillSlot(epoch, first + slot, viewSeed, *batch, slot))
            throw FraError("no readable image in '" + (store_ ? store_->file().string() : folder_.root().string()) + "' (all " +
                           std::to_string(datasetSize_) + " images were skipped)");
    }
    return batch;
}

std::vector<SkippedImage> BatchLoader::takeSkipped() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<SkippedImage> out;
    out.swap(newlySkipped_);
    return out;
}

std::size_t BatchLoader::skippedTotal() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return skippedTotal_;
}

}  // namespace fra
