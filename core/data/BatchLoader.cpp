#include "data/BatchLoader.h"

#include "data/JpegCodec.h"
#include "data/PreparedStore.h"
#ifndef FRA_NO_OPENCV
#include "data/ImageDecoder.h"
#include "data/TwoViewAugmenter.h"
#endif
#include "util/FraError.h"
#include "util/SeedSequence.h"

#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

namespace fra {
namespace {
constexpr std::uint64_t kPermutationTag = 0x5045524D;  // "PERM"
constexpr std::uint64_t kViewTag = 0x56494557;         // "VIEW"
}  // namespace

std::int64_t BatchLoader::stepsPerEpochFor(std::size_t images, int batchSize) {
    return static_cast<std::int64_t>(images) / batchSize;  // the last partial batch is dropped
}

bool BatchLoader::folderViewsOnDevice(const DataConfig& config) {
    if (config.augment == "device") return true;
    if (config.augment == "cpu") return false;
#ifdef FRA_NO_OPENCV
    return true;  // auto: nothing else can make them
#else
    return false;
#endif
}

int BatchLoader::decodeSizeFor(const DataConfig& config) {
    if (config.decodeSize > 0) return config.decodeSize;
    return 2 * static_cast<int>(std::lround(config.imageSize * 8.0 / 7.0 / 2.0));  // 112 -> 128, 224 -> 256
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
      viewsOnDevice_(store_ || folderViewsOnDevice(config)),
      rawSize_(store_ ? store_->imageSize() : decodeSizeFor(config)),
      jpegOnDevice_(store_ && store_->encoding() == StoreEncoding::Jpeg && config.jpegDecoder == "nvjpeg"),
      sampler_(config),
      nextToBuild_(firstStep),
      nextToHand_(firstStep) {
    if (!store_) {
#ifdef FRA_NO_OPENCV
        if (!viewsOnDevice_)
            throw FraError("data.augment = cpu needs OpenCV, which this build of fra lacks: use data.augment = device (JPEG folders) "
                           "or a prepared store (data.format = prepared)");
#else
        decoder_ = std::make_shared<ImageDecoder>(config.minImageSide);
        if (!viewsOnDevice_) augmenter_ = std::make_shared<TwoViewAugmenter>(config);
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

void BatchLoader::drawViews(std::uint64_t viewSeed, int side, Batch& batch, int slot) const {
    batch.params1[slot] = sampler_.draw(deriveSeed(viewSeed, {0}), 0, side, side);
    batch.params2[slot] = sampler_.draw(deriveSeed(viewSeed, {1}), 1, side, side);
}

bool BatchLoader::fillFromStore(std::int64_t file, std::uint64_t viewSeed, Batch& batch, int slot, std::string& problem) {
    try {
        if (jpegOnDevice_) {
            const PreparedStore::Encoded e = store_->encoded(static_cast<std::size_t>(file), /*verify=*/true);
            batch.jpegData[slot] = e.data;
            batch.jpegBytes[slot] = e.bytes;
        } else {
            store_->decodeInto(static_cast<std::size_t>(file), batch.raw.data() + slot * store_->bytesPerImage(), /*verify=*/true);
        }
    } catch (const FraError& e) {
        problem = e.what();
        return false;
    }
    drawViews(viewSeed, store_->imageSize(), batch, slot);
    return true;
}

// data.augment = device: the image decoded (JPEGs by libjpeg-turbo at a reduced scale where that
// still covers the square; other formats by OpenCV where the build has it), its centred square
// resampled to rawSize_.
bool BatchLoader::fillSquareFromFile(std::int64_t file, std::uint64_t viewSeed, Batch& batch, int slot, std::string& problem) {
    const std::filesystem::path path = folder_.path(static_cast<std::size_t>(file));
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in) {
        problem = "cannot read file";
        return false;
    }
    const std::string bytes = buffer.str();
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    jpeg::RgbImage image;
    if (jpeg::looksLikeJpeg(data, bytes.size())) {
        if (!jpeg::decode(data, bytes.size(), image, problem, rawSize_)) return false;
    } else {
#ifdef FRA_NO_OPENCV
        problem = bytes.empty() ? "empty file" : "not a JPEG (this build of fra has no OpenCV for other formats)";
        return false;
#else
        const DecodedImage decoded = decoder_->decodeBytes(bytes, path.string());
        if (!decoded.ok()) {
            problem = decoded.problem;
            return false;
        }
        image.width = decoded.rgb.cols;
        image.height = decoded.rgb.rows;
        image.pixels.assign(decoded.rgb.data, decoded.rgb.data + decoded.rgb.total() * 3);
#endif
    }
    if (std::min(image.width, image.height) < config_.minImageSide) {
        problem = std::to_string(image.width) + "x" + std::to_string(image.height) + " is smaller than " + std::to_string(config_.minImageSide) + " px";
        return false;
    }
    centreSquareResize(image, rawSize_, batch.raw.data() + static_cast<std::size_t>(slot) * rawSize_ * rawSize_ * 3);
    drawViews(viewSeed, rawSize_, batch, slot);
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
        if (viewsOnDevice_) {
            std::string problem;
            if (store_ ? fillFromStore(file, viewSeed, batch, slot, problem) : fillSquareFromFile(file, viewSeed, batch, slot, problem)) {
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
        batch.params1[slot] = augmenter_->drawParams(deriveSeed(viewSeed, {0}), 0, image.rgb.cols, image.rgb.rows);
        batch.params2[slot] = augmenter_->drawParams(deriveSeed(viewSeed, {1}), 1, image.rgb.cols, image.rgb.rows);
        augmenter_->render(image.rgb, batch.params1[slot], batch.view1.data() + offset);
        augmenter_->render(image.rgb, batch.params2[slot], batch.view2.data() + offset);
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
    if (viewsOnDevice_) {
        batch->rawSize = rawSize_;
        if (jpegOnDevice_) {
            batch->jpegData.resize(batch->size);
            batch->jpegBytes.resize(batch->size);
        } else {
            batch->raw.resize(static_cast<std::size_t>(batch->size) * rawSize_ * rawSize_ * 3);
        }
    } else {
        batch->view1.resize(batch->size * batch->floatsPerImage());
        batch->view2.resize(batch->size * batch->floatsPerImage());
    }
    batch->params1.resize(batch->size);  // every view's crop: L_r's other_view targets need it
    batch->params2.resize(batch->size);
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
