// `fra runs` and `fra resume` judging liveness through the binary: a live run copied to another
// folder (as rsync copies it from a server) reads as running, then late, then interrupted once the
// copy stops updating; resuming a live run is refused naming host, pid and heartbeat age.
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"
#include "util/AtomicFile.h"

#include <chrono>
#include <csignal>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <thread>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

ProcessResult runFra(std::vector<std::string> args) {
    args.insert(args.begin(), FRA_CLI);
    return runProcess(args);
}

// Beats every 2 s: late after 6 s without one. (Shorter intervals read as late on a loaded machine,
// where starting `fra runs` alone can take a second or two.)
constexpr double staleAfter = 16;

std::vector<std::string> pretrainArgs(const fs::path& data, const fs::path& out, const std::string& steps) {
    std::vector<std::string> args = {FRA_CLI, "pretrain", "--data", data.string(), "--out", out.string(), "--steps", steps, "--quiet",
                                     "--set", "run.heartbeat_s=2", "--set", "run.checkpoint_every=3"};
    for (const auto& a : tinyTrainingArgs()) args.push_back(a);
    return args;
}

// What `fra runs --json` says of each run, by run name.
std::map<std::string, nlohmann::json> listRuns(const fs::path& folder, double staleAfter) {
    const ProcessResult r = runFra({"runs", "--json", "--stale-after", std::to_string(staleAfter), "--max-clock-skew", "0", folder.string()});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    std::map<std::string, nlohmann::json> out;
    for (const auto& line : lines(r.out)) {
        const auto j = nlohmann::json::parse(line);
        out[j.at("name").get<std::string>()] = j;
    }
    return out;
}


// One pass of what rsync does: every file copied whole beside its target, then renamed into place.
void mirror(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (const char* name : {"config.json", "run.json", "metrics.jsonl", "heartbeat.json", "run.log"}) {
        std::error_code ec;
        if (!fs::exists(from / name, ec)) continue;
        fra::writeFileAtomically(to / name, fra::readWholeFile(from / name));
    }
}

}  // namespace

TEST(RunsCli, ACopiedLiveRunIsRunningThenLateThenInterruptedAndNeverResumedWhileLive) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 12, 48);
    const fs::path live = dir / "server" / "r1";
    const pid_t pid = spawnProcess(pretrainArgs(dir / "data", live, "100000"), (dir / "r1.log").string());
    ASSERT_TRUE(waitUntil([&] { return fs::exists(live / "metrics.jsonl") && fs::file_size(live / "metrics.jsonl") > 0; }, 120))
        << readFile((dir / "r1.log").string());

    // the desk's copy, refreshed while the run trains
    const fs::path copy = dir / "desk" / "r1";
    for (int i = 0; i < 6; ++i) {
        mirror(live, copy);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    mirror(live, copy);
    const auto lastCopy = Clock::now();
    const double copiedBeat = nlohmann::json::parse(fra::readWholeFile(copy / "heartbeat.json")).at("wall_time").get<double>();
    auto seen = listRuns(dir / "desk", staleAfter).at("r1");
    EXPECT_EQ(seen.at("state"), "running") << seen.dump();
    EXPECT_EQ(seen.at("host"), fra::hostName());
    EXPECT_EQ(seen.at("pid"), pid);
    EXPECT_EQ(seen.at("description"), "running on " + fra::hostName());
    EXPECT_GE(seen.at("step").get<int>(), 1);

    // resuming the copy or the original while the run lives is refused, naming host, pid and heartbeat age
    for (const fs::path& run : {copy, live}) {
        const ProcessResult refused = runFra({"resume", run.string(), "--force"});
        EXPECT_EQ(refused.exitCode, 1) << run;
        ASSERT_EQ(lines(refused.err).size(), 1u) << refused.err;
        EXPECT_NE(refused.err.find("is live on " + fra::hostName()), std::string::npos) << refused.err;
        EXPECT_NE(refused.err.find("pid " + std::to_string(pid)), std::string::npos) << refused.err;
        EXPECT_NE(refused.err.find("last heartbeat"), std::string::npos) << refused.err;
    }
    EXPECT_EQ(fra::RunDirectory::open(copy).readStatus().state, "running");  // nothing was written into it

    // the copy stops updating: late after three missed beats (6 s), interrupted after the threshold (16 s)
    ASSERT_TRUE(waitUntil([&] { return listRuns(dir / "desk", staleAfter).at("r1").at("state") == "late"; }, 14));
    EXPECT_GT(fra::unixNow() - copiedBeat, 6.0);  // three missed 2 s beats, by the beat's own time
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - lastCopy).count(), staleAfter);
    seen = listRuns(dir / "desk", staleAfter).at("r1");
    EXPECT_NE(seen.at("description").get<std::string>().find("no heartbeat for"), std::string::npos) << seen.dump();
    ASSERT_TRUE(waitUntil([&] { return listRuns(dir / "desk", staleAfter).at("r1").at("state") == "interrupted"; }, 20));
    EXPECT_GT(fra::unixNow() - copiedBeat, staleAfter);
    // meanwhile the original, on its own machine, is still running
    EXPECT_EQ(listRuns(dir / "server", staleAfter).at("r1").at("state"), "running");

    // past the threshold the other machine may only be cut off: --force is needed
    const ProcessResult unforced = runFra({"resume", copy.string(), "--stale-after", "16", "--max-clock-skew", "0"});
    EXPECT_EQ(unforced.exitCode, 1);
    EXPECT_NE(unforced.err.find("--force"), std::string::npos) << unforced.err;

    ::kill(pid, SIGTERM);
    EXPECT_EQ(waitProcess(pid), 130);
    EXPECT_EQ(listRuns(dir / "server", staleAfter).at("r1").at("state"), "stopped");
}

