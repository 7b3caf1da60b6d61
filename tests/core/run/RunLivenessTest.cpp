// Liveness across machines: the heartbeat writer, and the one judgement every reader makes of it.
#include "run/Heartbeat.h"
#include "run/RunDirectory.h"
#include "run/RunLiveness.h"
#include "run/RunLock.h"
#include "support/TempDir.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

fra::RunStatus activeStatus() {
    fra::RunStatus s;
    s.state = "running";
    s.host = "gpu7";
    s.pid = 4242;
    return s;
}

// A heartbeat as the training process on another machine writes it.
fra::Heartbeat remoteBeat(double wallTime, std::int64_t sequence) {
    fra::Heartbeat h;
    h.host = "gpu7";
    h.bootId = "another-boot";
    h.pid = 4242;
    h.processStart = 99;
    h.runDir = "/scratch/runs/r50";
    h.sequence = sequence;
    h.step = 1200;
    h.wallTime = wallTime;
    h.intervalSeconds = 10;
    h.phase = "training";
    return h;
}

void writeBeat(const fs::path& run, const fra::Heartbeat& h) { fra::writeFileAtomically(fra::Heartbeat::fileOf(run), h.toJson().dump()); }

fra::LivenessClock at(double wall, double monotonic = 0) {
    fra::LivenessClock c;
    c.wallNow = wall;
    c.monotonicNow = monotonic;
    return c;
}

}  // namespace

TEST(Heartbeat, WriterBeatsOnItsOwnThreadAndEndsWithAnEndedBeat) {
    TempDir dir;
    std::int64_t firstSequence = 0;
    {
        fra::HeartbeatWriter writer(dir.path(), 0.05, 7);
        const auto first = fra::Heartbeat::read(dir.path());
        ASSERT_TRUE(first);
        firstSequence = first->sequence;
        EXPECT_EQ(first->pid, ::getpid());
        EXPECT_EQ(first->host, fra::hostName());
        EXPECT_EQ(first->bootId, fra::thisBootId());
        EXPECT_EQ(first->processStart, fra::processStartTicks(::getpid()));
        EXPECT_NE(first->processStart, 0u);
        EXPECT_EQ(first->step, 7);
        EXPECT_EQ(first->phase, "starting");
        writer.setStep(12);
        writer.setPhase("checkpoint");  // a long checkpoint: the beats go on
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const auto later = fra::Heartbeat::read(dir.path());
        ASSERT_TRUE(later);
        EXPECT_GE(later->sequence, firstSequence + 3);
        EXPECT_EQ(later->step, 12);
        EXPECT_EQ(later->phase, "checkpoint");
    }
    const auto last = fra::Heartbeat::read(dir.path());
    EXPECT_EQ(last->phase, "ended");
    // a resumed run's writer carries the sequence on, so a watcher sees it move
    fra::HeartbeatWriter again(dir.path(), 10, 12);
    EXPECT_EQ(fra::Heartbeat::read(dir.path())->sequence, last->sequence + 1);
}

