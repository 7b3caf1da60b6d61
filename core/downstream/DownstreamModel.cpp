#include "downstream/DownstreamModel.h"

namespace nn = torch::nn;

namespace fra {

torch::Tensor softArgmax(const torch::Tensor& maps) {
    const auto b = maps.size(0), l = maps.size(1), h = maps.size(2), w = maps.size(3);
    const torch::Tensor p = torch::softmax(maps.reshape({b, l, h * w}).to(torch::kFloat32), -1).reshape({b, l, h, w});
    const torch::Tensor xs = (torch::arange(w, p.options()) + 0.5) / static_cast<double>(w);
    const torch::Tensor ys = (torch::arange(h, p.options()) + 0.5) / static_cast<double>(h);
    const torch::Tensor x = (p.sum(2) * xs).sum(-1);  // B x L
    const torch::Tensor y = (p.sum(3) * ys).sum(-1);
    return torch::stack({x, y}, -1);
}

DownstreamModelImpl::DownstreamModelImpl(const std::string& arch, TaskKind task, int outputs, bool linearHead, double dropout,
                                         int headChannels, int outputStride)
    : task_(task) {
    backbone = register_module("backbone", ResNet(arch, outputStride));
    const int c = backbone->outChannels();
    nn::Sequential head;
    if (task == TaskKind::Landmarks) {
        auto convBnRelu = [&](int in, int out, int k) {
            head->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, k).padding(k / 2).bias(false)));
            head->push_back(nn::BatchNorm2d(out));
            head->push_back(nn::ReLU());
        };
        convBnRelu(c, headChannels, 1);
        for (int i = 0; i < 2; ++i) {
            head->push_back(nn::Upsample(nn::UpsampleOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kBilinear).align_corners(false)));
            convBnRelu(headChannels, headChannels, 3);
        }
        head->push_back(nn::Conv2d(nn::Conv2dOptions(headChannels, outputs / 2, 1)));
    } else if (task == TaskKind::MultiLabel && !linearHead) {
        head->push_back(nn::Linear(c, 512));
        head->push_back(nn::BatchNorm1d(512));
        head->push_back(nn::ReLU());
        head->push_back(nn::Dropout(dropout));
        head->push_back(nn::Linear(512, 256));
        head->push_back(nn::BatchNorm1d(256));
        head->push_back(nn::ReLU());
        head->push_back(nn::Dropout(dropout));
        head->push_back(nn::Linear(256, outputs));
    } else {
        head->push_back(nn::Linear(c, outputs));
    }
    headModule_ = register_module("head", head);
}

torch::Tensor DownstreamModelImpl::features(const torch::Tensor& images) { return backbone->forward(images); }

torch::Tensor DownstreamModelImpl::head(const torch::Tensor& maps) {
    if (task_ == TaskKind::Landmarks) return softArgmax(headModule_->forward(maps));
    const torch::Tensor pooled = maps.dim() == 4 ? maps.mean({2, 3}) : maps;
    return headModule_->forward(pooled);
}

}  // namespace fra
