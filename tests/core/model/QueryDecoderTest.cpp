#include "config/FraConfig.h"
#include "model/QueryDecoder.h"

#include <cmath>
#include <gtest/gtest.h>

TEST(QueryDecoder, SinePositionEncodingMatchesDetr) {
    const auto pos = fra::sinePositionEncoding(3, 4, 8, torch::TensorOptions());
    ASSERT_EQ(pos.sizes(), torch::IntArrayRef({16, 3, 4}));
    const double scale = 2 * M_PI, eps = 1e-6;
    // y features come first: channel 0 = sin(y / 10000^(0/8)), channel 1 = cos(y / 10000^(0/8)),
    // channel 2 = sin(y / 10000^(2/8)); x features from channel 8 on.
    const double y = 2.0 / (3 + eps) * scale, x = 3.0 / (4 + eps) * scale;  // row 1, column 2 (1-based cumsums 2 and 3)
    EXPECT_NEAR(pos[0][1][2].item<double>(), std::sin(y), 1e-5);
    EXPECT_NEAR(pos[1][1][2].item<double>(), std::cos(y), 1e-5);
    EXPECT_NEAR(pos[2][1][2].item<double>(), std::sin(y / std::pow(10000.0, 2.0 / 8)), 1e-5);
    EXPECT_NEAR(pos[8][1][2].item<double>(), std::sin(x), 1e-5);
    EXPECT_NEAR(pos[15][1][2].item<double>(), std::cos(x / std::pow(10000.0, 6.0 / 8)), 1e-5);
}

TEST(QueryDecoder, ShapesForEveryDepthAndGradientsReachTheQueries) {
    for (int layers : {0, 1, 2, 3}) {
        fra::ModelConfig c;
        c.numRegions = 5;
        c.embedDim = 32;
        c.decoderHeads = 4;
        c.decoderFeedForward = 16;
        c.decoderLayers = layers;
        fra::QueryDecoder decoder(64, c);
        const auto e = decoder->forward(torch::randn({3, 64, 4, 4}));
        ASSERT_EQ(e.sizes(), torch::IntArrayRef({3, 5, 32})) << layers;
        e.pow(2).sum().backward();
        const auto params = decoder->named_parameters();
        EXPECT_GT(params["query_embed.weight"].grad().abs().sum().item<double>(), 0) << layers;
        if (layers > 0) {
            EXPECT_GT(params["input_proj.weight"].grad().abs().sum().item<double>(), 0);
            EXPECT_TRUE(params.contains("layers." + std::to_string(layers - 1) + ".cross_attn.in_proj_weight"));
        } else {
            EXPECT_FALSE(params.contains("input_proj.weight"));
        }
    }
}

TEST(QueryDecoder, EmbeddingsDependOnTheImageWhenThereAreLayers) {
    fra::ModelConfig c;
    c.embedDim = 32;
    c.decoderHeads = 4;
    c.decoderDropout = 0;
    fra::QueryDecoder decoder(16, c);
    decoder->eval();
    torch::NoGradGuard noGrad;
    const auto e = decoder->forward(torch::randn({2, 16, 3, 3}));
    EXPECT_GT((e[0] - e[1]).abs().max().item<double>(), 1e-4);
    EXPECT_GT((e[0][0] - e[0][1]).abs().max().item<double>(), 1e-4);  // queries differ from each other
}

namespace {
fra::ModelConfig decoderConfig(const std::string& queryInit) {
    fra::ModelConfig c;
    c.numRegions = 6;
    c.embedDim = 32;
    c.decoderHeads = 4;
    c.decoderFeedForward = 16;
    c.decoderDropout = 0;
    c.decoderLayers = 1;
    c.queryInit = queryInit;
    return c;
}
// mean pairwise cosine of the K outputs of one image (K x d)
double meanCosine(const torch::Tensor& e) {
    const auto n = torch::nn::functional::normalize(e, torch::nn::functional::NormalizeFuncOptions().dim(-1));
    const auto k = e.size(0);
    return ((torch::matmul(n, n.t()).sum() - k) / double(k * (k - 1))).item<double>();
}
}  // namespace

TEST(QueryDecoder, ZeroQueriesGiveEveryQueryTheSameFirstSelfAttentionOutput) {
    // The authors' decoder (DETR): the first layer's input is zero, so self-attention's value path
    // sees zeros and its output is the same bias for every query. After the first LayerNorm the K
    // queries are identical; they differ afterwards only through the query embedding added to the
    // cross-attention's queries, which is why their outputs start nearly identical.
    torch::manual_seed(3);
    fra::QueryDecoder decoder(16, decoderConfig("zeros"));
    decoder->eval();
    EXPECT_FALSE(decoder->named_parameters().contains("query_feat.weight"));
    torch::NoGradGuard noGrad;
    auto& layer = *decoder->named_children()["layers"]->children()[0];
    auto& selfAttn = *layer.named_children()["self_attn"]->as<torch::nn::MultiheadAttentionImpl>();
    const auto q = decoder->named_parameters()["query_embed.weight"].unsqueeze(1);  // K x 1 x d
    const auto out = std::get<0>(selfAttn.forward(q, q, torch::zeros_like(q)));
    for (int k = 1; k < 6; ++k) EXPECT_TRUE(torch::allclose(out[k], out[0], 1e-6, 1e-6)) << k;
}

TEST(QueryDecoder, LearnedQueryFeaturesMakeTheOutputsDifferAtInitialisation) {
    // the spec's decoder (d 256, 8 heads, 2 layers, K = 8) over a ResNet-18 map of 7 x 7
    const auto images = torch::relu(torch::randn({4, 512, 7, 7}));
    double cosine[2];
    int i = 0;
    for (const char* init : {"zeros", "learned"}) {
        torch::manual_seed(3);
        fra::ModelConfig c;
        c.decoderDropout = 0;
        c.queryInit = init;
        fra::QueryDecoder decoder(512, c);
        decoder->eval();
        torch::NoGradGuard noGrad;
        cosine[i++] = meanCosine(decoder->forward(images).mean(0));  // the batch mean, as training uses
    }
    EXPECT_GT(cosine[0], 0.97);  // zeros: the K embeddings start almost identical
    EXPECT_LT(cosine[1], 0.9);   // learned: they start apart
    EXPECT_LT(cosine[1], cosine[0] - 0.1);
    torch::manual_seed(3);
    fra::QueryDecoder learned(16, decoderConfig("learned"));
    const auto params = learned->named_parameters();
    ASSERT_TRUE(params.contains("query_feat.weight"));
    EXPECT_EQ(params["query_feat.weight"].sizes(), torch::IntArrayRef({6, 32}));
    learned->forward(torch::randn({4, 16, 7, 7})).pow(2).sum().backward();
    EXPECT_GT(params["query_feat.weight"].grad().abs().sum().item<double>(), 0);
    EXPECT_GT(params["layers.0.self_attn.in_proj_weight"].grad().abs().sum().item<double>(), 0);
}
