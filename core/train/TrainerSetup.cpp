#include "train/TrainerImpl.h"
#include <cstdlib>

namespace fs = std::filesystem;

namespace fra {

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

// Who started this process (and the batch job), for run.json and `fra runs`.
void recordLauncher(RunStatus& status) {
    status.launcher = describeLauncher();
    if (const char* job = std::getenv("SLURM_JOB_ID"); job && *job) status.jobId = job;
}

void createProbes(Trainer::Impl& impl, const RunDirectory& run, const FraConfig& config) {
    impl.probes = impl.store ? ProbeSet::create(*impl.store, run, config.run.probeImages, config.data.imageSize)
                             : ProbeSet::create(*impl.folder, run, config.run.probeImages, config.data.imageSize, config.data.minImageSide);
}

}  // namespace

std::unique_ptr<Trainer> Trainer::create(const FraConfig& config, const fs::path& runDir) {
    ConfigSchema::instance().requireValid(config, "config");
    if (config.data.root.empty()) throw FraError("no data folder given (data.root)");
    auto impl = std::make_unique<Impl>();
    impl->config = config;
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
        impl->heartbeat = std::make_unique<HeartbeatWriter>(runDir, config.run.heartbeatSeconds, 0);
        impl->status = impl->run->readStatus();
        impl->status.pid = ::getpid();
        recordLauncher(impl->status);
        impl->buildModel(BatchLoader::stepsPerEpochFor(images, config.data.batchSize));
        createProbes(*impl, *impl->run, config);
        impl->run->writeStatus(impl->status);
        impl->run->appendLog("info", "created run (preset '" + config.preset + "', data '" + config.data.root + "', " +
                                         std::to_string(images) + " images)");
        impl->prepareOnlineEvaluation();
    } catch (...) {
        impl->heartbeat.reset();
        impl->lock.reset();
        impl->run->removeCreated(existed);  // existed means: existed and was empty
        throw;
    }
    return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

std::unique_ptr<Trainer> Trainer::resume(const fs::path& runDir, std::int64_t maxSteps, const LivenessPolicy& liveness, bool force) {
    auto impl = std::make_unique<Impl>();
    impl->run = std::make_unique<RunDirectory>(RunDirectory::open(runDir));
    FraConfig config = loadConfigFile(impl->run->configFile());
    impl->config = config;
    impl->device = deviceFor(config);  // the process group follows the device (NCCL for CUDA)
    impl->joinRanks();
    if (impl->writer()) {
        requireResumable(runDir, liveness, force);  // refused with host, pid and heartbeat age while live
        impl->lock = std::make_unique<RunLock>(runDir);
        // again under the lock: no process of this machine can start between the check and the lock,
        // and one setting the run up on another machine shows by its heartbeat
        LivenessPolicy locked = liveness;
        locked.callerHoldsLock = true;
        requireResumable(runDir, locked, force);
    }
    ConfigSchema::instance().requireValid(config, impl->run->configFile().string());
    if (impl->writer()) impl->heartbeat = std::make_unique<HeartbeatWriter>(runDir, config.run.heartbeatSeconds, 0);
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
    const std::size_t images = openData(*impl, config);
    impl->buildModel(BatchLoader::stepsPerEpochFor(images, config.data.batchSize));
    impl->status = impl->run->readStatus();
    impl->status.pid = ::getpid();
    impl->status.host = hostName();
    recordLauncher(impl->status);

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
    impl->probes = ProbeSet::load(*impl->run);
    if (impl->probes.images.empty() && config.run.probeImages > 0) createProbes(*impl, *impl->run, config);
    impl->prepareOnlineEvaluation();
    impl->status.checkpointStep = impl->lastCheckpointStep;
    impl->status.step = from;
    impl->heartbeat->setStep(from);
    impl->run->writeStatus(impl->status);
    return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

}  // namespace fra
