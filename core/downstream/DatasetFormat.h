#pragma once
// The interface of a downstream dataset format. Each format is a plugin: a shared module
// (plugins/<format>/) that the command line and the GUI load at run time from their plugin
// directory, so a new format needs no rebuild of the application:
//
//   class MyFormat : public fra::DatasetFormat { ... };
//   FRA_DATASET_PLUGIN(MyFormat)
//
// Plugins are built against these headers (the SDK: core/downstream, core/util) with the same
// compiler; FRA_DATASET_PLUGIN_ABI changes whenever this interface does.
#include "downstream/DownstreamDataset.h"

#include <filesystem>
#include <string>

#define FRA_DATASET_PLUGIN_ABI 3

namespace fra {

class DatasetFormat {
public:
    virtual ~DatasetFormat() = default;
    virtual std::string id() const = 0;            // "rafdb", "celeba", ...
    virtual std::string description() const = 0;   // one line for lists
    virtual TaskKind task() const = 0;
    // True when `root` is laid out as this format expects (used to guess a format).
    virtual bool recognises(const std::filesystem::path& root) const = 0;
    // Reads the annotations. Malformed files throw FraError naming file and line; images
    // missing on disk are left out and reported in DownstreamDataset::warnings.
    virtual DownstreamDataset load(const std::filesystem::path& root) const = 0;
};

}  // namespace fra

#define FRA_DATASET_PLUGIN(FormatClass)                                                   \
    extern "C" __attribute__((visibility("default"))) int fra_dataset_plugin_abi() {      \
        return FRA_DATASET_PLUGIN_ABI;                                                    \
    }                                                                                     \
    extern "C" __attribute__((visibility("default"))) fra::DatasetFormat* fra_dataset_plugin_create() { \
        return new FormatClass();                                                         \
    }
