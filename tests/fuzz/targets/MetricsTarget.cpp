// metrics.jsonl, read whole and followed live: the first byte says where the writer "paused",
// so the follower sees a torn line, then the rest (or a shorter rewrite, as after a resume).
#include "FuzzSupport.h"
#include "run/MetricsLog.h"

FRA_FUZZ_TARGET {
    if (size == 0) return 0;
    const std::string all = fuzz::asString(data + 1, size - 1);
    const std::size_t cut = all.empty() ? 0 : data[0] % (all.size() + 1);
    const auto file = fuzz::freshScratch() / "metrics.jsonl";
    fra::MetricsReader follower(file);
    fuzz::acceptingFraErrors([&] { follower.poll(); });  // no file yet
    fuzz::writeFile(file, all.substr(0, cut));
    fuzz::acceptingFraErrors([&] { follower.poll(); });
    fuzz::writeFile(file, all);
    fuzz::acceptingFraErrors([&] { follower.poll(); });
    fuzz::writeFile(file, all.substr(0, cut / 2));  // rewritten shorter
    fuzz::acceptingFraErrors([&] { follower.poll(); });
    fuzz::writeFile(file, all);
    fuzz::acceptingFraErrors([&] { fra::MetricsReader::readAll(file); });
    return 0;
}
