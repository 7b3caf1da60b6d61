// A heatmap snapshot (.npy, as the trainer writes and every view reads).
#include "FuzzSupport.h"
#include "run/NpyFile.h"

FRA_FUZZ_TARGET {
    const auto file = fuzz::freshScratch() / "step_0000000001.npy";
    fuzz::writeFile(file, fuzz::asString(data, size));
    fuzz::acceptingFraErrors([&] { fra::readNpy(file); });
    return 0;
}
