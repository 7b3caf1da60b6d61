#pragma once
#include "config/FraConfig.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fra {

struct PresetInfo {
    std::string name;
    std::string description;
    std::string extends;
    std::filesystem::path file;
};

// Named configurations in a preset folder (resources/presets, resources/eval-presets), <name>.json:
//   {"description": "...", "extends": "paper-r50", "config": { ...fields... }}
// A preset is resolved by applying its chain of `extends` on top of the code defaults.
class PresetLibrary {
public:
    explicit PresetLibrary(std::filesystem::path directory);
    static PresetLibrary installed();  // resources/presets through ResourceLocator

    std::vector<PresetInfo> list() const;
    // The "config" objects of `name` and its `extends` ancestors, base first, with their files.
    std::vector<std::pair<std::string, nlohmann::json>> chain(const std::string& name) const;
    FraConfig resolve(const std::string& name) const;

private:
    PresetInfo read(const std::string& name) const;
    std::filesystem::path directory_;
};

// Loads a config file (as written into run directories, or by hand): either a preset file or a
// plain settings object, applied on top of `base`.
FraConfig loadConfigFile(const std::filesystem::path& file, const FraConfig& base = FraConfig{});

}  // namespace fra
