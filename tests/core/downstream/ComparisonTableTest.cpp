#include "downstream/ComparisonTable.h"
#include "stats/Bootstrap.h"
#include "support/TempDir.h"

#include <cmath>
#include <fstream>
#include <gtest/gtest.h>

using nlohmann::json;

namespace {
json result(const std::string& model, const std::string& format, const std::string& root, const std::string& protocol, json metrics,
            const std::string& primary) {
    return {{"model_name", model}, {"format", format}, {"dataset", format + ":" + root}, {"protocol", protocol},
            {"metrics", metrics}, {"primary_metric", primary}};
}
}  // namespace

TEST(ComparisonTable, BestPerColumnFollowsTheMetricsDirection) {
    const auto t = fra::ComparisonTable::fromResults({
        result("fra", "rafdb", "/d/RAF-DB", "ft", {{"top1", 0.80}}, "top1"),
        result("byol", "rafdb", "/d/RAF-DB", "ft", {{"top1", 0.85}}, "top1"),
        result("fra", "300w", "/d/300W", "ft", {{"nme", 0.040}, {"nme_common", 0.03}, {"fr@0.1", 0.01}, {"auc@0.1", 0.5}}, "nme"),
        result("byol", "300w", "/d/300W", "ft", {{"nme", 0.045}, {"nme_common", 0.02}, {"fr@0.1", 0.02}, {"auc@0.1", 0.4}}, "nme"),
    });
    ASSERT_EQ(t.columns().size(), 5u);  // rafdb top1; 300w nme, nme_common, fr, auc
    auto column = [&](const std::string& id) {
        for (std::size_t i = 0; i < t.columns().size(); ++i)
            if (t.columns()[i].id == id) return i;
        ADD_FAILURE() << id;
        return std::size_t{0};
    };
    auto bestModel = [&](const std::string& id) { return t.rows()[*t.best(column(id))].model; };
    EXPECT_EQ(bestModel("rafdb-RAF-DB/ft/top1"), "byol");
    EXPECT_EQ(bestModel("300w-300W/ft/nme"), "fra");  // lower is better
    EXPECT_EQ(bestModel("300w-300W/ft/nme_common"), "byol");
    EXPECT_EQ(bestModel("300w-300W/ft/fr@0.1"), "fra");
    EXPECT_EQ(bestModel("300w-300W/ft/auc@0.1"), "fra");
    // the paper's reference rows, never "best"
    bool fraRef = false, byolRef = false;
    for (const auto& row : t.rows()) {
        if (!row.reference) continue;
        if (row.model.rfind("FRA (paper", 0) == 0) {
            fraRef = true;
            EXPECT_DOUBLE_EQ(*row.values[column("rafdb-RAF-DB/ft/top1")], 0.8995);
            EXPECT_DOUBLE_EQ(*row.values[column("300w-300W/ft/nme_common")], 0.0260);
        }
        if (row.model.rfind("BYOL (paper", 0) == 0) {
            byolRef = true;
            EXPECT_DOUBLE_EQ(*row.values[column("300w-300W/ft/nme")], 0.0303);
            EXPECT_FALSE(row.values[column("300w-300W/ft/nme_common")].has_value());
        }
    }
    EXPECT_TRUE(fraRef);
    EXPECT_TRUE(byolRef);
    const std::string md = t.markdown();
    EXPECT_NE(md.find("| fra | 80.00 | **4.00** |"), std::string::npos) << md;
    EXPECT_NE(md.find("*89.95*"), std::string::npos) << md;
    const std::string csv = t.csv();
    EXPECT_NE(csv.find("\r\nbyol,0,0.85,,,1,,"), std::string::npos) << csv;  // RFC 4180: quoted only where needed, CRLF
    EXPECT_NE(csv.find(",rafdb-RAF-DB/ft/top1 low,rafdb-RAF-DB/ft/top1 high,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\n\"FRA (paper: R50, VGGFace2, fine-tuned)\",1,"), std::string::npos) << csv;  // a comma in the name: quoted
    const json j = t.json();
    EXPECT_EQ(j["columns"][0]["best"], "byol");
    EXPECT_EQ(j["rows"].size(), 4u);
}

TEST(ComparisonTable, NoReferenceRowsForDatasetsThePaperDidNotUse) {
    const auto t = fra::ComparisonTable::fromResults({result("a", "folder", "/p/johns-identity", "lp", {{"top1", 0.5}}, "top1")});
    ASSERT_EQ(t.rows().size(), 1u);
    EXPECT_FALSE(t.rows()[0].reference);
}

