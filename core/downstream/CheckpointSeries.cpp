#include "downstream/CheckpointSeries.h"

#include "util/AtomicFile.h"
#include "util/Csv.h"
#include "util/FraError.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace fra {

std::vector<CheckpointFile> selectCheckpoints(const RunDirectory& run, const std::string& spec) {
    const std::vector<CheckpointFile> kept = run.checkpoints();
    if (kept.empty()) throw FraError("run '" + run.root().string() + "' has no checkpoint yet");
    if (spec == "all") return kept;
    std::vector<CheckpointFile> out;
    std::stringstream list(spec);
    for (std::string item; std::getline(list, item, ',');) {
        std::size_t used = 0;
        long long step = -1;
        try {
            step = std::stoll(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (item.empty() || used != item.size() || step < 0)
            throw FraError("--checkpoints '" + spec + "': '" + item + "' is not a step (give all, or steps separated by commas)");
        const auto it = std::find_if(kept.begin(), kept.end(), [&](const CheckpointFile& c) { return c.step == step; });
        if (it == kept.end()) {
            std::string steps;
            for (const auto& c : kept) steps += (steps.empty() ? "" : ", ") + std::to_string(c.step);
            throw FraError("run '" + run.root().string() + "' keeps no checkpoint of step " + item + " (it keeps " + steps + ")");
        }
        out.push_back(*it);
    }
    return out;
}

std::string writeCheckpointSeries(const std::filesystem::path& file, const std::vector<SeriesPoint>& points) {
    std::string csv = csvRecord({"step", "checkpoint", "metric", "value", "low", "high", "interval", "folder"});
    std::ostringstream text;
    for (const SeriesPoint& p : points) {
        const std::string metric = p.result.value("primary_metric", "");
        const nlohmann::json& metrics = p.result.contains("metrics") ? p.result["metrics"] : nlohmann::json::object();
        const double value = metrics.contains(metric) && metrics[metric].is_number() ? metrics[metric].get<double>() : NAN;
        nlohmann::json interval = nlohmann::json::object();
        if (p.result.contains("intervals") && p.result["intervals"].contains(metric)) interval = p.result["intervals"][metric];
        const auto number = [](const nlohmann::json& j, const char* key) {
            std::ostringstream s;
            if (j.contains(key) && j[key].is_number()) s << j[key].get<double>();
            return s.str();
        };
        const std::string folder = p.result.value("folder", "");
        const std::string checkpoint = std::filesystem::path(p.result.value("model", "")).filename().string();
        std::ostringstream v;
        v << value;
        csv += csvRecord({std::to_string(p.step), checkpoint, metric, v.str(), number(interval, "low"), number(interval, "high"),
                          interval.value("method", ""), folder});
        char line[160];
        std::snprintf(line, sizeof line, "step %10lld  %s %.4f", static_cast<long long>(p.step), metric.c_str(), value);
        text << line;
        if (interval.contains("low")) {
            std::snprintf(line, sizeof line, " [%.4f, %.4f]", interval["low"].get<double>(), interval["high"].get<double>());
            text << line;
        }
        text << '\n';
    }
    writeFileAtomically(file, csv);
    return text.str();
}

}  // namespace fra
