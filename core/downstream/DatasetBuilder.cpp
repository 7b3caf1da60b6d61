#include "downstream/DatasetBuilder.h"

#include <filesystem>

namespace fra {

void DatasetBuilder::add(const std::string& split, DownstreamSample sample) {
    if (!sample.pixels) {
        ++dataset_.listedImages;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(sample.image, ec)) {
            if (++missing_ == 1) dataset_.firstMissingImage = "'" + sample.image + "' (" + sample.where + ")";
            if (missing_ <= 10)
                dataset_.warnings.push_back("image '" + sample.image + "' (" + sample.where + ") is missing; left out");
            dataset_.missingImages = static_cast<std::size_t>(missing_);
            return;
        }
    }
    dataset_.splits[split].push_back(std::move(sample));
}

DatasetBuilder::~DatasetBuilder() {
    if (missing_ > 10) dataset_.warnings.push_back(std::to_string(missing_) + " listed images are missing in all; left out");
}

}  // namespace fra