TEST(Heartbeat, MalformedFilesNameTheFileAndField) {
    TempDir dir;
    fra::writeFileAtomically(fra::Heartbeat::fileOf(dir.path()), "{\"host\": 3}");
    try {
        fra::Heartbeat::read(dir.path());
        FAIL() << "accepted a number as host";
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("heartbeat.json"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'host'"), std::string::npos) << e.what();
    }
    fra::writeFileAtomically(fra::Heartbeat::fileOf(dir.path()), "{\"interval_s\": -1}");
    EXPECT_THROW(fra::Heartbeat::read(dir.path()), fra::FraError);
    fra::writeFileAtomically(fra::Heartbeat::fileOf(dir.path()), "{\"pid\": 1e300}");
    EXPECT_THROW(fra::Heartbeat::read(dir.path()), fra::FraError);
    fra::writeFileAtomically(fra::Heartbeat::fileOf(dir.path()), "not json");
    EXPECT_THROW(fra::Heartbeat::read(dir.path()), fra::FraError);
    EXPECT_FALSE(fra::Heartbeat::read(dir / "nowhere"));
}

TEST(RunLiveness, InactiveStatesAreTakenAsWritten) {
    TempDir dir;
    fra::RunStatus s = activeStatus();
    for (const char* state : {"created", "stopped", "finished", "failed"}) {
        s.state = state;
        const auto v = fra::judgeLiveness(dir.path(), s, {});
        EXPECT_EQ(v.liveness, fra::Liveness::Inactive);
        EXPECT_EQ(v.state, state);
        EXPECT_FALSE(v.live());
    }
}

TEST(RunLiveness, WithoutAHeartbeatOnlyTheLocalLockTells) {
    TempDir dir;
    auto v = fra::judgeLiveness(dir.path(), activeStatus(), {});
    EXPECT_EQ(v.state, "interrupted");
    EXPECT_TRUE(v.provablyGone);
    fra::RunLock lock(dir.path());
    v = fra::judgeLiveness(dir.path(), activeStatus(), {});
    EXPECT_EQ(v.state, "running");
    EXPECT_TRUE(v.local);
    EXPECT_EQ(v.describe(), "running");
}

TEST(RunLiveness, ALocalProcessIsJudgedByThePidItNamesInThisVeryFolder) {
    TempDir dir;
    fra::RunDirectory::create(dir / "run", {{"preset", "x"}});
    {
        fra::RunLock lock(dir / "run");
        fra::HeartbeatWriter alive(dir / "run", 30, 3);
        fra::RunStatus opening = activeStatus();
        opening.state = "stopped";  // a resume setting up: run.json has not said running yet
        const auto v = fra::judgeLiveness(dir / "run", opening, {});
        EXPECT_EQ(v.state, "running");
        EXPECT_TRUE(v.local);
        EXPECT_THROW(fra::requireResumable(dir / "run", {}, true), fra::FraError);
    }
    {
        // a heartbeat here without the lock is a leftover (its writer beats only while locked)
        fra::HeartbeatWriter leftover(dir / "run", 30, 3);
        const auto v = fra::judgeLiveness(dir / "run", activeStatus(), {});
        EXPECT_EQ(v.state, "interrupted");
        EXPECT_TRUE(v.provablyGone);
    }
    // a child that wrote a heartbeat and died: interrupted at once, no waiting for the threshold
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    fra::Heartbeat dead = *fra::Heartbeat::read(dir / "run");
    dead.pid = child;
    dead.phase = "training";
    writeBeat(dir / "run", dead);
    const auto v = fra::judgeLiveness(dir / "run", activeStatus(), {});
    EXPECT_EQ(v.state, "interrupted");
    EXPECT_TRUE(v.provablyGone);
    EXPECT_TRUE(v.local);
    EXPECT_NO_THROW(fra::requireResumable(dir / "run", {}, false));

    // the same heartbeat seen in a copy of the folder is judged by age: it may be a mirror of a live run
    fs::copy(dir / "run", dir / "copy", fs::copy_options::recursive);
    fra::Heartbeat h = *fra::Heartbeat::read(dir / "copy");
    const auto copied = fra::judgeLiveness(dir / "copy", activeStatus(), {}, nullptr, at(h.wallTime + 1));
    EXPECT_EQ(copied.state, "running");
    EXPECT_FALSE(copied.local);
}

TEST(RunLiveness, AnotherMachinesRunIsRunningThenLateThenInterrupted) {
    TempDir dir;
    const double t0 = 1.8e9;
    writeBeat(dir.path(), remoteBeat(t0, 10));
    fra::LivenessPolicy policy;  // 300 s threshold, 60 s of clock skew allowed
    auto v = fra::judgeLiveness(dir.path(), activeStatus(), policy, nullptr, at(t0 + 5));
    EXPECT_EQ(v.liveness, fra::Liveness::Running);
    EXPECT_EQ(v.describe(), "running on gpu7");
    EXPECT_DOUBLE_EQ(v.heartbeatAge, 5);
    EXPECT_EQ(v.pid, 4242);

    v = fra::judgeLiveness(dir.path(), activeStatus(), policy, nullptr, at(t0 + 120));  // 60 s beyond skew: 6 intervals
    EXPECT_EQ(v.liveness, fra::Liveness::Late);
    EXPECT_EQ(v.state, "late");
    EXPECT_TRUE(v.live());
    EXPECT_EQ(v.describe(), "running on gpu7, no heartbeat for 2 min 0 s");

    v = fra::judgeLiveness(dir.path(), activeStatus(), policy, nullptr, at(t0 + 350));  // within threshold + skew: still late
    EXPECT_EQ(v.liveness, fra::Liveness::Late);
    v = fra::judgeLiveness(dir.path(), activeStatus(), policy, nullptr, at(t0 + 361));
    EXPECT_EQ(v.liveness, fra::Liveness::Interrupted);
    EXPECT_FALSE(v.provablyGone);
    EXPECT_EQ(v.describe(), "interrupted (last heartbeat on gpu7 6 min 1 s ago)");
}

TEST(RunLiveness, AStoppedRunBeingSetUpElsewhereIsLiveUntilItsHeartbeatEnds) {
    TempDir dir;
    const double now = 1.8e9;
    fra::RunStatus stopped = activeStatus();
    stopped.state = "stopped";
    fra::Heartbeat starting = remoteBeat(now - 2, 1);
    starting.phase = "starting";
    writeBeat(dir.path(), starting);
    auto v = fra::judgeLiveness(dir.path(), stopped, {}, nullptr, at(now));
    EXPECT_EQ(v.liveness, fra::Liveness::Running);
    EXPECT_EQ(v.describe(), "running on gpu7");
    v = fra::judgeLiveness(dir.path(), stopped, {}, nullptr, at(now + 1000));  // it died while setting up
    EXPECT_EQ(v.liveness, fra::Liveness::Inactive);
    EXPECT_EQ(v.state, "stopped");
    starting.phase = "ended";
    writeBeat(dir.path(), starting);
    EXPECT_EQ(fra::judgeLiveness(dir.path(), stopped, {}, nullptr, at(now)).state, "stopped");
}

TEST(RunLiveness, AMirrorIsNeverResumedHere) {
    TempDir dir;
    fra::RunDirectory::create(dir / "run", {{"preset", "x"}});
    fra::writeFileAtomically(dir / "run" / "remote.json", "{\"host\": \"gpu7\", \"remote_run\": \"runs/a\"}");
    try {
        fra::requireResumable(dir / "run", {}, true);
        FAIL() << "a mirror was resumable";
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("mirror"), std::string::npos) << e.what();
    }
}

