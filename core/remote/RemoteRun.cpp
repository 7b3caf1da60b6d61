#include "remote/RemoteRun.h"

#include "run/Heartbeat.h"
#include "run/RunDirectory.h"
#include "slurm/SlurmJob.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"
#include "util/JsonNumbers.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fra {

namespace {

// Where the shared ssh connections' sockets live: a folder of this user's alone, or none (then
// every command logs in on its own) when it is not.
std::string controlDirectory() {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    const fs::path dir = runtime && *runtime ? fs::path(runtime) / "fra-ssh" : fs::path("/tmp") / ("fra-ssh-" + std::to_string(::getuid()));
    ::mkdir(dir.c_str(), 0700);
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0) return "";
    return dir.string();
}

std::vector<std::string> sshOptions(const SshHost& host) {
    std::vector<std::string> o = {"ssh", "-T"};
    std::string config = host.sshConfig;
    if (config.empty())
        if (const char* env = std::getenv("FRA_SSH_CONFIG")) config = env;
    if (!config.empty()) o.insert(o.end(), {"-F", config});
    o.insert(o.end(), {"-o", "BatchMode=yes", "-o", "ConnectTimeout=15", "-o", "ServerAliveInterval=10", "-o", "ServerAliveCountMax=3"});
    const std::string control = controlDirectory();
    if (control.empty()) o.insert(o.end(), {"-o", "ControlMaster=no", "-o", "ControlPath=none"});
    else o.insert(o.end(), {"-o", "ControlMaster=auto", "-o", "ControlPath=" + control + "/%C", "-o", "ControlPersist=60"});
    return o;
}

std::string lastLine(const std::string& text) {
    std::istringstream in(text);
    std::string line, last;
    while (std::getline(in, line))
        if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
    while (!last.empty() && (last.back() == '\r' || last.back() == ' ')) last.pop_back();
    return last;
}

// The line of `fra`'s output that says what went wrong ("fra: error: ..."), else its last line.
std::string errorLine(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("fra: error: ", 0) == 0 || line.rfind("fra-remote: ", 0) == 0) return line.substr(line.find(": ") + 2);
    return lastLine(text);
}

std::string remoteScript(const std::string& script) { return "sh -c " + shellQuote(script); }

void requireSafeAlias(const std::string& alias) {
    if (alias.empty() || alias.front() == '-' || alias.find_first_of(" \t\n'\"") != std::string::npos)
        throw FraError("'" + alias + "' is not an ssh host alias");
}

std::string localVersionLine() { return std::string("fra (FRA Workbench) ") + FRA_VERSION_STRING; }



}  // namespace

std::string fromLoginFolder(const std::string& path) {
    if (path == "~") return ".";
    if (path.rfind("~/", 0) == 0) return path.substr(2).empty() ? "." : path.substr(2);
    return path;
}

std::vector<std::string> SshHost::sshArgv(const std::string& remoteCommand) const {
    requireSafeAlias(alias);
    auto argv = sshOptions(*this);
    argv.insert(argv.end(), {alias, remoteCommand});
    return argv;
}

std::string SshHost::rsyncShell() const {
    // rsync splits -e itself: words in single quotes, a quote inside one doubled (not a shell's '\'')
    std::string shell;
    for (const auto& word : sshOptions(*this)) {
        std::string quoted = "'";
        for (const char c : word) quoted += c == '\'' ? std::string("''") : std::string(1, c);
        shell += (shell.empty() ? "" : " ") + quoted + "'";
    }
    return shell;
}

SubprocessResult SshHost::run(const std::string& remoteCommand, const std::string& input, double timeoutSeconds) const {
    SubprocessResult r = runSubprocess(sshArgv(remoteCommand), input, timeoutSeconds);
    if (r.exitCode == 127 && r.err.find("ssh: command not found") != std::string::npos)
        throw FraError("no ssh client on this machine (install the Debian package openssh-client)");
    if (r.timedOut) throw FraError("'" + alias + "' did not answer within " + std::to_string(static_cast<int>(timeoutSeconds)) + " s");
    if (r.exitCode == 255) throw FraError("cannot reach '" + alias + "' with ssh: " + lastLine(r.err));
    return r;
}

