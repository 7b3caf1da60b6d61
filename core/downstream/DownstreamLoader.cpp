#include "downstream/DownstreamLoader.h"

#include "util/SeedSequence.h"

#include <algorithm>
#include <numeric>

namespace fra {

namespace {
constexpr std::size_t kPrefetch = 3;
}

DownstreamLoader::DownstreamLoader(const DownstreamDataset& dataset, const std::vector<DownstreamSample>& split,
                                   const FacePreprocessor& preprocessor, std::vector<int> order, int batchSize, bool augment,
                                   std::uint64_t seed, int workers)
    : dataset_(dataset),
      split_(split),
      preprocessor_(preprocessor),
      order_(std::move(order)),
      batchSize_(batchSize),
      augment_(augment),
      seed_(seed),
      batchCount_((order_.size() + batchSize - 1) / batchSize) {
    for (int i = 0; i < std::max(1, workers); ++i) workers_.emplace_back([this] { work(); });
}

DownstreamLoader::~DownstreamLoader() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    for (auto& t : workers_) t.join();
}

void DownstreamLoader::work() {
    for (;;) {
        std::size_t batch;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait(lock, [&] { return stopping_ || (nextToBuild_ < batchCount_ && nextToBuild_ < nextToHand_ + kPrefetch); });
            if (stopping_) return;
            batch = nextToBuild_++;
        }
        auto built = build(batch);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ready_[batch] = std::move(built);
        }
        changed_.notify_all();
    }
}

std::shared_ptr<LabeledBatch> DownstreamLoader::build(std::size_t batch) {
    auto out = std::make_shared<LabeledBatch>();
    const int s = preprocessor_.imageSize();
    const std::size_t first = batch * batchSize_, last = std::min(order_.size(), first + batchSize_);
    const std::size_t floats = 3u * s * s, points = 2u * static_cast<std::size_t>(dataset_.landmarkCount);
    out->imageSize = s;
    out->images.resize((last - first) * floats);
    if (dataset_.task == TaskKind::Landmarks) out->landmarks.resize((last - first) * points);
    std::vector<std::string> problems;
    for (std::size_t i = first; i < last; ++i) {
        const DownstreamSample& sample = split_[order_[i]];
        std::string problem;
        const std::uint64_t seed = deriveSeed(seed_, {static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(order_[i])});
        float* landmarks = points ? out->landmarks.data() + out->size * points : nullptr;
        if (!preprocessor_.prepare(sample, augment_, seed, out->images.data() + out->size * floats, landmarks, &problem)) {
            problems.push_back(problem);
            continue;
        }
        if (dataset_.task == TaskKind::MultiClass) out->labels.push_back(sample.label);
        if (dataset_.task == TaskKind::MultiLabel) out->attributes.insert(out->attributes.end(), sample.attributes.begin(), sample.attributes.end());
        out->samples.push_back(order_[i]);
        ++out->size;
    }
    out->images.resize(out->size * floats);
    if (points) out->landmarks.resize(out->size * points);
    if (!problems.empty()) {
        std::lock_guard<std::mutex> lock(mutex_);
        problems_.insert(problems_.end(), problems.begin(), problems.end());
    }
    return out;
}

std::shared_ptr<LabeledBatch> DownstreamLoader::next() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (nextToHand_ >= batchCount_) return nullptr;
    const std::size_t wanted = nextToHand_;
    changed_.wait(lock, [&] { return ready_.count(wanted) > 0; });
    auto batch = ready_.at(wanted);
    ready_.erase(wanted);
    ++nextToHand_;
    lock.unlock();
    changed_.notify_all();
    return batch;
}

std::vector<std::string> DownstreamLoader::takeProblems() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    out.swap(problems_);
    return out;
}

std::vector<int> DownstreamLoader::shuffled(std::size_t n, std::uint64_t seed, int epoch) {
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::uint64_t state = deriveSeed(seed, {0x4F524452u, static_cast<std::uint64_t>(epoch)});
    for (std::size_t i = n; i > 1; --i) {
        state = splitMix64(state);
        std::swap(order[i - 1], order[state % i]);
    }
    return order;
}

std::vector<int> DownstreamLoader::classBalanced(const std::vector<DownstreamSample>& split, int classes, std::uint64_t seed, int epoch) {
    std::vector<std::vector<int>> byClass(classes);
    for (std::size_t i = 0; i < split.size(); ++i)
        if (split[i].label >= 0 && split[i].label < classes) byClass[split[i].label].push_back(static_cast<int>(i));
    std::vector<int> present;
    for (int c = 0; c < classes; ++c)
        if (!byClass[c].empty()) present.push_back(c);
    std::vector<int> order;
    std::uint64_t state = deriveSeed(seed, {0x42414C41u, static_cast<std::uint64_t>(epoch)});
    for (std::size_t i = 0; i < split.size() && !present.empty(); ++i) {
        state = splitMix64(state);
        const auto& members = byClass[present[state % present.size()]];
        state = splitMix64(state);
        order.push_back(members[state % members.size()]);
    }
    return order;
}

}  // namespace fra
