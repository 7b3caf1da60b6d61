#pragma once
#include "downstream/DownstreamDataset.h"
#include "stats/Bootstrap.h"

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fra {

// What a model predicted for each test sample of an evaluation, in test-split order.
struct TestPredictions {
    std::vector<std::size_t> samples;                    // index into the test split
    std::vector<std::string> subsets;
    std::vector<int> labels, predicted;                  // MultiClass
    std::vector<std::vector<float>> attributes, probabilities;        // MultiLabel: truth 0/1, sigmoid outputs
    std::vector<std::vector<float>> landmarks, predictedLandmarks;    // Landmarks: x0, y0, ... in [0, 1] face-crop coordinates
    std::vector<double> nme;                             // Landmarks: per face, normalised by the outer eye corners
};

// The failure thresholds of the landmark protocol (NME by the outer eye corners).
inline constexpr double kLandmarkThresholds[] = {0.08, 0.10};

// Every metric of an evaluation that is a mean over test samples, with each sample's value:
// top1 (1 = right), mean_accuracy (the sample's share of attributes right), nme (and nme_<subset>
// over a subset's faces, as 300W's common and challenge), fr@T (1 = NME above T) and auc@T
// (max(0, T - NME) / T: the area under the cumulative error curve up to T is their mean).
struct PerSampleMetric {
    std::string name;
    std::vector<double> values;
};
std::vector<PerSampleMetric> perSampleMetrics(const TestPredictions& p, const DownstreamDataset& d);

// result.json's "intervals": per metric, the 95 % bootstrap interval over test samples (BCa,
// percentile where BCa is undefined, named in "method").
nlohmann::json metricIntervals(const std::vector<PerSampleMetric>& metrics, const BootstrapSettings& settings = {});

// samples.csv (RFC 4180, one row per test sample): sample (index in the test split), image, where
// (annotation file:line), subset, then per task
//   classes:     label, label_name, predicted, predicted_name, correct
//   attributes:  correct (share of attributes right), then per attribute A: A (truth 0/1), A_prob, A_correct
//   landmarks:   nme, failed@0.08, failed@0.1, then pred_x0, pred_y0, ..., true_x0, true_y0, ... ([0, 1] crop coordinates)
void writeSampleOutcomes(const std::filesystem::path& file, const TestPredictions& p, const DownstreamDataset& d,
                         const std::vector<DownstreamSample>& test);

// One metric's per-sample values read back from an evaluation folder's samples.csv (top1 and
// mean_accuracy: `correct`; nme; fr@T: `failed@T`; auc@T: from nme), keyed by the sample's index
// in the test split together with its image, so two evaluations pair only on the same samples.
// nullopt when the folder has no samples.csv or the metric has no per-sample form; throws FraError
// naming the file and line for a malformed file.
struct SampleValues {
    std::vector<std::string> keys;  // "index|image", in file order
    std::vector<double> values;
};
std::optional<SampleValues> readSampleValues(const std::filesystem::path& evalFolder, const std::string& metric);

}  // namespace fra