TEST(RunsCli, ListsLiveFinishedStoppedInterruptedAndUnreadableRuns) {
    TempDir dir;
    testimages::writeFolder(dir / "data", 12, 48);
    const fs::path runs = dir / "runs";
    ASSERT_EQ(runProcess(pretrainArgs(dir / "data", runs / "done", "2")).exitCode, 0);

    const pid_t killed = spawnProcess(pretrainArgs(dir / "data", runs / "killed", "100000"), (dir / "killed.log").string());
    const pid_t stopped = spawnProcess(pretrainArgs(dir / "data", runs / "stopped", "100000"), (dir / "stopped.log").string());
    const pid_t alive = spawnProcess(pretrainArgs(dir / "data", runs / "alive", "100000"), (dir / "alive.log").string());
    for (const char* name : {"killed", "stopped", "alive"})
        ASSERT_TRUE(waitUntil([&] { return fs::exists(runs / name / "metrics.jsonl") && fs::file_size(runs / name / "metrics.jsonl") > 0; }, 180))
            << name;
    ::kill(killed, SIGKILL);
    EXPECT_EQ(waitProcess(killed), 128 + SIGKILL);
    ::kill(stopped, SIGTERM);
    EXPECT_EQ(waitProcess(stopped), 130);
    fs::create_directories(runs / "torn");
    fra::writeFileAtomically(runs / "torn" / "config.json", "{}");
    fra::writeFileAtomically(runs / "torn" / "run.json", "{\"state\": \"running\", \"step\": ");
    fs::create_directories(runs / "not-a-run");

    const auto listed = listRuns(runs, 300);
    ASSERT_EQ(listed.size(), 5u);
    EXPECT_EQ(listed.at("done").at("state"), "finished");
    EXPECT_EQ(listed.at("done").at("step"), 2);
    EXPECT_TRUE(listed.at("done").at("last_loss").is_number());
    EXPECT_TRUE(listed.at("done").at("best_loss").is_number());
    EXPECT_EQ(listed.at("killed").at("state"), "interrupted");  // its process is gone from this machine: no waiting
    EXPECT_EQ(listed.at("stopped").at("state"), "stopped");
    EXPECT_EQ(listed.at("alive").at("state"), "running");
    EXPECT_EQ(listed.at("alive").at("description"), "running");
    EXPECT_EQ(listed.at("alive").at("pid"), alive);
    EXPECT_EQ(listed.at("torn").at("state"), "unreadable");
    EXPECT_NE(listed.at("torn").at("message").get<std::string>().find("run.json"), std::string::npos) << listed.at("torn").dump();

    // the table for people: a header and one line per run, states with hosts and heartbeat ages
    const ProcessResult table = runFra({"runs", runs.string()});
    ASSERT_EQ(table.exitCode, 0) << table.err;
    const auto rows = lines(table.out);
    ASSERT_EQ(rows.size(), 6u) << table.out;
    EXPECT_EQ(rows[0].rfind("NAME", 0), 0u);
    EXPECT_NE(rows[0].find("HEARTBEAT"), std::string::npos);
    bool sawKilled = false;
    for (const auto& row : rows) {
        if (row.rfind("killed", 0) == 0) {
            sawKilled = true;
            EXPECT_NE(row.find("interrupted"), std::string::npos) << row;
            EXPECT_NE(row.find(" ago"), std::string::npos) << row;
        }
    }
    EXPECT_TRUE(sawKilled) << table.out;

    // a killed run resumes without --force: its process is provably gone
    const ProcessResult resumed = runFra({"resume", (runs / "killed").string(), "--steps", "4", "--quiet"});
    EXPECT_EQ(resumed.exitCode, 0) << resumed.err;

    const ProcessResult missing = runFra({"runs", (dir / "nowhere").string()});
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_NE(missing.err.find("nowhere"), std::string::npos) << missing.err;

    ::kill(alive, SIGTERM);
    EXPECT_EQ(waitProcess(alive), 130);
}
