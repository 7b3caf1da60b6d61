#include "run/MetricsLog.h"
#include "support/TempDir.h"

#include <cmath>
#include <fstream>
#include <string>
#include <gtest/gtest.h>

namespace {
fra::StepRecord record(std::int64_t step) {
    fra::StepRecord r;
    r.step = step;
    r.loss = 4.0 - 0.01 * step;
    r.lossC = 3.5;
    r.lossR = 2.0;
    r.lr = 0.01;
    return r;
}
}  // namespace

TEST(MetricsLog, AppendsAndReadsBackEveryField) {
    TempDir dir;
    {
        fra::MetricsWriter w(dir / "m.jsonl");
        for (int i = 1; i <= 3; ++i) w.append(record(i));
    }
    const auto all = fra::MetricsReader::readAll(dir / "m.jsonl");
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[2].step, 3);
    EXPECT_DOUBLE_EQ(all[2].loss, 3.97);
    EXPECT_DOUBLE_EQ(all[2].lossR, 2.0);
}

TEST(MetricsLog, ReaderFollowsAGrowingFileAndIgnoresTornLines) {
    TempDir dir;
    fra::MetricsReader reader(dir / "m.jsonl");
    EXPECT_TRUE(reader.poll().records.empty());  // not there yet
    fra::MetricsWriter w(dir / "m.jsonl");
    w.append(record(1));
    EXPECT_EQ(reader.poll().records.size(), 1u);
    {
        std::ofstream raw(dir / "m.jsonl", std::ios::app);
        raw << "{\"step\": 2, \"loss\": 1";  // a line being written
    }
    EXPECT_TRUE(reader.poll().records.empty());
    {
        std::ofstream raw(dir / "m.jsonl", std::ios::app);
        raw << ".5}\n";
    }
    const auto u = reader.poll();
    ASSERT_EQ(u.records.size(), 1u);
    EXPECT_EQ(u.records[0].step, 2);
    EXPECT_DOUBLE_EQ(u.records[0].loss, 1.5);
}

TEST(MetricsLog, TruncateAfterKeepsOneContinuousCurve) {
    TempDir dir;
    {
        fra::MetricsWriter w(dir / "m.jsonl");
        for (int i = 1; i <= 10; ++i) w.append(record(i));
    }
    std::ofstream(dir / "m.jsonl", std::ios::app) << "{\"step\": 11, \"lo";  // killed mid-line
    fra::MetricsReader follower(dir / "m.jsonl");
    EXPECT_EQ(follower.poll().records.size(), 10u);
    fra::MetricsWriter::truncateAfter(dir / "m.jsonl", 6);
    const auto update = follower.poll();
    EXPECT_TRUE(update.reset);
    ASSERT_EQ(update.records.size(), 6u);
    EXPECT_EQ(update.records.back().step, 6);
    fra::MetricsWriter(dir / "m.jsonl").append(record(7));
    const auto all = fra::MetricsReader::readAll(dir / "m.jsonl");
    ASSERT_EQ(all.size(), 7u);
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].step, static_cast<std::int64_t>(i + 1));
}

TEST(MetricsLog, RegionDiagnosticsAreWrittenOnlyWhereTheyExist) {
    TempDir dir;
    {
        fra::MetricsWriter w(dir / "m.jsonl");
        fra::StepRecord with = record(1);
        with.regionCosine = 0.999;
        with.heatmapEntropy = 0.97;
        with.regionContiguity = 0.41;
        w.append(with);
        w.append(record(2));  // no regions (BYOL): NaN, left out of the line
    }
    std::ifstream in(dir / "m.jsonl");
    std::string first, second;
    std::getline(in, first);
    std::getline(in, second);
    EXPECT_NE(first.find("\"region_cos\""), std::string::npos);
    EXPECT_NE(first.find("\"heat_entropy\""), std::string::npos);
    EXPECT_EQ(second.find("region_cos"), std::string::npos);
    EXPECT_EQ(second.find("null"), std::string::npos);
    const auto all = fra::MetricsReader::readAll(dir / "m.jsonl");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_DOUBLE_EQ(all[0].regionCosine, 0.999);
    EXPECT_DOUBLE_EQ(all[0].heatmapEntropy, 0.97);
    EXPECT_DOUBLE_EQ(all[0].regionContiguity, 0.41);
    EXPECT_TRUE(std::isnan(all[1].regionContiguity));
    EXPECT_TRUE(std::isnan(all[1].regionCosine));
    EXPECT_TRUE(std::isnan(all[1].heatmapEntropy));
}
