#include "run/RunNotes.h"

#include "util/AtomicFile.h"

#include <nlohmann/json.hpp>

namespace fra {

RunNotes RunNotes::load(const std::filesystem::path& runRoot) {
    RunNotes out;
    std::error_code ec;
    if (!std::filesystem::exists(runRoot / "notes.json", ec)) return out;
    try {
        const auto j = nlohmann::json::parse(readWholeFile(runRoot / "notes.json"));
        out.notes = j.value("notes", "");
        out.tags = j.value("tags", std::vector<std::string>{});
    } catch (const std::exception&) {
        // a hand-edited file gone wrong: show no notes rather than fail
    }
    return out;
}

void RunNotes::save(const std::filesystem::path& runRoot) const {
    writeFileAtomically(runRoot / "notes.json", nlohmann::json{{"notes", notes}, {"tags", tags}}.dump(2) + "\n");
}

}  // namespace fra
