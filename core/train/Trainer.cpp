#include "train/Trainer.h"

#include "compat/TorchCompat.h"
#include "config/ConfigSchema.h"
#include "config/PresetLibrary.h"
#include "data/BatchLoader.h"
#include "data/ImageFolder.h"
#include "data/PreparedStore.h"
#include "data/TensorAugmenter.h"
#include "dist/DistributedEnv.h"
#include "dist/GradientSync.h"
#include "dist/ProcessGroupRanks.h"
#include "model/CrossRankOps.h"
#include "optim/TrainingSchedule.h"
#include "run/MetricsLog.h"
#include "run/NpyFile.h"
#include "run/RunDirectory.h"
#include "run/RunLock.h"
#include "train/Checkpoint.h"
#include "train/TrainStep.h"
#include "util/AtomicFile.h"
#include "util/BuildInfo.h"
#include "util/FraError.h"

#include <c10/core/Event.h>
#include <c10/core/impl/VirtualGuardImpl.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unistd.h>

#ifdef FRA_WITH_NVJPEG
#include "train/DeviceJpegDecode.h"
#endif
#ifndef FRA_NO_OPENCV
#include "run/ProbeSet.h"
#include "train/HeatmapProbe.h"

#include <opencv2/core.hpp>
#endif

namespace fs = std::filesystem;

namespace fra {

struct Trainer::Impl {
    FraConfig config;
    std::unique_ptr<RunDirectory> run;
    std::unique_ptr<RunLock> lock;
    std::unique_ptr<ImageFolder> folder;           // data.format = folder
    std::shared_ptr<const PreparedStore> store;    // data.format = prepared
    std::unique_ptr<TensorAugmenter> deviceAugmenter;
#ifdef FRA_WITH_NVJPEG
    std::unique_ptr<DeviceJpegDecode> deviceJpeg;  // data.jpeg_decoder resolved to nvjpeg
#endif
    torch::Device device{torch::kCPU};
    std::unique_ptr<ProcessGroupRanks> ranks;      // several data-parallel processes (outlives the two below)
    std::unique_ptr<TrainStep> stepper;
    std::unique_ptr<GradientSync> gradientSync;   // hooks into stepper's parameters: destroyed first
    std::unique_ptr<TrainingSchedule> schedule;
#ifndef FRA_NO_OPENCV
    ProbeSet probes;  // a build without OpenCV takes no heatmap snapshots
#endif
    std::vector<TrainingObserver*> observers;

    std::thread thread;
    mutable std::mutex mutex;
    std::condition_variable changed;
    RunState state = RunState::Created;
    std::string message;
    bool pauseRequested = false;
    bool threadDone = false;
    std::atomic<bool> stopRequested{false};

    std::atomic<std::int64_t> step{0};
    std::int64_t firstStep = 0;
    std::int64_t endStep = 0;
    std::int64_t lastCheckpointStep = -1;
    std::chrono::steady_clock::time_point lastCheckpointTime = std::chrono::steady_clock::now();
    std::set<std::string> skipped;
    double trainingSeconds = 0;
    RunStatus status;

    // Only rank 0 writes the run directory; the other ranks train and stay silent.
    bool writer() const { return !ranks || ranks->rank() == 0; }
    int worldSize() const { return ranks ? ranks->worldSize() : 1; }

    void log(const std::string& level, const std::string& text) {
        if (!writer()) return;
        run->appendLog(level, text);
        for (auto* o : observers) o->onLog(level, text);
    }

    void setState(RunState s, const std::string& why) {
        {
            std::lock_guard<std::mutex> guard(mutex);
            state = s;
            message = why;
        }
        status.state = toString(s);
        status.message = why;
        status.step = step;
        status.updated = unixNow();
        status.skippedImages = static_cast<std::int64_t>(skipped.size());
        if (writer()) run->writeStatus(status);
        for (auto* o : observers) o->onStateChanged(s, why);
        changed.notify_all();
    }

