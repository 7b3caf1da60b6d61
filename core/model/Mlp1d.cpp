#include "model/Mlp1d.h"

namespace nn = torch::nn;

namespace fra {

Mlp1dImpl::Mlp1dImpl(int in, int hidden, int out) {
    fc1 = nn::Conv1d(nn::Conv1dOptions(in, hidden, 1).bias(false));
    bn = FraBatchNorm(hidden);
    fc2 = nn::Conv1d(nn::Conv1dOptions(hidden, out, 1).bias(false));
    nn::Sequential mlp(fc1, bn, nn::ReLU(), fc2);
    register_module("mlp", mlp);
    // The authors' initialisation: kaiming normal (fan_out) for the 1x1 convs, BN at 1 and 0.
    nn::init::kaiming_normal_(fc1->weight, 0.0, torch::kFanOut, torch::kReLU);
    nn::init::kaiming_normal_(fc2->weight, 0.0, torch::kFanOut, torch::kReLU);
}

torch::Tensor Mlp1dImpl::forward(const torch::Tensor& x) {
    // A 1x1 Conv1d is one matrix product over all B*L positions, and BatchNorm1d over (B, C, L)
    // has the same statistics as over the (B*L, C) rows: two GEMMs instead of the convolution
    // machinery, same result.
    const auto batch = x.size(0), length = x.size(2);
    const torch::Tensor rows = x.transpose(1, 2).reshape({batch * length, x.size(1)});
    torch::Tensor h = torch::relu(bn(torch::mm(rows, fc1->weight.squeeze(-1).t())));
    h = torch::mm(h, fc2->weight.squeeze(-1).t());
    return h.view({batch, length, h.size(1)}).transpose(1, 2);
}

}  // namespace fra
