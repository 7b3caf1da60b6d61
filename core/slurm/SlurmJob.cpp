#include "slurm/SlurmJob.h"

#include "slurm/SlurmIncarnation.h"

#include "run/RunDirectory.h"
#include "run/RunStatus.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"
#include "util/Subprocess.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace fra {

namespace {

std::string firstLine(const std::string& text) {
    const std::size_t start = text.find_first_not_of(" \n\r\t");
    if (start == std::string::npos) return "";
    const std::size_t end = text.find('\n', start);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string setupLines(const fs::path& file) {
    if (file.empty()) return "";
    std::string text, problem;
    if (!tryReadWholeFile(file, text, problem)) throw FraError("setup file: " + problem);
    if (text.find('\0') != std::string::npos) throw FraError("setup file '" + file.string() + "' is not a text file");
    std::istringstream lines(text);
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        if (line.rfind("#SBATCH", 0) == 0)
            throw FraError("setup file '" + file.string() + "':" + std::to_string(number) +
                           ": #SBATCH lines are ignored after the first command; give them with --sbatch-extra");
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    return "# setup: " + file.string() + "\n" + text;
}

// A run folder that is only a submission (or nothing yet) may be submitted; a run is resumed instead.
void requireSubmittable(const fs::path& run) {
    std::error_code ec;
    if (fs::exists(run / "config.json", ec))
        throw FraError("'" + run.string() + "' is already a run: continue it with `sbatch " + (run / kSubmissionFolder / "job.sh").string() +
                       "` or `fra resume`");
    if (fs::exists(run, ec) && !fs::is_directory(run, ec)) throw FraError("output '" + run.string() + "' exists and is not a folder");
    for (const auto& entry : fs::directory_iterator(run, ec))
        if (entry.path().filename() != kSubmissionFolder)
            throw FraError("output folder '" + run.string() + "' is not empty");
}

}  // namespace

std::string slurmJobScript(const SlurmJobRequest& r) {
    const fs::path logs = r.run / kSubmissionFolder;
    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# FRA pre-training as a Slurm job, written by `fra submit slurm`. Submitting it again (sbatch this file)\n"
      << "# continues the run from its newest checkpoint.\n"
      << "#SBATCH --job-name=fra-" << r.run.filename().string() << "\n"
      << "#SBATCH --nodes=" << r.nodes << "\n"
      << "#SBATCH --ntasks-per-node=" << r.tasksPerNode << "\n";
    if (r.gpusPerNode > 0) s << "#SBATCH --gpus-per-node=" << r.gpusPerNode << "\n";
    if (r.cpusPerTask > 0) s << "#SBATCH --cpus-per-task=" << r.cpusPerTask << "\n";
    if (!r.time.empty()) s << "#SBATCH --time=" << r.time << "\n";
    if (!r.partition.empty()) s << "#SBATCH --partition=" << r.partition << "\n";
    if (!r.account.empty()) s << "#SBATCH --account=" << r.account << "\n";
    if (!r.qos.empty()) s << "#SBATCH --qos=" << r.qos << "\n";
    // every run of the job appends to the same log (without append mode a restart empties it)
    s << "#SBATCH --output=" << (logs / "job-%j.log").string() << "\n"
      << "#SBATCH --open-mode=append\n"
      << "#SBATCH --requeue\n"
      // USR2 to the srun tasks (not the batch shell): every rank stops at the same step and checkpoints
      << "#SBATCH --signal=USR2@" << r.signalSeconds << "\n";
    for (const auto& extra : r.sbatchExtra) {
        if (extra.find('\n') != std::string::npos) throw FraError("--sbatch-extra '" + extra + "': one option per line");
        s << "#SBATCH " << extra << "\n";
    }
    s << setupLines(r.setupFile);
    s << "export FRA_SLURM_SIGNAL_S=" << r.signalSeconds << "\n"
      << "RUN=" << shellQuote(r.run.string()) << "\n"
      << "echo \"fra: job $SLURM_JOB_ID run ${SLURM_RESTART_COUNT:-0} on $SLURM_JOB_NODELIST at $(date -Is)\"\n"
      << "if [ -f \"$RUN/config.json\" ]; then  # started again: continue from the newest checkpoint\n"
      << "  srun --kill-on-bad-exit=1 " << shellQuote(r.fra) << " resume \"$RUN\"\n"
      << "else\n"
      << "  srun --kill-on-bad-exit=1 " << shellQuote(r.fra) << " pretrain";
    for (const auto& a : r.pretrainArgs) s << " " << shellQuote(a);
    if (!r.settings.empty()) s << " --config \"$RUN/" << kSubmissionFolder << "/settings.json\"";
    s << " --out \"$RUN\"\n"
      << "fi\n";
    return s.str();
}

std::vector<std::string> slurmSubmitArguments(const SlurmJobRequest& r) {
    std::vector<std::string> a = {"--nodes", std::to_string(r.nodes), "--signal-lead", std::to_string(r.signalSeconds)};
    if (r.gpusPerNode > 0) a.insert(a.end(), {"--gpus-per-node", std::to_string(r.gpusPerNode)});
    else a.insert(a.end(), {"--tasks-per-node", std::to_string(r.tasksPerNode)});
    if (r.cpusPerTask > 0) a.insert(a.end(), {"--cpus-per-task", std::to_string(r.cpusPerTask)});
    const std::pair<const char*, const std::string*> named[] = {{"--time", &r.time}, {"--partition", &r.partition}, {"--account", &r.account}, {"--qos", &r.qos}};
    for (const auto& [option, value] : named)
        if (!value->empty()) a.insert(a.end(), {option, *value});
    if (!r.setupFile.empty()) a.insert(a.end(), {"--setup-file", r.setupFile.string()});
    for (const auto& extra : r.sbatchExtra) a.push_back("--sbatch-extra=" + extra);
    if (!r.fra.empty()) a.insert(a.end(), {"--fra", r.fra});
    return a;
}

SlurmSubmission submitSlurmJob(const SlurmJobRequest& request) {
    requireSubmittable(request.run);
    const std::string script = slurmJobScript(request);  // a bad setup file fails before anything is written
    std::error_code ec;
    const bool runExisted = fs::exists(request.run, ec);
    const fs::path folder = request.run / kSubmissionFolder;
    const bool folderExisted = fs::exists(folder, ec);
    auto undo = [&] {
        if (!runExisted) fs::remove_all(request.run, ec);
        else if (!folderExisted) fs::remove_all(folder, ec);
    };
    fs::create_directories(folder, ec);
    if (ec) throw FraError("cannot create '" + folder.string() + "': " + ec.message());
    SlurmSubmission out;
    out.script = folder / "job.sh";
    try {
        if (!request.settings.empty()) {
            const nlohmann::json settings = nlohmann::json::parse(request.settings, nullptr, false);
            if (!settings.is_object()) throw FraError("the job's settings are not a JSON object");
            writeFileAtomically(folder / "settings.json", settings.dump(2) + "\n");
        }
        writeFileAtomically(out.script, script);
        fs::permissions(out.script, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add, ec);
        const SubprocessResult r = runSubprocess({"sbatch", "--parsable", out.script.string()}, {}, 120);
        if (r.exitCode == 127) throw FraError("sbatch was not found: submit from a machine with Slurm's clients (Debian: slurm-client)");
        if (r.exitCode != 0 || r.timedOut) {
            const std::string why = firstLine(r.err).empty() ? firstLine(r.out) : firstLine(r.err);
            throw FraError("sbatch refused the job: " + (why.empty() ? "exit code " + std::to_string(r.exitCode) : why));
        }
        const std::string answer = firstLine(r.out);
        const std::size_t semicolon = answer.find(';');
        out.jobId = answer.substr(0, semicolon);
        if (semicolon != std::string::npos) out.cluster = answer.substr(semicolon + 1);
        if (out.jobId.empty() || out.jobId.find_first_not_of("0123456789_") != std::string::npos)
            throw FraError("sbatch answered '" + answer + "' instead of a job id");
    } catch (...) {
        undo();
        throw;
    }
    const nlohmann::json record{{"job_id", out.jobId}, {"cluster", out.cluster}, {"script", out.script.string()},
                                {"submitted", unixNow()}, {"host", hostName()}};
    writeFileAtomically(folder / "submission.json", record.dump(2) + "\n");
    return out;
}

std::optional<double> parseSlurmDuration(const std::string& text) {
    std::string rest = text;
    double days = 0;
    if (const std::size_t dash = rest.find('-'); dash != std::string::npos) {
        const std::string d = rest.substr(0, dash);
        if (d.empty() || d.size() > 6 || d.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
        days = std::stod(d);
        rest = rest.substr(dash + 1);
    }
    std::vector<double> parts;
    std::istringstream in(rest);
    for (std::string p; std::getline(in, p, ':');) {
        if (p.empty() || p.size() > 9 || p.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
        parts.push_back(std::stod(p));
    }
    if (parts.empty() || parts.size() > 3) return std::nullopt;
    double seconds = 0;
    if (days > 0 || text.find('-') != std::string::npos) {  // D-HH[:MM[:SS]]
        const double unit[] = {3600, 60, 1};
        for (std::size_t i = 0; i < parts.size(); ++i) seconds += parts[i] * unit[i];
    } else if (parts.size() == 1) {  // MM
        seconds = parts[0] * 60;
    } else if (parts.size() == 2) {  // MM:SS
        seconds = parts[0] * 60 + parts[1];
    } else {  // HH:MM:SS
        seconds = parts[0] * 3600 + parts[1] * 60 + parts[2];
    }
    return days * 86400 + seconds;
}

std::optional<double> slurmTimeLeftSeconds(const std::string& jobId) {
    const SubprocessResult r = runSubprocess({"squeue", "--noheader", "--jobs", jobId, "--format", "%L"}, {}, 30);
    if (r.exitCode != 0) return std::nullopt;
    return parseSlurmDuration(firstLine(r.out));
}

std::string slurmQueueState(const std::string& jobId) {
    const SubprocessResult r = runSubprocess({"squeue", "--noheader", "--jobs", jobId, "--format", kSqueueStateFormat}, {}, 30);
    if (r.exitCode != 0) return "";
    const auto states = parseSlurmJobStates(r.out, {jobId});
    return states.empty() ? "" : states.begin()->second.describe();
}

namespace {
bool isSlurmJobId(const std::string& id) {
    return !id.empty() && id.size() <= 32 && id.find_first_not_of("0123456789_") == std::string::npos;
}

void runScancel(const std::vector<std::string>& argv) {
    const SubprocessResult r = runSubprocess(argv, {}, 60);
    if (r.exitCode == 127) throw FraError("scancel was not found: Slurm's clients are needed (Debian: slurm-client)");
    // a job that has already ended is not an error: it is what a stop wants
    if (r.exitCode != 0 && r.err.find("already complet") == std::string::npos && r.err.find("Invalid job id") == std::string::npos) {
        const std::string why = firstLine(r.err).empty() ? "exit code " + std::to_string(r.exitCode) : firstLine(r.err);
        throw FraError("scancel failed: " + why);
    }
}
}  // namespace

bool SlurmJobState::finished() const {
    // squeue's terminal states; anything else (a state of a newer Slurm included) may still run
    static const char* ended[] = {"COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE",
                                  "OUT_OF_MEMORY", "REVOKED"};
    for (const char* s : ended)
        if (state == s) return true;
    return false;
}

bool SlurmJobState::hasTasks() const { return state == "RUNNING" || state == "CONFIGURING" || state == "SUSPENDED" || state == "STOPPED"; }

std::string SlurmJobState::describe() const { return reason.empty() || reason == "None" ? state : state + " (" + reason + ")"; }

std::optional<std::map<std::string, SlurmJobState>> slurmJobStates(const std::vector<std::string>& jobIds) {
    bool any = false;
    for (const auto& id : jobIds) any = any || isSlurmJobId(id);
    if (!any) return std::map<std::string, SlurmJobState>{};
    // squeue refuses a --jobs list when one of them is unknown: list the states of this user's jobs and pick
    const SubprocessResult r = runSubprocess({"squeue", "--me", "--noheader", "--states=all", "--format", kSqueueStateFormat}, {}, 30);
    if (r.exitCode != 0 || r.timedOut) return std::nullopt;
    return parseSlurmJobStates(r.out, jobIds);
}

std::map<std::string, SlurmJobState> parseSlurmJobStates(const std::string& squeueOutput, const std::vector<std::string>& jobIds) {
    std::map<std::string, SlurmJobState> out;
    std::istringstream lines(squeueOutput);
    for (std::string line; std::getline(lines, line);) {
        const std::size_t a = line.find('|'), b = a == std::string::npos ? a : line.find('|', a + 1);
        if (b == std::string::npos) continue;
        const std::string id = line.substr(0, a);
        std::string reason = line.substr(b + 1);
        if (!reason.empty() && reason.back() == '\r') reason.pop_back();
        for (const auto& wanted : jobIds)
            if (wanted == id) out[id] = SlurmJobState{line.substr(a + 1, b - a - 1), reason};
    }
    return out;
}

std::string submittedSlurmJobId(const fs::path& runRoot) {
    const fs::path submission = runRoot / kSubmissionFolder / "submission.json";
    std::error_code ec;
    if (!fs::exists(submission, ec)) return "";
    std::string text, problem;
    if (!tryReadWholeFile(submission, text, problem)) throw FraError(problem);
    const nlohmann::json record = nlohmann::json::parse(text, nullptr, false);
    if (record.is_discarded() || !record.is_object()) throw FraError("'" + submission.string() + "' is not a JSON object");
    const nlohmann::json id = record.value("job_id", nlohmann::json());
    const std::string jobId = id.is_string() ? id.get<std::string>() : "";
    if (!isSlurmJobId(jobId)) {
        std::string shown;  // printable ASCII only: a cut multi-byte character would make a JSON output invalid
        for (const char c : (id.is_string() ? jobId : id.dump()).substr(0, 40)) shown += c >= 0x20 && c < 0x7f ? c : '?';
        throw FraError("'" + submission.string() + "': job_id '" + shown + "' is not a Slurm job id");
    }
    return jobId;
}

void signalSlurmJob(const std::string& jobId, const std::string& signal) {
    if (!isSlurmJobId(jobId)) throw FraError("'" + jobId + "' is not a Slurm job id");
    runScancel({"scancel", "--signal=" + signal, jobId});
}

void cancelSlurmJob(const std::string& jobId) {
    if (!isSlurmJobId(jobId)) throw FraError("'" + jobId + "' is not a Slurm job id");
    runScancel({"scancel", jobId});
}

std::string stopSlurmJob(const std::string& jobId, double graceSeconds) {
    // the job's state; nullopt while squeue cannot say; an empty state once it no longer lists the job
    auto stateNow = [&]() -> std::optional<SlurmJobState> {
        const auto states = slurmJobStates({jobId});
        if (!states) return std::nullopt;
        const auto found = states->find(jobId);
        return found == states->end() ? SlurmJobState{} : found->second;
    };
    const std::optional<SlurmJobState> before = stateNow();
    if (!before) throw FraError("squeue cannot say what job " + jobId + " is doing: nothing was sent to it");
    if (before->state.empty() || before->finished()) return "job " + jobId + " has already ended";
    if (!before->hasTasks()) {  // waiting (pending, requeued, held): no task would get a signal
        cancelSlurmJob(jobId);
        return "job " + jobId + " was waiting in the queue (" + before->describe() + "): cancelled";
    }
    try {
        signalSlurmJob(jobId, "TERM");
    } catch (const FraError&) {
        const std::optional<SlurmJobState> now = stateNow();  // it may have ended or been requeued meanwhile
        if (now && now->hasTasks()) throw;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(graceSeconds);
    bool ended = false;
    while (!ended && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::seconds(2));
        const std::optional<SlurmJobState> now = stateNow();
        ended = now && !now->hasTasks() && now->state != "COMPLETING";  // a failed squeue says nothing: ask again
    }
    cancelSlurmJob(jobId);  // whatever happened, the job does not come back
    return ended ? "job " + jobId + " stopped with a checkpoint and was cancelled"
                 : "job " + jobId + " did not stop within " + std::to_string(static_cast<int>(graceSeconds)) + " s of SIGTERM: cancelled";
}

void requeueSlurmJob(const std::string& jobId) {
    const SubprocessResult r = runSubprocess({"scontrol", "requeue", jobId}, {}, 60);
    if (r.exitCode != 0) {
        const std::string why = firstLine(r.err).empty() ? "exit code " + std::to_string(r.exitCode) : firstLine(r.err);
        throw FraError("scontrol requeue " + jobId + " failed: " + why);
    }
}

SlurmIncarnation SlurmIncarnation::ofThisProcess() {
    SlurmIncarnation i;
    if (const char* job = std::getenv("SLURM_JOB_ID"); job && *job) i.jobId = job;
    if (const char* restart = std::getenv("SLURM_RESTART_COUNT"); restart && *restart) {
        char* end = nullptr;
        const long long n = std::strtoll(restart, &end, 10);
        if (end && *end == '\0' && n >= 0) i.restartCount = n;
    }
    return i;
}

}  // namespace fra

namespace fra {

std::string requeueAfterSignal(const RunDirectory& run, int maxTimeouts) {
    const SlurmIncarnation job = SlurmIncarnation::ofThisProcess();
    RunStatus status = run.readStatus();
    double lead = 120;
    if (const char* s = std::getenv("FRA_SLURM_SIGNAL_S"); s && *s) lead = std::atof(s);
    const std::optional<double> left = job.jobId.empty() ? std::nullopt : slurmTimeLeftSeconds(job.jobId);
    const bool timeLimit = left && *left <= lead + 60;
    int timeouts = 0;
    for (const auto& stop : status.slurmStops)
        if (stop.value("reason", "") == "time limit" && stop.value("requeued", false)) ++timeouts;
    const bool requeue = !job.jobId.empty() && (!timeLimit || timeouts < maxTimeouts);
    std::string line = std::string(timeLimit ? "time limit" : "preemption") + " signal: checkpoint at step " +
                       std::to_string(status.checkpointStep);
    if (job.jobId.empty()) line += "; not a Slurm job, nothing to requeue";
    else if (!requeue)
        line += "; the time limit has been reached " + std::to_string(timeouts) + " times (run.slurm_max_timeouts): not requeued, submit " +
                (run.root() / kSubmissionFolder / "job.sh").string() + " again to continue";
    else line += "; job " + job.jobId + " requeued";
    if (requeue) requeueSlurmJob(job.jobId);
    status.slurmStops.push_back({{"time", unixNow()}, {"step", status.checkpointStep}, {"reason", timeLimit ? "time limit" : "preemption"},
                                 {"slurm_job_id", job.jobId}, {"slurm_restart", job.restartCount}, {"requeued", requeue}});
    status.message = line;
    run.writeStatus(status);
    run.appendLog("info", "slurm: " + line);
    return line;
}

}  // namespace fra
