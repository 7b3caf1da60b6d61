#include "util/ResourceLocator.h"

#include "util/FraError.h"

#include <cstdlib>
#include <system_error>

namespace fs = std::filesystem;

namespace fra {

fs::path ResourceLocator::executableDir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : exe.parent_path();
}

bool ResourceLocator::runningFromBuildTree() {
#ifdef FRA_BUILD_DIR
    const std::string exe = executableDir().lexically_normal().string();
    const std::string build = fs::path(FRA_BUILD_DIR).lexically_normal().string();
    return exe.compare(0, build.size(), build) == 0 && (exe.size() == build.size() || exe[build.size()] == '/');
#else
    return false;
#endif
}

namespace {
#ifndef FRA_INSTALL_BINDIR
#define FRA_INSTALL_BINDIR "bin"
#define FRA_INSTALL_LIBDIR "lib"
#define FRA_INSTALL_DATADIR "share"
#endif
fs::path installPrefix() {
    fs::path prefix = ResourceLocator::executableDir();
    for (const auto& part : fs::path(FRA_INSTALL_BINDIR))
        if (!part.empty() && part != ".") prefix = prefix.parent_path();
    return prefix;
}
}  // namespace

fs::path ResourceLocator::installedPluginDir() { return installPrefix() / FRA_INSTALL_LIBDIR / "fra-workbench" / "plugins"; }
fs::path ResourceLocator::installedDataDir() { return installPrefix() / FRA_INSTALL_DATADIR / "fra-workbench"; }

fs::path ResourceLocator::samplePool() {
    if (const char* env = std::getenv("FRA_SAMPLES"); env && *env) return env;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "fra-workbench" / "samples";
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : "/") / ".local" / "share" / "fra-workbench" / "samples";
}

std::string ResourceLocator::resolveSamplePool(const std::string& spec) {
    static const std::string token = "@samples/";
    const auto colon = spec.find(':');
    const std::size_t at = colon == std::string::npos ? 0 : colon + 1;
    if (spec.compare(at, token.size(), token) != 0) return spec;
    return spec.substr(0, at) + (samplePool() / spec.substr(at + token.size())).string();
}

std::vector<fs::path> ResourceLocator::searchPath() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("FRA_RESOURCE_DIR"); env && *env) dirs.emplace_back(env);
    dirs.push_back(installedDataDir());
#ifdef FRA_SOURCE_RESOURCE_DIR
    if (runningFromBuildTree()) dirs.emplace_back(FRA_SOURCE_RESOURCE_DIR);
#endif
    return dirs;
}

fs::path ResourceLocator::find(const std::string& relative) {
    std::string tried;
    for (const auto& dir : searchPath()) {
        const fs::path candidate = dir / relative;
        std::error_code ec;
        if (fs::exists(candidate, ec)) return candidate;
        tried += (tried.empty() ? "" : ", ") + dir.string();
    }
    throw FraError("resource '" + relative + "' not found (looked in " + tried + ")");
}

}  // namespace fra
