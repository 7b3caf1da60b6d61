#pragma once
#include <map>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fra {

enum class TaskKind { MultiClass, MultiLabel, Landmarks };
const char* toString(TaskKind task);

// A face box in image pixels.
struct FaceBox {
    float x = 0, y = 0, width = 0, height = 0;
};

// An image stored inside an annotation file (FER2013's CSV): 8-bit grey (1 channel) or RGB (3).
struct InlineImage {
    int width = 0, height = 0, channels = 1;
    std::vector<std::uint8_t> pixels;  // height x width x channels
};

// One annotated face of a downstream dataset, as a dataset-format plugin delivers it.
struct DownstreamSample {
    std::string image;                 // image file; empty when `pixels` holds the image
    std::shared_ptr<const InlineImage> pixels;  // in-file images (FER2013's CSV)
    std::optional<FaceBox> box;        // when the format gives one
    int label = -1;                    // MultiClass: 0-based class
    std::vector<float> attributes;     // MultiLabel: one 0/1 per attribute
    std::vector<float> landmarks;      // Landmarks: x0, y0, x1, y1, ... in image pixels
    std::string subset;                // e.g. 300W "common" / "challenge"
    std::string group;                 // person or video: splits never cut through a group
    std::string where;                 // "file:line" of its annotation, for messages
};

// A loaded downstream dataset: its task, label names and splits ("train", "val", "test").
struct DownstreamDataset {
    std::string format;                // plugin id, e.g. "rafdb"
    std::string root;
    TaskKind task = TaskKind::MultiClass;
    std::vector<std::string> classNames;  // MultiClass classes or MultiLabel attributes
    int landmarkCount = 0;
    // 0-based indices of the outer eye corners (NME normaliser) and of the two eyes' landmark
    // ranges (inter-pupil option), for Landmarks tasks.
    std::pair<int, int> outerEyeCorners{-1, -1};
    std::pair<std::vector<int>, std::vector<int>> eyes;
    bool balancedSampling = false;     // AffectNet: class-balanced training sampler
    std::map<std::string, std::vector<DownstreamSample>> splits;
    std::vector<std::string> warnings; // e.g. images listed but missing on disk
    std::size_t listedImages = 0;      // image files the annotations name (DatasetBuilder counts)
    std::size_t missingImages = 0;     // ... of which are not on disk (left out of the splits)
    std::string firstMissingImage;     // "'path' (file:line)" of the first one

    const std::vector<DownstreamSample>& split(const std::string& name) const;
    std::size_t outputs() const;       // classes, attributes or 2 x landmarks
};

// At most `cap` of the indices 0..n-1, spread evenly over them (datasets are often ordered by
// person or video, so the first `cap` would be a few people only).
std::vector<std::size_t> spreadSubset(std::size_t n, std::size_t cap);

}  // namespace fra
