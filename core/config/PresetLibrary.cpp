#include "config/PresetLibrary.h"

#include "config/ConfigSchema.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"
#include "util/ResourceLocator.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace fra {
namespace {

json parseJsonFile(const fs::path& file) {
    const std::string text = readWholeFile(file);
    try {
        return json::parse(text);
    } catch (const json::exception& e) {  // also out_of_range: a number too large for a double
        throw FraError(file.string() + ": not valid JSON (" + std::string(e.what()) + ")");
    }
}

}  // namespace

PresetLibrary::PresetLibrary(fs::path directory) : directory_(std::move(directory)) {}

PresetLibrary PresetLibrary::installed() { return PresetLibrary(ResourceLocator::find("presets")); }

PresetInfo PresetLibrary::read(const std::string& name) const {
    const fs::path file = directory_ / (name + ".json");
    if (!fs::exists(file)) {
        std::string known;
        for (const auto& p : list()) known += (known.empty() ? "" : ", ") + p.name;
        throw FraError("unknown preset '" + name + "' (known: " + known + ")");
    }
    const json doc = parseJsonFile(file);
    PresetInfo info;
    info.name = name;
    info.file = file;
    if (!doc.is_object()) throw FraError(file.string() + ": expected a JSON object");
    info.description = doc.value("description", "");
    info.extends = doc.value("extends", "");
    return info;
}

std::vector<PresetInfo> PresetLibrary::list() const {
    std::vector<PresetInfo> presets;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(directory_, ec)) {
        if (entry.path().extension() != ".json") continue;
        PresetInfo info;
        info.name = entry.path().stem().string();
        info.file = entry.path();
        try {
            const json doc = parseJsonFile(entry.path());
            info.description = doc.value("description", "");
            info.extends = doc.value("extends", "");
        } catch (const std::exception& e) {
            info.description = std::string("(unreadable: ") + e.what() + ")";
        }
        presets.push_back(info);
    }
    std::sort(presets.begin(), presets.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return presets;
}

std::vector<std::pair<std::string, json>> PresetLibrary::chain(const std::string& name) const {
    std::vector<PresetInfo> presets;
    for (std::string current = name; !current.empty();) {
        for (const auto& seen : presets)
            if (seen.name == current) throw FraError("preset '" + name + "': 'extends' forms a cycle at '" + current + "'");
        presets.push_back(read(current));
        current = presets.back().extends;
    }
    std::vector<std::pair<std::string, json>> out;
    for (auto it = presets.rbegin(); it != presets.rend(); ++it) {
        const json doc = parseJsonFile(it->file);
        if (doc.contains("config")) out.emplace_back(it->file.string(), doc.at("config"));
    }
    return out;
}

FraConfig PresetLibrary::resolve(const std::string& name) const {
    FraConfig config;
    for (const auto& [file, patch] : chain(name)) ConfigSchema::instance().apply(config, patch, file);
    config.preset = name;
    return config;
}

FraConfig loadConfigFile(const fs::path& file, const FraConfig& base) {
    const json doc = parseJsonFile(file);
    FraConfig config = base;
    if (doc.is_object() && doc.contains("config") && doc.at("config").is_object())
        ConfigSchema::instance().apply(config, doc.at("config"), file.string());
    else
        ConfigSchema::instance().apply(config, doc, file.string());
    return config;
}

}  // namespace fra
