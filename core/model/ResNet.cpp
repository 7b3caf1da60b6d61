#include "model/ResNet.h"

#include "model/FraBatchNorm.h"
#include "util/FraError.h"

#include <torch/torch.h>

namespace nn = torch::nn;

namespace fra {
namespace {

nn::Conv2d conv(int in, int out, int kernel, int stride, int dilation = 1) {
    return nn::Conv2d(
        nn::Conv2dOptions(in, out, kernel).stride(stride).padding(dilation * (kernel / 2)).dilation(dilation).bias(false));
}

// Residual blocks; `expansion` 1 = BasicBlock (ResNet-18/34), 4 = Bottleneck (ResNet-50).
// `firstDilation` applies to the block's first 3x3 convolution, `dilation` to the others
// (torchvision's dilated stage: the stage's first block keeps the previous dilation there).
class BlockImpl : public nn::Module {
public:
    BlockImpl(int inPlanes, int planes, int stride, bool bottleneck, int firstDilation = 1, int dilation = 1)
        : bottleneck_(bottleneck) {
        const int expansion = bottleneck ? 4 : 1;
        if (bottleneck) {
            conv1_ = register_module("conv1", conv(inPlanes, planes, 1, 1));
            bn1_ = register_module("bn1", FraBatchNorm(planes));
            conv2_ = register_module("conv2", conv(planes, planes, 3, stride, firstDilation));
            bn2_ = register_module("bn2", FraBatchNorm(planes));
            conv3_ = register_module("conv3", conv(planes, planes * expansion, 1, 1));
            bn3_ = register_module("bn3", FraBatchNorm(planes * expansion));
        } else {
            conv1_ = register_module("conv1", conv(inPlanes, planes, 3, stride, firstDilation));
            bn1_ = register_module("bn1", FraBatchNorm(planes));
            conv2_ = register_module("conv2", conv(planes, planes, 3, 1, dilation));
            bn2_ = register_module("bn2", FraBatchNorm(planes));
        }
        if (stride != 1 || inPlanes != planes * expansion) {
            downsample_ = register_module(
                "downsample", nn::Sequential(conv(inPlanes, planes * expansion, 1, stride), FraBatchNorm(planes * expansion)));
        }
    }

    torch::Tensor forward(const torch::Tensor& x) {
        torch::Tensor out = torch::relu(bn1_(conv1_(x)));
        out = bn2_(conv2_(out));
        if (bottleneck_) out = bn3_(conv3_(torch::relu(out)));
        const torch::Tensor identity = downsample_ ? downsample_->forward(x) : x;
        return torch::relu(out + identity);
    }

private:
    bool bottleneck_;
    nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
    FraBatchNorm bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
    nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(Block);

struct ArchSpec {
    std::array<int, 4> blocks;
    bool bottleneck;
};

ArchSpec specFor(const std::string& arch) {
    if (arch == "resnet18") return {{2, 2, 2, 2}, false};
    if (arch == "resnet34") return {{3, 4, 6, 3}, false};
    if (arch == "resnet50") return {{3, 4, 6, 3}, true};
    throw FraError("unknown backbone '" + arch + "' (resnet18, resnet34, resnet50)");
}

}  // namespace

bool ResNetImpl::isKnownArch(const std::string& arch) {
    return arch == "resnet18" || arch == "resnet34" || arch == "resnet50";
}

ResNetImpl::ResNetImpl(const std::string& arch, int outputStride) {
    if (outputStride != 32 && outputStride != 16 && outputStride != 8)
        throw FraError("output stride " + std::to_string(outputStride) + " is not supported (32, 16 or 8)");
    const ArchSpec spec = specFor(arch);
    const int expansion = spec.bottleneck ? 4 : 1;
    conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)));
    bn1 = register_module("bn1", FraBatchNorm(64));
    int inPlanes = 64;
    int dilation = 1;  // torchvision's replace_stride_with_dilation: a dilated stage's first block keeps the previous dilation
    auto makeLayer = [&](int planes, int blocks, int stride, bool dilate = false) {
        const int previous = dilation;
        if (dilate) {
            dilation *= stride;  // the stride becomes dilation
            stride = 1;
        }
        nn::Sequential layer;
        for (int i = 0; i < blocks; ++i) {
            layer->push_back(std::to_string(i),
                             Block(inPlanes, planes, i == 0 ? stride : 1, spec.bottleneck, i == 0 ? previous : dilation, dilation));
            inPlanes = planes * expansion;
        }
        return layer;
    };
    layer1 = register_module("layer1", makeLayer(64, spec.blocks[0], 1));
    layer2 = register_module("layer2", makeLayer(128, spec.blocks[1], 2));
    layer3 = register_module("layer3", makeLayer(256, spec.blocks[2], 2, /*dilate=*/outputStride == 8));
    layer4 = register_module("layer4", makeLayer(512, spec.blocks[3], 2, /*dilate=*/outputStride <= 16));
    outChannels_ = 512 * expansion;

    // torchvision's initialisation
    for (auto& module : modules(/*include_self=*/false)) {
        if (auto* c = module->as<nn::Conv2d>()) {
            nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
        }  // FraBatchNorm starts at weight 1, bias 0 like torchvision's
    }
}

void ResNetImpl::toChannelsLast() {
    torch::NoGradGuard noGrad;
    for (auto& p : parameters())
        if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
}

torch::Tensor ResNetImpl::forward(torch::Tensor x) {
    x = torch::relu(bn1(conv1(x)));
    x = torch::max_pool2d(x, 3, 2, 1);
    return layer4->forward(layer3->forward(layer2->forward(layer1->forward(x))));
}

}  // namespace fra
