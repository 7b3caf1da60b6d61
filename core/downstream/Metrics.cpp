#include "downstream/Metrics.h"

#include "util/FraError.h"

#include <algorithm>
#include <cmath>

namespace fra {

ClassificationMetrics classificationMetrics(const std::vector<int>& truth, const std::vector<int>& predicted, int classes) {
    if (truth.size() != predicted.size()) throw FraError("classification metrics: truth and predictions differ in length");
    ClassificationMetrics m;
    m.confusion.assign(classes, std::vector<std::int64_t>(classes, 0));
    std::size_t correct = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (truth[i] < 0 || truth[i] >= classes || predicted[i] < 0 || predicted[i] >= classes)
            throw FraError("classification metrics: label out of range");
        ++m.confusion[truth[i]][predicted[i]];
        correct += truth[i] == predicted[i];
    }
    m.top1 = truth.empty() ? 0.0 : double(correct) / double(truth.size());
    int present = 0;
    for (int c = 0; c < classes; ++c) {
        std::int64_t total = 0;
        for (auto n : m.confusion[c]) total += n;
        const double acc = total ? double(m.confusion[c][c]) / double(total) : 0.0;
        m.perClassAccuracy.push_back(acc);
        if (total) {
            m.meanClassAccuracy += acc;
            ++present;
        }
    }
    if (present) m.meanClassAccuracy /= present;
    return m;
}

AttributeMetrics attributeMetrics(const std::vector<std::vector<float>>& truth, const std::vector<std::vector<float>>& probabilities) {
    if (truth.size() != probabilities.size()) throw FraError("attribute metrics: truth and predictions differ in length");
    AttributeMetrics m;
    if (truth.empty()) return m;
    const std::size_t attributes = truth[0].size();
    std::vector<std::size_t> correct(attributes, 0);
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (truth[i].size() != attributes || probabilities[i].size() != attributes)
            throw FraError("attribute metrics: inconsistent number of attributes");
        for (std::size_t a = 0; a < attributes; ++a) correct[a] += (probabilities[i][a] >= 0.5f) == (truth[i][a] >= 0.5f);
    }
    for (std::size_t a = 0; a < attributes; ++a) {
        m.perAttribute.push_back(double(correct[a]) / double(truth.size()));
        m.meanAccuracy += m.perAttribute.back();
    }
    m.meanAccuracy /= double(attributes);
    return m;
}

namespace {
std::pair<double, double> centroid(const std::vector<float>& xy, const std::vector<int>& points) {
    double x = 0, y = 0;
    for (int p : points) {
        x += xy[2 * p];
        y += xy[2 * p + 1];
    }
    return {x / points.size(), y / points.size()};
}
}  // namespace

double normalisedMeanError(const std::vector<float>& predicted, const std::vector<float>& truth, const LandmarkGeometry& g,
                           NmeNormaliser normaliser) {
    if (predicted.size() != truth.size() || truth.size() % 2) throw FraError("NME: predicted and true landmarks differ in size");
    double d = 0;
    if (normaliser == NmeNormaliser::OuterEyeCorners) {
        const int a = g.outerEyeCorners.first, b = g.outerEyeCorners.second;
        if (a < 0 || b < 0 || 2 * std::max(a, b) + 1 >= static_cast<int>(truth.size())) throw FraError("NME: outer eye corners unknown");
        d = std::hypot(truth[2 * a] - truth[2 * b], truth[2 * a + 1] - truth[2 * b + 1]);
    } else {
        if (g.eyes.first.empty() || g.eyes.second.empty()) throw FraError("NME: eye landmarks unknown for inter-pupil normalisation");
        const auto l = centroid(truth, g.eyes.first), r = centroid(truth, g.eyes.second);
        d = std::hypot(l.first - r.first, l.second - r.second);
    }
    if (d <= 0) throw FraError("NME: the normalising distance is zero");
    double sum = 0;
    const std::size_t n = truth.size() / 2;
    for (std::size_t i = 0; i < n; ++i) sum += std::hypot(predicted[2 * i] - truth[2 * i], predicted[2 * i + 1] - truth[2 * i + 1]);
    return sum / double(n) / d;
}

LandmarkMetrics landmarkMetrics(const std::vector<double>& nme, const std::vector<std::string>& subsets, double threshold) {
    LandmarkMetrics m;
    if (nme.empty()) return m;
    std::map<std::string, std::pair<double, int>> bySubset;
    for (std::size_t i = 0; i < nme.size(); ++i) {
        m.nme += nme[i];
        m.failureRate += nme[i] > threshold;
        m.auc += std::max(0.0, threshold - nme[i]) / threshold;
        if (i < subsets.size() && !subsets[i].empty()) {
            bySubset[subsets[i]].first += nme[i];
            ++bySubset[subsets[i]].second;
        }
    }
    m.nme /= double(nme.size());
    m.failureRate /= double(nme.size());
    m.auc /= double(nme.size());
    for (const auto& [name, sum] : bySubset) m.nmeBySubset[name] = sum.first / sum.second;
    return m;
}

}  // namespace fra
