#include "downstream/LandmarkRegression.h"

#include "util/FraError.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace fra {

void LandmarkRegression::fit(const std::vector<std::vector<float>>& inputs, const std::vector<std::vector<float>>& targets, double ridge) {
    if (inputs.empty() || inputs.size() != targets.size()) throw FraError("landmark regression: need as many targets as inputs");
    const int n = static_cast<int>(inputs.size()), p = static_cast<int>(inputs[0].size()), q = static_cast<int>(targets[0].size());
    for (int i = 0; i < n; ++i)
        if (static_cast<int>(inputs[i].size()) != p || static_cast<int>(targets[i].size()) != q)
            throw FraError("landmark regression: rows of different sizes");
    // Standardise each input on the training faces, so the penalty does not depend on its scale:
    // centroids of soft heatmaps move a little, of sharp ones a lot, and carry the same information.
    mean_.assign(p, 0.0);
    scale_.assign(p, 0.0);
    for (const auto& row : inputs)
        for (int j = 0; j < p; ++j) mean_[j] += row[j] / static_cast<double>(n);
    for (const auto& row : inputs)
        for (int j = 0; j < p; ++j) scale_[j] += (row[j] - mean_[j]) * (row[j] - mean_[j]) / static_cast<double>(n);
    for (int j = 0; j < p; ++j) scale_[j] = scale_[j] > 1e-24 ? 1.0 / std::sqrt(scale_[j]) : 0.0;  // a constant input is dropped
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor x = torch::empty({n, p + 1}, f64), y = torch::empty({n, q}, f64);
    auto xa = x.accessor<double, 2>();
    auto ya = y.accessor<double, 2>();
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < p; ++j) xa[i][j] = (inputs[i][j] - mean_[j]) * scale_[j];
        xa[i][p] = 1.0;
        for (int j = 0; j < q; ++j) ya[i][j] = targets[i][j];
    }
    torch::Tensor gram = x.t().mm(x);
    gram.diagonal().slice(0, 0, p).add_(ridge * n);  // the bias is not penalised
    // LAPACK's SVD-based least squares (gelsd): the minimum-norm solution when the system is singular
    const torch::Tensor w = std::get<0>(torch::linalg_lstsq(gram, x.t().mm(y), c10::optional<double>(), "gelsd")).contiguous();
    if (!torch::isfinite(w).all().item<bool>()) throw FraError("landmark regression: singular system");
    weights_.assign(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
    outputs_ = q;
}

std::vector<float> LandmarkRegression::predict(const std::vector<float>& input) const {
    if (weights_.empty()) throw FraError("landmark regression: not fitted");
    const std::size_t rows = weights_.size() / outputs_;
    if (input.size() + 1 != rows) throw FraError("landmark regression: wrong input size");
    std::vector<float> result(outputs_);
    for (int j = 0; j < outputs_; ++j) {
        double sum = weights_[(rows - 1) * outputs_ + j];  // the bias
        for (std::size_t i = 0; i < input.size(); ++i) sum += (input[i] - mean_[i]) * scale_[i] * weights_[i * outputs_ + j];
        result[j] = static_cast<float>(sum);
    }
    return result;
}

const std::vector<double>& LandmarkRegression::ridgeGrid() {
    static const std::vector<double> grid{1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0};
    return grid;
}