std::string SshHost::fraVersion() const {
    const SubprocessResult r = run(remoteScript("command -v " + shellQuote(fraCommand) + " >/dev/null 2>&1 || exit 10; " +
                                                shellQuote(fraCommand) + " --version"));
    if (r.exitCode == 10) throw FraError("there is no '" + fraCommand + "' on '" + alias + "' (install the workbench there, or give its path)");
    if (r.exitCode != 0) throw FraError("'" + fraCommand + " --version' failed on '" + alias + "': " + errorLine(r.err + r.out));
    const std::string first = r.out.substr(0, r.out.find('\n'));
    if (first.rfind("fra (FRA Workbench) ", 0) != 0)
        throw FraError("'" + fraCommand + "' on '" + alias + "' is not the workbench's fra (it says '" + first + "')");
    return first;
}

std::vector<std::string> sshConfigHosts(const fs::path& file) {
    fs::path path = file;
    if (path.empty()) {
        const char* env = std::getenv("FRA_SSH_CONFIG");
        const char* home = std::getenv("HOME");
        path = env && *env ? fs::path(env) : home ? fs::path(home) / ".ssh" / "config" : fs::path();
    }
    std::vector<std::string> hosts;
    std::error_code ec;
    if (path.empty() || !fs::is_regular_file(path, ec)) return hosts;
    std::istringstream in(readWholeFile(path));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string keyword;
        if (!(words >> keyword)) continue;
        for (auto& c : keyword) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (keyword == "host") {
            for (std::string alias; words >> alias;)
                if (alias.find_first_of("*?!") == std::string::npos && std::find(hosts.begin(), hosts.end(), alias) == hosts.end())
                    hosts.push_back(alias);
        }
    }
    return hosts;
}

nlohmann::json RemoteRunEntry::toJson() const {
    return {{"host", host.alias},          {"fra", host.fraCommand},     {"ssh_config", host.sshConfig}, {"remote_run", remoteRun},
            {"launch_log", launchLog},     {"launched_pid", launchedPid}, {"created", created}};
}

RemoteRunEntry RemoteRunEntry::fromJson(const nlohmann::json& j, const std::string& source) {
    if (!j.is_object()) throw FraError(source + ": expected a JSON object");
    auto text = [&](const char* key, bool required) {
        const auto it = j.find(key);
        if (it == j.end()) {
            if (required) throw FraError(source + ": field '" + key + "' is missing");
            return std::string();
        }
        if (!it->is_string()) throw FraError(source + ": field '" + key + "' must be a string");
        return it->get<std::string>();
    };
    RemoteRunEntry e;
    e.host.alias = text("host", true);
    e.host.fraCommand = text("fra", false);
    if (e.host.fraCommand.empty()) e.host.fraCommand = "fra";
    e.host.sshConfig = text("ssh_config", false);
    e.remoteRun = text("remote_run", true);
    e.launchLog = text("launch_log", false);
    try {
        e.launchedPid = wholeNumber(j, "launched_pid", 0);
    } catch (const FraError& err) {
        throw FraError(source + ": " + err.what());
    }
    const auto created = j.find("created");
    e.created = created != j.end() && created->is_number() ? created->get<double>() : 0;
    requireSafeAlias(e.host.alias);
    if (e.remoteRun.empty()) throw FraError(source + ": field 'remote_run' is empty");
    return e;
}

bool RemoteRunEntry::exists(const fs::path& cache) {
    std::error_code ec;
    return fs::is_regular_file(cache / "remote.json", ec);
}

RemoteRunEntry RemoteRunEntry::read(const fs::path& cache) {
    const fs::path file = cache / "remote.json";
    if (!exists(cache)) throw FraError("'" + cache.string() + "' does not mirror a remote run (no remote.json)");
    const nlohmann::json j = nlohmann::json::parse(readWholeFile(file), nullptr, false);
    if (j.is_discarded()) throw FraError("'" + file.string() + "' is not valid JSON");
    return fromJson(j, "'" + file.string() + "'");
}

void RemoteRunEntry::write(const fs::path& cache) const { writeFileAtomically(cache / "remote.json", toJson().dump(2) + "\n"); }

