#include "run/RunStatus.h"

namespace fra {

nlohmann::json RunStatus::toJson() const {
    return {{"state", state},         {"message", message},     {"preset", preset},
            {"host", host},           {"pid", pid},             {"step", step},
            {"total_steps", totalSteps}, {"checkpoint_step", checkpointStep},
            {"skipped_images", skippedImages}, {"started", started}, {"updated", updated},
            {"device", device}};
}

RunStatus RunStatus::fromJson(const nlohmann::json& j) {
    RunStatus s;
    s.state = j.value("state", s.state);
    s.message = j.value("message", "");
    s.preset = j.value("preset", "");
    s.host = j.value("host", "");
    s.pid = j.value("pid", std::int64_t{0});
    s.step = j.value("step", std::int64_t{0});
    s.totalSteps = j.value("total_steps", std::int64_t{0});
    s.checkpointStep = j.value("checkpoint_step", std::int64_t{-1});
    s.skippedImages = j.value("skipped_images", std::int64_t{0});
    s.started = j.value("started", 0.0);
    s.updated = j.value("updated", 0.0);
    s.device = j.value("device", "");
    return s;
}

}  // namespace fra
