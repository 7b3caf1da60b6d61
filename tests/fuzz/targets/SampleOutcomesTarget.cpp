// An evaluation folder's samples.csv, as the comparison table and the error curves read it.
#include "FuzzSupport.h"
#include "downstream/SampleOutcomes.h"

FRA_FUZZ_TARGET {
    const auto folder = fuzz::freshScratch();
    fuzz::writeFile(folder / "samples.csv", fuzz::asString(data, size));
    for (const char* metric : {"top1", "nme", "nme_common", "fr@0.1", "auc@0.08"})
        fuzz::acceptingFraErrors([&] { fra::readSampleValues(folder, metric); });
    return 0;
}
