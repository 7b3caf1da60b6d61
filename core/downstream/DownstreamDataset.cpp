#include "downstream/DownstreamDataset.h"

#include <algorithm>

#include "util/FraError.h"

namespace fra {

const char* toString(TaskKind task) {
    switch (task) {
    case TaskKind::MultiClass: return "multi-class";
    case TaskKind::MultiLabel: return "multi-label";
    case TaskKind::Landmarks: return "landmarks";
    }
    return "unknown";
}

const std::vector<DownstreamSample>& DownstreamDataset::split(const std::string& name) const {
    const auto it = splits.find(name);
    if (it == splits.end() || it->second.empty())
        throw FraError("dataset '" + root + "' (" + format + ") has no '" + name + "' split");
    return it->second;
}

std::size_t DownstreamDataset::outputs() const {
    switch (task) {
    case TaskKind::MultiClass:
    case TaskKind::MultiLabel: return classNames.size();
    case TaskKind::Landmarks: return 2u * static_cast<std::size_t>(landmarkCount);
    }
    return 0;
}

std::vector<std::size_t> spreadSubset(std::size_t n, std::size_t cap) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < std::min(n, cap); ++i) out.push_back(n <= cap ? i : i * n / cap);
    return out;
}

}  // namespace fra
