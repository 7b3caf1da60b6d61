#include "train/OnlineEvaluation.h"

#include "downstream/DatasetRegistry.h"
#include "downstream/EvalConfig.h"
#include "downstream/FacePreprocessor.h"
#include "downstream/LandmarkRegression.h"
#include "downstream/Metrics.h"
#include "model/FraModel.h"
#include "train/HeatmapProbe.h"
#include "util/FraError.h"
#include "util/ResourceLocator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <filesystem>
#include <torch/torch.h>

namespace fs = std::filesystem;

namespace fra {

struct OnlineEvaluator::Task {
    std::string spec;
    std::vector<jpeg::RgbImage> trainFaces, testFaces;
    std::vector<int> trainLabels, testLabels;                        // kNN task
    std::vector<std::vector<float>> trainLandmarks, testLandmarks;   // landmark task, [0, 1] crop coordinates
    int classes = 0;
    LandmarkGeometry geometry;
    std::size_t unreadable = 0;
};

std::vector<int> weightedKnnPredict(const std::vector<float>& bank, const std::vector<int>& bankLabels, const std::vector<float>& queries,
                                    int dim, int classes, int k, double temperature, int chunk) {
    const auto n = static_cast<std::int64_t>(bankLabels.size());
    if (dim < 1 || classes < 1 || k < 1 || temperature <= 0 || chunk < 1 || n < 1 || bank.size() != static_cast<std::size_t>(n * dim) ||
        queries.size() % static_cast<std::size_t>(dim) != 0)
        throw FraError("weighted kNN: inconsistent sizes or settings");
    for (const int label : bankLabels)
        if (label < 0 || label >= classes) throw FraError("weighted kNN: a bank label outside [0, " + std::to_string(classes) + ")");
    const auto m = static_cast<std::int64_t>(queries.size() / dim);
    const torch::Tensor b = torch::nn::functional::normalize(
        torch::from_blob(const_cast<float*>(bank.data()), {n, dim}, torch::kFloat32), torch::nn::functional::NormalizeFuncOptions().dim(1));
    const torch::Tensor labels = torch::tensor(std::vector<std::int64_t>(bankLabels.begin(), bankLabels.end()), torch::kInt64);
    const std::int64_t kk = std::min<std::int64_t>(k, n);
    std::vector<int> predicted;
    predicted.reserve(static_cast<std::size_t>(m));
    for (std::int64_t begin = 0; begin < m; begin += chunk) {
        const std::int64_t rows = std::min<std::int64_t>(chunk, m - begin);
        const torch::Tensor q = torch::nn::functional::normalize(
            torch::from_blob(const_cast<float*>(queries.data()) + begin * dim, {rows, dim}, torch::kFloat32),
            torch::nn::functional::NormalizeFuncOptions().dim(1));
        const auto [similarity, index] = q.mm(b.t()).topk(kk, 1);
        const torch::Tensor weights = (similarity / temperature).exp();
        const torch::Tensor votes = torch::zeros({rows, classes}, torch::kFloat32)
                                        .scatter_add_(1, labels.index_select(0, index.reshape(-1)).view({rows, kk}), weights);
        const torch::Tensor winner = votes.argmax(1).contiguous();
        for (std::int64_t i = 0; i < rows; ++i) predicted.push_back(static_cast<int>(winner[i].item<std::int64_t>()));
    }
    return predicted;
}

namespace {

void cropSplit(const DownstreamDataset& d, bool train, const FacePreprocessor& pre, int cap, OnlineEvaluator::Task& t) {
    const auto& samples = d.split(train ? "train" : "test");
    std::vector<float> landmarks(2u * static_cast<std::size_t>(d.landmarkCount));
    for (const std::size_t index : spreadSubset(samples.size(), static_cast<std::size_t>(cap))) {
        const DownstreamSample& s = samples[index];
        std::string problem;
        std::fill(landmarks.begin(), landmarks.end(), std::numeric_limits<float>::quiet_NaN());
        jpeg::RgbImage face = pre.crop(s, &problem, d.landmarkCount > 0 ? landmarks.data() : nullptr);
        const bool annotated = std::all_of(landmarks.begin(), landmarks.end(), [](float v) { return std::isfinite(v); });
        if (face.pixels.empty() || !annotated) {  // unreadable, or without all its landmarks
            ++t.unreadable;
            continue;
        }
        (train ? t.trainFaces : t.testFaces).push_back(std::move(face));
        if (d.task == TaskKind::Landmarks) (train ? t.trainLandmarks : t.testLandmarks).push_back(landmarks);
        else (train ? t.trainLabels : t.testLabels).push_back(s.label);
    }
}

std::unique_ptr<OnlineEvaluator::Task> loadTask(const std::string& setting, const std::string& spec, TaskKind wanted, const FraConfig& config,
                                                const OnlineEvaluator::Log& log) {
    if (spec.empty()) return nullptr;
    const std::string resolved = ResourceLocator::resolveSamplePool(spec);
    if (resolved != spec) {  // on the sample pool, which may not have been built here
        const auto colon = resolved.find(':');
        const fs::path folder = colon == std::string::npos ? resolved : resolved.substr(colon + 1);
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) {
            log("warning", setting + ": the sample pool has no '" + folder.string() +
                               "' (`fra samples fetch` builds it); online evaluation goes on without this task");
            return nullptr;
        }
    }
    DownstreamDataset d;
    try {
        const DatasetRegistry registry;
        d = registry.load(resolved, /*allowMissingImages=*/true);
    } catch (const FraError& e) {
        throw FraError(setting + " = '" + spec + "': " + e.what());
    }
    if (d.task != wanted)
        throw FraError(setting + " = '" + spec + "' is a " + toString(d.task) + " dataset; this setting needs a " + toString(wanted) + " one");
    auto t = std::make_unique<OnlineEvaluator::Task>();
    t->spec = spec;
    t->classes = static_cast<int>(d.classNames.size());
    t->geometry = LandmarkGeometry{d.outerEyeCorners, d.eyes};
    const FacePreprocessor pre(config.data.imageSize, EvalConfig{}.cropMargin, config.data.mean, config.data.std);
    cropSplit(d, true, pre, config.run.evalImages, *t);
    cropSplit(d, false, pre, config.run.evalImages, *t);
    // the read-out chooses its ridge penalty by 5-fold cross-validation: at least 10 training faces
    const std::size_t needed = wanted == TaskKind::Landmarks ? 10 : 2;
    if (t->trainFaces.size() < needed || t->testFaces.empty())
        throw FraError(setting + " = '" + spec + "': too few readable faces (" + std::to_string(t->trainFaces.size()) + " train, " +
                       std::to_string(t->testFaces.size()) + " test)");
    return t;
}

// The faces through `forward` in batches; its [B, ...] outputs concatenated on the host.
template <class Forward>
torch::Tensor inBatches(const std::vector<jpeg::RgbImage>& faces, const DataConfig& data, torch::Device device, Forward&& forward) {
    constexpr std::size_t batch = 64;
    std::vector<torch::Tensor> parts;
    for (std::size_t begin = 0; begin < faces.size(); begin += batch) {
        const std::vector<jpeg::RgbImage> slice(faces.begin() + static_cast<std::ptrdiff_t>(begin),
                                                faces.begin() + static_cast<std::ptrdiff_t>(std::min(faces.size(), begin + batch)));
        std::vector<float> pixels = normalisedFaces(slice, data);
        const torch::Tensor x =
            torch::from_blob(pixels.data(), {static_cast<std::int64_t>(slice.size()), 3, data.imageSize, data.imageSize}, torch::kFloat32)
                .to(device);
        parts.push_back(forward(x).to(torch::kCPU, torch::kFloat32).contiguous());
    }
    return torch::cat(parts, 0);
}

std::vector<float> asVector(const torch::Tensor& t) {
    const torch::Tensor c = t.contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::vector<std::vector<float>> centroidsOf(const torch::Tensor& heatmaps) {
    const int k = static_cast<int>(heatmaps.size(1)), h = static_cast<int>(heatmaps.size(2)), w = static_cast<int>(heatmaps.size(3));
    std::vector<std::vector<float>> out;
    for (std::int64_t i = 0; i < heatmaps.size(0); ++i) out.push_back(heatmapCentroids(heatmaps[i].data_ptr<float>(), k, h, w));
    return out;
}

}  // namespace

OnlineEvaluator::OnlineEvaluator(const FraConfig& config, const Log& log) : data_(config.data) {
    knn_ = loadTask("run.eval_knn_task", config.run.evalKnnTask, TaskKind::MultiClass, config, log);
    landmarks_ = loadTask("run.eval_landmark_task", config.run.evalLandmarkTask, TaskKind::Landmarks, config, log);
}

OnlineEvaluator::~OnlineEvaluator() = default;

bool OnlineEvaluator::active() const { return knn_ || landmarks_; }

std::string OnlineEvaluator::description() const {
    std::string out;
    for (const auto& [what, task] : {std::pair<const char*, const Task*>{"weighted kNN on ", knn_.get()}, {"region read-out on ", landmarks_.get()}}) {
        if (!task) continue;
        out += (out.empty() ? "" : "; ") + std::string(what) + task->spec + " (" + std::to_string(task->trainFaces.size()) + " train, " +
               std::to_string(task->testFaces.size()) + " test faces" +
               (task->unreadable ? ", " + std::to_string(task->unreadable) + " unreadable or incompletely annotated left out" : "") +
               (task == knn_.get() && task->trainFaces.size() < 200 ? "; k = 200 reads all " + std::to_string(task->trainFaces.size()) + " bank faces" : "") +
               ")";
    }
    return out;
}

void OnlineEvaluator::evaluate(FraModelImpl& model, StepRecord& record) const {
    const auto started = std::chrono::steady_clock::now();
    FraBranchImpl& branch = *model.momentum;
    const torch::Device device = branch.parameters().front().device();
    const bool wasTraining = branch.is_training();
    struct RestoreMode {
        FraBranchImpl& branch;
        bool training;
        ~RestoreMode() { branch.train(training); }
    } restore{branch, wasTraining};
    branch.eval();  // BatchNorm's running statistics, no state changes
    torch::NoGradGuard noGrad;
    if (knn_) {
        const auto pooled = [&](const torch::Tensor& x) { return branch.backbone->forward(x).mean({2, 3}); };
        const torch::Tensor bank = inBatches(knn_->trainFaces, data_, device, pooled);
        const torch::Tensor queries = inBatches(knn_->testFaces, data_, device, pooled);
        const int dim = static_cast<int>(bank.size(1));
        const std::vector<float> bankRows = asVector(bank), queryRows = asVector(queries);  // once for both readings
        const auto correct = [&](int k, double temperature) {
            const auto predicted = weightedKnnPredict(bankRows, knn_->trainLabels, queryRows, dim, knn_->classes, k, temperature);
            int right = 0;
            for (std::size_t i = 0; i < predicted.size(); ++i) right += predicted[i] == knn_->testLabels[i];
            return right;
        };
        const double test = static_cast<double>(knn_->testFaces.size());
        record.knnCorrect = correct(20, 0.07);
        record.knnTop1 = record.knnCorrect / test;
        record.knnTop1K200 = correct(200, 0.1) / test;
        record.knnTestFaces = test;
    }
    if (landmarks_ && branch.withRegions()) {
        const auto heatmaps = [&](const torch::Tensor& x) { return branch.forwardInference(x).heatmaps; };
        const auto train = centroidsOf(inBatches(landmarks_->trainFaces, data_, device, heatmaps));
        const auto test = centroidsOf(inBatches(landmarks_->testFaces, data_, device, heatmaps));
        const LandmarkGeometry& g = landmarks_->geometry;
        const auto error = [&](const std::vector<float>& p, const std::vector<float>& t) { return normalisedMeanError(p, t, g); };
        LandmarkRegression regression;
        regression.fit(train, landmarks_->trainLandmarks,
                       LandmarkRegression::crossValidatedRidge(train, landmarks_->trainLandmarks, LandmarkRegression::ridgeGrid(), error));
        double sum = 0;
        for (std::size_t i = 0; i < test.size(); ++i) sum += error(regression.predict(test[i]), landmarks_->testLandmarks[i]);
        record.readoutNme = sum / static_cast<double>(test.size());
    }
    record.onlineEvalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace fra
