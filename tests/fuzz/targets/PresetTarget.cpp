// A preset file in a preset folder (with `extends` chains, also to itself), listed and resolved
// as `fra presets` and `--preset` do.
#include "FuzzSupport.h"
#include "config/PresetLibrary.h"

FRA_FUZZ_TARGET {
    const auto dir = fuzz::freshScratch() / "presets";
    fuzz::materialiseTree(fuzz::asString(data, size), dir, "fuzz.json");
    const fra::PresetLibrary library(dir);
    fuzz::acceptingFraErrors([&] { library.list(); });
    fuzz::acceptingFraErrors([&] { library.resolve("fuzz"); });
    fuzz::acceptingFraErrors([&] { library.chain("fuzz"); });
    return 0;
}
