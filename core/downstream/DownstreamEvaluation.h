#pragma once
#include "downstream/DownstreamDataset.h"
#include "downstream/EvalConfig.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace fra {

// What to evaluate: a pre-trained model on a downstream dataset under one protocol.
struct DownstreamJob {
    std::string model;            // checkpoint file, run folder, or "random:<arch>"
    std::string datasetSpec;      // as given, e.g. "rafdb:/data/RAF-DB"
    EvalConfig config;
    std::filesystem::path outDir; // the evaluation folder (see evalDirFor)
};

// Linear probe or fine-tuning of a backbone with a task head, evaluated on the test split with
// the paper's metrics. No LibTorch in this header (the GUI bridge drives it).
// The evaluation folder holds: config.json, status.json (running/finished/failed/stopped),
// metrics.jsonl (one record per epoch: train loss, lr, and the test metrics when evaluated),
// log.txt, result.json (the final test metrics, written last and atomically).
// Reported metrics are those of the last epoch: the test split never selects an epoch.
class DownstreamEvaluation {
public:
    DownstreamEvaluation(DownstreamJob job, const DownstreamDataset& dataset);
    ~DownstreamEvaluation();

    void onRecord(std::function<void(const nlohmann::json&)> callback) { onRecord_ = std::move(callback); }
    void onLog(std::function<void(const std::string&)> callback) { onLog_ = std::move(callback); }
    nlohmann::json run();  // blocks; returns result.json's content; throws FraError on failure
    void requestStop() { stop_ = true; }

    // <run>/eval/<format>-<dataset folder>-<protocol>[-seed<N>] for a model inside a run folder,
    // else <fallbackRoot>/<model name>/eval/... ("random-resnet18", a checkpoint's stem); the
    // evaluation seed is named where it is not 0, so several seeds keep their own folders.
    static std::filesystem::path evalDirFor(const std::string& model, const DownstreamDataset& dataset, const std::string& protocol,
                                            const std::filesystem::path& fallbackRoot, std::uint64_t seed = 0);
    static std::string modelName(const std::string& model);

    struct Impl;

private:
    DownstreamJob job_;
    const DownstreamDataset& dataset_;
    std::function<void(const nlohmann::json&)> onRecord_;
    std::function<void(const std::string&)> onLog_;
    std::atomic<bool> stop_{false};
};

// Unsupervised landmark discovery read-out of a pre-training checkpoint: ridge regression from
// the K heatmap centroids (standardised) to the landmarks on the train split, NME/FR/AUC on the
// test split; `ridge` < 0 chooses the penalty by 5-fold cross-validation on the train split.
// Writes the same evaluation folder files (protocol "heatmap-regression"). `temperature` > 0 reads
// softmax over regions of dots / temperature instead of the model's heatmaps (t_h): 0.1, L_r's
// student temperature, reads the assignment L_r trains, sharper than t_h = 1's heatmaps.
nlohmann::json runHeatmapQuality(const std::string& model, const std::string& datasetSpec, const DownstreamDataset& dataset,
                                 const EvalConfig& config, const std::filesystem::path& outDir, double ridge = -1,
                                 double temperature = 0);

}  // namespace fra
