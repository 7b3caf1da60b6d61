#include "model/CrossRankOps.h"
#include "loss/CrossViewAlignment.h"
#include "loss/FraLosses.h"
#include "model/FraModel.h"
#include "optim/ParameterGroups.h"

#include <gtest/gtest.h>

namespace {
fra::FraConfig tinyConfig() {
    fra::FraConfig c;
    c.model.arch = "resnet18";
    c.model.hiddenDim = 64;
    c.model.embedDim = 32;
    c.model.decoderHeads = 4;
    c.model.numRegions = 4;
    return c;
}
const fra::CrossRankOps& one() { return fra::CrossRankOps::singleProcess(); }
}  // namespace

TEST(FraModel, HeatmapsAreASoftmaxOverRegionsAndShapesFit) {
    torch::manual_seed(0);
    fra::FraModel model(tinyConfig());
    const auto out = model->online->forwardTraining(torch::randn({3, 3, 64, 64}), one());
    ASSERT_EQ(out.heatmaps.sizes(), torch::IntArrayRef({3, 4, 2, 2}));
    ASSERT_EQ(out.dots.sizes(), torch::IntArrayRef({3, 4, 2, 2}));
    ASSERT_EQ(out.regions.sizes(), torch::IntArrayRef({3, 4, 32}));
    ASSERT_EQ(out.global.sizes(), torch::IntArrayRef({3, 32}));
    const auto sums = out.heatmaps.sum(1);
    EXPECT_TRUE(torch::allclose(sums, torch::full_like(sums, 1.0 + 4 * 1e-7), 1e-5, 1e-6));
    EXPECT_LE(out.dots.abs().max().item<double>(), 1.0 + 1e-5);  // cosines
    // every image shares the batch-mean mask embeddings in training
    model->online->eval();
    torch::NoGradGuard noGrad;
    const auto inference = model->online->forwardInference(torch::randn({2, 3, 64, 64}));
    const auto s2 = inference.heatmaps.sum(1);
    EXPECT_TRUE(torch::allclose(s2, torch::full_like(s2, 1.0 + 4 * 1e-7), 1e-5, 1e-6));
}

TEST(FraModel, GradientsReachOnlineParametersAndNeverTheMomentumBranch) {
    torch::manual_seed(1);
    fra::FraModel model(tinyConfig());
    const auto terms = model->forward(torch::randn({4, 3, 64, 64}), torch::randn({4, 3, 64, 64}), one());
    EXPECT_GT(terms.lossR.item<double>(), 0);
    EXPECT_GT(terms.lossL.item<double>(), 0);
    terms.total.backward();
    int withGrad = 0;
    for (const auto& item : model->named_parameters()) {
        const bool isMomentum = item.key().rfind("momentum.", 0) == 0;
        if (isMomentum) {
            EXPECT_FALSE(item.value().requires_grad()) << item.key();
            EXPECT_FALSE(item.value().grad().defined()) << item.key();
            continue;
        }
        ASSERT_TRUE(item.value().grad().defined()) << item.key();
        // As in DETR, the first decoder layer's self-attention sees all-zero queries, so its
        // value path (and the LayerNorm after it) has an exactly zero gradient at initialisation.
        const bool firstSelfAttention = item.key().find("decoder.layers.0.self_attn") != std::string::npos ||
                                        item.key().find("decoder.layers.0.norm1.weight") != std::string::npos;
        if (!firstSelfAttention) EXPECT_GT(item.value().grad().abs().sum().item<double>(), 0) << item.key();
        ++withGrad;
    }
    EXPECT_GT(withGrad, 100);
}

TEST(FraModel, MomentumBranchStartsAsACopyAndFollowsTheEma) {
    torch::manual_seed(2);
    fra::FraModel model(tinyConfig());
    auto online = model->online->named_parameters();
    auto momentum = model->momentum->named_parameters();
    for (const auto& item : online) EXPECT_TRUE(torch::equal(item.value(), momentum[item.key()])) << item.key();
    {
        torch::NoGradGuard noGrad;
        for (auto& p : model->online->parameters()) p.add_(torch::randn_like(p));
    }
    std::map<std::string, torch::Tensor> before;
    for (const auto& item : momentum) before[item.key()] = item.value().clone();
    model->updateMomentumBranch(0.9);
    for (const auto& item : online) {
        const auto expected = 0.9 * before[item.key()] + 0.1 * item.value();
        EXPECT_TRUE(torch::allclose(momentum[item.key()], expected, 1e-5, 1e-6)) << item.key();
    }
}

