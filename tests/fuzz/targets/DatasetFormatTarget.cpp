// One dataset-format plugin (FRA_FUZZ_FORMAT) reading a fuzzed file tree (FuzzSupport.h's
// "@@ path" layout: annotation files, .pts files, image names, other formats' files), through the
// registry as `fra datasets FORMAT:DIR` does, missing images allowed and not.
#include "FuzzSupport.h"
#include "downstream/DatasetRegistry.h"

namespace {
const fra::DatasetRegistry& registry() {
    static const fra::DatasetRegistry r({FRA_FUZZ_PLUGIN_DIR});
    return r;
}
}  // namespace

FRA_FUZZ_TARGET {
    const auto root = fuzz::freshScratch() / "dataset";
    std::filesystem::create_directories(root);
    fuzz::materialiseTree(fuzz::asString(data, size), root);
    const std::string spec = std::string(FRA_FUZZ_FORMAT) + ":" + root.string();
    fuzz::acceptingFraErrors([&] { registry().load(spec, true); });
    fuzz::acceptingFraErrors([&] { registry().load(spec, false); });
    fuzz::acceptingFraErrors([&] { registry().load(root.string(), true); });  // recognised by layout
    return 0;
}