double LandmarkRegression::crossValidatedRidge(const std::vector<std::vector<float>>& inputs, const std::vector<std::vector<float>>& targets,
                                               const std::vector<double>& grid,
                                               const std::function<double(const std::vector<float>&, const std::vector<float>&)>& error,
                                               int folds) {
    const std::size_t n = inputs.size();
    if (grid.empty() || n < static_cast<std::size_t>(2 * folds)) throw FraError("landmark regression: too few faces to cross-validate");
    double best = grid.front(), bestError = std::numeric_limits<double>::infinity();
    for (const double ridge : grid) {
        double total = 0;
        for (int f = 0; f < folds; ++f) {
            const std::size_t begin = n * f / folds, end = n * (f + 1) / folds;
            std::vector<std::vector<float>> fitX, fitY;
            for (std::size_t i = 0; i < n; ++i)
                if (i < begin || i >= end) {
                    fitX.push_back(inputs[i]);
                    fitY.push_back(targets[i]);
                }
            LandmarkRegression r;
            r.fit(fitX, fitY, ridge);
            for (std::size_t i = begin; i < end; ++i) total += error(r.predict(inputs[i]), targets[i]);
        }
        if (total < bestError) bestError = total, best = ridge;
    }
    return best;
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

const std::vector<std::string>& facialPartNames() {
    static const std::vector<std::string> names{"jaw", "brows", "nose", "eyes", "mouth"};
    return names;
}

std::vector<int> facialPartOfLandmarks(int landmarkCount) {
    // [first, last] landmark index of each part, in facialPartNames() order
    std::vector<std::array<int, 2>> ranges;
    if (landmarkCount == 68) ranges = {{0, 16}, {17, 26}, {27, 35}, {36, 47}, {48, 67}};
    else if (landmarkCount == 98) ranges = {{0, 32}, {33, 50}, {51, 59}, {60, 75}, {76, 95}};
    else return {};
    std::vector<int> part(landmarkCount, 3);  // WFLW's 96 and 97 are the pupils
    for (std::size_t p = 0; p < ranges.size(); ++p)
        for (int i = ranges[p][0]; i <= ranges[p][1]; ++i) part[i] = static_cast<int>(p);
    return part;
}

std::vector<RegionPartConsistency> regionPartConsistency(const std::vector<std::vector<float>>& centroids,
                                                         const std::vector<std::vector<float>>& landmarks,
                                                         const std::vector<int>& partOfLandmark) {
    if (centroids.empty() || partOfLandmark.empty()) return {};
    if (centroids.size() != landmarks.size()) throw FraError("region consistency: need landmarks for every face");
    const std::size_t faces = centroids.size(), regions = centroids[0].size() / 2, points = partOfLandmark.size();
    const int parts = static_cast<int>(facialPartNames().size());
    auto nearestPart = [&](const std::vector<float>& l, double x, double y) {
        if (l.size() != 2 * points) throw FraError("region consistency: landmark rows of a different layout");
        double best = std::numeric_limits<double>::infinity();
        int part = -1;
        for (std::size_t j = 0; j < points; ++j) {
            const double dx = l[2 * j] - x, dy = l[2 * j + 1] - y, d = dx * dx + dy * dy;
            if (d < best) best = d, part = partOfLandmark[j];
        }
        return part;
    };
    std::vector<RegionPartConsistency> out(regions);
    for (std::size_t k = 0; k < regions; ++k) {
        double meanX = 0, meanY = 0;
        for (const auto& c : centroids) meanX += c[2 * k] / faces, meanY += c[2 * k + 1] / faces;
        std::vector<int> moving(parts, 0), fixed(parts, 0);
        std::size_t counted = 0;
        for (std::size_t i = 0; i < faces; ++i) {
            const int part = nearestPart(landmarks[i], centroids[i][2 * k], centroids[i][2 * k + 1]);
            const int fixedPart = nearestPart(landmarks[i], meanX, meanY);
            if (part < 0 || fixedPart < 0) continue;  // non-finite coordinates: no nearest landmark
            ++moving[part];
            ++fixed[fixedPart];
            ++counted;
        }
        if (counted == 0) continue;
        const auto top = std::max_element(moving.begin(), moving.end());
        out[k].part = static_cast<int>(top - moving.begin());
        out[k].share = static_cast<double>(*top) / counted;
        out[k].fixedShare = static_cast<double>(*std::max_element(fixed.begin(), fixed.end())) / counted;
    }
    return out;
}

}  // namespace fra