TEST(FraModel, ProtoIsAnEmaOfTrainingBatchMeansOnly) {
    torch::manual_seed(3);
    fra::FraConfig c = tinyConfig();
    c.model.decoderDropout = 0;
    fra::FraModel model(c);
    auto proto = model->online->named_buffers()["proto"];
    const auto before = proto.clone();
    const auto images = torch::randn({2, 3, 64, 64});
    model->online->eval();
    {
        torch::NoGradGuard noGrad;
        model->online->forwardInference(images);
    }
    EXPECT_TRUE(torch::equal(proto, before));
    model->online->train();
    model->online->forwardTraining(images, one());
    EXPECT_FALSE(torch::equal(proto, before));
}

TEST(FraModel, AblationsChangeTheArchitectureAndTheLoss) {
    fra::FraConfig byol = tinyConfig();
    byol.loss.localConsistency = false;
    byol.loss.semanticRelation = false;
    fra::FraModel gc(byol);
    for (const auto& item : gc->named_parameters()) {
        EXPECT_EQ(item.key().find("decoder"), std::string::npos) << item.key();
        EXPECT_EQ(item.key().find("region"), std::string::npos) << item.key();
    }
    const auto t = gc->forward(torch::randn({2, 3, 64, 64}), torch::randn({2, 3, 64, 64}), one());
    EXPECT_DOUBLE_EQ(t.lossR.item<double>(), 0.0);
    EXPECT_NEAR(t.total.item<double>(), t.lossG.item<double>(), 1e-6);  // BYOL: L = sum of global terms

    fra::FraConfig paper = tinyConfig();
    paper.model.sharePixelRegionProjector = true;
    fra::FraModel shared(paper);
    for (const auto& item : shared->named_parameters()) EXPECT_EQ(item.key().find("pixel_projector"), std::string::npos);

    fra::FraConfig noSr = tinyConfig();
    noSr.loss.semanticRelation = false;
    fra::FraModel lc(noSr);
    const auto t2 = lc->forward(torch::randn({2, 3, 64, 64}), torch::randn({2, 3, 64, 64}), one());
    EXPECT_DOUBLE_EQ(t2.lossR.item<double>(), 0.0);
    EXPECT_NEAR(t2.total.item<double>(), 0.5 * t2.lossG.item<double>() + 0.5 * t2.lossL.item<double>(), 1e-5);
}

TEST(FraModel, ForwardReportsRegionDiagnosticsOfTheOnlineBranch) {
    torch::manual_seed(6);
    fra::FraConfig c = tinyConfig();
    c.model.decoderDropout = 0;  // deterministic, so the branch can be re-run below
    fra::FraModel model(c);
    const auto v1 = torch::randn({3, 3, 64, 64}), v2 = torch::randn({3, 3, 64, 64});
    const auto terms = model->forward(v1, v2, one());
    ASSERT_TRUE(terms.regionCosine.defined());
    ASSERT_TRUE(terms.heatmapEntropy.defined());
    EXPECT_EQ(terms.regionCosine.dim(), 0);
    EXPECT_FALSE(terms.regionCosine.requires_grad());
    EXPECT_FALSE(terms.heatmapEntropy.requires_grad());
    const double cosine = terms.regionCosine.item<double>(), entropy = terms.heatmapEntropy.item<double>();
    EXPECT_GE(cosine, -1.0 - 1e-6);
    EXPECT_LE(cosine, 1.0 + 1e-6);
    EXPECT_GE(entropy, 0.0);
    EXPECT_LE(entropy, 1.0 + 1e-6);
    // the values are those of the online branch's batch-mean embeddings and student assignments
    const auto o1 = model->online->forwardTraining(v1, one()), o2 = model->online->forwardTraining(v2, one());
    ASSERT_EQ(o1.maskEmbeddings.sizes(), torch::IntArrayRef({4, 32}));
    const double expectedCosine =
        0.5 * (fra::meanPairwiseCosine(o1.maskEmbeddings) + fra::meanPairwiseCosine(o2.maskEmbeddings)).item<double>();
    const double expectedEntropy = 0.5 * (fra::normalisedAssignmentEntropy(o1.dots, 0.1) +
                                          fra::normalisedAssignmentEntropy(o2.dots, 0.1)).item<double>();
    EXPECT_NEAR(cosine, expectedCosine, 1e-5);
    EXPECT_NEAR(entropy, expectedEntropy, 1e-5);

    fra::FraConfig byol = tinyConfig();
    byol.loss.localConsistency = false;
    byol.loss.semanticRelation = false;
    fra::FraModel gc(byol);
    const auto t = gc->forward(torch::randn({2, 3, 64, 64}), torch::randn({2, 3, 64, 64}), one());
    EXPECT_FALSE(t.regionCosine.defined());  // no regions, nothing to report
    EXPECT_FALSE(t.heatmapEntropy.defined());
}

