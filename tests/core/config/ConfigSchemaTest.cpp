#include "config/ConfigSchema.h"
#include "util/FraError.h"

#include "support/Errors.h"

#include <gtest/gtest.h>

using fra::ConfigSchema;
using fra::FraConfig;
using nlohmann::json;

namespace {
const ConfigSchema& schema() { return ConfigSchema::instance(); }

}  // namespace

TEST(ConfigSchema, DefaultsAreTheAuthorsCode) {
    const FraConfig c;
    EXPECT_EQ(c.model.numRegions, 8);
    EXPECT_EQ(c.model.decoderLayers, 2);
    EXPECT_FALSE(c.model.sharePixelRegionProjector);
    EXPECT_DOUBLE_EQ(c.loss.decorrelationWeight, 0.02);
    EXPECT_EQ(c.optim.cosineGranularity, "epoch");
    EXPECT_DOUBLE_EQ(c.loss.lambdaC, 0.5);
    EXPECT_DOUBLE_EQ(c.loss.lambdaR, 0.1);
    EXPECT_DOUBLE_EQ(c.data.view1.blurProbability, 1.0);
    EXPECT_DOUBLE_EQ(c.data.view2.solarizeProbability, 0.2);
    EXPECT_TRUE(schema().validate(FraConfig{}).empty());
}

TEST(ConfigSchema, JsonRoundTripKeepsEveryField) {
    FraConfig c;
    c.model.arch = "resnet18";
    c.model.numRegions = 32;
    c.data.mean = {0.1, 0.2, 0.3};
    c.run.seed = 12345678901ull;
    c.optim.cosineGranularity = "iteration";
    FraConfig back;
    schema().apply(back, schema().toJson(c), "test");
    EXPECT_EQ(schema().toJson(back), schema().toJson(c));
    EXPECT_EQ(back.run.seed, 12345678901ull);
    EXPECT_EQ(back.data.mean[2], 0.3);
}

TEST(ConfigSchema, DottedAndNestedKeysBothWork) {
    FraConfig c;
    schema().apply(c, json{{"model.num_regions", 16}, {"loss", {{"lambda_r", 0.5}}}}, "test");
    EXPECT_EQ(c.model.numRegions, 16);
    EXPECT_DOUBLE_EQ(c.loss.lambdaR, 0.5);
}

TEST(ConfigSchema, ErrorsNameTheSourceAndField) {
    FraConfig c;
    EXPECT_EQ(errorOf([&] { schema().apply(c, json{{"model", {{"num_regionz", 3}}}}, "my.json"); }),
              "my.json: unknown field 'model.num_regionz'");
    EXPECT_NE(errorOf([&] { schema().apply(c, json{{"model", {{"num_regions", "eight"}}}}, "my.json"); })
                  .find("my.json: field 'model.num_regions': expected an integer in [1, 256]"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { schema().apply(c, json{{"data", {{"flip_probability", 1.5}}}}, "f"); }).find("data.flip_probability"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { schema().apply(c, json{{"model", {{"arch", "vgg16"}}}}, "f"); }).find("'resnet18'"), std::string::npos);
    EXPECT_NE(errorOf([&] { schema().apply(c, json::array(), "f"); }).find("expected a JSON object"), std::string::npos);
}

TEST(ConfigSchema, AssignmentsParseEveryType) {
    FraConfig c;
    schema().applyAssignment(c, "model.arch=resnet34");
    schema().applyAssignment(c, "model.num_regions=64");
    schema().applyAssignment(c, "loss.lambda_c=0.25");
    schema().applyAssignment(c, "model.share_pixel_region_projector=true");
    schema().applyAssignment(c, "data.std=0.5,0.5,0.5");
    schema().applyAssignment(c, "run.seed=7");
    EXPECT_EQ(c.model.arch, "resnet34");
    EXPECT_EQ(c.model.numRegions, 64);
    EXPECT_DOUBLE_EQ(c.loss.lambdaC, 0.25);
    EXPECT_TRUE(c.model.sharePixelRegionProjector);
    EXPECT_DOUBLE_EQ(c.data.std[1], 0.5);
    EXPECT_EQ(c.run.seed, 7u);
    EXPECT_NE(errorOf([&] { schema().applyAssignment(c, "model.num_regions=8x"); }).find("expected an integer"), std::string::npos);
    EXPECT_NE(errorOf([&] { schema().applyAssignment(c, "model.num_regions"); }).find("expected key=value"), std::string::npos);
    EXPECT_NE(errorOf([&] { schema().applyAssignment(c, "nope=1"); }).find("unknown field 'nope'"), std::string::npos);
    EXPECT_NE(errorOf([&] { schema().applyAssignment(c, "data.std=1,2"); }).find("list of 3 numbers"), std::string::npos);
}

TEST(ConfigSchema, CrossFieldValidation) {
    FraConfig c;
    c.data.cropScaleMin = 0.9;
    c.data.cropScaleMax = 0.5;
    c.optim.warmupEpochs = 60;
    c.model.decoderHeads = 7;
    c.loss.localConsistency = false;
    c.run.precision = "bf16";
    std::set<std::string> keys;
    for (const auto& issue : schema().validate(c)) keys.insert(issue.key);
    EXPECT_EQ(keys, (std::set<std::string>{"data.crop_scale_min", "optim.warmup_epochs", "model.decoder_heads",
                                           "loss.semantic_relation", "run.precision"}));
    EXPECT_NE(errorOf([&] { schema().requireValid(c, "cfg"); }).find("cfg: field 'data.crop_scale_min'"), std::string::npos);
}

TEST(ConfigSchema, EveryFieldHasHelpAndARoundTrippingValue) {
    const FraConfig c;
    for (const auto& f : schema().fields()) {
        EXPECT_FALSE(f.help.empty()) << f.key;
        EXPECT_EQ(fra::checkFieldValue(f, f.get(c)), "") << f.key;
    }
}
