#pragma once
#include <torch/torch.h>

namespace fra {

// Copies every parameter and buffer of `from` into the same-named tensor of `to` (same structure;
// any device or memory layout), without recording gradients.
void copyParametersAndBuffers(const torch::nn::Module& from, torch::nn::Module& to);

}  // namespace fra
