// Generic landmarks: <root>/<split>/[<group>/]<image> with a same-stem iBUG .pts file, splits
// train and test (val optional). The first folder below the split is the sample's group (person,
// video). The NME normaliser comes from <root>/landmarks.json
// ({"outer_eye_corners": [36, 45], "eyes": [[36,...,41], [42,...,47]]}); without it 68-point
// (iBUG) and 98-point (WFLW) layouts get their standard eye corners.
#include "data/ImageFolder.h"
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetBuilder.h"
#include "downstream/DatasetFormat.h"
#include "util/FraError.h"
#include "util/AtomicFile.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

class PtsLandmarksFormat : public fra::DatasetFormat {
public:
    std::string id() const override { return "pts"; }
    std::string description() const override { return "Generic: <split>/<group>/<image> with .pts landmarks"; }
    fra::TaskKind task() const override { return fra::TaskKind::Landmarks; }
    bool recognises(const fs::path& root) const override {
        if (!fs::is_directory(root / "train") || !fs::is_directory(root / "test")) return false;
        for (const auto& e : fs::recursive_directory_iterator(root / "train"))
            if (e.path().extension() == ".pts") return true;
        return false;
    }

    fra::DownstreamDataset load(const fs::path& root) const override {
        fra::DownstreamDataset d;
        d.task = task();
        fra::DatasetBuilder builder(d);
        for (const std::string split : {"train", "val", "test"}) {
            if (!fs::is_directory(root / split)) continue;
            std::vector<fs::path> images;
            for (const auto& e : fs::recursive_directory_iterator(root / split))
                if (e.is_regular_file() && fra::ImageFolder::isImageFile(e.path())) images.push_back(e.path());
            std::sort(images.begin(), images.end());
            for (const auto& image : images) {
                const fs::path pts = fs::path(image).replace_extension(".pts");
                if (!fs::exists(pts)) throw fra::FraError(pts.string() + ": missing (the landmarks of '" + image.filename().string() + "')");
                fra::DownstreamSample s;
                s.image = image.string();
                s.landmarks = fra::readPtsFile(pts);
                if (d.landmarkCount == 0) d.landmarkCount = static_cast<int>(s.landmarks.size() / 2);
                if (static_cast<int>(s.landmarks.size()) != 2 * d.landmarkCount)
                    throw fra::FraError(pts.string() + ": " + std::to_string(s.landmarks.size() / 2) + " points, the dataset has " +
                                        std::to_string(d.landmarkCount));
                const fs::path rel = fs::relative(image.parent_path(), root / split);
                s.group = rel == "." ? "" : rel.begin()->string();
                s.where = pts.string();
                builder.add(split, std::move(s));
            }
        }
        if (d.splits["train"].empty() || d.splits["test"].empty())
            throw fra::FraError("landmark dataset '" + root.string() + "' needs images with .pts files in train/ and test/");
        if (fs::exists(root / "landmarks.json")) {
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(fra::readWholeFile(root / "landmarks.json"));
                const auto corners = j.at("outer_eye_corners").get<std::vector<int>>();
                if (corners.size() != 2) throw fra::FraError("outer_eye_corners needs 2 indices");
                d.outerEyeCorners = {corners[0], corners[1]};
                if (j.contains("eyes")) {
                    const auto eyes = j.at("eyes").get<std::vector<std::vector<int>>>();
                    if (eyes.size() == 2) d.eyes = {eyes[0], eyes[1]};
                }
            } catch (const std::exception& e) {
                throw fra::FraError((root / "landmarks.json").string() + ": " + e.what());
            }
        } else if (d.landmarkCount == 68) {
            d.outerEyeCorners = {36, 45};
            d.eyes = {{36, 37, 38, 39, 40, 41}, {42, 43, 44, 45, 46, 47}};
        } else if (d.landmarkCount == 98) {
            d.outerEyeCorners = {60, 72};
            d.eyes = {{60, 61, 62, 63, 64, 65, 66, 67}, {68, 69, 70, 71, 72, 73, 74, 75}};
        } else {
            throw fra::FraError("landmark dataset '" + root.string() + "': " + std::to_string(d.landmarkCount) +
                                " points; give the NME eye corners in landmarks.json");
        }
        for (int i : {d.outerEyeCorners.first, d.outerEyeCorners.second})
            if (i < 0 || i >= d.landmarkCount) throw fra::FraError((root / "landmarks.json").string() + ": eye corner index " + std::to_string(i) + " out of range");
        return d;
    }
};

}  // namespace

FRA_DATASET_PLUGIN(PtsLandmarksFormat)