TEST(FraModel, LarsExcludesBatchNormAndBiasesOnly) {
    fra::FraModel model(tinyConfig());
    const fra::ParameterSplit split = fra::splitForLars(*model);
    const std::set<std::string> excluded(split.excludedNames.begin(), split.excludedNames.end());
    const std::set<std::string> adapted(split.adaptedNames.begin(), split.adaptedNames.end());
    for (const char* name : {"online.backbone.bn1.weight", "online.backbone.layer1.0.bn2.bias",
                             "online.backbone.layer2.0.downsample.1.weight", "online.global_projector.mlp.1.weight",
                             "region_predictor.mlp.1.bias", "online.decoder.input_proj.bias",
                             "online.decoder.layers.0.self_attn.in_proj_bias", "online.decoder.mask_embed.2.bias"})
        EXPECT_TRUE(excluded.count(name)) << name;
    for (const char* name : {"online.backbone.conv1.weight", "online.backbone.layer2.0.downsample.0.weight",
                             "online.global_projector.mlp.0.weight", "global_predictor.mlp.3.weight",
                             "online.decoder.query_embed.weight", "online.decoder.layers.1.norm2.weight"})
        EXPECT_TRUE(adapted.count(name)) << name;
    for (const auto& n : split.adaptedNames) EXPECT_NE(n.rfind("momentum.", 0), 0u) << n;
    for (const auto& n : split.excludedNames) EXPECT_NE(n.rfind("momentum.", 0), 0u) << n;
    EXPECT_EQ(split.adapted.size() + split.excluded.size(), model->trainableParameters().size());
}

// loss.relation_targets = other_view: view 1's online assignment learns view 2's momentum
// assignment read at view 1's cells (and the other way round), with asymmetric crops so that a
// swapped pairing or a swapped grid gives another number.
TEST(FraModel, OtherViewRelationPairsEachOnlineViewWithTheOtherMomentumViewThroughItsCrops) {
    torch::manual_seed(8);
    fra::FraConfig c = tinyConfig();
    c.model.decoderDropout = 0;  // two forwards of the same views must agree
    c.loss.relationTargets = "other_view";
    fra::FraModel model(c);
    const torch::Tensor x1 = torch::randn({2, 3, 96, 96}), x2 = torch::randn({2, 3, 96, 96});
    fra::ViewParams a, b;
    a.cropX = 0, a.cropY = 10, a.cropWidth = 150, a.cropHeight = 140;
    b.cropX = 40, b.cropY = 0, b.cropWidth = 100, b.cropHeight = 120, b.flip = true;
    const torch::Tensor crops = fra::viewCrops({a, b}, {b, a}, torch::kCPU);
    EXPECT_THROW(model->forward(x1, x2, one()), std::exception);  // the crops are needed
    const double lossR = model->forward(x1, x2, one(), crops).lossR.item<double>();

    torch::NoGradGuard noGrad;
    const auto o1 = model->online->forwardTraining(x1, one()), o2 = model->online->forwardTraining(x2, one());
    const auto t1 = model->momentum->forwardTraining(x1, one()), t2 = model->momentum->forwardTraining(x2, one());
    const auto h = o1.dots.size(2), w = o1.dots.size(3);
    const auto [grid12, inside12] = fra::crossViewGrid(crops, 0, 1, h, w);
    const auto [grid21, inside21] = fra::crossViewGrid(crops, 1, 0, h, w);
    const auto across = [&](const torch::Tensor& online, const torch::Tensor& momentum, const torch::Tensor& grid, const torch::Tensor& inside) {
        return fra::semanticRelationAcrossViews(online, momentum, grid, inside, c.loss, one()).item<double>();
    };
    EXPECT_NEAR(lossR, 0.5 * (across(o1.dots, t2.dots, grid12, inside12) + across(o2.dots, t1.dots, grid21, inside21)), 1e-5);
    EXPECT_GT(std::abs(lossR - 0.5 * (across(o1.dots, t2.dots, grid21, inside21) + across(o2.dots, t1.dots, grid12, inside12))), 1e-4);
    EXPECT_GT(std::abs(lossR - 0.5 * (across(o1.dots, t1.dots, grid12, inside12) + across(o2.dots, t2.dots, grid21, inside21))), 1e-4);
}
