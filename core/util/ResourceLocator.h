#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace fra {

// Finds the read-only files shipped with the workbench (presets, icons): $FRA_RESOURCE_DIR,
// then <prefix>/<datadir>/fra-workbench of an installed binary (GNUInstallDirs' names), then the
// source tree of a build.
class ResourceLocator {
public:
    static std::vector<std::filesystem::path> searchPath();
    // Throws FraError when `relative` exists in none of the search directories.
    static std::filesystem::path find(const std::string& relative);
    static std::filesystem::path executableDir();
    // <prefix>/<libdir>/fra-workbench/plugins and <prefix>/<datadir>/fra-workbench of this binary,
    // <prefix> being its folder less the install's bindir.
    static std::filesystem::path installedPluginDir();
    static std::filesystem::path installedDataDir();
    // True for the programs of a build tree (they may use the source tree's resources and the
    // build's plugins); an installed program never looks there.
    static bool runningFromBuildTree();
    // The real-face sample pool (`fra samples fetch`): $FRA_SAMPLES, else
    // ${XDG_DATA_HOME:-~/.local/share}/fra-workbench/samples.
    static std::filesystem::path samplePool();
    // A dataset spec with "@samples/" at the start of its path ("pts:@samples/tasks/x") names the
    // sample pool's folder; other specs are returned as they are.
    static std::string resolveSamplePool(const std::string& datasetSpec);
};

}  // namespace fra
