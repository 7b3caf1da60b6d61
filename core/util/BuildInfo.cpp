#include "util/BuildInfo.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <thread>
#ifndef FRA_NO_OPENCV
#include <opencv2/core/version.hpp>
#endif

namespace fra {

std::vector<std::pair<std::string, std::string>> buildCapabilities() {
    std::vector<std::pair<std::string, std::string>> out;
    out.emplace_back("LibTorch", TORCH_VERSION);
#ifdef FRA_WITH_CUDA
    out.emplace_back("CUDA", torch::cuda::is_available() ? "yes (" + std::to_string(torch::cuda::device_count()) + " device(s))"
                                                         : "yes, but no device is visible");
#else
    out.emplace_back("CUDA", at::hasCUDA() ? "no (configured with -DFRA_WITH_CUDA=OFF; this LibTorch has CUDA)"
                                           : "no (configured with -DFRA_WITH_CUDA=OFF; a CPU LibTorch)");
#endif
#ifdef FRA_WITH_GLOO
    out.emplace_back("Gloo", "yes (multi-process CPU training)");
#else
    out.emplace_back("Gloo", "no (configured with -DFRA_WITH_GLOO=OFF)");
#endif
#ifdef FRA_WITH_NCCL
    out.emplace_back("NCCL", "yes (multi-GPU training; the process group of CUDA runs)");
#else
    out.emplace_back("NCCL", "no (configured with -DFRA_WITH_NCCL=OFF)");
#endif
#ifdef FRA_WITH_NVJPEG
    out.emplace_back("nvJPEG", "yes (JPEG stores decoded on the GPU)");
#else
    out.emplace_back("nvJPEG", "no (configured with -DFRA_WITH_NVJPEG=OFF: JPEG stores decoded by libjpeg-turbo threads)");
#endif
    out.emplace_back("JPEG", "libjpeg-turbo (TurboJPEG)");
#ifndef FRA_NO_OPENCV
    out.emplace_back("OpenCV", CV_VERSION);
#else
    out.emplace_back("OpenCV", "no (configured with -DFRA_WITH_OPENCV=OFF: JPEG and PNG faces, prepared stores; snapshots with libjpeg-turbo and libpng)");
#endif
#ifdef FRA_WITH_DLIB
    out.emplace_back("dlib", "yes (sample-pool landmarks)");
#else
    out.emplace_back("dlib", "no (configured with -DFRA_WITH_DLIB=OFF: no landmark sample task)");
#endif
    out.emplace_back("threads", std::to_string(at::get_num_threads()) + " compute threads by default, " +
                                    std::to_string(std::thread::hardware_concurrency()) + " cores");
    return out;
}

bool buildHasCuda() {
#ifdef FRA_WITH_CUDA
    return true;
#else
    return false;
#endif
}

bool buildHasNvjpeg() {
#ifdef FRA_WITH_NVJPEG
    return true;
#else
    return false;
#endif
}

bool buildHasNccl() {
#ifdef FRA_WITH_NCCL
    return true;
#else
    return false;
#endif
}

std::string buildCapabilitiesText() {
    std::string text;
    for (const auto& [name, value] : buildCapabilities()) text += name + ": " + value + "\n";
    return text;
}

}  // namespace fra
