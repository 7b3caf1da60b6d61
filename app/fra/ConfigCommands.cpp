// `fra presets` and `fra config`: what can be configured, and what a preset resolves to.
#include "Commands.h"
#include "ConfigAssembly.h"
#include "config/ConfigSchema.h"
#include "config/PresetLibrary.h"

#include <iomanip>
#include <iostream>


void addConfigCommands(CLI::App& app, CommandAction& action) {
    CLI::App* presets = app.add_subcommand("presets", "List the presets");
    presets->callback([&action] {
        action = [] {
            for (const auto& p : fra::PresetLibrary::installed().list())
                std::cout << std::left << std::setw(22) << p.name << p.description
                          << (p.extends.empty() ? "" : " (extends " + p.extends + ")") << "\n";
            return 0;
        };
    });

    auto options = std::make_shared<ConfigOptions>();
    auto listFields = std::make_shared<bool>(false);
    CLI::App* config = app.add_subcommand("config", "Print the resolved configuration as JSON (or every field with --fields)");
    options->addTo(*config);
    config->add_flag("--fields", *listFields, "List every field with its type and meaning");
    config->callback([options, listFields, &action] {
        action = [options, listFields] {
            const fra::FraConfig resolved = options->build();
            const auto& schema = fra::ConfigSchema::instance();
            if (!*listFields) {
                std::cout << schema.toJson(resolved).dump(2) << std::endl;
                for (const auto& issue : schema.validate(resolved))
                    std::cerr << "warning: " << issue.key << " " << issue.message << "\n";
                return 0;
            }
            for (const auto& f : schema.fields())
                std::cout << std::left << std::setw(36) << f.key << std::setw(10) << fra::fieldTypeName(f.type) << std::setw(14)
                          << f.get(resolved).dump() << f.help << "\n";
            return 0;
        };
    });
}
