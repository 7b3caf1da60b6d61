#include "run/RunOverview.h"

#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "slurm/SlurmJob.h"
#include "util/FraError.h"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace fs = std::filesystem;

namespace fra {

namespace {
nlohmann::json numberOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

bool isSubmission(const fs::path& folder) {
    std::error_code ec;
    return fs::is_regular_file(folder / kSubmissionFolder / "submission.json", ec);
}
}  // namespace

nlohmann::json RunOverview::toJson() const {
    nlohmann::json j = {{"path", path.string()},
                        {"name", name},
                        {"preset", preset},
                        {"state", liveness.state},
                        {"description", liveness.describe()},
                        {"host", liveness.host},
                        {"pid", liveness.pid},
                        {"heartbeat_age_s", liveness.heartbeatAge >= 0 ? nlohmann::json(liveness.heartbeatAge) : nlohmann::json()},
                        {"step", step},
                        {"total_steps", totalSteps},
                        {"last_loss", numberOrNull(lastLoss)},
                        {"best_loss", numberOrNull(bestLoss)},
                        {"job_id", jobId},
                        {"launcher", launcher},
                        {"message", message},
                        {"queue", queue}};
    if (!liveness.heartbeatError.empty()) j["heartbeat_error"] = liveness.heartbeatError;
    return j;
}

std::vector<fs::path> findRuns(const std::vector<fs::path>& folders) {
    std::vector<fs::path> runs;
    for (const auto& folder : folders) {
        std::error_code ec;
        if (RunDirectory::looksLikeRun(folder) || isSubmission(folder)) {
            runs.push_back(fs::absolute(folder).lexically_normal());
            continue;
        }
        for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
            if (it->is_directory(ec) && (RunDirectory::looksLikeRun(it->path()) || isSubmission(it->path())))
                runs.push_back(fs::absolute(it->path()).lexically_normal());
    }
    std::sort(runs.begin(), runs.end());
    runs.erase(std::unique(runs.begin(), runs.end()), runs.end());
    return runs;
}

RunOverview overviewOf(const fs::path& runRoot, const LivenessPolicy& policy) {
    RunOverview o;
    o.path = runRoot;
    o.name = runRoot.filename().string();
    try {
        o.jobId = submittedSlurmJobId(runRoot);
        if (!o.jobId.empty()) o.queue = slurmQueueState(o.jobId);
        if (!RunDirectory::looksLikeRun(runRoot)) {  // submitted; the job has not started the run yet
            o.liveness.state = o.queue.empty() ? "submitted" : "queued";
            o.message = o.queue.empty() ? "job " + o.jobId + " is no longer queued and never started the run: see its log in " +
                                              (runRoot / kSubmissionFolder).string()
                                        : "job " + o.jobId + " " + o.queue;
            return o;
        }
        const RunDirectory run = RunDirectory::open(runRoot);
        const RunStatus status = run.readStatus();
        o.preset = status.preset;
        o.step = status.step;
        o.totalSteps = status.totalSteps;
        if (!status.jobId.empty()) o.jobId = status.jobId;
        o.launcher = status.launcher;
        o.message = status.message;
        o.liveness = judgeLiveness(runRoot, status, policy);
        if (o.liveness.heartbeat) o.step = std::max(o.step, o.liveness.heartbeat->step);
        for (const auto& r : MetricsReader::readAll(run.metricsFile())) {
            o.step = std::max(o.step, r.step);
            if (!std::isfinite(r.loss)) continue;
            o.lastLoss = r.loss;
            if (std::isnan(o.bestLoss) || r.loss < o.bestLoss) o.bestLoss = r.loss;
        }
    } catch (const std::exception& e) {
        o.liveness = LivenessVerdict{};
        o.liveness.state = "unreadable";
        // a parser's message may quote the file's own bytes: kept as valid UTF-8 (U+FFFD for the rest)
        const std::string quoted = nlohmann::json(std::string(e.what())).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        o.message = nlohmann::json::parse(quoted).get<std::string>();
    }
    return o;
}

}  // namespace fra