    void applyThreads() const {
        const int threads = config.run.threads > 0 ? config.run.threads : static_cast<int>(std::thread::hardware_concurrency());
        at::set_num_threads(std::max(1, threads));
    }

    void joinRanks() {
        const auto env = DistributedEnv::fromEnvironment();
        if (!env) return;
        if (config.data.batchSize % env->worldSize != 0)
            throw FraError("data.batch_size = " + std::to_string(config.data.batchSize) + " is not divisible by WORLD_SIZE = " +
                           std::to_string(env->worldSize));
        ranks = std::make_unique<ProcessGroupRanks>(*env, std::chrono::seconds(config.run.distributedTimeoutSeconds), device.is_cuda());
    }

    // Builds the model and optimiser; the seed fixes the initialisation.
    void buildModel(std::int64_t stepsPerEpoch) {
        applyThreads();
        torch::manual_seed(config.run.seed);
        stepper = std::make_unique<TrainStep>(config, device, ranks ? static_cast<const CrossRankOps&>(*ranks) : CrossRankOps::singleProcess());
        if (ranks) {
            // every rank starts from rank 0's weights (as DDP does), then gradients are averaged
            torch::NoGradGuard noGrad;
            for (auto& p : stepper->model()->parameters()) ranks->broadcastInPlace(p);
            for (auto& b : stepper->model()->buffers()) ranks->broadcastInPlace(b);
            std::vector<torch::Tensor> trainable;
            for (const auto& [name, p] : stepper->model()->trainableParameters()) trainable.push_back(p);
            gradientSync = std::make_unique<GradientSync>(trainable, *ranks, /*findUnused=*/config.model.decoderLayers == 0);
            stepper->setGradientSync(gradientSync.get());
        }
        schedule = std::make_unique<TrainingSchedule>(config.optim, config.momentum, config.data.batchSize, stepsPerEpoch);
        endStep = config.run.maxSteps > 0 ? std::min(config.run.maxSteps, schedule->totalSteps()) : schedule->totalSteps();
        status.totalSteps = schedule->totalSteps();
        status.device = device.str() + ", " + std::to_string(at::get_num_threads()) + " threads" +
                        (ranks ? ", " + std::to_string(ranks->worldSize()) + " ranks (" + ranks->backendName() + ")" : std::string()) + ", LibTorch " +
                        compat::torchVersion();
    }

    void writeCheckpoint() {
        if (!writer()) {
            lastCheckpointStep = step;
            return;
        }
        TrainingState ts;
        ts.step = step;
        ts.configJson = ConfigSchema::instance().toJson(config).dump();
        ts.cpuGeneratorState = compat::cpuGeneratorState();
        ts.skippedImages.assign(skipped.begin(), skipped.end());
        ts.trainingSeconds = trainingSeconds;
        const fs::path file = run->checkpointPath(step);
        Checkpoint::save(file, *stepper->model(), stepper->optimizer(), ts);
        run->pruneCheckpoints(config.run.keepCheckpoints);
        lastCheckpointStep = step;
        lastCheckpointTime = std::chrono::steady_clock::now();
        status.checkpointStep = step;
        status.step = step;
        status.updated = unixNow();
        run->writeStatus(status);
        for (auto* o : observers) o->onCheckpoint(step, file.string());
    }

    void snapshotHeatmaps() {
#ifndef FRA_NO_OPENCV
        if (!writer() || probes.images.empty() || !stepper->model()->online->withRegions()) return;
        NpyArray maps = computeHeatmaps(*stepper->model(), probes.images, config.data);
        const fs::path file = run->heatmapPath(step);
        writeNpy(file, maps.shape, maps.data.data());
        run->appendHeatmapIndex(step, file, maps.shape);
        HeatmapSnapshot snap;
        snap.step = step;
        snap.probes = static_cast<int>(maps.shape[0]);
        snap.regions = static_cast<int>(maps.shape[1]);
        snap.height = static_cast<int>(maps.shape[2]);
        snap.width = static_cast<int>(maps.shape[3]);
        snap.maps = std::move(maps.data);
        snap.file = file.string();
        for (auto* o : observers) o->onHeatmaps(snap);
#endif
    }