namespace {
// An evaluation folder with samples.csv: `correct` per test sample (the same images everywhere).
json classifierResult(const TempDir& dir, const std::string& name, const std::string& model, const std::vector<int>& correct,
                      std::uint64_t seed = 0, const std::vector<std::string>& images = {}) {
    const auto folder = dir / name;
    std::filesystem::create_directories(folder);
    std::ofstream csv(folder / "samples.csv", std::ios::binary);
    csv << "sample,image,where,subset,label,label_name,predicted,predicted_name,correct\r\n";
    double top1 = 0;
    for (std::size_t i = 0; i < correct.size(); ++i) {
        csv << i << "," << (images.empty() ? "img" + std::to_string(i) + ".png" : images[i]) << ",labels.csv:" << i + 2 << ",,0,a," << (correct[i] ? 0 : 1) << ",," << correct[i] << "\r\n";
        top1 += correct[i] / double(correct.size());
    }
    json r = result(model, "folder", "/d/faces", "lp", {{"top1", top1}}, "top1");
    r["folder"] = folder.string();
    r["eval"] = {{"seed", seed}};
    return r;
}
}  // namespace

TEST(ComparisonTable, PairedTestsOnTheSameTestSamplesMarkOnlyWhatTheDataCanTell) {
    TempDir dir;
    std::vector<int> strong(60, 1), close(60, 1), weak(60, 0);
    for (int i = 0; i < 6; ++i) strong[i] = 0;   // 54 / 60
    for (int i = 0; i < 9; ++i) close[i] = 0;    // 51 / 60: 3 discordant pairs, nothing to tell
    for (int i = 0; i < 20; ++i) weak[i] = 1;    // 20 / 60
    const auto t = fra::ComparisonTable::fromResults({classifierResult(dir, "a", "strong", strong), classifierResult(dir, "b", "close", close),
                                                      classifierResult(dir, "c", "weak", weak)});
    ASSERT_EQ(t.rows().size(), 3u);
    EXPECT_EQ(t.rows()[*t.best(0)].model, "strong");
    const auto& closeCell = *t.rows()[1].cells[0];
    const auto& weakCell = *t.rows()[2].cells[0];
    std::vector<bool> a(strong.begin(), strong.end()), b(close.begin(), close.end()), c(weak.begin(), weak.end());
    EXPECT_EQ(closeCell.test, "McNemar (exact)");
    EXPECT_DOUBLE_EQ(*closeCell.pValue, fra::mcnemarExact(a, b).pValue);
    EXPECT_FALSE(closeCell.significant());
    EXPECT_DOUBLE_EQ(*weakCell.pValue, fra::mcnemarExact(a, c).pValue);
    EXPECT_TRUE(weakCell.significant());
    // the interval comes from the samples when result.json has none
    ASSERT_TRUE(closeCell.low && closeCell.high);
    EXPECT_LT(*closeCell.low, 0.85);
    EXPECT_GT(*closeCell.high, 0.85);
    const std::string md = t.markdown();
    EXPECT_NE(md.find("| weak | 33.33 ["), std::string::npos) << md;
    EXPECT_NE(md.find("] \u2020 |"), std::string::npos) << md;
    EXPECT_EQ(md.find("| close | 85.00 [") == std::string::npos, false) << md;
    EXPECT_NE(md.find("without \u2020 the data cannot tell"), std::string::npos) << md;
    // against a chosen row instead of the best (the workbench's baseline)
    const auto vsWeak = fra::ComparisonTable::fromResults({classifierResult(dir, "a", "strong", strong), classifierResult(dir, "b", "close", close),
                                                           classifierResult(dir, "c", "weak", weak)},
                                                          "weak");
    EXPECT_EQ(*vsWeak.comparedWith(0), 2u);
    EXPECT_DOUBLE_EQ(*vsWeak.rows()[0].cells[0]->pValue, fra::mcnemarExact(c, a).pValue);
    EXPECT_FALSE(vsWeak.rows()[2].cells[0]->pValue);
    const std::string tex = t.latex();
    EXPECT_NE(tex.find("\\textbf{90.00}"), std::string::npos) << tex;
    EXPECT_NE(tex.find("33.33$^\\dagger$"), std::string::npos) << tex;
    EXPECT_NE(tex.find("\\toprule"), std::string::npos) << tex;
}

