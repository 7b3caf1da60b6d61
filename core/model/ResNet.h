#pragma once
#include <string>
#include <torch/nn/module.h>
#include "model/FraBatchNorm.h"
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

namespace fra {

// torchvision's ResNet-18/34/50 (v1.5: stride in the 3x3 conv), without the pooling and fc
// head: forward() returns the last feature map. Parameter and buffer names are torchvision's
// (conv1.weight, layer1.0.bn1.running_mean, layer2.0.downsample.1.weight, ...), so a state
// dict maps one to one in both directions.
class ResNetImpl : public torch::nn::Module {
public:
    // outputStride 32 is torchvision's; 16 removes layer4's stride and dilates its 3x3 convolutions
    // by 2, doubling the map's side. ResNet-50 follows torchvision's replace_stride_with_dilation
    // for the last stage (the stage's first block keeps dilation 1). torchvision has no dilated
    // BasicBlock; for ResNet-18/34 the first block keeps dilation 1 in conv1 (where its stride was)
    // and dilates conv2, the later blocks dilate both.
    explicit ResNetImpl(const std::string& arch, int outputStride = 32);
    torch::Tensor forward(torch::Tensor x);
    int outChannels() const { return outChannels_; }
    // Stores the 4-D weights channels-last (NHWC): oneDNN's CPU and cuDNN's tensor-core
    // convolutions are faster in that layout. Inputs should then be channels-last too.
    void toChannelsLast();

    static bool isKnownArch(const std::string& arch);

private:
    torch::nn::Conv2d conv1{nullptr};
    FraBatchNorm bn1{nullptr};
    torch::nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
    int outChannels_ = 0;
};
TORCH_MODULE(ResNet);

}  // namespace fra
