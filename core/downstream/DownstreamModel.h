#pragma once
#include "downstream/DownstreamDataset.h"
#include "model/ResNet.h"

#include <torch/torch.h>

namespace fra {

// Backbone + task head for downstream evaluation:
//  * multi-class: linear layer on the pooled features;
//  * multi-label: linear (probe) or the paper's C-512-256-A head with BN, ReLU, dropout (fine-tune);
//  * landmarks: a heatmap head on the last feature map (1x1 conv, two x2 upsampling 3x3 convs,
//    one map per landmark) decoded with soft-argmax into [0, 1] crop coordinates.
class DownstreamModelImpl : public torch::nn::Module {
public:
    DownstreamModelImpl(const std::string& arch, TaskKind task, int outputs, bool linearHead, double dropout, int headChannels = 256,
                        int outputStride = 32);

    torch::Tensor features(const torch::Tensor& images);  // B x C x h x w
    torch::Tensor head(const torch::Tensor& maps);        // logits B x outputs, or coordinates B x L x 2
    torch::Tensor forward(const torch::Tensor& images) { return head(features(images)); }
    torch::nn::Module& headModule() { return *headModule_; }

    ResNet backbone{nullptr};

private:
    TaskKind task_;
    torch::nn::Sequential headModule_{nullptr};
};
TORCH_MODULE(DownstreamModel);

// Soft-argmax: the expected (x, y) of a spatial softmax of each map, in [0, 1] (pixel centres).
torch::Tensor softArgmax(const torch::Tensor& maps);

}  // namespace fra
