#pragma once
#include "train/StepRecord.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

namespace fra {

nlohmann::json toJson(const StepRecord& record);
StepRecord stepRecordFromJson(const nlohmann::json& j);

// metrics.jsonl: one JSON object per step, appended and flushed as the run goes, so other
// processes can follow it. A crash can leave a torn last line; readers ignore it.
class MetricsWriter {
public:
    explicit MetricsWriter(const std::filesystem::path& file);
    ~MetricsWriter();
    MetricsWriter(const MetricsWriter&) = delete;
    MetricsWriter& operator=(const MetricsWriter&) = delete;
    void append(const StepRecord& record);

    // Keeps only complete lines with step <= lastStep (atomically rewritten): a resumed run
    // continues one curve instead of repeating the steps after its checkpoint.
    static void truncateAfter(const std::filesystem::path& file, std::int64_t lastStep);

private:
    std::FILE* file_ = nullptr;
    std::filesystem::path path_;
};

// Incremental reader: each poll() returns the records completed since the last one. If the
// file was rewritten shorter (a resume truncated it), `reset` is set and reading starts over.
class MetricsReader {
public:
    explicit MetricsReader(std::filesystem::path file) : path_(std::move(file)) {}
    struct Update {
        bool reset = false;
        std::vector<StepRecord> records;
    };
    Update poll();

    static std::vector<StepRecord> readAll(const std::filesystem::path& file);

private:
    std::filesystem::path path_;
    std::uintmax_t offset_ = 0;
    std::string partial_;
};

}  // namespace fra
