#pragma once
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

namespace fra {

// <run>/heartbeat.json: proof of life from the process that trains a run, written atomically by a
// thread of its own every `interval` seconds, also while a long step, a checkpoint or a data stall
// is under way. Unlike run.lock (a flock, local to one kernel) it crosses machines: a copied or
// mounted run folder carries it, and readers judge liveness from it (RunLiveness).
struct Heartbeat {
    std::string host;             // gethostname() of the training machine
    std::string bootId;           // /proc/sys/kernel/random/boot_id: tells a reboot, or a same-named machine
    std::int64_t pid = 0;
    std::uint64_t processStart = 0;  // the process's start time in clock ticks since boot (pid reuse)
    std::string runDir;           // the absolute folder the process writes
    std::int64_t sequence = 0;    // +1 every beat: readers measure progress by it, not by clocks
    std::int64_t step = 0;
    double wallTime = 0;          // Unix seconds on the training machine's clock
    double intervalSeconds = 10;
    std::string phase;            // starting | training | checkpoint | heatmaps | paused | stopping | ended
    std::string slurmJobId;       // SLURM_JOB_ID and SLURM_RESTART_COUNT of the writer, under Slurm:
    std::int64_t slurmRestart = 0;  // a later incarnation of the same job knows this writer has ended

    nlohmann::json toJson() const;
    // Throws FraError naming `source` and the field when the content is malformed.
    static Heartbeat fromJson(const nlohmann::json& j, const std::string& source);
    // nullopt when the run has no heartbeat file; throws FraError naming the file when it is unreadable.
    static std::optional<Heartbeat> read(const std::filesystem::path& runRoot);
    static std::filesystem::path fileOf(const std::filesystem::path& runRoot) { return runRoot / "heartbeat.json"; }
};

// Facts about processes on this machine, for the heartbeat and for judging a local one.
std::string thisBootId();
// The start time (field 22 of /proc/PID/stat); 0 when there is no such process.
std::uint64_t processStartTicks(std::int64_t pid);

class HeartbeatWriter {
public:
    // Writes the first beat at once (throws FraError if it cannot), then one every `intervalSeconds`.
    HeartbeatWriter(const std::filesystem::path& runRoot, double intervalSeconds, std::int64_t step);
    ~HeartbeatWriter();  // writes a last beat with phase "ended"
    HeartbeatWriter(const HeartbeatWriter&) = delete;
    HeartbeatWriter& operator=(const HeartbeatWriter&) = delete;

    void setStep(std::int64_t step);
    void setPhase(const std::string& phase);

private:
    std::string nextBeat();  // the next beat's text, with mutex_ held
    void writeBeat();        // with mutex_ held
    void loop();

    std::filesystem::path file_;
    Heartbeat beat_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace fra
