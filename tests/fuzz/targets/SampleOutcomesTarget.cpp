// An evaluation folder's samples.csv, as the comparison table and the error curves read it, and the
// table made from two evaluations of it, face by face and by image folder.
#include "FuzzSupport.h"
#include "downstream/ComparisonTable.h"
#include "downstream/SampleOutcomes.h"

FRA_FUZZ_TARGET {
    const auto folder = fuzz::freshScratch();
    const std::string csv = fuzz::asString(data, size);
    for (const char* model : {"a", "b"}) fuzz::writeFile(folder / model / "samples.csv", csv);
    for (const char* metric : {"top1", "nme", "nme_common", "fr@0.1", "auc@0.08"})
        fuzz::acceptingFraErrors([&] { fra::readSampleValues(folder / "a", metric); });
    std::vector<nlohmann::json> results;
    for (const char* model : {"a", "b"})
        results.push_back({{"model_name", model}, {"format", "pts"}, {"dataset", "pts:/d"}, {"protocol", "lp"}, {"primary_metric", "nme"},
                           {"metrics", {{"nme", 0.05}}}, {"folder", (folder / model).string()}});
    for (const auto unit : {fra::ResampleUnit::Sample, fra::ResampleUnit::ImageFolder})
        fuzz::acceptingFraErrors([&] { (void)fra::ComparisonTable::fromResults(results, "a", unit).markdown(); });
    return 0;
}
