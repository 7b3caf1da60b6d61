#pragma once
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace fra {

class ImageFolder;
class RunDirectory;

// The fixed faces whose heatmaps a run snapshots every M steps: picked once, spread evenly over
// the data folder, centre-cropped to the training size and stored in the run directory
// (probes/probe_NN.png + probes/index.json), so every viewer shows the same faces.
class ProbeSet {
public:
    static ProbeSet create(const ImageFolder& folder, const RunDirectory& run, int count, int imageSize, int minImageSide);
    static ProbeSet load(const RunDirectory& run);

    std::vector<cv::Mat> images;        // RGB, imageSize x imageSize
    std::vector<std::string> sources;   // relative paths in the data folder
    std::vector<std::filesystem::path> files;
};

}  // namespace fra
