#pragma once
#include "run/RunStatus.h"

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fra {

struct CheckpointFile {
    std::int64_t step = 0;
    std::filesystem::path path;
};

struct HeatmapIndexEntry {
    std::int64_t step = 0;
    std::filesystem::path file;
};

// The run directory is the contract between training and everything that displays it:
//   config.json          frozen configuration (written once)
//   run.json             RunStatus (state, pid, step, notes, tags)
//   metrics.jsonl        one StepRecord per line
//   run.log              human-readable events: start, resume, skipped images, errors
//   probes/probe_NN.png  the fixed probe faces; probes/index.json names their sources
//   heatmaps/step_NNNNNNNNNN.npy   K heatmaps of every probe face, float32 [P, K, h, w]
//   heatmaps/index.jsonl           one {"step", "file", "shape"} per snapshot
//   checkpoints/ckpt_NNNNNNNNNN.pt weights, optimiser, schedule position, RNG state
//   slurm/job.sh, slurm/submission.json, slurm/job-<id>.log   a run submitted to Slurm (`fra submit slurm`)
// Every file except the append-only logs is replaced atomically.
// The one entry a new run's folder may already hold: `fra submit slurm` writes the job there first.
inline constexpr const char* kSubmissionFolder = "slurm";

class RunDirectory {
public:
    // Creates a new run; fails if `root` exists and holds anything but the submission folder, or
    // cannot be created.
    static RunDirectory create(const std::filesystem::path& root, const nlohmann::json& frozenConfig);
    // Opens an existing run; fails with a clear message if it is not a run directory.
    static RunDirectory open(const std::filesystem::path& root);
    static bool looksLikeRun(const std::filesystem::path& root);
    // Undoes create() when the run cannot start after all: removes the folder, or only its
    // content when it existed (empty) before.
    void removeCreated(bool rootExistedEmpty) const;

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path configFile() const { return root_ / "config.json"; }
    std::filesystem::path statusFile() const { return root_ / "run.json"; }
    std::filesystem::path metricsFile() const { return root_ / "metrics.jsonl"; }
    std::filesystem::path logFile() const { return root_ / "run.log"; }
    std::filesystem::path probesDir() const { return root_ / "probes"; }
    std::filesystem::path heatmapsDir() const { return root_ / "heatmaps"; }
    std::filesystem::path checkpointsDir() const { return root_ / "checkpoints"; }

    nlohmann::json readConfig() const;
    RunStatus readStatus() const;
    void writeStatus(const RunStatus& status) const;

    void appendLog(const std::string& level, const std::string& message) const;

    std::filesystem::path checkpointPath(std::int64_t step) const;
    std::vector<CheckpointFile> checkpoints() const;  // sorted by step
    std::optional<CheckpointFile> latestCheckpoint() const;
    // Deletes all but the newest `keep` periodic checkpoints; milestones (steps that are multiples
    // of `milestoneInterval`, when it is > 0) are never deleted.
    void pruneCheckpoints(int keep, std::int64_t milestoneInterval = 0) const;

    std::filesystem::path heatmapPath(std::int64_t step) const;
    void appendHeatmapIndex(std::int64_t step, const std::filesystem::path& file, const std::vector<std::int64_t>& shape) const;
    std::vector<HeatmapIndexEntry> heatmapSnapshots() const;
    // Drops snapshots after `lastStep` (a resumed run regenerates them).
    void truncateHeatmapsAfter(std::int64_t lastStep) const;

private:
    explicit RunDirectory(std::filesystem::path root) : root_(std::move(root)) {}
    std::filesystem::path root_;
};

// run.milestone_every as a step interval: >= 1 is steps, a value in (0, 1) that fraction of the
// schedule (at least one step), 0 none.
std::int64_t milestoneInterval(double milestoneEvery, std::int64_t totalSteps);

double unixNow();
std::string isoTimestamp(double unixSeconds);
std::string hostName();

}  // namespace fra
