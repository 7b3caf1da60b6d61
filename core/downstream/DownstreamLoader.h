#pragma once
#include "downstream/DownstreamDataset.h"
#include "downstream/FacePreprocessor.h"

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace fra {

struct LabeledBatch {
    int size = 0;  // faces that loaded (an unreadable one is left out of its batch)
    int imageSize = 0;
    std::vector<float> images;          // size x 3 x S x S
    std::vector<std::int64_t> labels;   // MultiClass
    std::vector<float> attributes;      // MultiLabel: size x A
    std::vector<float> landmarks;       // Landmarks: size x 2L, crop coordinates in [0, 1]
    std::vector<int> samples;           // index into the split of each face
};

// Prepares the batches of one pass over a split on worker threads (bounded prefetch, in order).
// `order` lists sample indices (a shuffled or class-balanced epoch, or 0..n-1 for testing).
class DownstreamLoader {
public:
    DownstreamLoader(const DownstreamDataset& dataset, const std::vector<DownstreamSample>& split, const FacePreprocessor& preprocessor,
                     std::vector<int> order, int batchSize, bool augment, std::uint64_t seed, int workers);
    ~DownstreamLoader();
    DownstreamLoader(const DownstreamLoader&) = delete;
    DownstreamLoader& operator=(const DownstreamLoader&) = delete;

    std::shared_ptr<LabeledBatch> next();  // nullptr after the last batch
    std::size_t batches() const { return batchCount_; }
    std::vector<std::string> takeProblems();  // images that could not be read

    // Epoch orders: a seeded permutation, or (AffectNet) as many draws weighted by the inverse
    // class frequency; both are pure functions of (seed, epoch).
    static std::vector<int> shuffled(std::size_t n, std::uint64_t seed, int epoch);
    static std::vector<int> classBalanced(const std::vector<DownstreamSample>& split, int classes, std::uint64_t seed, int epoch);

private:
    void work();
    std::shared_ptr<LabeledBatch> build(std::size_t batch);

    const DownstreamDataset& dataset_;
    const std::vector<DownstreamSample>& split_;
    const FacePreprocessor& preprocessor_;
    std::vector<int> order_;
    int batchSize_;
    bool augment_;
    std::uint64_t seed_;
    std::size_t batchCount_;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t nextToBuild_ = 0, nextToHand_ = 0;
    std::map<std::size_t, std::shared_ptr<LabeledBatch>> ready_;
    std::vector<std::string> problems_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace fra
