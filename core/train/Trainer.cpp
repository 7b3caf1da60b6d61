#include "train/TrainerImpl.h"

#include "loss/CrossViewAlignment.h"

#include <c10/core/Event.h>
#ifndef FRA_NO_OPENCV
#include <opencv2/core.hpp>
#endif
#include <c10/core/impl/VirtualGuardImpl.h>

namespace fs = std::filesystem;

namespace fra {

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
    const torch::Tensor crops =
        config.loss.relationTargets == "other_view" ? viewCrops(batch->params1, batch->params2, device) : torch::Tensor();
    const FraLossTerms terms = stepper->run(v1, v2, launched.lr, launched.momentum, crops);
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
    if (onlineEvaluationDue(record.step)) evaluateOnline(record);  // the weights of this step: nothing launched after it yet
    if (metrics) metrics->append(record);
    if (tensorboard) tensorboard->addStep(record);
    status.step = record.step;
    if (heartbeat) heartbeat->setStep(record.step);
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
    if (writer() && config.run.tensorboard) tensorboard = std::make_unique<TensorBoardLog>(*run, step);
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
        const std::int64_t milestones = milestoneInterval(config.run.milestoneEvery, schedule->totalSteps());
        const bool dueBySteps = (config.run.checkpointEvery > 0 && step % config.run.checkpointEvery == 0) || (milestones > 0 && step % milestones == 0);
        const bool dueByTime = config.run.checkpointMinutes > 0 && writer() &&
                               std::chrono::steady_clock::now() - lastCheckpointTime >=
                                   std::chrono::duration<double>(60.0 * config.run.checkpointMinutes);
        const bool evalDue = onlineReadDue(step);  // on every rank alike
        if ((!asyncRead || snapshotDue || evalDue || dueBySteps || dueByTime || step >= endStep) && !finishPending()) return;
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
