#include "model/ModuleState.h"

namespace fra {

void copyParametersAndBuffers(const torch::nn::Module& from, torch::nn::Module& to) {
    torch::NoGradGuard noGrad;
    auto parameters = to.named_parameters();
    for (const auto& item : from.named_parameters()) parameters[item.key()].copy_(item.value());
    auto buffers = to.named_buffers();
    for (const auto& item : from.named_buffers()) buffers[item.key()].copy_(item.value());
}

}  // namespace fra
