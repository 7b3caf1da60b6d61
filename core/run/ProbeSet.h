#pragma once
#include "data/JpegCodec.h"

#include <filesystem>
#include <string>
#include <vector>

namespace fra {

class ImageFolder;
class PreparedStore;
class RunDirectory;

// The fixed faces whose heatmaps a run snapshots every M steps: picked once, spread evenly over
// the data folder, centre-cropped to the training size and stored in the run directory
// (probes/probe_NN.png + probes/index.json), so every viewer shows the same faces. The same in
// every build: the faces are resized by the project's own code and written and read with libpng,
// so the build without OpenCV takes the same snapshots (it reads only JPEG and PNG faces).
class ProbeSet {
public:
    static ProbeSet create(const ImageFolder& folder, const RunDirectory& run, int count, int imageSize, int minImageSide);
    static ProbeSet create(const PreparedStore& store, const RunDirectory& run, int count, int imageSize);
    // Faces chosen elsewhere (a downstream dataset's test faces), square RGB, stored as they are.
    static ProbeSet create(const std::vector<jpeg::RgbImage>& squareRgb, const std::vector<std::string>& sources, const RunDirectory& run,
                           int imageSize);
    static ProbeSet load(const RunDirectory& run);
    // The order in which to try items as probes: round-robin over their groups (sources, people,
    // videos), `count` evenly spaced picks inside each first, then every member as a fallback.
    static std::vector<std::size_t> spreadOrder(const std::vector<std::string>& groupOfItem, int count);

    std::vector<jpeg::RgbImage> images;  // RGB, imageSize x imageSize
    std::vector<std::string> sources;    // relative paths in the data folder
    std::vector<std::filesystem::path> files;

private:
    void add(const jpeg::RgbImage& rgb, int imageSize, const std::string& source, const RunDirectory& run);
    void writeIndex(const RunDirectory& run) const;
};

}  // namespace fra
