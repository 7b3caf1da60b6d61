#include "ConfigAssembly.h"

#include "config/ConfigSchema.h"
#include "config/PresetLibrary.h"

void ConfigOptions::addTo(CLI::App& command) {
    command.add_option("--preset", preset, "Preset to start from (see `fra presets`)")->capture_default_str();
    command.add_option("--config", configFile, "JSON file of settings applied on top of the preset")->check(CLI::ExistingFile);
    command.add_option("--set", assignments, "Override one setting, e.g. --set model.num_regions=32 (repeatable)");
}

fra::FraConfig ConfigOptions::build() const {
    fra::FraConfig config = fra::PresetLibrary::installed().resolve(preset);
    if (!configFile.empty()) {
        const std::string name = config.preset;
        config = fra::loadConfigFile(configFile, config);
        config.preset = name;
    }
    for (const auto& a : assignments) fra::ConfigSchema::instance().applyAssignment(config, a);
    return config;
}