namespace {

void requireFreshCache(const fs::path& cache) {
    std::error_code ec;
    if (fs::exists(cache, ec) && !fs::is_empty(cache, ec))
        throw FraError("local folder '" + cache.string() + "' exists and is not empty (it would mirror the remote run)");
}

void requireSameVersion(const SshHost& host) {
    const std::string theirs = host.fraVersion();
    if (theirs != localVersionLine())
        throw FraError("'" + host.fraCommand + "' on '" + host.alias + "' is " + theirs.substr(theirs.rfind(' ') + 1) + ", this one is " +
                       FRA_VERSION_STRING + ": install the same version on both machines");
}

}  // namespace

RemoteRunEntry launchRemoteRun(const SshHost& host, const LaunchRequest& request, const fs::path& cache) {
    requireFreshCache(cache);
    if (request.remoteRun.empty() || request.remoteData.empty()) throw FraError("a remote launch needs the run folder and the data on the host");
    requireSameVersion(host);
    const std::string run = fromLoginFolder(request.remoteRun);
    const std::string script =
        "RUN=" + shellQuote(run) + "; DATA=" + shellQuote(fromLoginFolder(request.remoteData)) + "; FRA=" + shellQuote(host.fraCommand) +
        "\n"
        "if [ -e \"$RUN\" ] && [ -n \"$(ls -A \"$RUN\" 2>/dev/null)\" ]; then echo \"fra-remote: run folder '$RUN' exists and is not empty\" >&2; exit 11; fi\n"
        "parent=$(dirname \"$RUN\"); base=$(basename \"$RUN\")\n"
        "mkdir -p \"$parent\" || exit 12\n"
        "cfg=\"$parent/.$base.launch.json\"; log=\"$parent/.$base.launch.log\"\n"
        "cat > \"$cfg\" || exit 12\n"
        "nohup setsid \"$FRA\" pretrain --config \"$cfg\" --data \"$DATA\" --out \"$RUN\" --quiet > \"$log\" 2>&1 < /dev/null &\n"
        "printf '%s\\n%s\\n%s\\n' \"$!\" \"$log\" \"$cfg\"\n";
    const SubprocessResult started = host.run(remoteScript(script), request.config.dump(2) + "\n");
    if (started.exitCode != 0) throw FraError("cannot launch on '" + host.alias + "': " + errorLine(started.err + started.out));
    // three lines: the pid, the output file, the handed-over config (paths may hold spaces)
    std::istringstream reply(started.out);
    RemoteRunEntry entry;
    std::string pidLine, configFile;
    std::getline(reply, pidLine);
    std::getline(reply, entry.launchLog);
    std::getline(reply, configFile);
    try {
        entry.launchedPid = std::stoll(pidLine);
    } catch (const std::exception&) {
        entry.launchedPid = 0;
    }
    if (entry.launchedPid <= 0 || entry.launchLog.empty() || configFile.empty())
        throw FraError("cannot launch on '" + host.alias + "': no process id came back");
    entry.host = host;
    entry.remoteRun = run;
    entry.created = unixNow();

    const std::string poll = "if [ -f " + shellQuote(run + "/heartbeat.json") + " ]; then echo started; elif kill -0 " +
                             std::to_string(entry.launchedPid) + " 2>/dev/null; then echo starting; else echo failed; cat " +
                             shellQuote(entry.launchLog) + "; fi";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(request.startTimeoutSeconds);
    for (;;) {
        SubprocessResult r;
        try {
            r = host.run(remoteScript(poll));
        } catch (const FraError& e) {
            // the link dropped while the run starts there: record it so that it can be followed and stopped
            if (std::chrono::steady_clock::now() <= deadline) {
                std::this_thread::sleep_for(std::chrono::seconds(1));
                continue;
            }
            fs::create_directories(cache);
            entry.write(cache);
            throw FraError(std::string(e.what()) + " while '" + run + "' was starting there; it may be training: follow it with `fra remote follow " +
                           cache.string() + "`");
        }
        const std::string state = r.out.substr(0, r.out.find('\n'));
        if (state == "started") break;
        if (state == "failed" || std::chrono::steady_clock::now() > deadline) {
            const std::string why = state == "failed" ? errorLine(r.out.substr(r.out.find('\n') + 1)) : "it did not start in time";
            host.run(remoteScript("kill " + std::to_string(entry.launchedPid) + " 2>/dev/null; rm -f " + shellQuote(entry.launchLog) + " " +
                                  shellQuote(configFile) + "; rmdir " + shellQuote(run) + " 2>/dev/null; true"));
            throw FraError("fra pretrain on '" + host.alias + "' failed: " + why);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    host.run(remoteScript("rm -f " + shellQuote(configFile)));  // frozen in the run's config.json by now
    fs::create_directories(cache);
    entry.write(cache);
    mirrorRemoteRun(cache);
    return entry;
}

namespace {
// <cache>/remote.json for a run on `host` that is followed from now on
RemoteRunEntry recordRemoteRun(const SshHost& host, const std::string& remoteRun, const fs::path& cache) {
    RemoteRunEntry entry;
    entry.host = host;
    entry.remoteRun = remoteRun;
    entry.created = unixNow();
    fs::create_directories(cache);
    entry.write(cache);
    return entry;
}
}  // namespace

RemoteRunEntry followRemoteRun(const SshHost& host, const std::string& remoteRunGiven, const fs::path& cache) {
    requireFreshCache(cache);
    const std::string remoteRun = fromLoginFolder(remoteRunGiven);
    const SubprocessResult r = host.run(remoteScript("test -f " + shellQuote(remoteRun + "/config.json")));
    if (r.exitCode != 0) throw FraError("'" + remoteRun + "' on '" + host.alias + "' is not a run folder");
    const RemoteRunEntry entry = recordRemoteRun(host, remoteRun, cache);
    const MirrorReport first = mirrorRemoteRun(cache);
    if (!first.reached) throw FraError(first.error);
    return entry;
}

namespace {

// rsync of a live run folder: the trainer's half-written files (".NAME.tmp-PID-N", renamed into
// place when complete) are left out, and a file that vanished between rsync's listing and its
// copy (replaced by its next version meanwhile: exit 24) is no failure; the next pass brings it.
SubprocessResult rsync(const SshHost& host, std::vector<std::string> args) {
    std::vector<std::string> argv = {"rsync", "-a", "--timeout=60", "--exclude=.*.tmp-*", "-e", host.rsyncShell()};
    argv.insert(argv.end(), args.begin(), args.end());
    SubprocessResult r = runSubprocess(argv, {}, 600);
    if (r.exitCode == 24) r.exitCode = 0;
    return r;
}

std::string remotePath(const RemoteRunEntry& e, const std::string& inside) {
    requireSafeAlias(e.host.alias);
    return e.host.alias + ":" + e.remoteRun + inside;
}

// A mirrored Slurm submission: the job's line from the host's squeue, beside the submission.
void mirrorQueueState(const RemoteRunEntry& e, const fs::path& cache) {
    std::string jobId;
    try {
        jobId = submittedSlurmJobId(cache);
    } catch (const FraError&) {
        return;  // the catalog names the bad submission
    }
    if (jobId.empty()) return;
    try {
        const SubprocessResult r =
            e.host.run(remoteScript("squeue --noheader --states=all --format " + shellQuote(kSqueueStateFormat) + " --jobs " + jobId + " 2>&1"));
        // squeue fails for a job it no longer knows ("Invalid job id"): gone. Any other failure says
        // nothing, and the last state fetched stays.
        if (r.exitCode == 0) writeFileAtomically(cache / kSubmissionFolder / kMirroredQueueFile, r.out);
        else if (r.out.find("Invalid job id") != std::string::npos) writeFileAtomically(cache / kSubmissionFolder / kMirroredQueueFile, "");
    } catch (const FraError&) {
        // the link dropped after the copy: the queue state is fetched at the next pass
    }
}

}  // namespace

std::string submitRemoteSlurmJob(const SshHost& host, const LaunchRequest& request, const SlurmJobRequest& job, const fs::path& cache) {
    requireFreshCache(cache);
    if (request.remoteRun.empty() || request.remoteData.empty()) throw FraError("a Slurm submission needs the run folder and the data on the host");
    requireSameVersion(host);
    const std::string run = fromLoginFolder(request.remoteRun);
    std::string arguments;
    if (request.config.is_object() && request.config.value("preset", nlohmann::json()).is_string())
        arguments += " --preset " + shellQuote(request.config["preset"].get<std::string>());
    for (const auto& a : slurmSubmitArguments(job)) arguments += " " + shellQuote(a);
    // the config goes over stdin into a file beside the run; `fra submit slurm` copies it into the run
    const std::string script = "RUN=" + shellQuote(run) + "; DATA=" + shellQuote(fromLoginFolder(request.remoteData)) +
                               "; FRA=" + shellQuote(host.fraCommand) + "\n"
                               "parent=$(dirname \"$RUN\"); base=$(basename \"$RUN\")\n"
                               "mkdir -p \"$parent\" || exit 12\n"
                               "cfg=\"$parent/.$base.submit.json\"\n"
                               "cat > \"$cfg\" || exit 12\n"
                               "\"$FRA\" submit slurm --config \"$cfg\" --data \"$DATA\" --out \"$RUN\"" + arguments + "\n"
                               "rc=$?; rm -f \"$cfg\"; exit $rc\n";
    // recorded first: if the link drops once sbatch has taken the job, the mirror still finds it
    recordRemoteRun(host, run, cache);
    SubprocessResult submitted;
    try {
        submitted = host.run(remoteScript(script), request.config.dump(2) + "\n", 180);
    } catch (const FraError& e) {  // the link dropped or the host stopped answering while sbatch may have taken the job
        throw FraError(std::string(e.what()) + " while it submitted '" + run + "': the job may be queued; its mirror is " + cache.string());
    }
    if (submitted.exitCode != 0) {
        std::error_code ec;
        fs::remove_all(cache, ec);  // refused there: nothing is left here either
        throw FraError("cannot submit on '" + host.alias + "': " + errorLine(submitted.err + submitted.out));
    }
    const std::string prefix = "submitted job ";
    const std::size_t at = submitted.out.find(prefix);
    const std::size_t end = at == std::string::npos ? at : submitted.out.find_first_not_of("0123456789_", at + prefix.size());
    const std::string jobId = at == std::string::npos ? "" : submitted.out.substr(at + prefix.size(), end - at - prefix.size());
    if (jobId.empty()) throw FraError("cannot submit on '" + host.alias + "': no job id came back: " + errorLine(submitted.out));
    mirrorRemoteRun(cache);  // the submission, listed at once; a dropped link is mirrored later
    return jobId;
}

std::optional<SlurmJobState> mirroredSlurmJobState(const fs::path& cache, const std::string& jobId) {
    std::string text, problem;
    if (jobId.empty() || !tryReadWholeFile(cache / kSubmissionFolder / kMirroredQueueFile, text, problem)) return std::nullopt;
    const auto states = parseSlurmJobStates(text, {jobId});
    const auto found = states.find(jobId);
    return found == states.end() ? SlurmJobState{} : found->second;
}

std::string stopRemoteSlurmJob(const fs::path& cache) {
    const RemoteRunEntry e = RemoteRunEntry::read(cache);
    const SubprocessResult r = e.host.run(remoteScript(shellQuote(e.host.fraCommand) + " submit stop " + shellQuote(e.remoteRun)), {}, 400);
    if (r.exitCode != 0) throw FraError("cannot stop the Slurm job of '" + e.remoteRun + "' on '" + e.host.alias + "': " + errorLine(r.err + r.out));
    return lastLine(r.out);
}

MirrorReport mirrorRemoteRun(const fs::path& cache) {
    const auto start = std::chrono::steady_clock::now();
    MirrorReport report;
    const RemoteRunEntry e = RemoteRunEntry::read(cache);
    // The heatmap index is fetched first (aside), then the run but its checkpoints, and only then
    // is the index put in place: every snapshot it names was on the host before the second pass
    // began, so it is here now, even when the run wrote new snapshots in between.
    const fs::path incoming = cache / ".incoming";
    fs::create_directories(incoming);
    std::error_code ec;
    fs::remove(incoming / "index.jsonl", ec);
    SubprocessResult r = rsync(e.host, {"--ignore-missing-args", remotePath(e, "/heatmaps/index.jsonl"), incoming.string() + "/"});
    if (r.exitCode == 23) r.exitCode = 0;  // no heatmaps/ folder there yet (a Slurm job still in the queue): nothing to index
    if (r.exitCode == 0)
        // --delete only inside tensorboard/ (everything else is protected): a resume there replaces the
        // event file, and the mirror drops the old one too (one file, no step twice)
        r = rsync(e.host, {"--delete", "--filter=R /tensorboard/**", "--filter=P *", "--exclude=/tensorboard/writing.tmp",
                           "--exclude=/checkpoints/", "--exclude=/heatmaps/index.jsonl", "--exclude=/remote.json", "--exclude=/.incoming/",
                           std::string("--exclude=/") + kSubmissionFolder + "/" + kMirroredQueueFile,
                           remotePath(e, "/"), cache.string() + "/"});
    if (r.exitCode == 0 && fs::exists(incoming / "index.jsonl", ec)) {
        fs::create_directories(cache / "heatmaps");
        fs::rename(incoming / "index.jsonl", cache / "heatmaps" / "index.jsonl", ec);
        if (ec) report.error = "cannot update the heatmap index in '" + cache.string() + "': " + ec.message();
    }
    if (r.exitCode == 0) mirrorQueueState(e, cache);
    report.reached = r.exitCode == 0 && report.error.empty();
    if (!report.reached && report.error.empty()) {
        if (r.exitCode == 127) report.error = "no rsync on this machine (install the Debian package rsync)";
        else report.error = "cannot mirror '" + e.remoteRun + "' from '" + e.host.alias + "': " + lastLine(r.err);
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

fs::path fetchRemoteCheckpoint(const fs::path& cache, std::int64_t step) {
    const RemoteRunEntry e = RemoteRunEntry::read(cache);
    std::string name;
    if (step >= 0) {
        name = RunDirectory::open(cache).checkpointPath(step).filename().string();
    } else {
        const SubprocessResult r = e.host.run(remoteScript("ls " + shellQuote(e.remoteRun + "/checkpoints") + " 2>/dev/null | grep '^ckpt_.*\\.pt$' | tail -n 1"));
        name = lastLine(r.out);
        if (name.empty()) throw FraError("'" + e.remoteRun + "' on '" + e.host.alias + "' has no checkpoint yet");
    }
    fs::create_directories(cache / "checkpoints");
    const SubprocessResult r = rsync(e.host, {remotePath(e, "/checkpoints/" + name), (cache / "checkpoints").string() + "/"});
    if (r.exitCode != 0) throw FraError("cannot fetch checkpoint '" + name + "' from '" + e.host.alias + "': " + lastLine(r.err));
    return cache / "checkpoints" / name;
}

void signalRemoteRun(const fs::path& cache, const std::string& signalName) {
    if (signalName != "TERM" && signalName != "TSTP" && signalName != "CONT") throw FraError("unknown signal '" + signalName + "'");
    const RemoteRunEntry e = RemoteRunEntry::read(cache);
    // the newest heartbeat names the process: fetch it alone, not the whole run
    const SubprocessResult fetched = rsync(e.host, {"--ignore-missing-args", remotePath(e, "/heartbeat.json"), cache.string() + "/"});
    if (fetched.exitCode != 0)
        throw FraError("cannot read the heartbeat of '" + e.remoteRun + "' on '" + e.host.alias + "': " + lastLine(fetched.err));
    const auto beat = Heartbeat::read(cache);
    if (!beat) throw FraError("'" + e.remoteRun + "' on '" + e.host.alias + "' has no heartbeat: nothing to signal");
    const std::string pid = std::to_string(beat->pid);
    // field 22 of /proc/PID/stat (the start time) is the 20th after the command name's ')'
    std::string script = "s=$(sed 's/^.*) //' /proc/" + pid + "/stat 2>/dev/null | cut -d' ' -f20); [ \"$s\" = " +
                         std::to_string(beat->processStart) + " ] || exit 13; ";
    if (!beat->bootId.empty())  // the same boot of that machine, or the pid is another process's
        script += "[ \"$(cat /proc/sys/kernel/random/boot_id)\" = " + shellQuote(beat->bootId) + " ] || exit 13; ";
    script += "kill -" + signalName + " " + pid;
    const SubprocessResult r = e.host.run(remoteScript(script));
    if (r.exitCode == 13) throw FraError("the run is not training on '" + e.host.alias + "' (process " + pid + " is gone)");
    if (r.exitCode != 0) throw FraError("cannot signal process " + pid + " on '" + e.host.alias + "': " + lastLine(r.err));
}

}  // namespace fra
