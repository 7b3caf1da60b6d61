// A checkpoint file (.pt, a LibTorch archive): its stored config, then a restore into a small
// model, as `fra resume`, `fra eval` and the GUI's heatmap inference do. Corrupt, truncated or
// foreign archives must give a FraError naming the file.
#include "FuzzSupport.h"
#include "model/FraModel.h"
#include "support/TinyConfig.h"
#include "train/Checkpoint.h"

namespace {
fra::FraModel& model() {
    static fra::FraModel m(tinyTrainingConfig(""));  // the tests' tiny model
    return m;
}
}  // namespace

FRA_FUZZ_TARGET {
    const auto file = fuzz::freshScratch() / "ckpt_0000000001.pt";
    fuzz::writeFile(file, fuzz::asString(data, size));
    fuzz::acceptingFraErrors([&] { fra::Checkpoint::readConfigJson(file); });
    fuzz::acceptingFraErrors([&] { fra::Checkpoint::load(file, *model(), nullptr); });
    return 0;
}
