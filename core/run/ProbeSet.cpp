#include "run/ProbeSet.h"

#include "data/ImageDecoder.h"
#include "data/ImageFolder.h"
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
    json index = json::array();
    // Round-robin over the top-level folders (sources, people, videos), evenly spaced inside
    // each, so a pool dominated by one video still gives varied probe faces.
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& rel = folder.relative(i);
        groups[rel.substr(0, rel.find('/'))].push_back(i);
    }
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
    std::set<std::size_t> used;
    for (std::size_t candidate : order) {
        if (static_cast<int>(set.images.size()) >= count) break;
        if (!used.insert(candidate).second) continue;
        const DecodedImage image = decoder.decode(folder.path(candidate));
        if (!image.ok()) continue;
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
