#include "run/Heartbeat.h"

#include "run/RunDirectory.h"
#include "slurm/SlurmIncarnation.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"
#include "util/JsonNumbers.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fra {

nlohmann::json Heartbeat::toJson() const {
    return {{"host", host},       {"boot_id", bootId},     {"pid", pid},        {"process_start", processStart},
            {"run_dir", runDir},  {"sequence", sequence},  {"step", step},      {"wall_time", wallTime},
            {"interval_s", intervalSeconds}, {"phase", phase}, {"slurm_job_id", slurmJobId}, {"slurm_restart", slurmRestart}};
}

namespace {

std::string stringField(const nlohmann::json& j, const char* key, const std::string& source) {
    const auto it = j.find(key);
    if (it == j.end()) return "";
    if (!it->is_string()) throw FraError(source + ": field '" + key + "' must be a string");
    return it->get<std::string>();
}

double numberField(const nlohmann::json& j, const char* key, double fallback, const std::string& source) {
    const auto it = j.find(key);
    if (it == j.end()) return fallback;
    if (!it->is_number() || !std::isfinite(it->get<double>()))
        throw FraError(source + ": field '" + key + "' must be a finite number");
    return it->get<double>();
}

}  // namespace

Heartbeat Heartbeat::fromJson(const nlohmann::json& j, const std::string& source) {
    if (!j.is_object()) throw FraError(source + ": expected a JSON object");
    Heartbeat h;
    try {
        h.host = stringField(j, "host", source);
        h.bootId = stringField(j, "boot_id", source);
        h.pid = wholeNumber(j, "pid", 0);
        const std::int64_t start = wholeNumber(j, "process_start", 0);
        if (start < 0) throw FraError("process_start must not be negative");
        h.processStart = static_cast<std::uint64_t>(start);
        h.runDir = stringField(j, "run_dir", source);
        h.sequence = wholeNumber(j, "sequence", 0);
        h.step = wholeNumber(j, "step", 0);
        h.wallTime = numberField(j, "wall_time", 0, source);
        h.intervalSeconds = numberField(j, "interval_s", 10, source);
        h.phase = stringField(j, "phase", source);
        h.slurmJobId = stringField(j, "slurm_job_id", source);
        h.slurmRestart = wholeNumber(j, "slurm_restart", 0);
    } catch (const FraError& e) {
        const std::string what = e.what();
        if (what.rfind(source, 0) == 0) throw;
        throw FraError(source + ": " + what);
    }
    if (h.intervalSeconds <= 0 || h.intervalSeconds > 86400)
        throw FraError(source + ": field 'interval_s' must be in (0, 86400]");
    return h;
}

std::optional<Heartbeat> Heartbeat::read(const fs::path& runRoot) {
    const fs::path file = fileOf(runRoot);
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::nullopt;
    std::string text;
    try {
        text = readWholeFile(file);
    } catch (const std::exception& e) {
        throw FraError("cannot read '" + file.string() + "': " + e.what());
    }
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw FraError("'" + file.string() + "' is not valid JSON");
    return fromJson(j, "'" + file.string() + "'");
}

std::string thisBootId() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

std::uint64_t processStartTicks(std::int64_t pid) {
    if (pid <= 0) return 0;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return 0;
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const auto close = line.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(line.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22; ++i) {
        if (!(rest >> field)) return 0;
        if (i == 22) return std::strtoull(field.c_str(), nullptr, 10);
    }
    return 0;
}

HeartbeatWriter::HeartbeatWriter(const fs::path& runRoot, double intervalSeconds, std::int64_t step)
    : file_(Heartbeat::fileOf(runRoot)) {
    beat_.host = hostName();
    beat_.bootId = thisBootId();
    const SlurmIncarnation job = SlurmIncarnation::ofThisProcess();
    beat_.slurmJobId = job.jobId;
    beat_.slurmRestart = job.restartCount;
    beat_.pid = ::getpid();
    beat_.processStart = processStartTicks(beat_.pid);
    beat_.runDir = fs::absolute(runRoot).lexically_normal().string();
    beat_.intervalSeconds = intervalSeconds;
    beat_.step = step;
    beat_.phase = "starting";
    // the sequence goes on from a previous process's, so a reader that watched the run before a
    // resume sees it move on
    try {
        if (const auto previous = Heartbeat::read(runRoot)) beat_.sequence = previous->sequence;
    } catch (const FraError&) {
        // a torn or foreign file is replaced below
    }
    {
        std::lock_guard<std::mutex> guard(mutex_);
        writeBeat();
    }
    thread_ = std::thread([this] { loop(); });
}

HeartbeatWriter::~HeartbeatWriter() {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    std::lock_guard<std::mutex> guard(mutex_);
    beat_.phase = "ended";
    try {
        writeBeat();
    } catch (const std::exception&) {
        // the run's state in run.json says how it ended; the last beat is a courtesy
    }
}

void HeartbeatWriter::setStep(std::int64_t step) {
    std::lock_guard<std::mutex> guard(mutex_);
    beat_.step = step;
}

void HeartbeatWriter::setPhase(const std::string& phase) {
    std::lock_guard<std::mutex> guard(mutex_);
    beat_.phase = phase;
}

std::string HeartbeatWriter::nextBeat() {
    ++beat_.sequence;
    beat_.wallTime = unixNow();
    return beat_.toJson().dump() + "\n";
}

void HeartbeatWriter::writeBeat() { writeFileAtomically(file_, nextBeat()); }

void HeartbeatWriter::loop() {
    std::unique_lock<std::mutex> guard(mutex_);
    const auto interval = std::chrono::duration<double>(beat_.intervalSeconds);
    while (!wake_.wait_for(guard, interval, [this] { return stopping_; })) {
        // the write (with its fsyncs) happens outside the lock, so setStep() never waits for the disk
        const std::string text = nextBeat();
        guard.unlock();
        try {
            writeFileAtomically(file_, text);
        } catch (const std::exception&) {
            // a full disk or a vanished folder: the next beat tries again; training is not stopped by it
        }
        guard.lock();
    }
}

}  // namespace fra
