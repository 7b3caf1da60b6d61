#pragma once
#include "downstream/DatasetFormat.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace fra {

struct PluginProblem {
    std::string file;
    std::string reason;
};

// The dataset formats found in the plugin directories ($FRA_PLUGIN_DIR, the installed
// lib/fra-workbench/plugins, the build tree's plugins/), loaded with dlopen. Modules that are
// not FRA plugins, or were built for another plugin ABI, are skipped and reported.
class DatasetRegistry {
public:
    static std::vector<std::filesystem::path> defaultSearchPath();
    explicit DatasetRegistry(const std::vector<std::filesystem::path>& directories = defaultSearchPath());
    ~DatasetRegistry();
    DatasetRegistry(const DatasetRegistry&) = delete;
    DatasetRegistry& operator=(const DatasetRegistry&) = delete;

    const std::vector<const DatasetFormat*>& formats() const { return view_; }
    const std::vector<PluginProblem>& problems() const { return problems_; }
    const DatasetFormat* find(const std::string& id) const;

    // "rafdb:/data/RAF-DB" (format:root) or a bare root whose format is recognised.
    // Throws FraError when the format is unknown or the root matches none/several formats, when
    // the annotations are malformed (naming file and line), when none of the listed images exist,
    // and, unless `allowMissingImages`, when any listed image is missing on disk.
    DownstreamDataset load(const std::string& spec, bool allowMissingImages = false) const;
    const DatasetFormat& resolve(const std::string& spec, std::filesystem::path& root) const;

private:
    struct Module;
    std::vector<std::unique_ptr<Module>> modules_;
    std::vector<const DatasetFormat*> view_;
    std::vector<PluginProblem> problems_;
};

}  // namespace fra
