#include "bench/StepBenchmark.h"

#include "bench/BenchSettings.h"
#include "bench/StepProfile.h"
#include "compat/TorchCompat.h"
#include "loss/CrossViewAlignment.h"
#include "model/CrossRankOps.h"
#include "model/ResNet.h"
#include "train/TrainStep.h"
#include "util/FraError.h"

#include <chrono>
#include <thread>
#ifdef FRA_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace fra {

nlohmann::json runStepBenchmark(const StepBenchmarkOptions& options) {
    FraConfig config = options.config;
    if (options.mode == "byol") {
        config.loss.localConsistency = false;
        config.loss.semanticRelation = false;
    } else if (options.mode != "fra" && options.mode != "backbone") {
        throw FraError("bench step --mode must be fra, byol or backbone, got '" + options.mode + "'");
    }
    const int threads = config.run.threads > 0 ? config.run.threads : static_cast<int>(std::thread::hardware_concurrency());
    at::set_num_threads(threads);
    torch::manual_seed(config.run.seed);
    const bool cuda = config.run.device == "cuda";
    if (cuda && !torch::cuda::is_available()) throw FraError("bench: run.device is 'cuda' but no CUDA device is available");
    const torch::Device device = cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    const int b = config.data.batchSize, s = config.data.imageSize;
    const torch::Tensor x1 = torch::randn({b, 3, s, s}, torch::TensorOptions().device(device));
    const torch::Tensor x2 = torch::randn({b, 3, s, s}, torch::TensorOptions().device(device));
    if (cuda) at::globalContext().setBenchmarkCuDNN(true);
    auto sync = [&] {
        if (cuda) torch::cuda::synchronize();
    };

    std::function<torch::Tensor()> iteration;
    std::unique_ptr<TrainStep> stepper;
    ResNet backbone{nullptr};
    if (options.mode == "backbone") {
        backbone = ResNet(config.model.arch, config.model.outputStride);
        backbone->to(device);
        if (config.run.channelsLast) backbone->toChannelsLast();
        const torch::Tensor input = config.run.channelsLast ? x1.contiguous(torch::MemoryFormat::ChannelsLast) : x1;
        iteration = [&, input] {
            backbone->zero_grad(true);
            compat::AutocastGuard autocast(device, config.run.precision == "bf16");
            torch::Tensor loss = backbone->forward(input).to(torch::kFloat32).mean();
            loss.backward();
            return loss;
        };
    } else {
        stepper = std::make_unique<TrainStep>(config, device, CrossRankOps::singleProcess());
        // loss.relation_targets = other_view: two overlapping crops of a 1.25x larger image, one flipped
        torch::Tensor crops;
        if (config.loss.relationTargets == "other_view") {
            ViewParams first, second;
            first.cropWidth = first.cropHeight = second.cropWidth = second.cropHeight = s;
            second.cropX = second.cropY = s / 4;
            second.flip = true;
            crops = viewCrops(std::vector<ViewParams>(b, first), std::vector<ViewParams>(b, second), device);
        }
        iteration = [&, crops] { return stepper->run(x1, x2, 0.05, 0.996, crops).total; };
    }
    // a CUDA graph is captured after its eager steps: keep the capture out of the timed steps
    const int warmup = stepper && stepper->replaysGraph() ? std::max(options.warmup, 5) : options.warmup;
    torch::Tensor loss;
    for (int i = 0; i < warmup; ++i) loss = iteration();
    sync();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < options.iterations; ++i) loss = iteration();
    sync();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::json out = trainingBenchSettings(config);
    out.update({{"bench", "step"},
                {"mode", options.mode},
                {"threads", threads},
                {"iters", options.iterations},
                {"img_per_s", b * options.iterations / elapsed},
                {"ms_per_iter", 1000.0 * elapsed / options.iterations},
                {"loss", loss.item<double>()},
                {"cuda_graph", stepper && stepper->replaysGraph()},
                {"libtorch", compat::torchVersion()}});
#ifdef FRA_WITH_CUDA
    // the caching allocator's peak (what the step needs), as the Python reference's max_memory_allocated
    if (cuda) out["peak_memory_gb"] = static_cast<double>(c10::cuda::CUDACachingAllocator::getDeviceStats(device.index()).allocated_bytes[0].peak) / 1e9;
#endif
    if (options.profileSteps > 0) out["profile"] = profileSteps([&] { loss = iteration(); }, options.profileSteps, cuda);
    return out;
}

}  // namespace fra
