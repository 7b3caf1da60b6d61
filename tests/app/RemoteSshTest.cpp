// `fra remote` against a real OpenSSH server on 127.0.0.1 (started and stopped by the test):
// launch detached on an ssh alias, follow until heatmaps appear in the local mirror, survive the
// link going down, stop from here with a checkpoint there, fetch it; and bad targets (unknown
// alias, refused key, no fra, another fra version, bad data there) each give one readable line and
// leave nothing behind on either side.
#include "run/MetricsLog.h"
#include "run/NpyFile.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/SshServer.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"
#include "util/AtomicFile.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <thread>

namespace fs = std::filesystem;

namespace {

class RemoteSsh : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<SshServer>(dir / "sshd");
        server->useFromThisProcess();
        testimages::writeFolder(dir / "data", 12, 48);
    }
    void TearDown() override {
        server.reset();
        ::unsetenv("FRA_SSH_CONFIG");
    }

    ProcessResult fra(std::vector<std::string> args) const {
        args.insert(args.begin(), FRA_CLI);
        return runProcess(args);
    }

    std::vector<std::string> launchArgs(const std::string& alias, const fs::path& data, const fs::path& out, const fs::path& cache,
                                        const std::string& fraCommand = FRA_CLI) const {
        std::vector<std::string> args = {"remote", "launch", alias, "--fra", fraCommand, "--data", data.string(), "--out", out.string(),
                                         "--cache", cache.string(), "--set", "run.heartbeat_s=0.5", "--set", "run.max_steps=100000",
                                         "--set", "run.checkpoint_every=50"};
        for (const auto& a : tinyTrainingArgs()) args.push_back(a);
        return args;
    }

    void expectOneLine(const ProcessResult& r, const std::string& fragment) const {
        EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
        const auto errLines = lines(r.err);
        ASSERT_EQ(errLines.size(), 1u) << r.err;
        EXPECT_EQ(errLines[0].rfind("fra: error: ", 0), 0u) << r.err;
        EXPECT_NE(errLines[0].find(fragment), std::string::npos) << r.err;
    }

    TempDir dir;
    std::unique_ptr<SshServer> server;
};


std::int64_t loggedSteps(const fs::path& run) {
    try {
        const auto records = fra::MetricsReader::readAll(run / "metrics.jsonl");
        return records.empty() ? 0 : records.back().step;
    } catch (const std::exception&) {
        return 0;
    }
}

// Every snapshot the mirror's index names is there whole: the mirror never shows half a file.
std::size_t completeSnapshots(const fs::path& cache) {
    std::error_code ec;
    if (!fs::exists(cache / "heatmaps" / "index.jsonl", ec)) return 0;
    const auto snapshots = fra::RunDirectory::open(cache).heatmapSnapshots();
    for (const auto& s : snapshots) {
        const auto npy = fra::readNpy(s.file);
        EXPECT_EQ(npy.shape.size(), 4u) << s.file;
    }
    return snapshots.size();
}

}  // namespace

TEST_F(RemoteSsh, LaunchFollowThroughALinkDropStopAndFetch) {
    const fs::path serverRun = dir / "server" / "runs" / "r1";
    const fs::path cache = dir / "desk" / "r1";
    const ProcessResult launched = fra(launchArgs("fra-test", dir / "data", serverRun, cache));
    ASSERT_EQ(launched.exitCode, 0) << launched.out << launched.err;
    EXPECT_NE(launched.out.find("launched"), std::string::npos) << launched.out;
    ASSERT_TRUE(fs::exists(cache / "remote.json"));
    ASSERT_TRUE(fs::exists(cache / "config.json"));  // mirrored once at launch
    EXPECT_TRUE(fs::exists(serverRun / "heartbeat.json"));
    EXPECT_FALSE(fs::exists(serverRun.parent_path() / ".r1.launch.json"));  // the handed-over config is gone

    const pid_t follower = spawnProcess({FRA_CLI, "remote", "follow", cache.string(), "--interval", "0.5"}, (dir / "follow.log").string());
    ASSERT_TRUE(waitUntil([&] { return completeSnapshots(cache) >= 2; }, 180)) << readFile((dir / "follow.log").string());
    const ProcessResult listed = fra({"runs", "--json", (dir / "desk").string()});
    ASSERT_EQ(listed.exitCode, 0) << listed.err;
    const auto row = nlohmann::json::parse(lines(listed.out).at(0));
    EXPECT_EQ(row.at("state"), "running") << row.dump();
    EXPECT_EQ(row.at("host"), fra::hostName());

    // the link goes down: the run trains on, the mirror waits, then catches up
    server->stop();
    server->dropClients();
    const std::int64_t atDrop = loggedSteps(serverRun);
    ASSERT_TRUE(waitUntil([&] { return loggedSteps(serverRun) >= atDrop + 3; }, 60)) << "the run stopped with the link";
    const std::int64_t cachedDuringDrop = loggedSteps(cache);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    server->start();
    const std::int64_t serverAfter = loggedSteps(serverRun);
    EXPECT_GT(serverAfter, cachedDuringDrop);
    ASSERT_TRUE(waitUntil([&] { return loggedSteps(cache) >= serverAfter; }, 60)) << readFile((dir / "follow.log").string());
    EXPECT_NE(readFile((dir / "follow.log").string()).find("retrying"), std::string::npos);

    // pause and continue from here: the process stays, the run says paused, then goes on
    ASSERT_EQ(fra({"remote", "pause", cache.string()}).exitCode, 0);
    ASSERT_TRUE(waitUntil([&] { return fra::RunDirectory::open(serverRun).readStatus().state == "paused"; }, 60));
    ASSERT_EQ(fra({"remote", "continue", cache.string()}).exitCode, 0);
    ASSERT_TRUE(waitUntil([&] { return fra::RunDirectory::open(serverRun).readStatus().state == "running"; }, 60));

    // stop from here: a checkpoint there, the run stopped, the follower ends by itself
    const ProcessResult stopped = fra({"remote", "stop", cache.string()});
    ASSERT_EQ(stopped.exitCode, 0) << stopped.err;
    EXPECT_EQ(waitProcess(follower), 0) << readFile((dir / "follow.log").string());
    const auto server_ = fra::RunDirectory::open(serverRun);
    EXPECT_EQ(server_.readStatus().state, "stopped");
    ASSERT_TRUE(server_.latestCheckpoint());
    EXPECT_EQ(server_.latestCheckpoint()->step, server_.readStatus().step);
    EXPECT_EQ(fra::RunDirectory::open(cache).readStatus().state, "stopped");
    EXPECT_FALSE(fs::exists(cache / "checkpoints"));  // checkpoints only on request

    const ProcessResult fetched = fra({"remote", "fetch", cache.string()});
    ASSERT_EQ(fetched.exitCode, 0) << fetched.err;
    const fs::path local = lines(fetched.out).at(0);
    EXPECT_EQ(fra::readWholeFile(local), fra::readWholeFile(server_.latestCheckpoint()->path));

    // a stopped run cannot be signalled again
    const ProcessResult again = fra({"remote", "stop", cache.string()});
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_NE(again.err.find("not training"), std::string::npos) << again.err;

    // the host's runs, listed over ssh
    const ProcessResult remoteRuns = fra({"remote", "runs", "fra-test", serverRun.parent_path().string(), "--fra", FRA_CLI, "--json"});
    ASSERT_EQ(remoteRuns.exitCode, 0) << remoteRuns.err;
    EXPECT_NE(remoteRuns.out.find("\"stopped\""), std::string::npos) << remoteRuns.out;
}

