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