// Several seeds: the mean, the seeds' spread and t interval, and the interval over the test samples
// of each sample's value averaged over the seeds (two seeds that agree leave the test set's
// uncertainty, not an interval of width 0).
TEST(ComparisonTable, SeveralSeedsGiveMeanSpreadAndIntervalsOverSeedsAndOverSamplesAndDifferentSamplesNoTest) {
    TempDir dir;
    std::vector<int> s0(40, 1), s1(40, 1), s2(40, 1);
    for (int i = 0; i < 4; ++i) s0[i] = 0;  // 0.9
    for (int i = 0; i < 8; ++i) s1[i] = 0;  // 0.8
    for (int i = 0; i < 6; ++i) s2[i] = 0;  // 0.85
    auto other = classifierResult(dir, "o", "other", std::vector<int>(40, 0));
    std::ofstream(std::filesystem::path(other["folder"].get<std::string>()) / "samples.csv", std::ios::app) << "40,extra.png,x,,0,a,1,,0\r\n";
    const auto t = fra::ComparisonTable::fromResults({classifierResult(dir, "s0", "m", s0, 0), classifierResult(dir, "s1", "m", s1, 1),
                                                      classifierResult(dir, "s2", "m", s2, 2), other});
    ASSERT_EQ(t.rows().size(), 2u);
    const auto& cell = *t.rows()[0].cells[0];
    EXPECT_EQ(cell.seeds, 3);
    EXPECT_NEAR(cell.value, 0.85, 1e-12);
    EXPECT_NEAR(*cell.seedStd, 0.05, 1e-12);
    EXPECT_NEAR(*cell.seedHigh - cell.value, 4.303 * 0.05 / std::sqrt(3.0), 1e-9);  // t(0.975, 2 df)
    EXPECT_NEAR(cell.value - *cell.seedLow, 4.303 * 0.05 / std::sqrt(3.0), 1e-9);
    std::vector<double> averaged(40);
    for (std::size_t i = 0; i < 40; ++i) averaged[i] = (s0[i] + s1[i] + s2[i]) / 3.0;
    const fra::BootstrapInterval overSamples = fra::bootstrapMean(averaged);
    EXPECT_DOUBLE_EQ(*cell.low, overSamples.low);
    EXPECT_DOUBLE_EQ(*cell.high, overSamples.high);
    EXPECT_LT(*cell.high - *cell.low, *cell.seedHigh - *cell.seedLow);  // here the seeds spread more than 40 samples do
    EXPECT_EQ(cell.interval, overSamples.method + " over 40 test samples, each the mean of 3 seeds");
    const std::string md = t.markdown();
    EXPECT_NE(md.find("**85.00** \u00d73 ["), std::string::npos) << md;
    EXPECT_NE(md.find("] sd 5.00"), std::string::npos) << md;
    const json j = t.json()["rows"][0]["statistics"].begin().value();
    EXPECT_NEAR(j["seed_high"].get<double>(), *cell.seedHigh, 1e-12);
    EXPECT_NEAR(j["low"].get<double>(), *cell.low, 1e-12);

    // evaluations that kept no per-sample outcomes: the seeds' t interval, marked as such
    json noSamples0 = result("m", "folder", "/d/faces", "lp", {{"top1", 0.6}}, "top1"), noSamples1 = noSamples0;
    for (auto* r : {&noSamples0, &noSamples1}) {
        const std::uint64_t seed = r == &noSamples0 ? 0 : 1;
        (*r)["eval"] = {{"seed", seed}};
        (*r)["folder"] = (dir / ("old" + std::to_string(seed))).string();
        std::filesystem::create_directories((*r)["folder"].get<std::string>());
    }
    const auto old = fra::ComparisonTable::fromResults({noSamples0, noSamples1});
    const auto& oldCell = *old.rows()[0].cells[0];
    EXPECT_TRUE(oldCell.intervalOverSeeds);
    EXPECT_DOUBLE_EQ(*oldCell.low, 0.6);
    EXPECT_DOUBLE_EQ(*oldCell.high, 0.6);
    EXPECT_EQ(oldCell.interval.rfind("t over 2 seeds (no interval over test samples: ", 0), 0u) << oldCell.interval;
    EXPECT_NE(old.markdown().find("[60.00, 60.00] (t) sd 0.00"), std::string::npos) << old.markdown();
    EXPECT_FALSE(cell.intervalOverSeeds);
    EXPECT_EQ(t.rows()[1].cells[0]->test, "none (different test samples)");
    EXPECT_FALSE(t.rows()[1].cells[0]->pValue);
}