TEST_F(RemoteSsh, BadTargetsGiveOneLineAndLeaveNothingBehind) {
    const fs::path serverRuns = dir / "server" / "runs";
    auto expectNothingLeft = [&](const std::string& what) {
        EXPECT_FALSE(fs::exists(dir / "desk" / "c")) << what;
        std::error_code ec;
        EXPECT_TRUE(!fs::exists(serverRuns, ec) || fs::is_empty(serverRuns, ec)) << what;
    };
    expectOneLine(fra(launchArgs("fra-nowhere", dir / "data", serverRuns / "r", dir / "desk" / "c")), "cannot reach 'fra-nowhere'");
    expectNothingLeft("unknown alias");
    expectOneLine(fra(launchArgs("fra-badkey", dir / "data", serverRuns / "r", dir / "desk" / "c")), "Permission denied");
    expectNothingLeft("refused key");
    expectOneLine(fra(launchArgs("fra-test", dir / "data", serverRuns / "r", dir / "desk" / "c", "/opt/no-such/fra")),
                  "there is no '/opt/no-such/fra' on 'fra-test'");
    expectNothingLeft("no fra");
    const fs::path other = dir / "other-fra";
    std::ofstream(other) << "#!/bin/sh\necho 'fra (FRA Workbench) 0.0.9'\n";
    fs::permissions(other, fs::perms::owner_all);
    expectOneLine(fra(launchArgs("fra-test", dir / "data", serverRuns / "r", dir / "desk" / "c", other.string())), "is 0.0.9, this one is");
    expectNothingLeft("another version");
    expectOneLine(fra(launchArgs("fra-test", dir / "no-faces", serverRuns / "r", dir / "desk" / "c")), "failed: ");
    expectNothingLeft("no data there");
    EXPECT_FALSE(fs::exists(serverRuns / ".r.launch.log"));
    expectOneLine(fra({"remote", "follow", (dir / "desk" / "c").string(), "fra-test:" + (serverRuns / "none").string()}), "not a run folder");
    expectNothingLeft("follow of nothing");
    expectOneLine(fra({"remote", "stop", (dir / "desk").string()}), "remote.json");
}

// A resume there replaces the run's event file; the mirror then holds the new one only, and files
// made in the mirror itself (notes.json) stay.
TEST_F(RemoteSsh, TheMirrorDropsAReplacedEventFileAndKeepsItsOwnFiles) {
    const fs::path there = dir / "server-runs" / "r";
    fra::RunDirectory::create(there, {{"preset", "tiny"}});
    fs::create_directories(there / "tensorboard");
    std::ofstream(there / "tensorboard" / "events.out.tfevents.1.host.1.0") << "first";
    const fs::path here = dir / "desk" / "r";
    const ProcessResult first = fra({"remote", "follow", here.string(), "fra-test:" + there.string(), "--once"});
    ASSERT_EQ(first.exitCode, 0) << first.err;
    ASSERT_TRUE(fs::exists(here / "tensorboard" / "events.out.tfevents.1.host.1.0"));
    std::ofstream(here / "notes.json") << R"({"notes": "mine", "tags": []})";

    fs::remove(there / "tensorboard" / "events.out.tfevents.1.host.1.0");
    std::ofstream(there / "tensorboard" / "events.out.tfevents.2.host.2.0") << "resumed";
    std::ofstream(there / "tensorboard" / "writing.tmp") << "half";
    const ProcessResult second = fra({"remote", "follow", here.string(), "--once"});
    ASSERT_EQ(second.exitCode, 0) << second.err;
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(here / "tensorboard")) files.push_back(e.path().filename().string());
    EXPECT_EQ(files, std::vector<std::string>{"events.out.tfevents.2.host.2.0"});
    EXPECT_TRUE(fs::exists(here / "notes.json"));
    EXPECT_TRUE(fs::exists(here / "remote.json"));
}
