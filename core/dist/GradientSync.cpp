#include "dist/GradientSync.h"

#include "compat/TorchCompat.h"
#include "dist/ProcessGroupRanks.h"

#include <torch/csrc/distributed/c10d/reducer.hpp>

namespace fra {

struct GradientSync::Impl {
    std::unique_ptr<c10d::Reducer> reducer;
};

GradientSync::GradientSync(const std::vector<torch::Tensor>& parameters, const ProcessGroupRanks& ranks, bool findUnused)
    : impl_(std::make_unique<Impl>()) {
    const std::vector<bool> sparse(parameters.size(), false);
    // buckets in reverse order of the parameters: the last layers' gradients are ready first
    std::vector<std::int64_t> order(parameters.size());
    for (std::size_t i = 0; i < parameters.size(); ++i) order[i] = static_cast<std::int64_t>(parameters.size() - 1 - i);
    auto [buckets, limits] = c10d::compute_bucket_assignment_by_size(
        parameters, {static_cast<std::size_t>(c10d::kDefaultFirstBucketBytes), static_cast<std::size_t>(c10d::kDefaultBucketBytesCap)},
        sparse, order);
    std::unordered_map<std::size_t, std::string> names;
    impl_->reducer = compat::makeReducer<c10d::Reducer>(parameters, buckets, limits, ranks.processGroup(), sparse, c10d::kDefaultBucketBytesCap,
                                                        findUnused, names, c10d::kDefaultFirstBucketBytes);
}

GradientSync::~GradientSync() = default;

void GradientSync::beforeForward() { impl_->reducer->prepare_for_forward(); }

void GradientSync::beforeBackward(const torch::Tensor& loss) { impl_->reducer->prepare_for_backward({loss}); }

}  // namespace fra
