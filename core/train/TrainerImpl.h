#pragma once
// The trainer's state, shared by Trainer.cpp (the training thread and loop) and TrainerSetup.cpp
// (opening the data, the device and the run, resuming from a checkpoint). Private to core/train.
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
#include "run/Heartbeat.h"
#include "run/RunLock.h"
#include "tensorboard/RunTensorBoard.h"
#include "train/Checkpoint.h"
#include "train/TrainStep.h"
#include "util/AtomicFile.h"
#include "util/BuildInfo.h"
#include "util/FraError.h"


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
#include "run/ProbeSet.h"
#include "train/HeatmapProbe.h"
#include "train/OnlineEvaluation.h"

namespace fra {


struct Trainer::Impl {
    FraConfig config;
    std::unique_ptr<RunDirectory> run;
    std::unique_ptr<RunLock> lock;
    std::unique_ptr<HeartbeatWriter> heartbeat;    // rank 0 only; destroyed before the lock is released
    std::unique_ptr<TensorBoardLog> tensorboard;   // the writing rank, with run.tensorboard
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
    ProbeSet probes;
    std::unique_ptr<OnlineEvaluator> onlineEval;   // the writing rank, with run.eval_every and a task
    std::int64_t evalInterval = 0;                 // steps between online evaluations (0 = none)
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

    void heartbeatPhase(const char* phase) {
        if (heartbeat) heartbeat->setPhase(phase);
    }

    void setState(RunState s, const std::string& why) {
        heartbeatPhase(s == RunState::Running ? "training" : s == RunState::Paused ? "paused" : "ending");
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
        heartbeatPhase("checkpoint");
        TrainingState ts;
        ts.step = step;
        ts.configJson = ConfigSchema::instance().toJson(config).dump();
        ts.cpuGeneratorState = compat::cpuGeneratorState();
        ts.skippedImages.assign(skipped.begin(), skipped.end());
        ts.trainingSeconds = trainingSeconds;
        const std::filesystem::path file = run->checkpointPath(step);
        Checkpoint::save(file, *stepper->model(), stepper->optimizer(), ts);
        run->pruneCheckpoints(config.run.keepCheckpoints, milestoneInterval(config.run.milestoneEvery, schedule->totalSteps()));
        lastCheckpointStep = step;
        lastCheckpointTime = std::chrono::steady_clock::now();
        status.checkpointStep = step;
        status.step = step;
        status.updated = unixNow();
        run->writeStatus(status);
        heartbeatPhase("training");
        for (auto* o : observers) o->onCheckpoint(step, file.string());
    }

    void snapshotHeatmaps() {
        if (!writer() || probes.images.empty() || !stepper->model()->online->withRegions()) return;
        heartbeatPhase("heatmaps");
        NpyArray maps = computeHeatmaps(*stepper->model(), probes.images, config.data);
        heartbeatPhase("training");
        const std::filesystem::path file = run->heatmapPath(step);
        writeNpy(file, maps.shape, maps.data.data());
        run->appendHeatmapIndex(step, file, maps.shape);
        if (tensorboard) tensorboard->addHeatmaps(step, unixNow(), maps.shape, maps.data.data());
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

    // The online evaluation's tasks, loaded once. The writing rank evaluates; every rank reads the
    // evaluated steps' values before launching the next step, decided from the config alone, so the
    // ranks agree on when a stop takes effect even where the writer has nothing to evaluate.
    void prepareOnlineEvaluation() {
        const bool tasks = !config.run.evalKnnTask.empty() || !config.run.evalLandmarkTask.empty();
        evalInterval = tasks ? milestoneInterval(config.run.evalEvery, schedule->totalSteps()) : 0;
        if (!writer()) return;
        if (config.run.evalEvery > 0 && !tasks)
            run->appendLog("info", "no online evaluation: run.eval_every is set but neither run.eval_knn_task nor run.eval_landmark_task");
        if (evalInterval <= 0) return;
        FraConfig wanted = config;
        if (!stepper->model()->momentum->withRegions() && !wanted.run.evalLandmarkTask.empty()) {
            run->appendLog("info", "this model has no regions: the online evaluation has no read-out");
            wanted.run.evalLandmarkTask.clear();
        }
        if (wanted.run.evalKnnTask.empty() && wanted.run.evalLandmarkTask.empty()) return;
        onlineEval = std::make_unique<OnlineEvaluator>(wanted, [this](const std::string& level, const std::string& text) { run->appendLog(level, text); });
        if (!onlineEval->active()) {
            onlineEval.reset();
            return;
        }
        run->appendLog("info", "online evaluation of the momentum encoder every " + std::to_string(evalInterval) + " steps: " +
                                   onlineEval->description());
    }

    // every rank reads these steps' values before launching the next one
    bool onlineReadDue(std::int64_t afterStep) const { return evalInterval > 0 && afterStep % evalInterval == 0; }
    bool onlineEvaluationDue(std::int64_t afterStep) const { return onlineEval && onlineReadDue(afterStep); }

    // A failing evaluation (an out-of-memory device, a degenerate read-out) is logged and ends the
    // online evaluation; the training goes on.
    void evaluateOnline(StepRecord& record) {
        heartbeatPhase("evaluating");
        try {
            onlineEval->evaluate(*stepper->model(), record);
        } catch (const std::exception& e) {
            heartbeatPhase("training");
            std::string what = e.what();
            if (const auto* ce = dynamic_cast<const c10::Error*>(&e)) what = ce->what_without_backtrace();
            log("warning", "online evaluation at step " + std::to_string(record.step) + " failed (" + what.substr(0, what.find('\n')) +
                               "); training goes on without online evaluation");
            onlineEval.reset();
            return;
        }
        heartbeatPhase("training");
        char text[320];
        std::snprintf(text, sizeof text, "online evaluation at step %lld in %.1f s:", static_cast<long long>(record.step), record.onlineEvalSeconds);
        std::string line = text;
        if (std::isfinite(record.knnTop1)) {
            std::snprintf(text, sizeof text, " kNN top-1 %.0f/%.0f (%.1f %%; k = 200: %.1f %%)", record.knnCorrect, record.knnTestFaces,
                          100 * record.knnTop1, 100 * record.knnTop1K200);
            line += text;
        }
        if (std::isfinite(record.readoutNme)) {
            std::snprintf(text, sizeof text, "%s read-out NME %.4f", std::isfinite(record.knnTop1) ? ";" : "", record.readoutNme);
            line += text;
        }
        log("info", line);
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

}  // namespace fra
