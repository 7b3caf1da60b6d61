#pragma once
#include "model/FraBatchNorm.h"

#include <torch/torch.h>

namespace fra {

// The FRA/BYOL neck: Conv1d(in, hidden, 1, no bias) - BatchNorm1d - ReLU - Conv1d(hidden, out, 1,
// no bias) over (B, C, L) tensors (L = 1 pooled, L = H*W pixels, L = K regions). Parameters are
// named like the authors' MLP1D (mlp.0.weight, mlp.1.running_mean, mlp.3.weight).
class Mlp1dImpl : public torch::nn::Module {
public:
    Mlp1dImpl(int in, int hidden, int out);
    torch::Tensor forward(const torch::Tensor& x);

private:
    torch::nn::Conv1d fc1{nullptr}, fc2{nullptr};
    FraBatchNorm bn{nullptr};
};
TORCH_MODULE(Mlp1d);

}  // namespace fra
