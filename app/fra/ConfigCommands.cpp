// `fra presets` and `fra config`: what can be configured, and what a preset resolves to.
#include "Commands.h"
#include "ConfigAssembly.h"
#include "config/ConfigSchema.h"
#include "config/PresetLibrary.h"
#ifndef FRA_NO_OPENCV
#include "downstream/EvalSchema.h"
#endif

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <vector>

namespace {

// One block per field, in the forms' order (group by group, the most used first):
//   <key> <type> <value> <label>  [group: <group>[, advanced]]
//       <the help text of the form: help [key: ...; range; reference]>
template <typename Config>
void printFields(const fra::Schema<Config>& schema, const Config& values) {
    std::vector<const fra::Field<Config>*> fields;
    for (const auto& f : schema.fields()) fields.push_back(&f);
    std::stable_sort(fields.begin(), fields.end(), [](const auto* a, const auto* b) {
        return static_cast<unsigned>(a->order) < static_cast<unsigned>(b->order);  // unpresented (-1) last
    });
    for (const auto* f : fields) {
        std::cout << std::left << std::setw(36) << f->key << std::setw(10) << fra::fieldTypeName(f->type) << std::setw(14)
                  << (f->get(values).dump() + " ") << (f->label.empty() ? f->key : f->label) << "  [group: "
                  << (f->group.empty() ? "none" : f->group) << (f->advanced ? ", advanced" : "") << "]\n"
                  << "    " << f->describe() << "\n";
    }
}

}  // namespace


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
    auto listEvalFields = std::make_shared<bool>(false);
    CLI::App* config = app.add_subcommand("config", "Print the resolved configuration as JSON (or every field with --fields)");
    options->addTo(*config);
    config->add_flag("--fields", *listFields,
                     "List every field: key, type, resolved value, label, group, then its help with range and the paper's or authors' value");
#ifndef FRA_NO_OPENCV
    config->add_flag("--eval-fields", *listEvalFields, "List every evaluation setting (fra eval/compare --set) the same way, with built-in defaults");
#endif
    config->callback([options, listFields, listEvalFields, &action] {
        action = [options, listFields, listEvalFields] {
#ifndef FRA_NO_OPENCV
            if (*listEvalFields) {
                printFields(fra::EvalSchema::instance(), fra::EvalConfig{});
                return 0;
            }
#else
            (void)listEvalFields;
#endif
            const fra::FraConfig resolved = options->build();
            const auto& schema = fra::ConfigSchema::instance();
            if (!*listFields) {
                std::cout << schema.toJson(resolved).dump(2) << std::endl;
                for (const auto& issue : schema.validate(resolved))
                    std::cerr << "warning: " << issue.key << " " << issue.message << "\n";
                return 0;
            }
            printFields(schema, resolved);
            return 0;
        };
    });
}
