#include "config/ConfigSchema.h"
#include "config/FieldPresentation.h"
#include "util/FraError.h"
#ifndef FRA_NO_OPENCV
#include "downstream/EvalSchema.h"
#endif

#include "support/Errors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

using fra::ConfigSchema;
using fra::FraConfig;
using nlohmann::json;

namespace {
const ConfigSchema& schema() { return ConfigSchema::instance(); }

// Every field of `s` has a human label, a group of `groups` and one help text naming its key,
// range and reference; the presentation `table` has no entry for a field that is gone, and lists
// its groups in their order.
template <typename Schema>
void expectEveryFieldPresented(const Schema& s, const std::vector<std::string>& groups,
                               const std::vector<fra::FieldPresentation>& table) {
    for (const auto& f : s.fields()) {
        EXPECT_FALSE(f.label.empty()) << f.key << ": no entry in core/config/FieldPresentation.cpp";
        EXPECT_NE(f.label, f.key);
        if (!f.label.empty()) {
            EXPECT_TRUE(std::isupper(static_cast<unsigned char>(f.label[0]))) << f.key << ": '" << f.label << "'";
        }
        EXPECT_NE(std::find(groups.begin(), groups.end(), f.group), groups.end()) << f.key << ": group '" << f.group << "'";
        EXPECT_GE(f.order, 0) << f.key;
        const std::string text = f.describe();
        EXPECT_EQ(text.rfind(f.help, 0), 0u) << f.key << ": " << text;
        EXPECT_NE(text.find("key: " + f.key), std::string::npos) << text;
        EXPECT_NE(text.find(fra::describeExpected(f)), std::string::npos) << text;
        if (!f.reference.empty()) {
            EXPECT_NE(text.find(f.reference), std::string::npos) << text;
        }
    }
    std::set<std::string> keys;
    std::size_t previousGroup = 0;
    for (const auto& p : table) {
        EXPECT_NE(s.find(p.key), nullptr) << p.key << ": in the presentation table but not a field";
        EXPECT_TRUE(keys.insert(p.key).second) << p.key << ": listed twice";
        const auto group = static_cast<std::size_t>(std::find(groups.begin(), groups.end(), std::string(p.group)) - groups.begin());
        EXPECT_LT(group, groups.size()) << p.key;
        EXPECT_GE(group, previousGroup) << p.key << ": the table lists the groups in their order";
        previousGroup = std::max(previousGroup, group);
    }
    EXPECT_EQ(table.size(), s.fields().size());
}

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
    EXPECT_EQ(c.loss.relationTargets, "same_view");
    EXPECT_TRUE(schema().validate(FraConfig{}).empty());
    FraConfig otherView;
    otherView.loss.relationTargets = "other_view";
    EXPECT_TRUE(schema().validate(otherView).empty());
    EXPECT_NE(errorOf([&] { schema().applyAssignment(otherView, "loss.relation_targets=both"); }).find("loss.relation_targets"),
              std::string::npos);
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
    c.run.cudaGraph = true;
    c.loss.relationTargets = "other_view";
    std::set<std::string> keys;
    for (const auto& issue : schema().validate(c)) keys.insert(issue.key);
    EXPECT_EQ(keys, (std::set<std::string>{"data.crop_scale_min", "optim.warmup_epochs", "model.decoder_heads",
                                           "loss.semantic_relation", "run.precision", "run.cuda_graph", "loss.relation_targets"}));
    EXPECT_NE(errorOf([&] { schema().requireValid(c, "cfg"); }).find("cfg: field 'data.crop_scale_min'"), std::string::npos);
}

TEST(ConfigSchema, EveryFieldHasHelpAndARoundTrippingValue) {
    const FraConfig c;
    for (const auto& f : schema().fields()) {
        EXPECT_FALSE(f.help.empty()) << f.key;
        EXPECT_EQ(fra::checkFieldValue(f, f.get(c)), "") << f.key;
    }
}

TEST(ConfigSchema, EveryFieldHasAHumanLabelAGroupAndOneHelpText) {
    expectEveryFieldPresented(schema(), fra::trainingGroups(), fra::trainingPresentation());
    const auto* ffn = schema().find("model.decoder_feedforward");
    ASSERT_NE(ffn, nullptr);
    EXPECT_EQ(ffn->label, "Decoder feed-forward width");
    EXPECT_EQ(ffn->group, "Model");
    EXPECT_TRUE(ffn->advanced);
    EXPECT_EQ(ffn->describe(),
              "Feed-forward width of the query decoder [key: model.decoder_feedforward; an integer in [1, 16384]; "
              "authors' code: 256 (fra-spec, query decoder)]");
    const auto* layers = schema().find("model.decoder_layers");
    ASSERT_NE(layers, nullptr);
    EXPECT_FALSE(layers->advanced);
    EXPECT_NE(layers->reference.find("paper: 1 (Table 8"), std::string::npos);
    EXPECT_EQ(schema().find("data.root")->reference, "");  // neither the paper nor the authors give one
}

#ifndef FRA_NO_OPENCV
TEST(EvalSchema, EveryFieldHasAHumanLabelAGroupAndOneHelpText) {
    expectEveryFieldPresented(fra::EvalSchema::instance(), fra::evaluationGroups(), fra::evaluationPresentation());
    EXPECT_EQ(fra::EvalSchema::instance().find("eval_every")->group, "Schedule");
    EXPECT_TRUE(fra::EvalSchema::instance().find("eval_every")->advanced);
}
#endif
