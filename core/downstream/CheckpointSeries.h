#pragma once
#include "run/RunDirectory.h"

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fra {

// The checkpoints of a run named by `fra finetune/eval RUN --checkpoints SPEC`: "all" (every
// checkpoint the run keeps: its milestones, the newest periodic ones) or a comma-separated list of
// steps ("2000,4000"). Throws FraError naming the run and the step when one is not kept.
std::vector<CheckpointFile> selectCheckpoints(const RunDirectory& run, const std::string& spec);

// One evaluation per checkpoint of a run, as a series against the pre-training step:
// `series.csv` (RFC 4180) with step, checkpoint, the primary metric with its 95 % interval (and
// how it was made) and the evaluation folder; returns the same as text for the terminal.
struct SeriesPoint {
    std::int64_t step = 0;
    nlohmann::json result;  // result.json of the checkpoint's evaluation, with "folder"
};
std::string writeCheckpointSeries(const std::filesystem::path& file, const std::vector<SeriesPoint>& points);

}  // namespace fra
