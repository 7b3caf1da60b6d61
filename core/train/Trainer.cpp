#include "train/Trainer.h"

#include "compat/TorchCompat.h"
#include "config/ConfigSchema.h"
#include "config/PresetLibrary.h"
#include "data/BatchLoader.h"
#include "data/ImageFolder.h"
#include "model/CrossRankOps.h"
#include "optim/TrainingSchedule.h"
#include "run/MetricsLog.h"
#include "run/NpyFile.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "run/RunLock.h"
#include "train/Checkpoint.h"
#include "train/HeatmapProbe.h"
#include "train/TrainStep.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <opencv2/core.hpp>
#include <set>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fra {

struct Trainer::Impl {
    FraConfig config;
    std::unique_ptr<RunDirectory> run;
    std::unique_ptr<RunLock> lock;
    std::unique_ptr<ImageFolder> folder;
    torch::Device device{torch::kCPU};
    std::unique_ptr<TrainStep> stepper;
    std::unique_ptr<TrainingSchedule> schedule;
    ProbeSet probes;
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
    std::set<std::string> skipped;
    double trainingSeconds = 0;
    RunStatus status;

    void log(const std::string& level, const std::string& text) {
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
        run->writeStatus(status);
        for (auto* o : observers) o->onStateChanged(s, why);
        changed.notify_all();
    }

    void applyThreads() const {
        const int threads = config.run.threads > 0 ? config.run.threads : static_cast<int>(std::thread::hardware_concurrency());
        at::set_num_threads(std::max(1, threads));
    }

    // Builds the model and optimiser; the seed fixes the initialisation.
    void buildModel(std::int64_t stepsPerEpoch) {
        applyThreads();
        torch::manual_seed(config.run.seed);
        stepper = std::make_unique<TrainStep>(config, device, CrossRankOps::singleProcess());
        schedule = std::make_unique<TrainingSchedule>(config.optim, config.momentum, config.data.batchSize, stepsPerEpoch);
        endStep = config.run.maxSteps > 0 ? std::min(config.run.maxSteps, schedule->totalSteps()) : schedule->totalSteps();
        status.totalSteps = schedule->totalSteps();
        status.device = device.str() + ", " + std::to_string(at::get_num_threads()) + " threads, LibTorch " + compat::torchVersion();
    }

    void writeCheckpoint() {
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
        status.checkpointStep = step;
        status.step = step;
        status.updated = unixNow();
        run->writeStatus(status);
        for (auto* o : observers) o->onCheckpoint(step, file.string());
    }

    void snapshotHeatmaps() {
        if (probes.images.empty() || !stepper->model()->online->withRegions()) return;
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

    void trainLoop();
    void threadMain();
};

void Trainer::Impl::trainLoop() {
    applyThreads();
    cv::setNumThreads(0);  // the loader's workers are the parallelism; OpenCV's own pool would compete
    BatchLoader loader(*folder, config.data, config.run.seed, step);
    MetricsWriter metrics(run->metricsFile());
    StepRecord record;
    const auto batchSize = config.data.batchSize, size = config.data.imageSize;
    setState(RunState::Running, "");
    log("info", "training steps " + std::to_string(step.load()) + " to " + std::to_string(endStep) + " of " +
                    std::to_string(schedule->totalSteps()) + " (" + std::to_string(loader.datasetSize()) + " images, " +
                    std::to_string(schedule->stepsPerEpoch()) + " steps per epoch) on " + status.device);
    if (step == 0 && config.run.heatmapEvery > 0 && run->heatmapSnapshots().empty()) snapshotHeatmaps();

    while (step < endStep) {
        if (stopRequested || !waitWhilePaused()) break;
        const auto started = std::chrono::steady_clock::now();
        const std::shared_ptr<Batch> batch = loader.next();
        const auto loaded = std::chrono::steady_clock::now();
        reportSkipped(loader);

        const torch::Tensor v1 = torch::from_blob(batch->view1.data(), {batchSize, 3, size, size}, torch::kFloat32).to(device);
        const torch::Tensor v2 = torch::from_blob(batch->view2.data(), {batchSize, 3, size, size}, torch::kFloat32).to(device);
        const std::int64_t index = step;
        const double lr = schedule->learningRate(index);
        const double m = schedule->momentum(index);
        const FraLossTerms terms = stepper->run(v1, v2, lr, m);
        const torch::Tensor values =
            torch::stack({terms.total.detach().to(torch::kFloat32), terms.lossC.detach().to(torch::kFloat32),
                          terms.lossR.detach().to(torch::kFloat32), terms.lossG.detach().to(torch::kFloat32),
                          terms.lossL.detach().to(torch::kFloat32)})
                .to(torch::kCPU, torch::kDouble);
        const auto v = values.accessor<double, 1>();
        const auto finished = std::chrono::steady_clock::now();
        const double seconds = std::chrono::duration<double>(finished - started).count();
        trainingSeconds += seconds;
        step = index + 1;

        record.step = step;
        record.epoch = schedule->epochOf(index);
        record.time = unixNow();
        record.loss = v[0];
        record.lossC = v[1];
        record.lossR = v[2];
        record.lossG = v[3];
        record.lossL = v[4];
        record.lr = lr;
        record.momentum = m;
        record.imagesPerSecond = batchSize / seconds;
        record.dataWaitSeconds = std::chrono::duration<double>(loaded - started).count();
        if (!std::isfinite(record.loss)) {
            const std::string last = lastCheckpointStep >= 0 ? run->checkpointPath(lastCheckpointStep).string() : "none";
            char text[256];
            std::snprintf(text, sizeof text, "non-finite loss at step %lld (L_c=%g, L_r=%g): run stopped; last good checkpoint: ",
                          static_cast<long long>(step.load()), record.lossC, record.lossR);
            step = index;  // the weights of this step are not kept
            log("error", text + last);
            setState(RunState::Failed, text + last);
            return;
        }
        metrics.append(record);
        status.step = step;
        for (auto* o : observers) o->onStep(record);

        if (config.run.heatmapEvery > 0 && step % config.run.heatmapEvery == 0) snapshotHeatmaps();
        if (config.run.checkpointEvery > 0 && step % config.run.checkpointEvery == 0) writeCheckpoint();
    }

    if (lastCheckpointStep != step) writeCheckpoint();
    if (step >= endStep) {
        if (config.run.heatmapEvery > 0 && step % config.run.heatmapEvery != 0) snapshotHeatmaps();
        log("info", "finished at step " + std::to_string(step.load()));
        setState(RunState::Finished, step >= schedule->totalSteps() ? "schedule complete"
                                                                     : "reached run.max_steps = " + std::to_string(endStep));
    } else {
        log("info", "stopped at step " + std::to_string(step.load()) + "; resume with `fra resume " + run->root().string() + "`");
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
        if (!torch::cuda::is_available())
            throw FraError("run.device is 'cuda' but no CUDA device is available (this LibTorch " + compat::torchVersion() +
                           (torch::cuda::device_count() ? ")" : " has no usable GPU)"));
        return torch::Device(torch::kCUDA, 0);
    }
    return torch::Device(torch::kCPU);
}

void requireTrainableData(const ImageFolder& folder, const FraConfig& config) {
    if (BatchLoader::stepsPerEpochFor(folder.size(), config.data.batchSize) < 1)
        throw FraError("data folder '" + folder.root().string() + "' has " + std::to_string(folder.size()) +
                       " images, fewer than one batch (data.batch_size = " + std::to_string(config.data.batchSize) + ")");
}

}  // namespace

