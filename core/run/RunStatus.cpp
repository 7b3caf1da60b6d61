#include "run/RunStatus.h"

#include "util/JsonNumbers.h"

namespace fra {

nlohmann::json RunStatus::toJson() const {
    nlohmann::json j = {{"state", state},         {"message", message},     {"preset", preset},
            {"host", host},           {"pid", pid},             {"step", step},
            {"total_steps", totalSteps}, {"checkpoint_step", checkpointStep},
            {"skipped_images", skippedImages}, {"started", started}, {"updated", updated},
            {"device", device}};
    if (!jobId.empty()) j["job_id"] = jobId;
    if (!launcher.empty()) j["launcher"] = launcher;
    if (!slurmStops.empty()) j["slurm_stops"] = slurmStops;
    return j;
}

RunStatus RunStatus::fromJson(const nlohmann::json& j) {
    RunStatus s;
    s.state = j.value("state", s.state);
    s.message = j.value("message", "");
    s.preset = j.value("preset", "");
    s.host = j.value("host", "");
    s.pid = wholeNumber(j, "pid", 0);
    s.step = wholeNumber(j, "step", 0);
    s.totalSteps = wholeNumber(j, "total_steps", 0);
    s.checkpointStep = wholeNumber(j, "checkpoint_step", -1);
    s.skippedImages = wholeNumber(j, "skipped_images", 0);
    s.started = j.value("started", 0.0);
    s.updated = j.value("updated", 0.0);
    s.device = j.value("device", "");
    s.jobId = j.value("job_id", "");
    s.launcher = j.value("launcher", "");
    if (const auto it = j.find("slurm_stops"); it != j.end() && it->is_array()) s.slurmStops = *it;
    return s;
}

}  // namespace fra