TEST(RunLiveness, ClockSkewOfAMinuteChangesNothing) {
    TempDir dir;
    const double now = 1.8e9;
    fra::LivenessPolicy policy;
    // just written by a machine whose clock is a minute behind, or a minute ahead
    for (const double skew : {-60.0, -30.0, 0.0, 30.0, 60.0}) {
        writeBeat(dir.path(), remoteBeat(now + skew - 1, 3));
        const auto v = fra::judgeLiveness(dir.path(), activeStatus(), policy, nullptr, at(now));
        EXPECT_EQ(v.liveness, fra::Liveness::Running) << "skew " << skew;
    }
    // a watching reader goes by the sequence: beats that keep arriving are fresh whatever their wall
    // clock says, and beats that stop are late after three intervals of its own clock
    fra::LivenessMemory memory;
    const double behind = now - 600;  // a machine whose clock is ten minutes off still is not called dead while it beats
    for (int i = 0; i < 5; ++i) {
        writeBeat(dir.path(), remoteBeat(behind + 10 * i, i));
        const auto v = fra::judgeLiveness(dir.path(), activeStatus(), policy, &memory, at(now + 10 * i, 10.0 * i));
        if (i > 0) {
            EXPECT_EQ(v.liveness, fra::Liveness::Running) << "beat " << i;
            EXPECT_DOUBLE_EQ(v.heartbeatAge, 0) << "beat " << i;
        }
    }
    auto v = fra::judgeLiveness(dir.path(), activeStatus(), policy, &memory, at(now + 65, 65));
    EXPECT_EQ(v.liveness, fra::Liveness::Running);
    EXPECT_DOUBLE_EQ(v.heartbeatAge, 25);
    v = fra::judgeLiveness(dir.path(), activeStatus(), policy, &memory, at(now + 75, 75));
    EXPECT_EQ(v.liveness, fra::Liveness::Late);
    v = fra::judgeLiveness(dir.path(), activeStatus(), policy, &memory, at(now + 341, 341));
    EXPECT_EQ(v.liveness, fra::Liveness::Interrupted);
}

