#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace fra {

struct PrepareReport {
    std::size_t written = 0, skipped = 0, resumedFrom = 0;
};

// Writes a PreparedStore from an image folder: each readable image is decoded, its shorter side
// resized to `imageSize` (area interpolation) and centre-cropped square. It works in
// <out>.partial with a progress log beside it, so an interrupted run continues where it stopped;
// the finished file is renamed into place. Unreadable images are skipped and listed in the index.
class PreparedStoreWriter {
public:
    PreparedStoreWriter(std::filesystem::path folder, std::filesystem::path out, int imageSize, int minImageSide = 32);
    // progress(done, total) is called now and then.
    PrepareReport run(const std::function<void(std::size_t, std::size_t)>& progress = {});

private:
    std::filesystem::path folder_, out_;
    int imageSize_, minImageSide_;
};

}  // namespace fra
