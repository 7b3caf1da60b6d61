#pragma once
#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <vector>

namespace fra {

// dlib's HOG face detector and 68-point shape predictor (Debian libdlib-dev + libdlib-data):
// makes the landmark pseudo-labels of the sample pool. They are a model's output, not
// annotations: fine for exercising the alignment pipeline, never a benchmark.
class DlibLandmarker {
public:
    explicit DlibLandmarker(const std::filesystem::path& model = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat");
    ~DlibLandmarker();
    // The 68 points (x0, y0, ...) of the largest detected face, or nothing.
    std::optional<std::vector<float>> landmarks(const cv::Mat& rgb) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fra