std::unique_ptr<Trainer> Trainer::create(const FraConfig& config, const fs::path& runDir) {
    ConfigSchema::instance().requireValid(config, "config");
    if (config.data.root.empty()) throw FraError("no data folder given (data.root)");
    auto impl = std::make_unique<Impl>();
    impl->config = config;
    impl->device = deviceFor(config);
    impl->folder = std::make_unique<ImageFolder>(config.data.root);
    requireTrainableData(*impl->folder, config);

    std::error_code ec;
    const bool existed = fs::exists(runDir, ec);
    impl->run = std::make_unique<RunDirectory>(RunDirectory::create(runDir, ConfigSchema::instance().toJson(config)));
    try {
        impl->lock = std::make_unique<RunLock>(runDir);
        impl->status = impl->run->readStatus();
        impl->status.pid = ::getpid();
        impl->buildModel(BatchLoader::stepsPerEpochFor(impl->folder->size(), config.data.batchSize));
        impl->probes = ProbeSet::create(*impl->folder, *impl->run, config.run.probeImages, config.data.imageSize,
                                        config.data.minImageSide);
        impl->run->writeStatus(impl->status);
        impl->run->appendLog("info", "created run (preset '" + config.preset + "', data '" + config.data.root + "', " +
                                         std::to_string(impl->folder->size()) + " images)");
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
    impl->lock = std::make_unique<RunLock>(runDir);
    FraConfig config = loadConfigFile(impl->run->configFile());
    ConfigSchema::instance().requireValid(config, impl->run->configFile().string());
    if (maxSteps > 0 && maxSteps != config.run.maxSteps) {
        impl->run->appendLog("info", "run.max_steps changed from " + std::to_string(config.run.maxSteps) + " to " +
                                         std::to_string(maxSteps));
        config.run.maxSteps = maxSteps;
        writeFileAtomically(impl->run->configFile(), ConfigSchema::instance().toJson(config).dump(2) + "\n");
    }
    impl->config = config;
    impl->device = deviceFor(config);
    impl->folder = std::make_unique<ImageFolder>(config.data.root);
    requireTrainableData(*impl->folder, config);
    impl->buildModel(BatchLoader::stepsPerEpochFor(impl->folder->size(), config.data.batchSize));
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
        impl->run->appendLog("info", "resuming from " + latest->path.string() + " (step " + std::to_string(from) + ")");
    } else {
        impl->run->appendLog("info", "no checkpoint yet: restarting from step 0 with the run's seed");
    }
    impl->step = from;
    impl->firstStep = from;
    MetricsWriter::truncateAfter(impl->run->metricsFile(), from);
    impl->run->truncateHeatmapsAfter(from);
    impl->probes = ProbeSet::load(*impl->run);
    if (impl->probes.images.empty() && config.run.probeImages > 0)
        impl->probes = ProbeSet::create(*impl->folder, *impl->run, config.run.probeImages, config.data.imageSize,
                                        config.data.minImageSide);
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
const RunDirectory& Trainer::run() const { return *impl_->run; }
const FraConfig& Trainer::config() const { return impl_->config; }

}  // namespace fra
