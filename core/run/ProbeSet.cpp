#include "run/ProbeSet.h"

#include "data/ImageFolder.h"
#include "data/PngCodec.h"
#include "data/PreparedStore.h"
#include "run/RunDirectory.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#ifndef FRA_NO_OPENCV
#include "data/ImageDecoder.h"
#endif

namespace fs = std::filesystem;
using nlohmann::json;

namespace fra {

namespace {

// A face of the data folder as RGB: every format OpenCV reads, or JPEG and PNG without it.
bool decodeFace(const fs::path& file, int minImageSide, jpeg::RgbImage& out) {
#ifndef FRA_NO_OPENCV
    const DecodedImage image = ImageDecoder(minImageSide).decode(file);
    if (!image.ok()) return false;
    const cv::Mat rgb = image.rgb.isContinuous() ? image.rgb : image.rgb.clone();
    out.width = rgb.cols;
    out.height = rgb.rows;
    out.pixels.assign(rgb.data, rgb.data + static_cast<std::size_t>(rgb.cols) * rgb.rows * 3);
    return true;
#else
    std::string problem;
    if (!decodeJpegOrPng(file, out, problem, minImageSide)) return false;
    return std::min(out.width, out.height) >= minImageSide;
#endif
}

}  // namespace

ProbeSet ProbeSet::create(const ImageFolder& folder, const RunDirectory& run, int count, int imageSize, int minImageSide) {
    ProbeSet set;
    const std::size_t n = folder.size();
    // Round-robin over the top-level folders (sources, people, videos), evenly spaced inside
    // each, so a pool dominated by one video still gives varied probe faces.
    std::vector<std::string> groups(n);
    for (std::size_t i = 0; i < n; ++i) groups[i] = folder.relative(i).substr(0, folder.relative(i).find('/'));
    const std::vector<std::size_t> order = spreadOrder(groups, count);
    std::set<std::size_t> used;
    for (std::size_t candidate : order) {
        if (static_cast<int>(set.images.size()) >= count) break;
        if (!used.insert(candidate).second) continue;
        jpeg::RgbImage face;
        if (!decodeFace(folder.path(candidate), minImageSide, face)) continue;
        set.add(face, imageSize, folder.relative(candidate), run);
    }
    set.writeIndex(run);
    return set;
}

std::vector<std::size_t> ProbeSet::spreadOrder(const std::vector<std::string>& groupOfItem, int count) {
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < groupOfItem.size(); ++i) groups[groupOfItem[i]].push_back(i);
    std::vector<std::vector<std::size_t>> queues;
    for (const auto& [name, members] : groups) {
        std::vector<std::size_t> queue;
        const std::size_t picks = std::min<std::size_t>(members.size(), static_cast<std::size_t>(std::max(1, count)));
        for (std::size_t j = 0; j < picks; ++j) queue.push_back(members[j * members.size() / picks]);
        queue.insert(queue.end(), members.begin(), members.end());  // fallbacks when those are unreadable
        queues.push_back(std::move(queue));
    }
    std::vector<std::size_t> order;
    for (std::size_t round = 0;; ++round) {
        bool any = false;
        for (const auto& queue : queues)
            if (round < queue.size()) {
                order.push_back(queue[round]);
                any = true;
            }
        if (!any) break;
    }
    return order;
}

ProbeSet ProbeSet::create(const PreparedStore& store, const RunDirectory& run, int count, int imageSize) {
    ProbeSet set;
    const std::size_t n = store.size();
    jpeg::RgbImage rgb;
    rgb.width = rgb.height = store.imageSize();
    rgb.pixels.resize(static_cast<std::size_t>(rgb.width) * rgb.height * 3);
    for (int j = 0; j < count && static_cast<std::size_t>(j) < n; ++j) {
        const std::size_t i = static_cast<std::size_t>(j) * n / static_cast<std::size_t>(count);
        try {
            store.decodeInto(i, rgb.pixels.data());
        } catch (const FraError&) {
            continue;  // a damaged face is no probe; the training loader skips and logs it
        }
        set.add(rgb, imageSize, store.source(i), run);
    }
    set.writeIndex(run);
    return set;
}

ProbeSet ProbeSet::create(const std::vector<jpeg::RgbImage>& squareRgb, const std::vector<std::string>& sources, const RunDirectory& run,
                          int imageSize) {
    ProbeSet set;
    std::error_code ec;
    fs::create_directories(run.probesDir(), ec);
    if (ec) throw FraError("cannot create '" + run.probesDir().string() + "': " + ec.message());
    for (std::size_t i = 0; i < squareRgb.size(); ++i) set.add(squareRgb[i], imageSize, i < sources.size() ? sources[i] : "", run);
    set.writeIndex(run);
    return set;
}

void ProbeSet::add(const jpeg::RgbImage& rgb, int imageSize, const std::string& source, const RunDirectory& run) {
    jpeg::RgbImage crop;
    if (rgb.width == imageSize && rgb.height == imageSize) {
        crop = rgb;
    } else {
        crop.width = crop.height = imageSize;
        crop.pixels.resize(static_cast<std::size_t>(imageSize) * imageSize * 3);
        centreSquareResize(rgb, imageSize, crop.pixels.data());
    }
    char name[32];
    std::snprintf(name, sizeof name, "probe_%02zu.png", images.size());
    const fs::path file = run.probesDir() / name;
    const std::vector<std::uint8_t> encoded = png::encode(crop);
    if (encoded.empty()) throw FraError("cannot encode the probe face '" + file.string() + "' as PNG");
    writeFileAtomically(file, std::string(encoded.begin(), encoded.end()));
    images.push_back(std::move(crop));
    sources.push_back(source);
    files.push_back(file);
}

void ProbeSet::writeIndex(const RunDirectory& run) const {
    json index = json::array();
    for (std::size_t i = 0; i < files.size(); ++i) index.push_back({{"file", files[i].filename().string()}, {"source", sources[i]}});
    writeFileAtomically(run.probesDir() / "index.json", index.dump(2) + "\n");
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
    for (const auto& entry : index) {
        const fs::path file = run.probesDir() / entry.value("file", "");
        jpeg::RgbImage image;
        std::string problem;
        if (!decodeJpegOrPng(file, image, problem)) throw FraError(file.string() + ": " + problem);
        set.images.push_back(std::move(image));
        set.sources.push_back(entry.value("source", ""));
        set.files.push_back(file);
    }
    return set;
}

}  // namespace fra