TEST(RunLiveness, ResumeIsRefusedWhileLiveAndNeedsForceWhenOnlyStale) {
    TempDir dir;
    fra::RunDirectory run = fra::RunDirectory::create(dir / "run", {{"preset", "x"}});
    fra::RunStatus s = run.readStatus();
    s.state = "running";
    run.writeStatus(s);
    const double now = fra::unixNow();
    writeBeat(dir / "run", remoteBeat(now - 2, 8));
    try {
        fra::requireResumable(dir / "run", {}, true);  // --force does not override a fresh heartbeat
        FAIL() << "a live run was resumable";
    } catch (const fra::FraError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("is live on gpu7"), std::string::npos) << what;
        EXPECT_NE(what.find("pid 4242"), std::string::npos) << what;
        EXPECT_NE(what.find("last heartbeat"), std::string::npos) << what;
    }
    writeBeat(dir / "run", remoteBeat(now - 1000, 9));
    try {
        fra::requireResumable(dir / "run", {}, false);
        FAIL() << "a stale run on another machine was resumable without --force";
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("gpu7"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(fra::requireResumable(dir / "run", {}, true));
    // a heartbeat that cannot be read is no proof of death either
    fra::writeFileAtomically(fra::Heartbeat::fileOf(dir / "run"), "{torn");
    EXPECT_THROW(fra::requireResumable(dir / "run", {}, false), fra::FraError);
    EXPECT_NO_THROW(fra::requireResumable(dir / "run", {}, true));
}

TEST(RunLiveness, AgesReadAsPeopleSayThem) {
    EXPECT_EQ(fra::formatAge(0.4), "0 s");
    EXPECT_EQ(fra::formatAge(59.9), "59 s");
    EXPECT_EQ(fra::formatAge(125), "2 min 5 s");
    EXPECT_EQ(fra::formatAge(3 * 3600 + 120), "3 h 2 min");
    EXPECT_EQ(fra::formatAge(2 * 86400 + 3600), "2 d 1 h");
}

// A requeued Slurm job may start again on another node while its earlier run's heartbeat is still
// fresh: Slurm ended every task of that run first, so the later run of the same job resumes it.
TEST(RunLiveness, ALaterRunOfTheSameSlurmJobKnowsTheEarlierOneHasEnded) {
    TempDir dir;
    const double t0 = 1.8e9;
    fra::Heartbeat beat = remoteBeat(t0, 10);
    beat.slurmJobId = "4242";
    beat.slurmRestart = 1;
    writeBeat(dir.path(), beat);
    EXPECT_EQ(fra::Heartbeat::read(dir.path())->slurmJobId, "4242");
    EXPECT_EQ(fra::Heartbeat::read(dir.path())->slurmRestart, 1);
    const fra::LivenessPolicy policy;
    auto judge = [&](const char* job, const char* restart) {
        ::setenv("SLURM_JOB_ID", job, 1);
        ::setenv("SLURM_RESTART_COUNT", restart, 1);
        const auto v = fra::judgeLiveness(dir.path(), activeStatus(), policy, nullptr, at(t0 + 5));
        ::unsetenv("SLURM_JOB_ID");
        ::unsetenv("SLURM_RESTART_COUNT");
        return v;
    };
    EXPECT_EQ(judge("4242", "2").liveness, fra::Liveness::Interrupted);
    EXPECT_TRUE(judge("4242", "2").provablyGone);
    EXPECT_EQ(judge("4242", "1").liveness, fra::Liveness::Running);  // the same run of the job: another rank
    EXPECT_EQ(judge("4243", "5").liveness, fra::Liveness::Running);  // another job: a second writer would be wrong
    EXPECT_EQ(fra::judgeLiveness(dir.path(), activeStatus(), policy, nullptr, at(t0 + 5)).liveness, fra::Liveness::Running);
}
