#pragma once
#include "data/PreparedStore.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string>

namespace fra {

struct PrepareReport {
    std::size_t written = 0, skipped = 0, resumedFrom = 0;
    std::size_t copied = 0;        // JPEG: sources stored as they were (already baseline JPEGs of the stored size)
    std::uint64_t storeBytes = 0;  // size of the finished file
    std::string firstSkipped;      // "path: reason" of the first face that could not be stored
};

struct PrepareOptions {
    int imageSize = 128;
    int minImageSide = 32;
    StoreEncoding encoding = StoreEncoding::Jpeg;
    int quality = 95;  // JPEG quality of re-encoded faces (chroma 4:2:0)
};

// Writes a PreparedStore from an image folder: each readable image is decoded, its shorter side
// resized to the stored size (area interpolation) and centre-cropped square, then kept as raw
// pixels or re-encoded as a baseline JPEG (a source that already is a baseline JPEG of exactly
// that size is copied unchanged). It works in <out>.partial with a progress log beside it, so an
// interrupted run continues where it stopped; the finished file is renamed into place.
// Unreadable images are skipped and listed in the index.
class PreparedStoreWriter {
public:
    PreparedStoreWriter(std::filesystem::path folder, std::filesystem::path out, PrepareOptions options);
    // progress(done, total) is called now and then.
    PrepareReport run(const std::function<void(std::size_t, std::size_t)>& progress = {});

private:
    std::filesystem::path folder_, out_;
    PrepareOptions options_;
};

}  // namespace fra
