#include "run/ProbeSet.h"

#include "data/ImageDecoder.h"
#include "data/ImageFolder.h"
#include "data/TwoViewAugmenter.h"
#include "run/RunDirectory.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace fra {

ProbeSet ProbeSet::create(const ImageFolder& folder, const RunDirectory& run, int count, int imageSize, int minImageSide) {
    ProbeSet set;
    const ImageDecoder decoder(minImageSide);
    const std::size_t n = folder.size();
    json index = json::array();
    std::size_t next = 0;  // never pick an image twice, even when many are unreadable
    for (int j = 0; j < count; ++j) {
        // probe j comes from the j-th of `count` even slices of the folder (the first readable one)
        std::size_t candidate = std::max(next, static_cast<std::size_t>(j) * n / static_cast<std::size_t>(count));
        DecodedImage image;
        for (; candidate < n; ++candidate) {
            image = decoder.decode(folder.path(candidate));
            if (image.ok()) break;
        }
        if (candidate >= n) break;
        next = candidate + 1;
        const cv::Mat crop = TwoViewAugmenter::centerCrop(image.rgb, imageSize);
        char name[32];
        std::snprintf(name, sizeof name, "probe_%02zu.png", set.images.size());
        const fs::path file = run.probesDir() / name;
        cv::Mat bgr;
        cv::cvtColor(crop, bgr, cv::COLOR_RGB2BGR);
        std::vector<uchar> png;
        cv::imencode(".png", bgr, png);
        writeFileAtomically(file, std::string(png.begin(), png.end()));
        set.images.push_back(crop);
        set.sources.push_back(folder.relative(candidate));
        set.files.push_back(file);
        index.push_back({{"file", name}, {"source", folder.relative(candidate)}});
    }
    writeFileAtomically(run.probesDir() / "index.json", index.dump(2) + "\n");
    return set;
}

ProbeSet ProbeSet::load(const RunDirectory& run) {
    ProbeSet set;
    const fs::path indexFile = run.probesDir() / "index.json";
    if (!fs::exists(indexFile)) return set;
    json index;
    try {
        index = json::parse(readWholeFile(indexFile));
    } catch (const json::exception& e) {
        throw FraError(indexFile.string() + ": " + e.what());
    }
    const ImageDecoder decoder;
    for (const auto& entry : index) {
        const fs::path file = run.probesDir() / entry.value("file", "");
        const DecodedImage image = decoder.decode(file);
        if (!image.ok()) throw FraError(file.string() + ": " + image.problem);
        set.images.push_back(image.rgb);
        set.sources.push_back(entry.value("source", ""));
        set.files.push_back(file);
    }
    return set;
}

}  // namespace fra
