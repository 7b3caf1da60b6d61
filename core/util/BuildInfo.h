#pragma once
#include <string>
#include <utility>
#include <vector>

namespace fra {

// What this build of the workbench can do, for `fra --version` and the GUI's Help > About:
// LibTorch version, CUDA, the process groups (Gloo, NCCL), OpenCV, dlib, compute threads.
// Declared without LibTorch so the GUI can show it; defined in fra_core.
std::vector<std::pair<std::string, std::string>> buildCapabilities();
std::string buildCapabilitiesText();  // one "name: value" line each
bool buildHasCuda();                  // configured with FRA_WITH_CUDA (else run.device=cuda is refused)
bool buildHasNvjpeg();                // configured with FRA_WITH_NVJPEG: JPEG stores can be decoded on the GPU
bool buildHasNccl();                  // configured with FRA_WITH_NCCL: CUDA ranks reduce through NCCL

}  // namespace fra
