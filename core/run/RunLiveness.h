#pragma once
#include "run/Heartbeat.h"
#include "run/RunStatus.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace fra {

// Whether anybody is training a run, judged the same way by every reader (the run browser, the
// monitor, `fra runs`, `fra resume`, the GUI's Resume), for a run on this machine or one copied or
// mounted from another:
//   1. run.json says the run is not active (created, stopped, finished, failed): that state.
//   2. this machine's flock on run.lock is held: running here (the fast path), whatever run.json says
//      (a process opening or resuming the run holds it before run.json says running).
//   3. the heartbeat names this machine (host and boot) and this very folder, and the lock is free:
//      its writer beats only while holding the lock, so nobody trains it (interrupted at once).
//   A heartbeat whose phase is not "ended" makes even a stopped or created run live while it is
//   fresh (a process setting the run up on another machine).
//   4. otherwise by the heartbeat's age: running while fresh, late after three intervals without a
//      beat, interrupted only after `staleAfterSeconds`. The age comes from the heartbeat's own
//      sequence where the reader has watched it move (its local clock since the last new beat), and
//      from the wall clock less `maxClockSkewSeconds` where it has not, so machines whose clocks
//      differ by up to that much never make a live run look dead.
struct LivenessPolicy {
    double staleAfterSeconds = 300;
    double maxClockSkewSeconds = 60;
    bool callerHoldsLock = false;  // the judging process holds run.lock itself (a resume checking after locking)
};

enum class Liveness {
    Inactive,     // the state in run.json is not an active one
    Running,      // a process is training it (here or elsewhere)
    Late,         // active, its heartbeat overdue but not yet past the threshold
    Interrupted,  // active in run.json, but nobody trains it
};

struct LivenessVerdict {
    Liveness liveness = Liveness::Inactive;
    std::string state;          // what to show: run.json's state, or running | late | interrupted
    std::string host;           // where it trains (or trained)
    std::int64_t pid = 0;
    bool local = false;         // judged on this machine's own evidence (lock or process table)
    bool provablyGone = false;  // its process is known to be dead (local) or it never had a heartbeat
    double heartbeatAge = -1;   // seconds since the last beat as judged (-1: no heartbeat)
    std::string heartbeatError; // a heartbeat file that could not be read
    std::optional<Heartbeat> heartbeat;

    bool live() const { return liveness == Liveness::Running || liveness == Liveness::Late; }
    // "running" (here), "running on HOST", "running on HOST, no heartbeat for 2 min 10 s", "interrupted", ...
    std::string describe() const;
};

// The reader's memory of heartbeat sequences: keep one per reader that looks at runs again and
// again (the GUI's scanner and follower) so ages come from the beats it saw arrive.
class LivenessMemory {
public:
    // Records `beat` as seen at `monotonicNow`; returns the monotonic time at which the current
    // sequence number was first seen, or nullopt when the reader has not yet seen it change.
    std::optional<double> observe(const std::string& key, std::int64_t sequence, double monotonicNow);

private:
    struct Seen {
        std::int64_t sequence = 0;
        double since = 0;
        bool changed = false;
    };
    std::map<std::string, Seen> seen_;
};

struct LivenessClock {
    double wallNow = 0;       // Unix seconds
    double monotonicNow = 0;  // any monotonic seconds (for LivenessMemory)
    static LivenessClock now();
};

LivenessVerdict judgeLiveness(const std::filesystem::path& runRoot, const RunStatus& status, const LivenessPolicy& policy,
                              LivenessMemory* memory = nullptr, const LivenessClock& clock = LivenessClock::now());

// "12 s", "4 min 5 s", "3 h 2 min".
std::string formatAge(double seconds);

// For `fra resume` and the GUI's Resume: throws FraError naming host, pid and heartbeat age when
// the run is live, or when its heartbeat is past the threshold on another machine and `force` is
// not given (that machine may only be cut off, not dead).
void requireResumable(const std::filesystem::path& runRoot, const LivenessPolicy& policy, bool force);

}  // namespace fra
