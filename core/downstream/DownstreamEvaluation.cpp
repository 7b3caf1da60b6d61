#include "downstream/DownstreamEvaluation.h"

#include "compat/TorchCompat.h"
#include "config/FraConfig.h"
#include "downstream/DownstreamLoader.h"
#include "downstream/DownstreamModel.h"
#include "downstream/EvalSchema.h"
#include "downstream/FacePreprocessor.h"
#include "downstream/Metrics.h"
#include "downstream/SampleOutcomes.h"
#include "model/FraModel.h"
#include "model/ModuleState.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "train/HeatmapProbe.h"
#include "train/ModelLoader.h"
#include "util/AtomicFile.h"
#include "util/BuildInfo.h"
#include "util/FraError.h"
#include "util/SeedSequence.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using nlohmann::json;

namespace fra {

namespace {

struct Backbone {
    DownstreamModel model{nullptr};
    std::array<double, 3> mean, std;
    std::optional<LoadedModel> pretrained;  // the FRA checkpoint it came from (not for random:)
};

bool isRandom(const std::string& model) { return model.rfind("random:", 0) == 0; }

Backbone buildModel(const std::string& spec, const DownstreamDataset& d, const EvalConfig& c) {
    Backbone out;
    const DataConfig defaults;
    out.mean = defaults.mean;
    out.std = defaults.std;
    const bool linear = c.protocol == "lp";
    torch::manual_seed(c.seed);
    if (isRandom(spec)) {
        const std::string arch = spec.substr(7);
        if (!ResNetImpl::isKnownArch(arch)) throw FraError("model '" + spec + "': unknown backbone '" + arch + "'");
        out.model = DownstreamModel(arch, d.task, static_cast<int>(d.outputs()), linear, c.headDropout, c.headChannels,
                                    c.outputStride > 0 ? c.outputStride : 32);
        return out;
    }
    const LoadedModel loaded = loadTrainedModel(spec);
    out.mean = loaded.config.data.mean;
    out.std = loaded.config.data.std;
    out.model = DownstreamModel(loaded.config.model.arch, d.task, static_cast<int>(d.outputs()), linear, c.headDropout, c.headChannels,
                                c.outputStride > 0 ? c.outputStride : loaded.config.model.outputStride);
    copyParametersAndBuffers(*loaded.model->online->backbone, *out.model->backbone);
    out.pretrained = loaded;
    return out;
}

// lr of a parameter group at a step: linear warm-up, then cosine from `base` to `floor`.
double scheduledLr(double base, double floor, std::int64_t step, std::int64_t warmup, std::int64_t total) {
    if (step < warmup) return base * double(step + 1) / double(warmup);
    const double progress = std::clamp(double(step - warmup) / double(std::max<std::int64_t>(1, total - warmup)), 0.0, 1.0);
    return floor + (base - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

using Predictions = TestPredictions;

void collect(Predictions& p, const DownstreamDataset& d, const std::vector<DownstreamSample>& split, const torch::Tensor& output,
             const LabeledBatch& batch) {
    const torch::Tensor out = output.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    for (int i = 0; i < batch.size; ++i) {
        const DownstreamSample& s = split[batch.samples[i]];
        p.samples.push_back(static_cast<std::size_t>(batch.samples[i]));
        p.subsets.push_back(s.subset);
        if (d.task == TaskKind::MultiClass) {
            p.labels.push_back(s.label);
            p.predicted.push_back(static_cast<int>(out[i].argmax().item<std::int64_t>()));
        } else if (d.task == TaskKind::MultiLabel) {
            p.attributes.push_back(s.attributes);
            const torch::Tensor prob = torch::sigmoid(out[i]);
            p.probabilities.emplace_back(prob.data_ptr<float>(), prob.data_ptr<float>() + prob.numel());
        } else {
            const std::size_t n = 2u * d.landmarkCount;
            p.landmarks.emplace_back(batch.landmarks.begin() + i * n, batch.landmarks.begin() + (i + 1) * n);
            const torch::Tensor xy = out[i].reshape({-1});
            p.predictedLandmarks.emplace_back(xy.data_ptr<float>(), xy.data_ptr<float>() + xy.numel());
        }
    }
}

json landmarkJson(Predictions& p, const DownstreamDataset& d) {
    LandmarkGeometry g{d.outerEyeCorners, d.eyes};
    std::vector<double> ip;
    p.nme.clear();
    for (std::size_t i = 0; i < p.landmarks.size(); ++i) {
        p.nme.push_back(normalisedMeanError(p.predictedLandmarks[i], p.landmarks[i], g));
        if (!d.eyes.first.empty()) ip.push_back(normalisedMeanError(p.predictedLandmarks[i], p.landmarks[i], g, NmeNormaliser::InterPupil));
    }
    const LandmarkMetrics m = landmarkMetrics(p.nme, p.subsets, 0.1);
    json j{{"nme", m.nme}, {"nme_normaliser", "outer eye corners"}, {"fr@0.1", m.failureRate}, {"auc@0.1", m.auc}, {"faces", p.nme.size()}};
    const LandmarkMetrics strict = landmarkMetrics(p.nme, {}, 0.08);
    j["fr@0.08"] = strict.failureRate;
    j["auc@0.08"] = strict.auc;
    if (!ip.empty()) j["nme_inter_pupil"] = landmarkMetrics(ip, {}, 0.1).nme;
    for (const auto& [subset, value] : m.nmeBySubset) {
        j["nme_" + subset] = value;
        j["faces_" + subset] = std::count(p.subsets.begin(), p.subsets.end(), subset);
    }
    return j;
}

json metricsJson(Predictions& p, const DownstreamDataset& d) {
    if (d.task == TaskKind::MultiClass) {
        const ClassificationMetrics m = classificationMetrics(p.labels, p.predicted, static_cast<int>(d.classNames.size()));
        return {{"top1", m.top1},
                {"mean_class_accuracy", m.meanClassAccuracy},
                {"per_class", m.perClassAccuracy},
                {"confusion", m.confusion},
                {"classes", d.classNames},
                {"faces", p.labels.size()}};
    }
    if (d.task == TaskKind::MultiLabel) {
        const AttributeMetrics m = attributeMetrics(p.attributes, p.probabilities);
        return {{"mean_accuracy", m.meanAccuracy}, {"per_attribute", m.perAttribute}, {"attributes", d.classNames}, {"faces", p.attributes.size()}};
    }
    return landmarkJson(p, d);
}

std::string primaryMetric(TaskKind task) {
    return task == TaskKind::MultiClass ? "top1" : task == TaskKind::MultiLabel ? "mean_accuracy" : "nme";
}

torch::Tensor lossFor(TaskKind task, const torch::Tensor& output, const LabeledBatch& b, torch::Device device) {
    if (task == TaskKind::MultiClass) {
        const torch::Tensor labels = torch::tensor(b.labels, torch::kInt64).to(device);
        return torch::nn::functional::cross_entropy(output, labels);
    }
    if (task == TaskKind::MultiLabel) {
        const torch::Tensor t = torch::from_blob(const_cast<float*>(b.attributes.data()), {b.size, output.size(1)}, torch::kFloat32).to(device);
        return torch::nn::functional::binary_cross_entropy_with_logits(output, t);
    }
    const torch::Tensor t = torch::from_blob(const_cast<float*>(b.landmarks.data()), {b.size, output.size(1), 2}, torch::kFloat32).to(device);
    return (output - t).abs().mean();
}

torch::Tensor imagesOf(const LabeledBatch& b, torch::Device device) {
    return torch::from_blob(const_cast<float*>(b.images.data()), {b.size, 3, b.imageSize, b.imageSize}, torch::kFloat32).to(device);
}

// A batch of cached backbone features with the batch's targets.
struct CachedSplit {
    torch::Tensor features;  // N x C (classification) or N x C x h x w (landmarks)
    std::vector<LabeledBatch> targets;  // the loaders' batches without images, in order
};

}  // namespace

struct DownstreamEvaluation::Impl {
    DownstreamEvaluation& self;
    const DownstreamDataset& d;
    const EvalConfig& c;
    torch::Device device{torch::kCPU};
    Backbone backbone;
    std::unique_ptr<FacePreprocessor> preprocessor;
    std::ofstream log;
    json records = json::array();
    std::size_t problems = 0;
    Predictions lastPredictions;  // of the newest test evaluation: samples.csv and the intervals

    void say(const std::string& text) {
        log << isoTimestamp(unixNow()) << " " << text << std::endl;
        if (self.onLog_) self.onLog_(text);
    }

    void noteProblems(DownstreamLoader& loader) {
        for (const auto& p : loader.takeProblems()) {
            if (++problems <= 20) say("skipped: " + p);
        }
    }

    std::vector<int> trainOrder(const std::vector<DownstreamSample>& split, int epoch) const {
        if (d.balancedSampling && d.task == TaskKind::MultiClass)
            return DownstreamLoader::classBalanced(split, static_cast<int>(d.classNames.size()), c.seed, epoch);
        return DownstreamLoader::shuffled(split.size(), c.seed, epoch);
    }

    std::vector<int> sequential(std::size_t n) const {
        std::vector<int> order(n);
        for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<int>(i);
        return order;
    }

    json evaluateFinetuned(const std::vector<DownstreamSample>& test) {
        backbone.model->eval();
        Predictions p;
        DownstreamLoader loader(d, test, *preprocessor, sequential(test.size()), c.batchSize, false, c.seed, c.workers);
        torch::NoGradGuard noGrad;
        while (auto b = loader.next()) {
            if (b->size == 0) continue;
            collect(p, d, test, backbone.model->forward(imagesOf(*b, device)), *b);
        }
        noteProblems(loader);
        backbone.model->train();
        json metrics = metricsJson(p, d);
        lastPredictions = std::move(p);
        return metrics;
    }

    CachedSplit cache(const std::vector<DownstreamSample>& split, const std::string& name) {
        CachedSplit out;
        std::vector<torch::Tensor> parts;
        DownstreamLoader loader(d, split, *preprocessor, sequential(split.size()), c.batchSize, false, c.seed, c.workers);
        backbone.model->backbone->eval();
        torch::NoGradGuard noGrad;
        while (auto b = loader.next()) {
            if (self.stop_) throw FraError("stopped");
            if (b->size == 0) continue;
            torch::Tensor f = backbone.model->features(imagesOf(*b, device));
            if (d.task != TaskKind::Landmarks) f = f.mean({2, 3});
            parts.push_back(f);
            b->images.clear();
            b->images.shrink_to_fit();
            out.targets.push_back(std::move(*b));
        }
        noteProblems(loader);
        if (parts.empty()) throw FraError("no readable image in the " + name + " split");
        out.features = torch::cat(parts);
        say("cached " + name + " features " + c10::str(out.features.sizes()));
        return out;
    }

    void record(json r) {
        records.push_back(r);
        if (self.onRecord_) self.onRecord_(r);
    }

    // Fine-tuning an FRA checkpoint: the K heatmaps of fixed test faces, from the pre-trained region
    // heads (frozen) over the fine-tuned backbone's map, before the first epoch (step 0: the
    // pre-trained model itself) and after each epoch (step = epoch), in the pre-training's
    // probes/ + heatmaps/ layout inside the evaluation folder, so every heatmap viewer reads them.
    std::optional<ProbeSet> regionProbes;
    std::optional<RunDirectory> regionDir;

    void setUpRegionSnapshots(const std::vector<DownstreamSample>& test, const fs::path& dir) {
        if (c.protocol != "ft" || c.probeImages == 0 || !backbone.pretrained || !backbone.pretrained->model->online->withRegions()) return;
        const FraConfig& pre = backbone.pretrained->config;
        const FacePreprocessor crop(pre.data.imageSize, c.cropMargin, pre.data.mean, pre.data.std);
        // one face per person or video first, so the probes show different people
        std::vector<std::string> groups;
        for (const auto& s : test) groups.push_back(s.group);
        const std::size_t want = static_cast<std::size_t>(c.probeImages);
        const std::vector<std::size_t> order = ProbeSet::spreadOrder(groups, c.probeImages);
        std::vector<jpeg::RgbImage> faces;
        std::vector<std::string> sources;
        std::set<std::size_t> used;
        for (const std::size_t i : order) {
            if (faces.size() >= want) break;
            if (!used.insert(i).second) continue;
            jpeg::RgbImage face = crop.crop(test[i], nullptr);
            if (face.pixels.empty()) continue;
            faces.push_back(std::move(face));
            sources.push_back(test[i].image.empty() ? test[i].where : test[i].image);
        }
        if (faces.empty()) return;
        regionDir = RunDirectory::open(dir);
        std::error_code ec;
        fs::create_directories(regionDir->heatmapsDir(), ec);
        regionProbes = ProbeSet::create(faces, sources, *regionDir, pre.data.imageSize);
        snapshotRegions(0);
    }

    bool snapshotRegions(int epoch) {
        if (!regionProbes) return false;
        FraModelImpl& model = *backbone.pretrained->model;
        copyParametersAndBuffers(*backbone.model->backbone, *model.online->backbone);
        const NpyArray maps = computeHeatmaps(model, regionProbes->images, backbone.pretrained->config.data);
        const fs::path file = regionDir->heatmapPath(epoch);
        writeNpy(file, maps.shape, maps.data.data());
        regionDir->appendHeatmapIndex(epoch, file, maps.shape);
        return true;
    }

    json linearProbe(const std::vector<DownstreamSample>& train, const std::vector<DownstreamSample>& test, std::ofstream& metrics);
    json fineTune(const std::vector<DownstreamSample>& train, const std::vector<DownstreamSample>& test, std::ofstream& metrics);
};

json DownstreamEvaluation::Impl::linearProbe(const std::vector<DownstreamSample>& train, const std::vector<DownstreamSample>& test,
                                             std::ofstream& metrics) {
    const CachedSplit trainSet = cache(train, "train"), testSet = cache(test, "test");
    // flatten the cached targets into one sequence aligned with the feature rows
    LabeledBatch all;
    for (const auto& b : trainSet.targets) {
        all.labels.insert(all.labels.end(), b.labels.begin(), b.labels.end());
        all.attributes.insert(all.attributes.end(), b.attributes.begin(), b.attributes.end());
        all.landmarks.insert(all.landmarks.end(), b.landmarks.begin(), b.landmarks.end());
        all.size += b.size;
    }
    torch::nn::Module& head = backbone.model->headModule();
    torch::optim::AdamW optimizer(head.parameters(), torch::optim::AdamWOptions(c.lr).weight_decay(c.weightDecay));
    const std::int64_t n = trainSet.features.size(0);
    const std::int64_t perEpoch = (n + c.batchSize - 1) / c.batchSize;
    const std::int64_t total = perEpoch * c.epochs, warmup = perEpoch * c.warmupEpochs;
    std::int64_t step = 0;
    json last;
    for (int epoch = 0; epoch < c.epochs && !self.stop_; ++epoch) {
        head.train();
        const std::vector<int> order = DownstreamLoader::shuffled(static_cast<std::size_t>(n), c.seed, epoch);
        double lossSum = 0;
        int batches = 0;
        double lr = 0;
        for (std::int64_t first = 0; first < n; first += c.batchSize, ++step) {
            const std::int64_t count = std::min<std::int64_t>(c.batchSize, n - first);
            if (count < 2 && d.task == TaskKind::MultiLabel) continue;  // BatchNorm needs two rows
            std::vector<std::int64_t> rows(order.begin() + first, order.begin() + first + count);
            const torch::Tensor index = torch::tensor(rows, torch::kInt64).to(device);
            LabeledBatch b;
            b.size = static_cast<int>(count);
            for (auto r : rows) {
                if (!all.labels.empty()) b.labels.push_back(all.labels[r]);
                const std::size_t a = d.task == TaskKind::MultiLabel ? d.classNames.size() : 0;
                for (std::size_t k = 0; k < a; ++k) b.attributes.push_back(all.attributes[r * a + k]);
                const std::size_t l = d.task == TaskKind::Landmarks ? 2u * d.landmarkCount : 0;
                for (std::size_t k = 0; k < l; ++k) b.landmarks.push_back(all.landmarks[r * l + k]);
            }
            lr = scheduledLr(c.lr, c.minLr, step, warmup, total);
            for (auto& g : optimizer.param_groups()) g.options().set_lr(lr);
            const torch::Tensor out = backbone.model->head(trainSet.features.index_select(0, index));
            const torch::Tensor loss = lossFor(d.task, out, b, device);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            lossSum += loss.item<double>();
            ++batches;
        }
        json r{{"epoch", epoch + 1}, {"step", step}, {"train_loss", batches ? lossSum / batches : 0.0}, {"lr", lr}, {"time", unixNow()}};
        if ((epoch + 1) % c.evalEvery == 0 || epoch + 1 == c.epochs) {
            head.eval();
            torch::NoGradGuard noGrad;
            Predictions p;
            std::int64_t row = 0;
            for (const auto& b : testSet.targets) {
                const torch::Tensor out = backbone.model->head(testSet.features.narrow(0, row, b.size));
                collect(p, d, test, out, b);
                row += b.size;
            }
            last = metricsJson(p, d);
            lastPredictions = std::move(p);
            r["test"] = last;
            r["primary"] = last[primaryMetric(d.task)];
        }
        metrics << r.dump() << std::endl;
        record(r);
    }
    return last;
}

json DownstreamEvaluation::Impl::fineTune(const std::vector<DownstreamSample>& train, const std::vector<DownstreamSample>& test,
                                          std::ofstream& metrics) {
    std::vector<torch::Tensor> backboneParams = backbone.model->backbone->parameters();
    std::vector<torch::Tensor> headParams = backbone.model->headModule().parameters();
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(backboneParams, std::make_unique<torch::optim::AdamWOptions>(c.backboneLr));
    groups.emplace_back(headParams, std::make_unique<torch::optim::AdamWOptions>(c.lr));
    for (auto& g : groups) static_cast<torch::optim::AdamWOptions&>(g.options()).weight_decay(c.weightDecay);
    torch::optim::AdamW optimizer(std::move(groups), torch::optim::AdamWOptions(c.lr).weight_decay(c.weightDecay));
    const std::int64_t perEpoch = (static_cast<std::int64_t>(train.size()) + c.batchSize - 1) / c.batchSize;
    const std::int64_t total = perEpoch * c.epochs, warmup = perEpoch * c.warmupEpochs;
    std::int64_t step = 0;
    json last;
    backbone.model->train();
    for (int epoch = 0; epoch < c.epochs && !self.stop_; ++epoch) {
        DownstreamLoader loader(d, train, *preprocessor, trainOrder(train, epoch), c.batchSize, c.augment,
                                deriveSeed(c.seed, {0x45504F43u, static_cast<std::uint64_t>(epoch)}), c.workers);
        double lossSum = 0, lr = 0;
        int batches = 0;
        while (auto b = loader.next()) {
            if (self.stop_) break;
            if (b->size < 2) continue;  // BatchNorm needs two images
            const double factor = scheduledLr(1.0, c.minLr / std::max(c.lr, 1e-12), step, warmup, total);
            auto& gs = optimizer.param_groups();
            gs[0].options().set_lr(c.backboneLr * factor);
            gs[1].options().set_lr(c.lr * factor);
            lr = c.lr * factor;
            const torch::Tensor loss = lossFor(d.task, backbone.model->forward(imagesOf(*b, device)), *b, device);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            lossSum += loss.item<double>();
            ++batches;
            ++step;
        }
        noteProblems(loader);
        const bool snapshot = !self.stop_ && snapshotRegions(epoch + 1);
        json r{{"epoch", epoch + 1}, {"step", step}, {"train_loss", batches ? lossSum / batches : 0.0}, {"lr", lr}, {"time", unixNow()}};
        if (snapshot) r["heatmaps"] = true;
        if (!self.stop_ && ((epoch + 1) % c.evalEvery == 0 || epoch + 1 == c.epochs)) {
            last = evaluateFinetuned(test);
            r["test"] = last;
            r["primary"] = last[primaryMetric(d.task)];
        }
        metrics << r.dump() << std::endl;
        record(r);
    }
    return last;
}

DownstreamEvaluation::DownstreamEvaluation(DownstreamJob job, const DownstreamDataset& dataset)
    : job_(std::move(job)), dataset_(dataset) {}

DownstreamEvaluation::~DownstreamEvaluation() = default;

std::string DownstreamEvaluation::modelName(const std::string& model) {
    if (isRandom(model)) return "random-" + model.substr(7);
    fs::path p = fs::path(model).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    if (fs::is_directory(p)) return p.filename().string();
    if (p.parent_path().filename() == "checkpoints") return p.parent_path().parent_path().filename().string() + "@" + p.stem().string();
    return p.stem().string();
}

fs::path DownstreamEvaluation::evalDirFor(const std::string& model, const DownstreamDataset& d, const std::string& protocol,
                                          const fs::path& fallbackRoot, std::uint64_t seed) {
    const std::string leaf = d.format + "-" + fs::path(d.root).lexically_normal().filename().string() + "-" + protocol +
                             (seed != 0 ? "-seed" + std::to_string(seed) : "");
    if (!isRandom(model)) {
        fs::path p = fs::path(model).lexically_normal();
        if (fs::is_directory(p) && RunDirectory::looksLikeRun(p)) return p / "eval" / leaf;
        if (p.parent_path().filename() == "checkpoints" && RunDirectory::looksLikeRun(p.parent_path().parent_path()))
            return p.parent_path().parent_path() / "eval" / (leaf + "@" + p.stem().string());
    }
    if (fallbackRoot.empty()) throw FraError("model '" + model + "' is not in a run folder: give --out for its evaluation");
    return fallbackRoot / modelName(model) / "eval" / leaf;
}

namespace {
void writeStatus(const fs::path& dir, const std::string& state, const std::string& message) {
    writeFileAtomically(dir / "status.json", json{{"state", state}, {"message", message}, {"updated", unixNow()}}.dump(2) + "\n");
}

void prepareEvalDir(const fs::path& dir, const json& config) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw FraError("cannot create evaluation folder '" + dir.string() + "': " + ec.message());
    for (const char* stale : {"result.json", "samples.csv", "metrics.jsonl", "log.txt", "probes", "heatmaps"}) fs::remove_all(dir / stale, ec);
    writeFileAtomically(dir / "config.json", config.dump(2) + "\n");
    writeStatus(dir, "running", "");
}
}  // namespace

json DownstreamEvaluation::run() {
    const EvalConfig& c = job_.config;
    EvalSchema::instance().requireValid(c, "evaluation config");
    const auto& train = dataset_.split("train");
    const auto& test = dataset_.split("test");
    if (dataset_.outputs() == 0) throw FraError("dataset '" + dataset_.root + "' defines no classes, attributes or landmarks");
    const auto started = std::chrono::steady_clock::now();
    const json config{{"model", job_.model}, {"model_name", modelName(job_.model)}, {"dataset", job_.datasetSpec}, {"format", dataset_.format},
                      {"task", toString(dataset_.task)}, {"protocol", c.protocol}, {"eval", EvalSchema::instance().toJson(c)}};
    prepareEvalDir(job_.outDir, config);
    Impl impl{*this, dataset_, c};
    impl.log.open(job_.outDir / "log.txt");
    std::ofstream metrics(job_.outDir / "metrics.jsonl");
    json last;
    try {
        at::set_num_threads(c.threads > 0 ? c.threads : static_cast<int>(std::thread::hardware_concurrency()));
        if (c.device == "cuda") {
            if (!buildHasCuda()) throw FraError("evaluation device 'cuda': this build was configured without CUDA (-DFRA_WITH_CUDA=OFF)");
            if (!torch::cuda::is_available()) throw FraError("evaluation device 'cuda' is not available");
            impl.device = torch::Device(torch::kCUDA, 0);
        }
        impl.backbone = buildModel(job_.model, dataset_, c);
        impl.backbone.model->to(impl.device);
        impl.preprocessor = std::make_unique<FacePreprocessor>(c.imageSize, c.cropMargin, impl.backbone.mean, impl.backbone.std);
        for (const auto& w : dataset_.warnings) impl.say("dataset: " + w);
        impl.say(std::string(c.protocol == "lp" ? "linear probe" : "fine-tuning") + " of " + job_.model + " on " + job_.datasetSpec + " (" +
                 toString(dataset_.task) + ", " + std::to_string(train.size()) + " train / " + std::to_string(test.size()) + " test faces)");
        impl.setUpRegionSnapshots(test, job_.outDir);
        last = c.protocol == "lp" ? impl.linearProbe(train, test, metrics) : impl.fineTune(train, test, metrics);
    } catch (const std::exception& e) {
        std::string what = e.what();
        if (const auto* ce = dynamic_cast<const c10::Error*>(&e)) what = ce->what_without_backtrace();
        what = what.substr(0, what.find('\n'));
        impl.say("failed: " + what);
        writeStatus(job_.outDir, stop_ ? "stopped" : "failed", what);
        if (stop_) throw FraError("evaluation stopped");
        throw FraError(what);
    }
    if (stop_) {
        writeStatus(job_.outDir, "stopped", "stopped by the user");
        throw FraError("evaluation stopped");
    }
    json result = config;
    result["metrics"] = last;
    result["primary_metric"] = primaryMetric(dataset_.task);
    result["primary"] = last[primaryMetric(dataset_.task)];
    result["train_faces"] = train.size();
    result["test_faces"] = test.size();
    result["unreadable_images"] = impl.problems;
    result["warnings"] = dataset_.warnings;
    writeSampleOutcomes(job_.outDir / "samples.csv", impl.lastPredictions, dataset_, test);
    result["intervals"] = metricIntervals(perSampleMetrics(impl.lastPredictions, dataset_));
    result["samples_file"] = "samples.csv";
    result["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    writeFileAtomically(job_.outDir / "result.json", result.dump(2) + "\n");
    writeStatus(job_.outDir, "finished", "");
    impl.say("finished: " + result["primary_metric"].get<std::string>() + " = " + result["primary"].dump());
    result["folder"] = job_.outDir.string();
    return result;
}

}  // namespace fra
