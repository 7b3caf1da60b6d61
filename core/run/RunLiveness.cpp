#include "run/RunLiveness.h"

#include "run/RunDirectory.h"
#include "run/RunLock.h"
#include "slurm/SlurmIncarnation.h"
#include "util/FraError.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace fs = std::filesystem;

namespace fra {

std::optional<double> LivenessMemory::observe(const std::string& key, std::int64_t sequence, double monotonicNow) {
    auto it = seen_.find(key);
    if (it == seen_.end()) {
        seen_[key] = Seen{sequence, monotonicNow, false};
        return std::nullopt;
    }
    if (it->second.sequence != sequence) it->second = Seen{sequence, monotonicNow, true};
    if (!it->second.changed) return std::nullopt;
    return it->second.since;
}

LivenessClock LivenessClock::now() {
    LivenessClock c;
    c.wallNow = unixNow();
    c.monotonicNow = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    return c;
}

std::string formatAge(double seconds) {
    const auto s = static_cast<std::int64_t>(std::max(0.0, std::floor(seconds)));
    if (s < 60) return std::to_string(s) + " s";
    if (s < 3600) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
    if (s < 86400) return std::to_string(s / 3600) + " h " + std::to_string((s % 3600) / 60) + " min";
    return std::to_string(s / 86400) + " d " + std::to_string((s % 86400) / 3600) + " h";
}

std::string LivenessVerdict::describe() const {
    const std::string where = local || host.empty() ? std::string() : " on " + host;
    switch (liveness) {
        case Liveness::Inactive: return state;
        case Liveness::Running: return state + where;
        case Liveness::Late: return "running" + where + ", no heartbeat for " + formatAge(heartbeatAge);
        case Liveness::Interrupted:
            if (provablyGone || heartbeatAge < 0) return "interrupted";
            return "interrupted (last heartbeat" + where + " " + formatAge(heartbeatAge) + " ago)";
    }
    return state;
}

namespace {

bool sameFolder(const std::string& recorded, const fs::path& root) {
    std::error_code ec;
    return !recorded.empty() && fs::equivalent(recorded, root, ec) && !ec;
}

}  // namespace

LivenessVerdict judgeLiveness(const fs::path& runRoot, const RunStatus& status, const LivenessPolicy& policy, LivenessMemory* memory,
                              const LivenessClock& clock) {
    LivenessVerdict v;
    v.state = status.state;
    v.host = status.host;
    v.pid = status.pid;
    try {
        v.heartbeat = Heartbeat::read(runRoot);
    } catch (const FraError& e) {
        v.heartbeatError = e.what();
    }
    if (v.heartbeat) {
        v.host = v.heartbeat->host;
        v.pid = v.heartbeat->pid;
        v.heartbeatAge = std::max(0.0, clock.wallNow - v.heartbeat->wallTime);
    }
    // the lock first, whatever run.json says: a process opening or resuming the run holds it before
    // run.json says "running"
    if (!policy.callerHoldsLock && RunLock::isHeld(runRoot)) {
        v.liveness = Liveness::Running;
        v.state = status.claimsActive() ? status.state : "running";
        v.local = true;
        if (!v.heartbeat) v.host = hostName();
        return v;
    }
    // a heartbeat that has not ended: a process may be setting the run up elsewhere (run.json still
    // says stopped or created until it trains); one that ended leaves run.json's word
    const bool beating = v.heartbeat && v.heartbeat->phase != "ended";
    if (!status.claimsActive() && !beating) return v;
    const auto inactiveOrInterrupted = [&](LivenessVerdict& verdict) {
        if (!status.claimsActive()) {  // a setting-up process that died: run.json's state stands
            verdict.liveness = Liveness::Inactive;
            verdict.state = status.state;
        }
        return verdict;
    };
    v.liveness = Liveness::Interrupted;
    v.state = "interrupted";
    if (!v.heartbeat) {  // written before heartbeats existed, or torn beyond reading: only the lock could tell
        v.provablyGone = v.heartbeatError.empty();
        return v;
    }
    const Heartbeat& hb = *v.heartbeat;
    if (hb.host == hostName() && !hb.bootId.empty() && hb.bootId == thisBootId() && sameFolder(hb.runDir, runRoot)) {
        // this machine, this very folder: its writer beats only while it holds the lock, and the lock
        // is free, so nobody trains it
        v.local = true;
        v.provablyGone = true;
        return inactiveOrInterrupted(v);
    }
    if (SlurmIncarnation::ofThisProcess().succeeds(hb.slurmJobId, hb.slurmRestart)) {
        // a later incarnation of the job that wrote it: Slurm ended that one before restarting the job
        v.provablyGone = true;
        return inactiveOrInterrupted(v);
    }
    double age = std::max(0.0, clock.wallNow - hb.wallTime - policy.maxClockSkewSeconds);
    if (memory) {
        if (const auto since = memory->observe(runRoot.string(), hb.sequence, clock.monotonicNow)) {
            age = std::max(0.0, clock.monotonicNow - *since);
            v.heartbeatAge = age;  // as watched here: immune to the other machine's clock
        }
    }
    if (age > policy.staleAfterSeconds) return inactiveOrInterrupted(v);
    v.liveness = age > 3 * hb.intervalSeconds ? Liveness::Late : Liveness::Running;
    v.state = v.liveness == Liveness::Late ? "late" : status.claimsActive() ? status.state : "running";
    return v;
}

void requireResumable(const fs::path& runRoot, const LivenessPolicy& policy, bool force) {
    // (the caller holds run.lock when policy.callerHoldsLock: then only another machine can be training it)
    const RunDirectory run = RunDirectory::open(runRoot);
    const std::string name = "run '" + runRoot.string() + "'";
    std::error_code ec;
    if (fs::exists(runRoot / "remote.json", ec))
        throw FraError(name + " is a mirror of a run on another machine (remote.json): resume it there, or copy it to a folder of its own");
    const LivenessVerdict v = judgeLiveness(runRoot, run.readStatus(), policy);
    const std::string who = "pid " + std::to_string(v.pid) + (v.heartbeatAge >= 0 ? ", last heartbeat " + formatAge(v.heartbeatAge) + " ago" : "");
    if (v.live()) {
        if (v.local && v.heartbeatAge < 0) throw FraError(name + " is being trained by another process on this machine");
        throw FraError(name + " is live on " + v.host + " (" + who + "): stop it there, or wait until its heartbeat is older than " +
                       formatAge(policy.staleAfterSeconds) + " and resume with --force");
    }
    if (v.liveness == Liveness::Interrupted && !v.provablyGone && !force) {
        if (v.heartbeat)
            throw FraError(name + " was trained on " + v.host + " (" + who + "); that machine may only be cut off from this one: " +
                           "resume with --force if you know it stopped");
        throw FraError(name + ": its heartbeat file cannot be read (" + v.heartbeatError + "); resume with --force if nobody trains it");
    }
}

}  // namespace fra
