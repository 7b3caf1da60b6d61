#include "run/RunDirectory.h"

#include <cmath>

#include "util/AtomicFile.h"
#include "util/FraError.h"
#include "util/JsonNumbers.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace fra {

double unixNow() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string isoTimestamp(double unixSeconds) {
    const std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string hostName() {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

namespace {

std::string stepName(const std::string& prefix, std::int64_t step, const std::string& ext) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%010lld%s", prefix.c_str(), static_cast<long long>(step), ext.c_str());
    return buf;
}

std::mutex logMutex;

}  // namespace

RunDirectory RunDirectory::create(const fs::path& root, const json& frozenConfig) {
    std::error_code ec;
    const bool existed = fs::exists(root, ec);
    if (existed) {
        if (!fs::is_directory(root, ec)) throw FraError("output '" + root.string() + "' exists and is not a folder");
        for (const auto& entry : fs::directory_iterator(root, ec))
            if (entry.path().filename() != kSubmissionFolder)  // `fra submit` writes its job script first
                throw FraError("output folder '" + root.string() + "' is not empty (use `fra resume` to continue a run)");
    }
    fs::create_directories(root, ec);
    if (ec) throw FraError("cannot create run folder '" + root.string() + "': " + ec.message());
    RunDirectory run(root);
    try {
        for (const auto& dir : {run.probesDir(), run.heatmapsDir(), run.checkpointsDir()}) {
            fs::create_directories(dir, ec);
            if (ec) throw FraError("cannot create '" + dir.string() + "': " + ec.message());
        }
        writeFileAtomically(run.configFile(), frozenConfig.dump(2) + "\n");
        RunStatus status;
        if (frozenConfig.is_object()) status.preset = frozenConfig.value("preset", "");
        status.host = hostName();
        status.started = status.updated = unixNow();
        run.writeStatus(status);
    } catch (...) {
        run.removeCreated(existed);
        throw;
    }
    return run;
}

void RunDirectory::removeCreated(bool rootExistedEmpty) const {
    std::error_code ec;
    if (!rootExistedEmpty) {
        fs::remove_all(root_, ec);
        return;
    }
    for (const auto& entry : fs::directory_iterator(root_, ec))
        if (entry.path().filename() != kSubmissionFolder) fs::remove_all(entry.path(), ec);
}

bool RunDirectory::looksLikeRun(const fs::path& root) {
    std::error_code ec;
    return fs::is_regular_file(root / "config.json", ec);
}

RunDirectory RunDirectory::open(const fs::path& root) {
    std::error_code ec;
    if (!fs::exists(root, ec)) throw FraError("run folder '" + root.string() + "' does not exist");
    if (!looksLikeRun(root)) throw FraError("'" + root.string() + "' is not a run folder (no config.json)");
    return RunDirectory(root);
}

json RunDirectory::readConfig() const {
    try {
        return json::parse(readWholeFile(configFile()));
    } catch (const json::exception& e) {  // also out_of_range: a number too large for a double
        throw FraError(configFile().string() + ": not valid JSON (" + e.what() + ")");
    }
}

RunStatus RunDirectory::readStatus() const {
    std::error_code ec;
    if (!fs::exists(statusFile(), ec)) return RunStatus{};
    try {
        return RunStatus::fromJson(json::parse(readWholeFile(statusFile())));
    } catch (const json::exception& e) {
        throw FraError(statusFile().string() + ": " + e.what());
    } catch (const FraError& e) {  // a number out of range
        throw FraError(statusFile().string() + ": " + e.what());
    }
}

void RunDirectory::writeStatus(const RunStatus& status) const {
    writeFileAtomically(statusFile(), status.toJson().dump(2) + "\n");
}

void RunDirectory::appendLog(const std::string& level, const std::string& message) const {
    std::lock_guard<std::mutex> lock(logMutex);
    std::ofstream out(logFile(), std::ios::app);
    out << isoTimestamp(unixNow()) << " [" << level << "] " << message << '\n';
}

fs::path RunDirectory::checkpointPath(std::int64_t step) const {
    return checkpointsDir() / stepName("ckpt_", step, ".pt");
}

std::vector<CheckpointFile> RunDirectory::checkpoints() const {
    std::vector<CheckpointFile> out;
    std::error_code ec;
    const std::regex pattern("ckpt_([0-9]{10})\\.pt");
    for (const auto& entry : fs::directory_iterator(checkpointsDir(), ec)) {
        std::smatch m;
        const std::string name = entry.path().filename().string();
        if (std::regex_match(name, m, pattern)) out.push_back({std::stoll(m[1].str()), entry.path()});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
    return out;
}

std::optional<CheckpointFile> RunDirectory::latestCheckpoint() const {
    auto all = checkpoints();
    if (all.empty()) return std::nullopt;
    return all.back();
}

void RunDirectory::pruneCheckpoints(int keep, std::int64_t milestoneInterval) const {
    std::vector<CheckpointFile> periodic;
    for (auto& c : checkpoints())
        if (milestoneInterval <= 0 || c.step % milestoneInterval != 0) periodic.push_back(std::move(c));
    for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < periodic.size(); ++i) {
        std::error_code ec;
        fs::remove(periodic[i].path, ec);
    }
}

std::int64_t milestoneInterval(double milestoneEvery, std::int64_t totalSteps) {
    if (!(milestoneEvery > 0)) return 0;
    if (milestoneEvery >= 1) return static_cast<std::int64_t>(std::llround(milestoneEvery));
    return std::max<std::int64_t>(1, std::llround(milestoneEvery * static_cast<double>(totalSteps)));
}

fs::path RunDirectory::heatmapPath(std::int64_t step) const {
    return heatmapsDir() / stepName("step_", step, ".npy");
}

void RunDirectory::appendHeatmapIndex(std::int64_t step, const fs::path& file, const std::vector<std::int64_t>& shape) const {
    std::ofstream out(heatmapsDir() / "index.jsonl", std::ios::app);
    out << json{{"step", step}, {"file", file.filename().string()}, {"shape", shape}}.dump() << '\n';
}

std::vector<HeatmapIndexEntry> RunDirectory::heatmapSnapshots() const {
    std::vector<HeatmapIndexEntry> out;
    std::ifstream in(heatmapsDir() / "index.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        try {
            const json j = json::parse(line);
            out.push_back({wholeNumber(j.at("step"), "step"), heatmapsDir() / j.at("file").get<std::string>()});
        } catch (const std::exception&) {
            // a torn last line from a crash
        }
    }
    return out;
}

void RunDirectory::truncateHeatmapsAfter(std::int64_t lastStep) const {
    std::ifstream in(heatmapsDir() / "index.jsonl");
    std::ostringstream kept;
    std::string line;
    while (std::getline(in, line)) {
        try {
            const json j = json::parse(line);
            if (wholeNumber(j.at("step"), "step") <= lastStep) {
                kept << line << '\n';
                continue;
            }
            std::error_code ec;
            fs::remove(heatmapsDir() / j.at("file").get<std::string>(), ec);
        } catch (const std::exception&) {
            // a torn last line from a crash is dropped
        }
    }
    writeFileAtomically(heatmapsDir() / "index.jsonl", kept.str());
}

}  // namespace fra
