#include "downstream/ComparisonTable.h"

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
    EXPECT_NE(csv.find("\r\nbyol,0,0.85,0.045,0.02,0.02,0.4\r\n"), std::string::npos) << csv;  // RFC 4180: quoted only where needed, CRLF
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
