#pragma once
#include "config/FraConfig.h"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

// The options shared by every command that builds a config: a preset, a JSON file on top of
// it, then `--set key=value` assignments, in that order.
struct ConfigOptions {
    std::string preset = "cpu-r18";
    std::string configFile;
    std::vector<std::string> assignments;

    void addTo(CLI::App& command);
    fra::FraConfig build() const;
};
