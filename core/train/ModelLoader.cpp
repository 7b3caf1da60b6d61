#include "train/ModelLoader.h"

#include "config/ConfigSchema.h"
#include "model/FraModel.h"
#include "run/RunDirectory.h"
#include "train/Checkpoint.h"
#include "util/FraError.h"

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace fra {

LoadedModel loadTrainedModel(const fs::path& checkpointOrRun) {
    LoadedModel out;
    out.checkpoint = checkpointOrRun;
    if (fs::is_directory(checkpointOrRun)) {
        const RunDirectory run = RunDirectory::open(checkpointOrRun);
        const auto latest = run.latestCheckpoint();
        if (!latest) throw FraError("run '" + checkpointOrRun.string() + "' has no checkpoint yet");
        out.checkpoint = latest->path;
    }
    const std::string configText = Checkpoint::readConfigJson(out.checkpoint);
    nlohmann::json stored;
    try {
        stored = nlohmann::json::parse(configText);
    } catch (const nlohmann::json::exception& e) {
        throw FraError("checkpoint '" + out.checkpoint.string() + "': its stored config is not valid JSON (" + e.what() + ")");
    }
    ConfigSchema::instance().apply(out.config, stored, out.checkpoint.string() + " (config)");
    auto model = std::make_shared<FraModelImpl>(out.config);
    out.step = Checkpoint::load(out.checkpoint, *model, nullptr).step;
    model->eval();
    out.model = model;
    return out;
}

}  // namespace fra
