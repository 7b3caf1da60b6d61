// The unsupervised landmark-discovery read-out (runHeatmapQuality, declared in
// DownstreamEvaluation.h): K heatmap centroids -> ridge regression -> landmarks.
#include "downstream/DownstreamEvaluation.h"
#include "downstream/SampleOutcomes.h"
#include "downstream/FacePreprocessor.h"
#include "downstream/LandmarkRegression.h"
#include "downstream/RegionTracking.h"
#include "downstream/Metrics.h"
#include "model/FraModel.h"
#include "run/RunDirectory.h"
#include "train/HeatmapProbe.h"
#include "train/ModelLoader.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using nlohmann::json;

namespace fra {

namespace {

struct Readout {
    std::vector<std::vector<float>> centroids, landmarks;
    std::vector<std::string> subsets;
    std::vector<std::size_t> samples;  // index in the split
    int mapSide = 0;  // the heatmaps' width in cells
};

// How far the regions move from face to face: per region the standard deviation of its centroid
// (x and y together) over the faces, in heatmap cells, averaged over the regions. A region that
// follows a facial part moves with it; the near-uniform maps of identical regions barely move,
// even when a linear read-out still finds the pose in those small shifts.
double centroidSpreadInCells(const Readout& r) {
    if (r.centroids.size() < 2) return 0;
    const std::size_t dims = r.centroids[0].size(), n = r.centroids.size();
    double total = 0;
    for (std::size_t k = 0; k + 1 < dims; k += 2) {
        double mx = 0, my = 0, vx = 0, vy = 0;
        for (const auto& c : r.centroids) mx += c[k] / n, my += c[k + 1] / n;
        for (const auto& c : r.centroids) vx += (c[k] - mx) * (c[k] - mx) / n, vy += (c[k + 1] - my) * (c[k + 1] - my) / n;
        total += std::sqrt(vx + vy);
    }
    return total / static_cast<double>(dims / 2) * r.mapSide;
}

Readout readout(const LoadedModel& loaded, const FacePreprocessor& pre, const std::vector<DownstreamSample>& split, int landmarkCount,
                double temperature, std::size_t& unreadable) {
    Readout out;
    std::vector<float> normalised(2u * landmarkCount);
    std::vector<jpeg::RgbImage> crops;
    auto flush = [&] {
        if (crops.empty()) return;
        const NpyArray maps = computeHeatmaps(*loaded.model, crops, loaded.config.data, temperature);
        const int k = static_cast<int>(maps.shape[1]), h = static_cast<int>(maps.shape[2]), w = static_cast<int>(maps.shape[3]);
        out.mapSide = w;
        for (std::size_t i = 0; i < crops.size(); ++i)
            out.centroids.push_back(heatmapCentroids(maps.data.data() + i * static_cast<std::size_t>(k) * h * w, k, h, w));
        crops.clear();
    };
    for (std::size_t index = 0; index < split.size(); ++index) {
        const DownstreamSample& s = split[index];
        std::string problem;
        jpeg::RgbImage crop = pre.crop(s, &problem, normalised.data());
        if (crop.pixels.empty()) {
            ++unreadable;
            continue;
        }
        out.landmarks.push_back(normalised);
        out.subsets.push_back(s.subset);
        out.samples.push_back(index);
        crops.push_back(std::move(crop));
        if (crops.size() == 32) flush();
    }
    flush();
    return out;
}

// The region-tracking score on at most `cap` test faces (spread over the split): each face and
// its transformed copies through the heatmaps, the centroids compared with the landmarks' motion.
RegionTrackingScore tracking(const LoadedModel& loaded, const FacePreprocessor& pre, const std::vector<DownstreamSample>& split, int landmarkCount,
                             double temperature, std::size_t cap) {
    const auto& transforms = trackingTransforms();
    std::vector<std::vector<std::vector<float>>> centroids;
    std::vector<std::vector<float>> landmarks;
    std::vector<float> normalised(2u * landmarkCount);
    int mapSide = 0;
    MapFollowing following;
    for (const std::size_t index : spreadSubset(split.size(), cap)) {
        std::string problem;
        jpeg::RgbImage face = pre.crop(split[index], &problem, normalised.data());
        if (face.pixels.empty()) continue;
        std::vector<jpeg::RgbImage> views{face};
        for (const auto& t : transforms) views.push_back(transformFace(face, t));
        const NpyArray maps = computeHeatmaps(*loaded.model, views, loaded.config.data, temperature);
        const int k = static_cast<int>(maps.shape[1]), h = static_cast<int>(maps.shape[2]), w = static_cast<int>(maps.shape[3]);
        mapSide = w;
        std::vector<std::vector<float>> perView;
        for (std::size_t v = 0; v < views.size(); ++v)
            perView.push_back(heatmapCentroids(maps.data.data() + v * static_cast<std::size_t>(k) * h * w, k, h, w));
        if (hasLandmark(normalised))
            for (std::size_t t = 0; t < transforms.size(); ++t)
                following.add(maps.data.data(), maps.data.data() + (t + 1) * static_cast<std::size_t>(k) * h * w, k, h, w, transforms[t]);
        centroids.push_back(std::move(perView));
        landmarks.push_back(normalised);
    }
    RegionTrackingScore score = regionTrackingScore(centroids, landmarks, transforms, mapSide);
    score.maps = following;
    return score;
}

}  // namespace

json runHeatmapQuality(const std::string& model, const std::string& datasetSpec, const DownstreamDataset& d, const EvalConfig& c,
                       const fs::path& outDir, double ridge, double temperature) {
    if (d.task != TaskKind::Landmarks) throw FraError("heatmap quality needs a landmark dataset; '" + d.root + "' is " + toString(d.task));
    const auto started = std::chrono::steady_clock::now();
    at::set_num_threads(c.threads > 0 ? c.threads : static_cast<int>(std::thread::hardware_concurrency()));
    const LoadedModel loaded = loadTrainedModel(model);
    if (!loaded.model->online->withRegions()) throw FraError("model '" + model + "' has no facial regions (a GC-only / BYOL run)");
    // the heatmaps are read at the resolution the model was pre-trained at
    const FacePreprocessor pre(loaded.config.data.imageSize, c.cropMargin, loaded.config.data.mean, loaded.config.data.std);
    const json config{{"model", model}, {"model_name", DownstreamEvaluation::modelName(model)}, {"dataset", datasetSpec},
                      {"format", d.format}, {"task", toString(d.task)}, {"protocol", "heatmap-regression"}, {"ridge", ridge},
                      {"temperature", temperature > 0 ? temperature : loaded.config.model.heatmapTemperature},
                      {"image_size", loaded.config.data.imageSize}, {"crop_margin", c.cropMargin}, {"checkpoint_step", loaded.step}};
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec) throw FraError("cannot create evaluation folder '" + outDir.string() + "': " + ec.message());
    fs::remove(outDir / "result.json", ec);
    fs::remove(outDir / "samples.csv", ec);
    writeFileAtomically(outDir / "config.json", config.dump(2) + "\n");
    std::size_t unreadable = 0;
    const Readout train = readout(loaded, pre, d.split("train"), d.landmarkCount, temperature, unreadable);
    const Readout test = readout(loaded, pre, d.split("test"), d.landmarkCount, temperature, unreadable);
    if (train.centroids.size() < 2 || test.centroids.empty()) throw FraError("too few readable faces for the read-out");
    const LandmarkGeometry g{d.outerEyeCorners, d.eyes};
    // ridge < 0: the penalty is chosen by 5-fold cross-validation on the training faces
    const double penalty = ridge >= 0 ? ridge
                                      : LandmarkRegression::crossValidatedRidge(
                                            train.centroids, train.landmarks, LandmarkRegression::ridgeGrid(),
                                            [&](const std::vector<float>& p, const std::vector<float>& t) { return normalisedMeanError(p, t, g); });
    LandmarkRegression regression;
    regression.fit(train.centroids, train.landmarks, penalty);
    TestPredictions predictions;
    predictions.samples = test.samples;
    predictions.subsets = test.subsets;
    predictions.landmarks = test.landmarks;
    for (std::size_t i = 0; i < test.centroids.size(); ++i) {
        predictions.predictedLandmarks.push_back(regression.predict(test.centroids[i]));
        predictions.nme.push_back(normalisedMeanError(predictions.predictedLandmarks.back(), test.landmarks[i], g));
    }
    const std::vector<double>& nme = predictions.nme;
    const LandmarkMetrics m = landmarkMetrics(nme, test.subsets, 0.1);
    const LandmarkMetrics strict = landmarkMetrics(nme, {}, 0.08);
    // The floor any read-out must beat: predicting the mean training shape for every face. Heatmaps
    // that carry no positional information (nearly uniform maps) score exactly this.
    std::vector<float> meanShape(train.landmarks[0].size(), 0.0f);
    for (const auto& l : train.landmarks)
        for (std::size_t j = 0; j < l.size(); ++j) meanShape[j] += l[j] / static_cast<float>(train.landmarks.size());
    std::vector<double> baseline;
    for (const auto& l : test.landmarks) baseline.push_back(normalisedMeanError(meanShape, l, g));
    json metrics{{"nme", m.nme}, {"nme_normaliser", "outer eye corners"}, {"fr@0.1", m.failureRate}, {"auc@0.1", m.auc},
                 {"fr@0.08", strict.failureRate}, {"auc@0.08", strict.auc}, {"faces", nme.size()}, {"ridge", penalty},
                 {"regions", train.centroids[0].size() / 2}, {"mean_shape_nme", landmarkMetrics(baseline, {}, 0.1).nme},
                 {"centroid_spread_cells", centroidSpreadInCells(test)}};
    for (const auto& [subset, value] : m.nmeBySubset) {
        metrics["nme_" + subset] = value;
        metrics["faces_" + subset] = std::count(test.subsets.begin(), test.subsets.end(), subset);
    }
    json regionParts = json::array();
    const auto consistency = regionPartConsistency(test.centroids, test.landmarks, facialPartOfLandmarks(d.landmarkCount));
    if (!consistency.empty()) {
        double share = 0, fixedShare = 0;
        std::set<int> parts;
        for (std::size_t k = 0; k < consistency.size(); ++k) {
            const auto& r = consistency[k];
            if (r.part < 0) continue;  // no face with finite coordinates
            regionParts.push_back({{"region", k}, {"part", facialPartNames()[r.part]}, {"share", r.share}, {"fixed_point_share", r.fixedShare}});
            share += r.share / consistency.size();
            fixedShare += r.fixedShare / consistency.size();
            parts.insert(r.part);
        }
        metrics["part_consistency"] = share;
        metrics["part_consistency_fixed_point"] = fixedShare;
        metrics["distinct_parts"] = parts.size();
    }
    // do the regions follow the face? (a fixed point's error is how far the landmarks moved)
    const RegionTrackingScore track = tracking(loaded, pre, d.split("test"), d.landmarkCount, temperature, 128);
    if (track.faces > 0) {
        metrics["tracking_error_cells"] = track.error;
        metrics["tracking_error_fixed_point_cells"] = track.fixedPointError;
        for (const auto& [kind, value] : track.errorByKind) metrics["tracking_error_" + kind + "_cells"] = value;
        for (const auto& [kind, value] : track.fixedPointErrorByKind) metrics["tracking_error_fixed_point_" + kind + "_cells"] = value;
        if (std::isfinite(track.maps.ratio())) metrics["tracking_map_following"] = track.maps.ratio();
        for (const auto& [kind, sums] : track.maps.sums)
            if (std::isfinite(track.maps.ratio(kind))) metrics["tracking_map_following_" + kind] = track.maps.ratio(kind);
        metrics["tracking_faces"] = track.faces;
        for (auto& entry : regionParts) entry["tracking_error_cells"] = track.errorByRegion.at(entry["region"].get<std::size_t>());
    }
    json result = config;
    result["region_parts"] = regionParts;
    if (track.faces > 0) result["tracking_error_by_region"] = track.errorByRegion;
    result["metrics"] = metrics;
    result["primary_metric"] = "nme";
    result["primary"] = m.nme;
    result["train_faces"] = train.centroids.size();
    result["test_faces"] = test.centroids.size();
    result["unreadable_images"] = unreadable;
    result["warnings"] = d.warnings;
    writeSampleOutcomes(outDir / "samples.csv", predictions, d, d.split("test"));
    result["intervals"] = metricIntervals(perSampleMetrics(predictions, d));
    result["samples_file"] = "samples.csv";
    result["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    writeFileAtomically(outDir / "result.json", result.dump(2) + "\n");
    writeFileAtomically(outDir / "status.json", json{{"state", "finished"}, {"message", ""}, {"updated", unixNow()}}.dump(2) + "\n");
    result["folder"] = outDir.string();
    return result;
}

}  // namespace fra
