#include "downstream/DatasetRegistry.h"

#include "util/FraError.h"
#include "util/ResourceLocator.h"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <set>

namespace fs = std::filesystem;

namespace fra {

// Modules are never dlclose'd: they stay loaded for the life of the process. Anything a plugin
// made (an exception object, a dataset's strings, a vtable) may outlive the registry that loaded
// it, and code unloaded under it crashes (SIGSEGV) instead of failing. The few modules cost a few
// hundred kilobytes; reopening an already loaded module with dlopen just returns it.
struct DatasetRegistry::Module {
    void* handle = nullptr;
    std::unique_ptr<DatasetFormat> format;
};

namespace {

// Calls into a plugin and turns whatever it throws into the core's own FraError with the
// message copied, so no exception object made by plugin code leaves this function.
template <typename Call>
auto callPlugin(const DatasetFormat& format, Call&& call) -> decltype(call()) {
    std::string message;
    try {
        return call();
    } catch (const std::exception& e) {
        message = e.what();
    } catch (...) {
        message = "the '" + format.id() + "' dataset plugin failed with an unknown exception";
    }
    throw FraError(message);
}

}  // namespace

std::vector<fs::path> DatasetRegistry::defaultSearchPath() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("FRA_PLUGIN_DIR"); env && *env) {
        std::string all = env;
        for (std::size_t start = 0, colon; start <= all.size(); start = colon + 1) {
            colon = all.find(':', start);
            if (colon == std::string::npos) colon = all.size();
            if (colon > start) dirs.emplace_back(all.substr(start, colon - start));
        }
    }
    dirs.push_back(ResourceLocator::installedPluginDir());
#ifdef FRA_BUILD_PLUGIN_DIR
    if (ResourceLocator::runningFromBuildTree()) dirs.emplace_back(FRA_BUILD_PLUGIN_DIR);
#endif
    return dirs;
}

DatasetRegistry::DatasetRegistry(const std::vector<fs::path>& directories) {
    std::set<std::string> ids;
    for (const auto& dir : directories) {
        std::error_code ec;
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string name = entry.path().filename().string();
            if (entry.path().extension() == ".so" && name.find("fra_dataset_") != std::string::npos) files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            auto module = std::make_unique<Module>();
            module->handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!module->handle) {
                problems_.push_back({file.string(), ::dlerror()});
                continue;
            }
            auto abi = reinterpret_cast<int (*)()>(::dlsym(module->handle, "fra_dataset_plugin_abi"));
            auto create = reinterpret_cast<DatasetFormat* (*)()>(::dlsym(module->handle, "fra_dataset_plugin_create"));
            if (!abi || !create) {
                problems_.push_back({file.string(), "not an FRA dataset plugin (no fra_dataset_plugin_* entry points)"});
                continue;
            }
            if (abi() != FRA_DATASET_PLUGIN_ABI) {
                problems_.push_back({file.string(), "built for plugin ABI " + std::to_string(abi()) + ", this program uses " +
                                                        std::to_string(FRA_DATASET_PLUGIN_ABI)});
                continue;
            }
            module->format.reset(create());
            if (!ids.insert(module->format->id()).second) continue;  // an earlier directory wins
            view_.push_back(module->format.get());
            modules_.push_back(std::move(module));
        }
    }
    std::sort(view_.begin(), view_.end(), [](auto* a, auto* b) { return a->id() < b->id(); });
}

DatasetRegistry::~DatasetRegistry() = default;

const DatasetFormat* DatasetRegistry::find(const std::string& id) const {
    for (const auto* f : view_)
        if (f->id() == id) return f;
    return nullptr;
}

const DatasetFormat& DatasetRegistry::resolve(const std::string& spec, fs::path& root) const {
    const auto colon = spec.find(':');
    if (colon != std::string::npos && colon > 0 && spec.find('/') > colon) {
        const std::string id = spec.substr(0, colon);
        root = spec.substr(colon + 1);
        const DatasetFormat* format = find(id);
        if (!format) {
            std::string known;
            for (const auto* f : view_) known += (known.empty() ? "" : ", ") + f->id();
            throw FraError("unknown dataset format '" + id + "' (plugins found: " + (known.empty() ? "none" : known) + ")");
        }
        return *format;
    }
    root = spec;
    std::vector<const DatasetFormat*> matches;
    for (const auto* f : view_)
        if (callPlugin(*f, [&] { return f->recognises(root); })) matches.push_back(f);
    if (matches.size() == 1) return *matches[0];
    if (matches.empty()) throw FraError("no dataset format recognises '" + spec + "'; give it as FORMAT:PATH");
    std::string names;
    for (const auto* f : matches) names += (names.empty() ? "" : ", ") + f->id();
    throw FraError("several formats recognise '" + spec + "' (" + names + "); give it as FORMAT:PATH");
}

DownstreamDataset DatasetRegistry::load(const std::string& spec, bool allowMissingImages) const {
    fs::path root;
    const DatasetFormat& format = resolve(spec, root);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw FraError("dataset folder '" + root.string() + "' does not exist");
    DownstreamDataset dataset = callPlugin(format, [&] { return format.load(root); });
    dataset.format = format.id();
    dataset.root = root.string();
    if (dataset.missingImages > 0 && dataset.missingImages == dataset.listedImages)
        throw FraError("none of the " + std::to_string(dataset.listedImages) + " images listed in " + format.id() + ":" + root.string() +
                       " exist; the first is " + dataset.firstMissingImage + " (is the image folder in place?)");
    if (dataset.missingImages > 0 && !allowMissingImages)
        throw FraError("image " + dataset.firstMissingImage + " is missing (" + std::to_string(dataset.missingImages) + " of " +
                       std::to_string(dataset.listedImages) + " listed images are); put them in place, or leave them out with " +
                       "allow_missing_images (`--set allow_missing_images=true`, `fra datasets --allow-missing-images`)");
    return dataset;
}

}  // namespace fra
