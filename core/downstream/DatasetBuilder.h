#pragma once
#include "downstream/DownstreamDataset.h"

#include <string>

namespace fra {

// Helps a format plugin fill a DownstreamDataset: adds samples to splits, leaves out those whose
// image is missing on disk (counting them, listing the first ones in the warnings); the registry
// then decides whether that is an error (DatasetRegistry::load).
class DatasetBuilder {
public:
    explicit DatasetBuilder(DownstreamDataset& dataset) : dataset_(dataset) {}
    ~DatasetBuilder();
    void add(const std::string& split, DownstreamSample sample);

private:
    DownstreamDataset& dataset_;
    int missing_ = 0;
};

}  // namespace fra
