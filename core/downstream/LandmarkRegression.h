#pragma once
#include <opencv2/core.hpp>
#include <vector>

namespace fra {

// Ridge regression with a bias, the standard read-out of unsupervised landmark discovery:
// from the K heatmap centroids (2K numbers per face) to the L annotated landmarks (2L).
class LandmarkRegression {
public:
    // rows: one face each. Throws FraError on inconsistent sizes.
    void fit(const std::vector<std::vector<float>>& inputs, const std::vector<std::vector<float>>& targets, double ridge = 1e-3);
    std::vector<float> predict(const std::vector<float>& input) const;
    bool fitted() const { return !weights_.empty(); }

private:
    cv::Mat weights_;  // (inputs + 1) x outputs, CV_64F
};

// Centroids (x, y in [0, 1]) of K heatmaps of size h x w: the read-out's input.
std::vector<float> heatmapCentroids(const float* maps, int regions, int height, int width);

}  // namespace fra