    bool pauseIsRequested() const {
        std::lock_guard<std::mutex> guard(mutex);
        return pauseRequested;
    }

    // Returns false when paused and then asked to stop.
    bool waitWhilePaused() {
        std::unique_lock<std::mutex> guard(mutex);
        if (!pauseRequested) return true;
        guard.unlock();
        setState(RunState::Paused, "paused at step " + std::to_string(step.load()));
        guard.lock();
        changed.wait(guard, [&] { return !pauseRequested || stopRequested; });
        guard.unlock();
        if (stopRequested) return false;
        setState(RunState::Running, "");
        return true;
    }

    void reportSkipped(BatchLoader& loader) {
        for (const auto& s : loader.takeSkipped()) {
            if (!skipped.insert(s.path).second) continue;
            log("warning", "skipped image '" + s.path + "': " + s.reason + " (" + std::to_string(skipped.size()) + " skipped so far)");
        }
    }

    struct LaunchedStep;
    LaunchedStep launchStep(BatchLoader& loader, bool asyncRead);
    bool finishStep(LaunchedStep& launched, std::unique_ptr<MetricsWriter>& metrics, bool& stopAgreed,
                    std::chrono::steady_clock::time_point& lastFinished);
    void trainLoop();
    void threadMain();
};

// A launched step whose losses may still be on their way to the host: with run.async_loss_read
// the trainer launches step s + 1 before it reads step s's values (a non-blocking copy into pinned
// memory, with an event), so the device never waits for the host between steps.
struct Trainer::Impl::LaunchedStep {
    std::int64_t index = 0;
    double lr = 0, momentum = 0;
    std::chrono::steady_clock::time_point started, loaded;
    torch::Tensor values;                 // on the host (pinned for CUDA) once `ready` has completed
    std::unique_ptr<c10::Event> ready;    // CUDA: the copy of `values` has finished
};

Trainer::Impl::LaunchedStep Trainer::Impl::launchStep(BatchLoader& loader, bool asyncRead) {
    LaunchedStep launched;
    launched.index = step;
    launched.started = std::chrono::steady_clock::now();
    const std::shared_ptr<Batch> batch = loader.next();
    launched.loaded = std::chrono::steady_clock::now();
    reportSkipped(loader);
    const auto batchSize = config.data.batchSize / worldSize(), size = config.data.imageSize;
    torch::Tensor v1, v2;
    if (batch->augmentOnDevice()) {  // raw squares (or a JPEG store's faces) to the device, both views made there
        torch::Tensor raw;
        if (batch->decodeOnDevice()) {
#ifdef FRA_WITH_NVJPEG
            raw = (*deviceJpeg)(*batch, device);
#else
            throw FraError("internal: a batch of JPEGs for the device in a build without nvJPEG");
#endif
        } else {
            raw = torch::from_blob(batch->raw.data(), {batchSize, batch->rawSize, batch->rawSize, 3}, torch::kUInt8);
            if (device.is_cuda()) raw = raw.pin_memory();
            raw = raw.to(device, /*non_blocking=*/true);
        }
        v1 = deviceAugmenter->apply(raw, batch->params1);
        v2 = deviceAugmenter->apply(raw, batch->params2);
    } else {
        v1 = torch::from_blob(batch->view1.data(), {batchSize, 3, size, size}, torch::kFloat32).to(device);
        v2 = torch::from_blob(batch->view2.data(), {batchSize, 3, size, size}, torch::kFloat32).to(device);
    }
    launched.lr = schedule->learningRate(launched.index);
    launched.momentum = schedule->momentum(launched.index);
    const FraLossTerms terms = stepper->run(v1, v2, launched.lr, launched.momentum);
    // one host copy for the losses, the region diagnostics (NaN without regions) and the stop flag
    const auto scalarOptions = terms.total.options().dtype(torch::kFloat32);
    const auto orNaN = [&](const torch::Tensor& t) {
        return t.defined() ? t.detach().to(torch::kFloat32) : torch::full({}, std::nanf(""), scalarOptions);
    };
    torch::Tensor values =
        torch::stack({terms.total.detach().to(torch::kFloat32), terms.lossC.detach().to(torch::kFloat32),
                      terms.lossR.detach().to(torch::kFloat32), terms.lossG.detach().to(torch::kFloat32),
                      terms.lossL.detach().to(torch::kFloat32), orNaN(terms.regionCosine), orNaN(terms.heatmapEntropy),
                      orNaN(terms.regionContiguity), torch::full({}, stopRequested ? 1.0f : 0.0f, scalarOptions)})
            .to(torch::kDouble);
    // the losses of the combined batch, and whether any rank was asked to stop: reduced where the
    // tensors live (NCCL reduces CUDA tensors only)
    if (ranks) ranks->allReduceSumInPlace(values);
    if (device.is_cuda() && asyncRead) {
        launched.values = torch::empty(values.sizes(), values.options().device(torch::kCPU).pinned_memory(true));
        launched.values.copy_(values, /*non_blocking=*/true);
        launched.ready = std::make_unique<c10::Event>(device.type());
        launched.ready->record(c10::impl::VirtualGuardImpl(device.type()).getStream(device));
    } else {
        launched.values = values.to(torch::kCPU).clone();  // CPU: already done (clone: a graph's outputs are reused)
    }
    step = launched.index + 1;
    return launched;
}

// Logs a launched step once its values are on the host; false when its loss is not finite (the
// run then fails without keeping these weights).
bool Trainer::Impl::finishStep(LaunchedStep& launched, std::unique_ptr<MetricsWriter>& metrics, bool& stopAgreed,
                               std::chrono::steady_clock::time_point& lastFinished) {
    if (launched.ready) compat::waitForEvent(*launched.ready);
    constexpr int averaged = 8;  // entries 0..7 are averaged over ranks, entry 8 is the stop flag
    torch::Tensor values = launched.values;
    if (ranks) {
        stopAgreed = stopAgreed || values[averaged].item<double>() > 0;
        values = values.clone();
        values.narrow(0, 0, averaged).div_(static_cast<double>(worldSize()));
    }
    const auto v = values.accessor<double, 1>();
    const auto finished = std::chrono::steady_clock::now();
    // the step's share of the wall clock: from its launch, or from the previous step's end when steps overlap
    const double seconds = std::chrono::duration<double>(finished - std::max(launched.started, lastFinished)).count();
    lastFinished = finished;
    trainingSeconds += seconds;

    StepRecord record;
    record.step = launched.index + 1;
    record.epoch = schedule->epochOf(launched.index);
    record.time = unixNow();
    record.loss = v[0];
    record.lossC = v[1];
    record.lossR = v[2];
    record.lossG = v[3];
    record.lossL = v[4];
    record.regionCosine = v[5];
    record.heatmapEntropy = v[6];
    record.regionContiguity = v[7];
    record.lr = launched.lr;
    record.momentum = launched.momentum;
    record.imagesPerSecond = static_cast<double>(config.data.batchSize) / seconds;
    record.dataWaitSeconds = std::chrono::duration<double>(launched.loaded - launched.started).count();
    if (!std::isfinite(record.loss)) {
        const std::string last = lastCheckpointStep >= 0 && run ? run->checkpointPath(lastCheckpointStep).string() : "none";
        char text[256];
        std::snprintf(text, sizeof text, "non-finite loss at step %lld (L_c=%g, L_r=%g): run stopped; last good checkpoint: ",
                      static_cast<long long>(record.step), record.lossC, record.lossR);
        step = launched.index;  // the weights of this step (and of any launched after it) are not kept
        log("error", text + last);
        setState(RunState::Failed, text + last);
        return false;
    }
    if (metrics) metrics->append(record);
    status.step = record.step;
    for (auto* o : observers) o->onStep(record);
    return true;
}

void Trainer::Impl::trainLoop() {
    applyThreads();
#ifndef FRA_NO_OPENCV
    cv::setNumThreads(0);  // the loader's workers are the parallelism; OpenCV's own pool would compete
#endif
    const int shard = ranks ? ranks->rank() : 0;
    std::unique_ptr<BatchLoader> loaderOwner =
        store ? std::make_unique<BatchLoader>(store, config.data, config.run.seed, step, shard, worldSize())
              : std::make_unique<BatchLoader>(*folder, config.data, config.run.seed, step, shard, worldSize());
    BatchLoader& loader = *loaderOwner;
    std::unique_ptr<MetricsWriter> metrics = writer() ? std::make_unique<MetricsWriter>(run->metricsFile()) : nullptr;
    bool stopAgreed = false;  // with several ranks a stop takes effect on all of them at the same step
    const bool asyncRead = config.run.asyncLossRead == "on" || (config.run.asyncLossRead == "auto" && device.is_cuda());
    setState(RunState::Running, "");
    log("info", "training steps " + std::to_string(step.load()) + " to " + std::to_string(endStep) + " of " +
                    std::to_string(schedule->totalSteps()) + " (" + std::to_string(loader.datasetSize()) + " images, " +
                    std::to_string(schedule->stepsPerEpoch()) + " steps per epoch) on " + status.device +
                    (asyncRead ? "; losses read one step late" : "") + (stepper->replaysGraph() ? "; the step replays as a CUDA graph" : ""));
    if (step == 0 && config.run.heatmapEvery > 0 && writer() && run->heatmapSnapshots().empty()) snapshotHeatmaps();

    std::optional<LaunchedStep> pending;  // launched, not yet logged
    auto lastFinished = std::chrono::steady_clock::time_point::min();
    const auto finishPending = [&] {
        if (!pending) return true;
        LaunchedStep done = std::move(*pending);
        pending.reset();
        return finishStep(done, metrics, stopAgreed, lastFinished);
    };
    for (;;) {
        if (pending && !ranks && pauseIsRequested() && !finishPending()) return;  // a paused run shows its last step
        const bool launchMore = step < endStep && !(ranks ? stopAgreed : (stopRequested || !waitWhilePaused()));
        std::optional<LaunchedStep> launched;
        if (launchMore) launched = launchStep(loader, asyncRead);
        if (!finishPending()) return;  // the previous step (launched before this one, when reads are late)
        pending = std::move(launched);
        if (!pending) break;
        // what needs the weights of this step (heatmaps, checkpoints) or its values now (no late reads) waits for it
        const bool snapshotDue = config.run.heatmapEvery > 0 && step % config.run.heatmapEvery == 0;
        // by steps, or by time (a crash loses minutes, not hours); only the writing rank decides on time,
        // the others write nothing either way
        const bool dueBySteps = config.run.checkpointEvery > 0 && step % config.run.checkpointEvery == 0;
        const bool dueByTime = config.run.checkpointMinutes > 0 && writer() &&
                               std::chrono::steady_clock::now() - lastCheckpointTime >=
                                   std::chrono::duration<double>(60.0 * config.run.checkpointMinutes);
        if ((!asyncRead || snapshotDue || dueBySteps || dueByTime || step >= endStep) && !finishPending()) return;
        if (snapshotDue) snapshotHeatmaps();
        if (dueBySteps || dueByTime) writeCheckpoint();
    }

    if (lastCheckpointStep != step) writeCheckpoint();
    if (ranks) ranks->barrier();  // leave together: no rank sees the others vanish
    if (step >= endStep) {
        if (config.run.heatmapEvery > 0 && step % config.run.heatmapEvery != 0) snapshotHeatmaps();
        log("info", "finished at step " + std::to_string(step.load()));
        setState(RunState::Finished, step >= schedule->totalSteps() ? "schedule complete"
                                                                     : "reached run.max_steps = " + std::to_string(endStep));
    } else {
        log("info", "stopped at step " + std::to_string(step.load()) + "; resume with `fra resume " +
                        (run ? run->root().string() : std::string("RUN")) + "`");
        setState(RunState::Stopped, "stopped at step " + std::to_string(step.load()));
    }
}

void Trainer::Impl::threadMain() {
    try {
        trainLoop();
    } catch (const std::exception& e) {
        std::string what = e.what();
        if (const auto* ce = dynamic_cast<const c10::Error*>(&e)) what = ce->what_without_backtrace();
        const auto nl = what.find('\n');
        if (nl != std::string::npos) what = what.substr(0, nl);
        if (ranks && !dynamic_cast<const FraError*>(&e))  // a collective failed: another rank died or hangs
            what = "rank " + std::to_string(ranks->rank()) + " lost the other ranks (" + what +
                   "); restart all ranks with `fra resume` to continue from the last checkpoint";
        try {
            log("error", what);
            setState(RunState::Failed, what);
        } catch (const std::exception&) {
            std::lock_guard<std::mutex> guard(mutex);
            state = RunState::Failed;
            message = what;
        }
    }
    {
        std::lock_guard<std::mutex> guard(mutex);
        threadDone = true;
    }
    changed.notify_all();
}

Trainer::Trainer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Trainer::~Trainer() {
    if (impl_->thread.joinable()) {
        requestStop();
        impl_->thread.join();
    }
}

namespace {

torch::Device deviceFor(const FraConfig& config) {
    if (config.run.device == "cuda") {
        if (!buildHasCuda())
            throw FraError("run.device is 'cuda' but this build was configured without CUDA (-DFRA_WITH_CUDA=OFF); see `fra --version`");
        if (!torch::cuda::is_available())
            throw FraError("run.device is 'cuda' but no CUDA device is available (this LibTorch " + compat::torchVersion() +
                           (torch::cuda::device_count() ? ")" : " has no usable GPU)"));
        // one GPU per rank: the torchrun convention's LOCAL_RANK
        const auto env = DistributedEnv::fromEnvironment();
        const int index = env ? env->localRank : 0;
        if (index >= static_cast<int>(torch::cuda::device_count()))
            throw FraError("LOCAL_RANK = " + std::to_string(index) + " but only " + std::to_string(torch::cuda::device_count()) +
                           " CUDA device(s) are visible");
        return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    return torch::Device(torch::kCPU);
}

// data.jpeg_decoder for this store and device: auto decodes a JPEG store on the GPU where the
// build has nvJPEG and the run is on CUDA, else on the loader's threads.
std::string resolveJpegDecoder(const std::string& wanted, const PreparedStore& store, torch::Device device) {
    if (store.encoding() != StoreEncoding::Jpeg) return "cpu";
    const bool possible = buildHasNvjpeg() && device.is_cuda();
    if (wanted == "nvjpeg" && !possible)
        throw FraError(std::string("data.jpeg_decoder is 'nvjpeg' but ") +
                       (buildHasNvjpeg() ? "run.device is not cuda" : "this build has no nvJPEG (-DFRA_WITH_NVJPEG=OFF; see `fra --version`)"));
    if (wanted == "auto") return possible ? "nvjpeg" : "cpu";
    return wanted;
}

// Opens config.data.root as an image folder or a prepared store; returns the image count.
std::size_t openData(Trainer::Impl& impl, const FraConfig& config) {
    std::size_t images;
    std::string what;
    if (config.data.format == "prepared") {
        impl.store = std::make_shared<const PreparedStore>(config.data.root);
        impl.deviceAugmenter = std::make_unique<TensorAugmenter>(config.data);
        images = impl.store->size();
        what = "prepared store '" + config.data.root + "'";
        impl.config.data.jpegDecoder = resolveJpegDecoder(config.data.jpegDecoder, *impl.store, impl.device);
#ifdef FRA_WITH_NVJPEG
        if (impl.config.data.jpegDecoder == "nvjpeg") impl.deviceJpeg = std::make_unique<DeviceJpegDecode>(config.data.workers);
#endif
    } else {
        if (BatchLoader::folderViewsOnDevice(config.data)) impl.deviceAugmenter = std::make_unique<TensorAugmenter>(config.data);
        impl.folder = std::make_unique<ImageFolder>(config.data.root);
        images = impl.folder->size();
        what = "data folder '" + impl.folder->root().string() + "'";
    }
    if (BatchLoader::stepsPerEpochFor(images, config.data.batchSize) < 1)
        throw FraError(what + " has " + std::to_string(images) + " images, fewer than one batch (data.batch_size = " +
                       std::to_string(config.data.batchSize) + ")");
    return images;
}

void createProbes(Trainer::Impl& impl, const RunDirectory& run, const FraConfig& config) {
#ifdef FRA_NO_OPENCV
    if (config.run.heatmapEvery > 0)
        run.appendLog("info", "this build has no OpenCV: no heatmap snapshots (run `fra heatmaps` on a checkpoint elsewhere)");
#else
    impl.probes = impl.store ? ProbeSet::create(*impl.store, run, config.run.probeImages, config.data.imageSize)
                             : ProbeSet::create(*impl.folder, run, config.run.probeImages, config.data.imageSize, config.data.minImageSide);
#endif
}

}  // namespace

std::unique_ptr<Trainer> Trainer::create(const FraConfig& config, const fs::path& runDir) {
    ConfigSchema::instance().requireValid(config, "config");
    if (config.data.root.empty()) throw FraError("no data folder given (data.root)");
    auto impl = std::make_unique<Impl>();
    impl->config = config;
    impl->device = deviceFor(config);
    const std::size_t images = openData(*impl, config);
    impl->joinRanks();
    if (!impl->writer()) {  // rank > 0: the same model and data, no files
        impl->buildModel(BatchLoader::stepsPerEpochFor(images, config.data.batchSize));
        return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
    }
    std::error_code ec;
    const bool existed = fs::exists(runDir, ec);
    impl->run = std::make_unique<RunDirectory>(RunDirectory::create(runDir, ConfigSchema::instance().toJson(config)));
    try {
        impl->lock = std::make_unique<RunLock>(runDir);
        impl->status = impl->run->readStatus();
        impl->status.pid = ::getpid();
        impl->buildModel(BatchLoader::stepsPerEpochFor(images, config.data.batchSize));
        createProbes(*impl, *impl->run, config);
        impl->run->writeStatus(impl->status);
        impl->run->appendLog("info", "created run (preset '" + config.preset + "', data '" + config.data.root + "', " +
                                         std::to_string(images) + " images)");
    } catch (...) {
        impl->lock.reset();
        impl->run->removeCreated(existed);  // existed means: existed and was empty
        throw;
    }
    return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

std::unique_ptr<Trainer> Trainer::resume(const fs::path& runDir, std::int64_t maxSteps) {
    auto impl = std::make_unique<Impl>();
    impl->run = std::make_unique<RunDirectory>(RunDirectory::open(runDir));
    FraConfig config = loadConfigFile(impl->run->configFile());
    impl->config = config;
    impl->device = deviceFor(config);  // the process group follows the device (NCCL for CUDA)
    impl->joinRanks();
    if (impl->writer()) impl->lock = std::make_unique<RunLock>(runDir);
    ConfigSchema::instance().requireValid(config, impl->run->configFile().string());
    if (maxSteps > 0 && maxSteps != config.run.maxSteps) {
        if (impl->writer()) {
            impl->run->appendLog("info", "run.max_steps changed from " + std::to_string(config.run.maxSteps) + " to " +
                                             std::to_string(maxSteps));
            FraConfig changed = config;
            changed.run.maxSteps = maxSteps;
            writeFileAtomically(impl->run->configFile(), ConfigSchema::instance().toJson(changed).dump(2) + "\n");
        }
        config.run.maxSteps = maxSteps;
    }
    impl->config = config;
    impl->device = deviceFor(config);
    const std::size_t images = openData(*impl, config);
    impl->buildModel(BatchLoader::stepsPerEpochFor(images, config.data.batchSize));
    impl->status = impl->run->readStatus();
    impl->status.pid = ::getpid();
    impl->status.host = hostName();

    std::int64_t from = 0;
    if (const auto latest = impl->run->latestCheckpoint()) {
        const TrainingState ts = Checkpoint::load(latest->path, *impl->stepper->model(), &impl->stepper->optimizer(), impl->device);
        compat::setCpuGeneratorState(ts.cpuGeneratorState);
        from = ts.step;
        impl->skipped.insert(ts.skippedImages.begin(), ts.skippedImages.end());
        impl->trainingSeconds = ts.trainingSeconds;
        impl->lastCheckpointStep = from;
        if (impl->writer()) impl->run->appendLog("info", "resuming from " + latest->path.string() + " (step " + std::to_string(from) + ")");
    } else if (impl->writer()) {
        impl->run->appendLog("info", "no checkpoint yet: restarting from step 0 with the run's seed");
    }
    impl->step = from;
    impl->firstStep = from;
    if (!impl->writer()) return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
    MetricsWriter::truncateAfter(impl->run->metricsFile(), from);
    impl->run->truncateHeatmapsAfter(from);
#ifndef FRA_NO_OPENCV
    impl->probes = ProbeSet::load(*impl->run);
    if (impl->probes.images.empty() && config.run.probeImages > 0)
#endif
        createProbes(*impl, *impl->run, config);
    impl->status.checkpointStep = impl->lastCheckpointStep;
    impl->status.step = from;
    impl->run->writeStatus(impl->status);
    return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

void Trainer::addObserver(TrainingObserver* observer) { impl_->observers.push_back(observer); }

void Trainer::start() {
    if (impl_->thread.joinable()) throw FraError("trainer already started");
    impl_->thread = std::thread([this] { impl_->threadMain(); });
}

void Trainer::pause() {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    impl_->pauseRequested = true;
}

void Trainer::resume() {
    {
        std::lock_guard<std::mutex> guard(impl_->mutex);
        impl_->pauseRequested = false;
    }
    impl_->changed.notify_all();
}

void Trainer::requestStop() {
    impl_->stopRequested = true;
    impl_->changed.notify_all();
}

RunState Trainer::wait() {
    if (impl_->thread.joinable()) impl_->thread.join();
    return state();
}

bool Trainer::waitFor(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> guard(impl_->mutex);
    if (!impl_->changed.wait_for(guard, timeout, [&] { return impl_->threadDone; })) return false;
    guard.unlock();
    if (impl_->thread.joinable()) impl_->thread.join();
    return true;
}

RunState Trainer::state() const {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    return impl_->state;
}

std::string Trainer::lastMessage() const {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    return impl_->message;
}

std::int64_t Trainer::step() const { return impl_->step; }
std::int64_t Trainer::firstStep() const { return impl_->firstStep; }
std::int64_t Trainer::endStep() const { return impl_->endStep; }
std::int64_t Trainer::totalSteps() const { return impl_->schedule->totalSteps(); }
const RunDirectory& Trainer::run() const {
    if (!impl_->run) throw FraError("this rank does not write the run directory");
    return *impl_->run;
}
bool Trainer::writesRun() const { return impl_->writer(); }
const FraConfig& Trainer::config() const { return impl_->config; }

}  // namespace fra
