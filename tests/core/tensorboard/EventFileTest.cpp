#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "run/RunLock.h"
#include "util/FraError.h"
#include "support/TempDir.h"
#include "tensorboard/EventFile.h"
#include "tensorboard/RunTensorBoard.h"

#include <fstream>
#include <gtest/gtest.h>

namespace tb = fra::tensorboard;
namespace fs = std::filesystem;

namespace {

struct ReadBack {
    tb::EventFileEnd end;
    std::vector<tb::EventHeader> events;
};
ReadBack readBack(const fs::path& file) {
    ReadBack r;
    r.end = tb::readEventFile(file, [&](const tb::EventHeader& h, const std::string&) { r.events.push_back(h); });
    return r;
}

std::vector<fs::path> eventFilesIn(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
    return out;
}

fra::StepRecord record(std::int64_t step) {
    fra::StepRecord r;
    r.step = step;
    r.time = 1.8e9 + step;
    r.loss = 4.0 - 0.01 * step;
    r.lossC = 3.5;
    r.regionCosine = 0.25;
    return r;
}

}  // namespace

TEST(TensorBoardEvents, Crc32cOfTheStandardCheckString) {
    EXPECT_EQ(tb::crc32c("123456789", 9), 0xE3069283u);  // RFC 3720, B.4
    const std::uint32_t crc = tb::crc32c("123456789", 9);
    EXPECT_EQ(tb::maskedCrc32c("123456789", 9), ((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
}

TEST(TensorBoardEvents, ScalarEventIsTheProtobufEncodingByHand) {
    const std::string event = tb::encodeScalarEvent(3, 1.5, {{"a", 2.0f}});
    const std::string expected("\x09\x00\x00\x00\x00\x00\x00\xF8\x3F"  // wall_time = 1.5 (fixed64)
                               "\x10\x03"                              // step = 3
                               "\x2A\x0A"                              // summary, 10 bytes
                               "\x0A\x08"                              // value, 8 bytes
                               "\x0A\x01\x61"                          // tag "a"
                               "\x15\x00\x00\x00\x40",                 // simple_value = 2.0f (fixed32)
                               23);
    EXPECT_EQ(event, expected);
    const auto header = tb::parseEventHeader(event);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->step, 3);
    EXPECT_FALSE(header->fileVersion);
    EXPECT_FALSE(header->images);
}

TEST(TensorBoardEvents, WrittenRecordsReadBackInOrder) {
    TempDir dir;
    const fs::path file = dir / "events.out.tfevents.1";
    {
        tb::EventFileWriter w(file, 1.8e9);
        for (int step = 1; step <= 3; ++step) w.write(tb::encodeScalarEvent(step, 1.8e9 + step, {{"loss/L", 1.0f / step}}));
        w.write(tb::encodeImageEvent(3, 1.8e9 + 3, {{"heatmaps/x", 2, 1, {1, 2, 3}}}));
    }
    const ReadBack r = readBack(file);
    EXPECT_EQ(r.end, tb::EventFileEnd::Complete);
    ASSERT_EQ(r.events.size(), 5u);
    EXPECT_TRUE(r.events[0].fileVersion);
    EXPECT_EQ(r.events[2].step, 2);
    EXPECT_FALSE(r.events[3].images);
    EXPECT_TRUE(r.events[4].images);
}

TEST(TensorBoardEvents, ACutRecordIsTornAndABadChecksumDamaged) {
    TempDir dir;
    const fs::path file = dir / "events.out.tfevents.1";
    {
        tb::EventFileWriter w(file, 1.8e9);
        for (int step = 1; step <= 3; ++step) w.write(tb::encodeScalarEvent(step, 1.8e9 + step, {{"loss/L", 1.0f}}));
    }
    const auto size = fs::file_size(file);
    fs::resize_file(file, size - 3);
    ReadBack r = readBack(file);
    EXPECT_EQ(r.end, tb::EventFileEnd::Torn);
    EXPECT_EQ(r.events.size(), 3u);  // the version record and steps 1, 2

    fs::resize_file(file, size - 3 - 30);  // inside the last record's length header
    EXPECT_EQ(readBack(file).end, tb::EventFileEnd::Torn);

    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(30);
        f.put('\x7F');
    }
    r = readBack(file);
    EXPECT_EQ(r.end, tb::EventFileEnd::Damaged);
    EXPECT_EQ(readBack(dir / "missing").end, tb::EventFileEnd::Unreadable);
}

TEST(TensorBoardEvents, AHostileLengthIsTornNotAnAllocation) {
    TempDir dir;
    const fs::path file = dir / "events.out.tfevents.1";
    std::string head(8, '\xFF');
    head[0] = '\xF0';  // 2^64 - 16: length + 16 wraps around
    const std::uint32_t crc = tb::maskedCrc32c(head.data(), 8);
    for (int i = 0; i < 4; ++i) head.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
    std::ofstream(file, std::ios::binary) << head << "xxxx";
    EXPECT_EQ(readBack(file).end, tb::EventFileEnd::Torn);
}

TEST(RunTensorBoard, AResumeCarriesOverTheStepsUpToItsCheckpointAndNothingAfter) {
    TempDir dir;
    const auto run = fra::RunDirectory::create(dir / "run", {{"preset", "tiny"}});
    {
        fra::MetricsWriter metrics(run.metricsFile());
        for (int step = 1; step <= 4; ++step) metrics.append(record(step));
    }
    {
        fra::TensorBoardLog log(run, 4);  // a run trained without event files: everything from metrics.jsonl
        EXPECT_TRUE(log.opened().rebuilt);
        EXPECT_EQ(log.opened().steps, 4u);
        for (int step = 5; step <= 6; ++step) log.addStep(record(step));
    }
    fra::TensorBoardLog resumed(run, 5);
    EXPECT_FALSE(resumed.opened().rebuilt);
    EXPECT_EQ(resumed.opened().steps, 5u);
    resumed.addStep(record(6));
    const auto files = eventFilesIn(fra::tensorBoardDir(run));
    ASSERT_EQ(files.size(), 1u) << "one event file per run folder";
    std::vector<std::int64_t> steps;
    EXPECT_EQ(tb::readEventFile(files[0], [&](const tb::EventHeader& h, const std::string&) {
                  if (!h.fileVersion) steps.push_back(h.step);
              }),
              tb::EventFileEnd::Complete);
    EXPECT_EQ(steps, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(RunTensorBoard, ADamagedPreviousFileIsWrittenAnewFromTheRunFiles) {
    TempDir dir;
    const auto run = fra::RunDirectory::create(dir / "run", {{"preset", "tiny"}});
    {
        fra::MetricsWriter metrics(run.metricsFile());
        for (int step = 1; step <= 3; ++step) metrics.append(record(step));
    }
    fs::create_directories(fra::tensorBoardDir(run));
    std::ofstream(fra::tensorBoardDir(run) / "events.out.tfevents.1.other.1.0") << "not an event file, long enough for a header";
    fra::TensorBoardLog log(run, 3);
    EXPECT_TRUE(log.opened().rebuilt);
    EXPECT_EQ(log.opened().steps, 3u);
    EXPECT_EQ(eventFilesIn(fra::tensorBoardDir(run)).size(), 1u);
}

TEST(RunTensorBoard, AFileMissingLoggedStepsIsWrittenAnewNotCarriedOver) {
    TempDir dir;
    const auto run = fra::RunDirectory::create(dir / "run", {{"preset", "tiny"}});
    {
        fra::MetricsWriter metrics(run.metricsFile());
        for (int step = 1; step <= 3; ++step) metrics.append(record(step));
    }
    { fra::TensorBoardLog log(run, 3); }
    {  // steps 4..6 trained with run.tensorboard off
        fra::MetricsWriter metrics(run.metricsFile());
        for (int step = 4; step <= 6; ++step) metrics.append(record(step));
    }
    fra::TensorBoardLog resumed(run, 6);
    EXPECT_TRUE(resumed.opened().rebuilt);
    EXPECT_EQ(resumed.opened().steps, 6u);
}

TEST(RunTensorBoard, ExportRefusesARunBeingTrainedHere) {
    TempDir dir;
    const auto run = fra::RunDirectory::create(dir / "run", {{"preset", "tiny"}});
    fra::RunLock trainer(run.root());
    EXPECT_THROW(fra::exportTensorBoard(run), fra::FraError);
}

TEST(RunTensorBoard, TagsNameTheLossesAndKeepUnknownFields) {
    EXPECT_EQ(fra::tensorBoardTag("l_c"), "loss/L_c (consistency)");
    EXPECT_EQ(fra::tensorBoardTag("knn_top1"), "online eval/kNN top-1 (k=20, T=0.07)");
    EXPECT_EQ(fra::tensorBoardTag("a_later_field"), "metrics/a_later_field");
    fra::StepRecord evaluated = record(2);
    evaluated.readoutNme = 0.07;
    const auto scalars = fra::tensorBoardScalars(evaluated);
    const auto has = [&](const std::string& tag) {
        return std::any_of(scalars.begin(), scalars.end(), [&](const auto& s) { return s.first == tag; });
    };
    EXPECT_TRUE(has("regions/region_cos"));
    EXPECT_FALSE(has("regions/heat_entropy"));  // NaN in the record: not logged
    EXPECT_FALSE(has("metrics/step"));
    EXPECT_TRUE(has("online eval/read-out NME"));
    EXPECT_FALSE(has("online eval/kNN top-1 (k=20, T=0.07)"));  // no kNN in this evaluation
}