TEST(ComparisonTable, AnEvaluationFoundTwiceCountsOnceAndAnotherOfTheSameSeedGetsItsRow) {
    TempDir dir;
    std::vector<int> a(30, 1), b(30, 0);
    const json first = classifierResult(dir, "x", "m", a);
    json other = classifierResult(dir, "y", "m", b);  // seed 0 as well: another evaluation, not a seed
    json nan = result("n", "folder", "/d/faces", "lp", {{"top1", std::nan("")}}, "top1");
    const auto t = fra::ComparisonTable::fromResults({first, first, other, nan});
    ASSERT_EQ(t.rows().size(), 2u);
    EXPECT_EQ(t.rows()[0].cells[0]->seeds, 1);
    EXPECT_EQ(t.rows()[1].model, "m (y)");
}

// Frames of one video are not independent faces: by image folder, intervals resample whole folders
// and tests flip whole folders, and a difference that only one video shows is no longer one the
// data can tell.
TEST(ComparisonTable, ByImageFolderClusterIntervalsAndSignFlipTestsReplaceMcNemarAndResultJsonsInterval) {
    TempDir dir;
    std::vector<std::string> images;
    std::vector<int> strong(60, 1), weak(60, 1);
    for (int i = 0; i < 60; ++i) {
        const bool video = i < 40;
        images.push_back(video ? "test/video/frame" + std::to_string(i) + ".png" : "test/still" + std::to_string(i % 5) + "/face" + std::to_string(i) + ".jpg");
        if (video) weak[i] = 0;                  // the video tells the models apart,
        else strong[i] = weak[i] = i % 2;        // the five other folders do not
    }
    json strongResult = classifierResult(dir, "a", "strong", strong, 0, images);
    strongResult["intervals"] = {{"top1", {{"low", 0.1}, {"high", 0.2}, {"method", "BCa"}, {"samples", 60}}}};  // per face
    const auto bySample = fra::ComparisonTable::fromResults({strongResult, classifierResult(dir, "b", "weak", weak, 0, images)});
    EXPECT_EQ(bySample.rows()[1].cells[0]->test, "McNemar (exact)");
    EXPECT_TRUE(bySample.rows()[1].cells[0]->significant());
    EXPECT_DOUBLE_EQ(*bySample.rows()[0].cells[0]->low, 0.1);
    EXPECT_EQ(bySample.json()["resampled"], "test samples");

    const auto byFolder = fra::ComparisonTable::fromResults({strongResult, classifierResult(dir, "b", "weak", weak, 0, images)}, "",
                                                            fra::ResampleUnit::ImageFolder);
    const auto& weakCell = *byFolder.rows()[1].cells[0];
    EXPECT_EQ(weakCell.test, "cluster sign-flip test (6 image folders, exact)");
    ASSERT_TRUE(weakCell.pValue);
    EXPECT_FALSE(weakCell.significant()) << *weakCell.pValue;
    std::vector<double> a(strong.begin(), strong.end()), b(weak.begin(), weak.end());
    std::vector<std::string> folders;
    for (const auto& image : images) folders.push_back(std::filesystem::path(image).parent_path().string());
    EXPECT_DOUBLE_EQ(*weakCell.pValue, fra::clusterSignFlipTest(a, b, folders).pValue);
    EXPECT_DOUBLE_EQ(*weakCell.pValue, 1.0);  // only one folder differs: half the sign patterns on each side
    const auto& strongCell = *byFolder.rows()[0].cells[0];
    const fra::BootstrapInterval expected = fra::bootstrapMean(a, {}, folders);
    EXPECT_DOUBLE_EQ(*strongCell.low, expected.low);  // made again from samples.csv, not result.json's per-face interval
    EXPECT_DOUBLE_EQ(*strongCell.high, expected.high);
    EXPECT_EQ(strongCell.interval, expected.method + " over 6 image folders of 60 test samples");
    EXPECT_NE(byFolder.markdown().find("By image folder: the faces of one folder"), std::string::npos) << byFolder.markdown();
    EXPECT_EQ(byFolder.json()["resampled"], "image folders");
    EXPECT_NE(byFolder.csv().find("cluster sign-flip test (6 image folders, exact)"), std::string::npos);

    // every face in one folder: nothing to resample by folder, and the table says why
    std::vector<std::string> distinct;
    for (int i = 0; i < 60; ++i) distinct.push_back("test/video/frame" + std::to_string(i) + ".png");
    const auto single = fra::ComparisonTable::fromResults({classifierResult(dir, "c", "strong", strong, 0, distinct),
                                                           classifierResult(dir, "d", "weak", weak, 0, distinct)},
                                                          "", fra::ResampleUnit::ImageFolder);
    EXPECT_EQ(single.rows()[1].cells[0]->test, "none (all test samples in one folder)");
    EXPECT_EQ(single.rows()[0].cells[0]->interval, "none (all 60 test samples in one folder)");
}
