#include "config/ConfigSchema.h"
#include "config/PresetLibrary.h"
#include "support/TempDir.h"
#include "util/FraError.h"

#include <fstream>
#include <gtest/gtest.h>

using fra::PresetLibrary;

TEST(PresetLibrary, ShippedPresetsResolveAndValidate) {
    const PresetLibrary library(std::filesystem::path(FRA_TEST_RESOURCE_DIR) / "presets");
    std::set<std::string> names;
    for (const auto& p : library.list()) {
        names.insert(p.name);
        EXPECT_FALSE(p.description.empty()) << p.name;
        const fra::FraConfig c = library.resolve(p.name);
        auto issues = fra::ConfigSchema::instance().validate(c);
        EXPECT_TRUE(issues.empty()) << p.name << ": " << (issues.empty() ? "" : issues[0].key + " " + issues[0].message);
    }
    EXPECT_TRUE(names.count("paper-r50"));
    EXPECT_TRUE(names.count("paper"));
    EXPECT_TRUE(names.count("cpu-r18"));
}

TEST(PresetLibrary, PaperPresetSelectsThePapersWording) {
    const PresetLibrary library(std::filesystem::path(FRA_TEST_RESOURCE_DIR) / "presets");
    const fra::FraConfig code = library.resolve("paper-r50");
    const fra::FraConfig paper = library.resolve("paper");
    EXPECT_EQ(code.model.decoderLayers, 2);
    EXPECT_EQ(paper.model.decoderLayers, 1);
    EXPECT_FALSE(code.model.sharePixelRegionProjector);
    EXPECT_TRUE(paper.model.sharePixelRegionProjector);
    EXPECT_DOUBLE_EQ(paper.loss.decorrelationWeight, 0.0);
    EXPECT_EQ(paper.optim.cosineGranularity, "iteration");
    EXPECT_EQ(paper.model.arch, "resnet50");  // inherited
    EXPECT_EQ(paper.preset, "paper");
    const fra::FraConfig cpu = library.resolve("cpu-r18");
    EXPECT_EQ(cpu.model.arch, "resnet18");
    EXPECT_GE(cpu.data.imageSize, 64);
    EXPECT_LE(cpu.data.imageSize, 112);
}

TEST(PresetLibrary, TheAuthorsDecoderStaysTheDefaultAndCpuPresetsSwitchToRegionsThatForm) {
    const PresetLibrary library(std::filesystem::path(FRA_TEST_RESOURCE_DIR) / "presets");
    const fra::FraConfig code = library.resolve("paper-r50");
    EXPECT_EQ(code.model.queryInit, "zeros");  // the authors' code
    EXPECT_EQ(code.model.outputStride, 32);
    EXPECT_DOUBLE_EQ(code.loss.teacherTemperature, 0.04);
    for (const char* name : {"cpu-r18", "cpu-r18-byol", "cpu-r18-gc-lc", "cpu-r18-demo"}) {
        const fra::FraConfig c = library.resolve(name);
        // at least 7x7 heatmaps: eyes, nose and mouth on different cells
        EXPECT_GE((c.data.imageSize + c.model.outputStride - 1) / c.model.outputStride, 7) << name;
        EXPECT_EQ(c.model.queryInit, "learned") << name;
        // 16 regions (8 leave the face 3-4 zones on the pool's loose crops) with the authors' lambda_r: a
        // stronger L_r spreads the embeddings but leaves the regions per-cell noise (docs/method.md)
        EXPECT_EQ(c.model.numRegions, 16) << name;
        EXPECT_DOUBLE_EQ(c.loss.lambdaR, 0.1) << name;
    }
    const fra::FraConfig authors = library.resolve("cpu-r18-authors");
    EXPECT_EQ(authors.model.queryInit, "zeros");
    EXPECT_EQ(authors.model.outputStride, library.resolve("cpu-r18").model.outputStride);  // only the decoder differs
    EXPECT_EQ(library.resolve("cpu-r18-demo-authors").model.queryInit, "zeros");
}

TEST(PresetLibrary, ExtendsChainsAndErrors) {
    TempDir dir;
    std::ofstream(dir / "a.json") << R"({"description": "A", "config": {"model": {"num_regions": 4}}})";
    std::ofstream(dir / "b.json") << R"({"description": "B", "extends": "a", "config": {"loss": {"lambda_r": 0.3}}})";
    std::ofstream(dir / "loop1.json") << R"({"extends": "loop2"})";
    std::ofstream(dir / "loop2.json") << R"({"extends": "loop1"})";
    std::ofstream(dir / "bad.json") << R"({"config": {"model": {"num_regions": -1}}})";
    std::ofstream(dir / "broken.json") << R"({"config": )";
    const PresetLibrary library(dir.path());
    const fra::FraConfig b = library.resolve("b");
    EXPECT_EQ(b.model.numRegions, 4);
    EXPECT_DOUBLE_EQ(b.loss.lambdaR, 0.3);
    EXPECT_THROW(library.resolve("loop1"), fra::FraError);
    EXPECT_THROW(library.resolve("missing"), fra::FraError);
    try {
        library.resolve("bad");
        FAIL();
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.json: field 'model.num_regions'"), std::string::npos) << e.what();
    }
    try {
        library.resolve("broken");
        FAIL();
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("broken.json: not valid JSON"), std::string::npos) << e.what();
    }
}
