// The JSON files of a run folder: FRA_FUZZ_RUN_FILE is run.json, notes.json, config.json,
// heartbeat.json, remote.json or slurm/submission.json, read as the catalog, the notes editor,
// `fra runs`, `fra resume` and the mirroring of runs on other machines read them.
#include "FuzzSupport.h"
#include "config/PresetLibrary.h"
#include "remote/RemoteRun.h"
#include "run/RunDirectory.h"
#include "run/RunLiveness.h"
#include "run/RunOverview.h"
#include "run/RunNotes.h"

#include <cstdlib>
#include <string_view>

FRA_FUZZ_TARGET {
    const auto root = fuzz::freshScratch() / "run";
    constexpr std::string_view name = FRA_FUZZ_RUN_FILE;
    fuzz::writeFile(root / std::string(name), fuzz::asString(data, size));
    if (name == "run.json") {
        fuzz::writeFile(root / "config.json", "{}");
        fuzz::acceptingFraErrors([&] { fra::RunDirectory::open(root).readStatus(); });
    } else if (name == "heartbeat.json") {
        fuzz::writeFile(root / "config.json", "{}");
        fuzz::writeFile(root / "run.json", "{\"state\": \"running\"}");
        fuzz::acceptingFraErrors([&] { fra::Heartbeat::read(root); });
        fuzz::acceptingFraErrors([&] { fra::requireResumable(root, {}, false); });
        (void)fra::overviewOf(root, {}).toJson().dump();  // never throws: an unreadable heartbeat is reported
    } else if (name == "slurm/submission.json") {
        ::setenv("PATH", "/nonexistent", 1);  // the job id may reach squeue: here it is never found
        (void)fra::overviewOf(root, {}).toJson().dump();  // never throws: a bad submission is reported
        fuzz::writeFile(root / "config.json", "{}");
        (void)fra::overviewOf(root, {}).toJson().dump();
    } else if (name == "remote.json") {
        fuzz::acceptingFraErrors([&] { fra::RemoteRunEntry::read(root); });
    } else if (name == "notes.json") {
        fuzz::acceptingFraErrors([&] { fra::RunNotes::load(root); });  // never throws: empty when unreadable
    } else {
        fuzz::acceptingFraErrors([&] { fra::RunDirectory::open(root).readConfig(); });
        fuzz::acceptingFraErrors([&] { fra::loadConfigFile(root / "config.json"); });
    }
    return 0;
}
