#include "run/ProbeSet.h"

#include "data/ImageDecoder.h"
#include "data/ImageFolder.h"
#include "data/PreparedStore.h"
#include "data/TwoViewAugmenter.h"
#include "run/RunDirectory.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
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
    // Round-robin over the top-level folders (sources, people, videos), evenly spaced inside
    // each, so a pool dominated by one video still gives varied probe faces.
    std::vector<std::string> groups(n);
    for (std::size_t i = 0; i < n; ++i) groups[i] = folder.relative(i).substr(0, folder.relative(i).find('/'));
    const std::vector<std::size_t> order = spreadOrder(groups, count);
    std::set<std::size_t> used;
    for (std::size_t candidate : order) {
        if (static_cast<int>(set.images.size()) >= count) break;
        if (!used.insert(candidate).second) continue;
        const DecodedImage image = decoder.decode(folder.path(candidate));
        if (!image.ok()) continue;
        set.add(image.rgb, imageSize, folder.relative(candidate), run);
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
    cv::Mat rgb(store.imageSize(), store.imageSize(), CV_8UC3);
    for (int j = 0; j < count && static_cast<std::size_t>(j) < n; ++j) {
        const std::size_t i = static_cast<std::size_t>(j) * n / static_cast<std::size_t>(count);
        try {
            store.decodeInto(i, rgb.data);
        } catch (const FraError&) {
            continue;  // a damaged face is no probe; the training loader skips and logs it
        }
        set.add(rgb, imageSize, store.source(i), run);
    }
    set.writeIndex(run);
    return set;
}

ProbeSet ProbeSet::create(const std::vector<cv::Mat>& squareRgb, const std::vector<std::string>& sources, const RunDirectory& run,
                          int imageSize) {
    ProbeSet set;
    std::error_code ec;
    fs::create_directories(run.probesDir(), ec);
    if (ec) throw FraError("cannot create '" + run.probesDir().string() + "': " + ec.message());
    for (std::size_t i = 0; i < squareRgb.size(); ++i) set.add(squareRgb[i], imageSize, i < sources.size() ? sources[i] : "", run);
    set.writeIndex(run);
    return set;
}

void ProbeSet::add(const cv::Mat& rgb, int imageSize, const std::string& source, const RunDirectory& run) {
    const cv::Mat crop = TwoViewAugmenter::centerCrop(rgb, imageSize);
    char name[32];
    std::snprintf(name, sizeof name, "probe_%02zu.png", images.size());
    const fs::path file = run.probesDir() / name;
    cv::Mat bgr;
    cv::cvtColor(crop, bgr, cv::COLOR_RGB2BGR);
    std::vector<uchar> png;
    cv::imencode(".png", bgr, png);
    writeFileAtomically(file, std::string(png.begin(), png.end()));
    images.push_back(crop);
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
