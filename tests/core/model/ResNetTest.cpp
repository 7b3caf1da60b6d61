#include "model/ResNet.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace {
std::int64_t countParameters(fra::ResNet& net) {
    std::int64_t n = 0;
    for (const auto& p : net->parameters()) n += p.numel();
    return n;
}
}  // namespace

TEST(ResNet, TorchvisionSizesNamesAndShapes) {
    // torchvision totals minus the fc layer: resnet18 11,689,512 - 513,000; resnet50 25,557,032 - 2,049,000
    fra::ResNet r18("resnet18"), r34("resnet34"), r50("resnet50");
    EXPECT_EQ(countParameters(r18), 11176512);
    EXPECT_EQ(countParameters(r34), 21284672);
    EXPECT_EQ(countParameters(r50), 23508032);
    const auto params = r50->named_parameters();
    const auto buffers = r50->named_buffers();
    for (const char* key : {"conv1.weight", "bn1.bias", "layer1.0.conv3.weight", "layer2.0.downsample.0.weight",
                            "layer2.0.downsample.1.weight", "layer4.2.bn3.weight"})
        EXPECT_TRUE(params.contains(key)) << key;
    for (const char* key : {"bn1.running_mean", "layer3.5.bn2.running_var", "layer4.0.downsample.1.num_batches_tracked"})
        EXPECT_TRUE(buffers.contains(key)) << key;
    EXPECT_EQ(params["layer2.0.conv2.weight"].sizes(), torch::IntArrayRef({128, 128, 3, 3}));
    // v1.5: the stride sits in the 3x3 conv, not the first 1x1
    EXPECT_TRUE(r18->named_parameters().contains("layer1.1.conv2.weight"));
    EXPECT_FALSE(r18->named_parameters().contains("layer1.0.downsample.0.weight"));
    EXPECT_EQ(r50->outChannels(), 2048);
    EXPECT_EQ(r18->outChannels(), 512);
    r50->eval();
    torch::NoGradGuard noGrad;
    EXPECT_EQ(r50->forward(torch::randn({1, 3, 224, 224})).sizes(), torch::IntArrayRef({1, 2048, 7, 7}));
    EXPECT_EQ(r18->forward(torch::randn({2, 3, 112, 112})).sizes(), torch::IntArrayRef({2, 512, 4, 4}));
}

TEST(ResNet, OutputStrides16And8KeepTheWeightsAndEnlargeTheMap) {
    torch::manual_seed(0);
    fra::ResNet os32("resnet18"), os16("resnet18", 16);
    EXPECT_EQ(countParameters(os16), countParameters(os32));  // same torchvision weights, loadable either way
    const auto a = os32->named_parameters(), b = os16->named_parameters();
    for (const auto& item : a) EXPECT_EQ(item.value().sizes(), b[item.key()].sizes()) << item.key();
    os16->eval();
    torch::NoGradGuard noGrad;
    EXPECT_EQ(os16->forward(torch::randn({2, 3, 112, 112})).sizes(), torch::IntArrayRef({2, 512, 7, 7}));
    fra::ResNet r50("resnet50", 16);
    r50->eval();
    EXPECT_EQ(r50->forward(torch::randn({1, 3, 224, 224})).sizes(), torch::IntArrayRef({1, 2048, 14, 14}));
    EXPECT_THROW(fra::ResNet("resnet18", 4), std::exception);
    // the stride became dilation in layer4 only
    auto dilation = [](fra::ResNet& net, const std::string& conv) {
        for (const auto& m : net->named_modules())
            if (m.key() == conv) return m.value()->as<torch::nn::Conv2dImpl>()->options.dilation()->at(0);
        return std::int64_t(-1);
    };
    auto stride = [](fra::ResNet& net, const std::string& conv) {
        for (const auto& m : net->named_modules())
            if (m.key() == conv) return m.value()->as<torch::nn::Conv2dImpl>()->options.stride()->at(0);
        return std::int64_t(-1);
    };
    EXPECT_EQ(stride(os16, "layer4.0.conv1"), 1);
    EXPECT_EQ(stride(os32, "layer4.0.conv1"), 2);
    EXPECT_EQ(dilation(os16, "layer4.0.conv1"), 1);
    EXPECT_EQ(dilation(os16, "layer4.0.conv2"), 2);
    EXPECT_EQ(dilation(os16, "layer4.1.conv1"), 2);
    EXPECT_EQ(dilation(os16, "layer3.1.conv2"), 1);
    EXPECT_EQ(stride(r50, "layer4.0.conv2"), 1);
    EXPECT_EQ(dilation(r50, "layer4.0.conv2"), 1);  // torchvision: the first block keeps the previous dilation
    EXPECT_EQ(dilation(r50, "layer4.2.conv2"), 2);

    // output stride 8: layer3 dilated 2, layer4 dilated 4 (its first block keeps layer3's 2), as
    // torchvision's replace_stride_with_dilation=[False, True, True]; 14x14 at 112 px, same weights
    fra::ResNet os8("resnet18", 8);
    EXPECT_EQ(countParameters(os8), countParameters(os32));
    os8->eval();
    EXPECT_EQ(os8->forward(torch::randn({1, 3, 112, 112})).sizes(), torch::IntArrayRef({1, 512, 14, 14}));
    EXPECT_EQ(stride(os8, "layer3.0.conv1"), 1);
    EXPECT_EQ(dilation(os8, "layer3.0.conv1"), 1);
    EXPECT_EQ(dilation(os8, "layer3.0.conv2"), 2);
    EXPECT_EQ(dilation(os8, "layer4.0.conv1"), 2);
    EXPECT_EQ(dilation(os8, "layer4.0.conv2"), 4);
    EXPECT_EQ(dilation(os8, "layer4.1.conv1"), 4);
    fra::ResNet r50os8("resnet50", 8);
    EXPECT_EQ(dilation(r50os8, "layer4.0.conv2"), 2);
    EXPECT_EQ(dilation(r50os8, "layer4.1.conv2"), 4);
}
