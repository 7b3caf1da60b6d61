// `fra runs`: the run browser for a terminal.
#include "Commands.h"
#include "run/RunOverview.h"
#include "util/FraError.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

namespace {

struct RunsOptions {
    std::vector<std::string> folders;
    bool json = false;
    double staleAfter = 300;
    double clockSkew = 60;
};

std::string lossText(double v) {
    if (!std::isfinite(v)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

std::string stepText(const fra::RunOverview& o) {
    return std::to_string(o.step) + "/" + (o.totalSteps > 0 ? std::to_string(o.totalSteps) : std::string("?"));
}

void printTable(const std::vector<fra::RunOverview>& runs) {
    std::vector<std::vector<std::string>> rows = {{"NAME", "PRESET", "STATE", "STEP", "HEARTBEAT", "LAST", "BEST", "JOB"}};
    for (const auto& o : runs) {
        std::string state = o.liveness.describe();
        if (o.liveness.state == "unreadable" || o.liveness.state == "submitted") state += ": " + o.message;
        else if (o.liveness.state == "queued") state += ": " + o.queue;
        else if (!o.queue.empty() && o.queue != "RUNNING") state += " (job " + o.queue + ")";  // e.g. requeued, pending again
        rows.push_back({o.name, o.preset.empty() ? "-" : o.preset, state, stepText(o),
                        o.liveness.heartbeatAge >= 0 ? fra::formatAge(o.liveness.heartbeatAge) + " ago" : "-", lossText(o.lastLoss),
                        lossText(o.bestLoss), o.jobId.empty() ? "-" : o.jobId});
    }
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& r : rows)
        for (std::size_t c = 0; c + 1 < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t c = 0; c < r.size(); ++c) line += c + 1 < r.size() ? r[c] + std::string(width[c] - r[c].size() + 2, ' ') : r[c];
        std::cout << line << "\n";
    }
}

}  // namespace

void addRunsCommand(CLI::App& app, CommandAction& action) {
    auto opts = std::make_shared<RunsOptions>();
    CLI::App* runs = app.add_subcommand("runs", "List the runs in folders: state (with the host training it), step, heartbeat, losses");
    runs->add_option("folders", opts->folders, "Run folders, or folders of runs (default: the current folder)");
    runs->add_flag("--json", opts->json, "One JSON object per run and line, for scripts");
    runs->add_option("--stale-after", opts->staleAfter, "Seconds without a heartbeat before a run on another machine reads as interrupted")
        ->check(CLI::Range(1.0, 1e7));
    runs->add_option("--max-clock-skew", opts->clockSkew, "Seconds by which the training machine's clock may differ from this one's")
        ->check(CLI::Range(0.0, 86400.0));
    runs->callback([opts, &action] {
        action = [opts] {
            std::vector<std::filesystem::path> folders(opts->folders.begin(), opts->folders.end());
            if (folders.empty()) folders.push_back(".");
            for (const auto& f : folders) {
                std::error_code ec;
                if (!std::filesystem::is_directory(f, ec)) throw fra::FraError("'" + f.string() + "' is not a folder");
            }
            fra::LivenessPolicy policy;
            policy.staleAfterSeconds = opts->staleAfter;
            policy.maxClockSkewSeconds = opts->clockSkew;
            std::vector<fra::RunOverview> overviews;
            for (const auto& path : fra::findRuns(folders)) overviews.push_back(fra::overviewOf(path, policy));
            if (opts->json) {
                for (const auto& o : overviews)  // a folder name need not be UTF-8: such bytes are written as U+FFFD
                    std::cout << o.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
            } else if (overviews.empty()) {
                std::cout << "no runs in " << (opts->folders.empty() ? std::string(".") : opts->folders.front())
                          << (folders.size() > 1 ? " and the other folders" : "") << "\n";
            } else {
                printTable(overviews);
            }
            std::cout << std::flush;
            return 0;
        };
    });
}
