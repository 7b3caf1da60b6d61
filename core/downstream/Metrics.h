#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fra {

// The paper's downstream metrics (../shared/docs/fra-spec.md, Downstream), torch-free.

struct ClassificationMetrics {
    double top1 = 0;                                   // share of correct predictions
    std::vector<double> perClassAccuracy;              // recall of each class (NaN-free: 0 for absent classes)
    double meanClassAccuracy = 0;                      // mean over classes present in the truth
    std::vector<std::vector<std::int64_t>> confusion;  // [truth][predicted]
};
ClassificationMetrics classificationMetrics(const std::vector<int>& truth, const std::vector<int>& predicted, int classes);

struct AttributeMetrics {
    double meanAccuracy = 0;               // mean over attributes of per-attribute accuracy
    std::vector<double> perAttribute;
};
// `probabilities` are sigmoid outputs; a prediction is positive at >= 0.5.
AttributeMetrics attributeMetrics(const std::vector<std::vector<float>>& truth, const std::vector<std::vector<float>>& probabilities);

enum class NmeNormaliser { OuterEyeCorners, InterPupil };

struct LandmarkGeometry {
    std::pair<int, int> outerEyeCorners{-1, -1};
    std::pair<std::vector<int>, std::vector<int>> eyes;  // for the inter-pupil option (pupil = eye centroid)
};

// Mean over points of the L2 error divided by the normalising distance, for one face
// (x0, y0, x1, y1, ... in any common coordinate system).
double normalisedMeanError(const std::vector<float>& predicted, const std::vector<float>& truth, const LandmarkGeometry& geometry,
                           NmeNormaliser normaliser = NmeNormaliser::OuterEyeCorners);

struct LandmarkMetrics {
    double nme = 0;          // mean of the per-face NME
    double failureRate = 0;  // FR@threshold: share of faces with NME > threshold
    double auc = 0;          // AUC@threshold of the CED curve, normalised to [0, 1]
    std::map<std::string, double> nmeBySubset;
};
// The CED curve is a step function, so its area is exact: mean over faces of max(0, t - e) / t.
LandmarkMetrics landmarkMetrics(const std::vector<double>& perFaceNme, const std::vector<std::string>& subsets, double threshold = 0.1);

}  // namespace fra
