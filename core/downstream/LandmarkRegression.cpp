#include "downstream/LandmarkRegression.h"

#include "util/FraError.h"

namespace fra {

void LandmarkRegression::fit(const std::vector<std::vector<float>>& inputs, const std::vector<std::vector<float>>& targets, double ridge) {
    if (inputs.empty() || inputs.size() != targets.size()) throw FraError("landmark regression: need as many targets as inputs");
    const int n = static_cast<int>(inputs.size()), p = static_cast<int>(inputs[0].size()), q = static_cast<int>(targets[0].size());
    cv::Mat x(n, p + 1, CV_64F), y(n, q, CV_64F);
    for (int i = 0; i < n; ++i) {
        if (static_cast<int>(inputs[i].size()) != p || static_cast<int>(targets[i].size()) != q)
            throw FraError("landmark regression: rows of different sizes");
        for (int j = 0; j < p; ++j) x.at<double>(i, j) = inputs[i][j];
        x.at<double>(i, p) = 1.0;
        for (int j = 0; j < q; ++j) y.at<double>(i, j) = targets[i][j];
    }
    cv::Mat gram = x.t() * x;
    for (int j = 0; j < p; ++j) gram.at<double>(j, j) += ridge * n;  // the bias is not penalised
    if (!cv::solve(gram, x.t() * y, weights_, cv::DECOMP_SVD)) throw FraError("landmark regression: singular system");
}

std::vector<float> LandmarkRegression::predict(const std::vector<float>& input) const {
    if (weights_.empty()) throw FraError("landmark regression: not fitted");
    if (static_cast<int>(input.size()) + 1 != weights_.rows) throw FraError("landmark regression: wrong input size");
    cv::Mat x(1, weights_.rows, CV_64F);
    for (std::size_t j = 0; j < input.size(); ++j) x.at<double>(0, static_cast<int>(j)) = input[j];
    x.at<double>(0, weights_.rows - 1) = 1.0;
    const cv::Mat out = x * weights_;
    std::vector<float> result(out.cols);
    for (int j = 0; j < out.cols; ++j) result[j] = static_cast<float>(out.at<double>(0, j));
    return result;
}

std::vector<float> heatmapCentroids(const float* maps, int regions, int height, int width) {
    std::vector<float> out;
    for (int k = 0; k < regions; ++k) {
        const float* m = maps + static_cast<std::size_t>(k) * height * width;
        double total = 0, cx = 0, cy = 0;
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                const double v = m[y * width + x];
                total += v;
                cx += v * (x + 0.5) / width;
                cy += v * (y + 0.5) / height;
            }
        out.push_back(static_cast<float>(total > 0 ? cx / total : 0.5));
        out.push_back(static_cast<float>(total > 0 ? cy / total : 0.5));
    }
    return out;
}

}  // namespace fra
