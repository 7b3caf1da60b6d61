// fra-follow-bench: what following runs on another machine costs the desk, as JSON lines.
//   fra-follow-bench [RUNS=10] [SECONDS=60] [INTERVAL_S=10]
// A real OpenSSH server on 127.0.0.1 (the tests' harness) serves RUNS run folders that grow as a
// training writes them (a metrics line every 0.5 s, the heartbeat every 2 s, a [8, 16, 7, 7]
// heatmap snapshot every 10 s); the desk mirrors every run once per interval with the workbench's
// own code (mirrorRemoteRun, sequential passes as the workbench's mirror thread makes them). The
// desk's CPU time is this process, its ssh and rsync clients, and the shared ssh connection (the
// master process, found by its control socket): the server side (sshd, rsync there) is not counted.
#include "remote/RemoteRun.h"
#include "run/Heartbeat.h"
#include "run/MetricsLog.h"
#include "run/NpyFile.h"
#include "run/RunDirectory.h"
#include "support/SshServer.h"
#include "support/TempDir.h"
#include "util/AtomicFile.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; }

double ownAndChildrenCpu() {
    rusage self{}, children{};
    ::getrusage(RUSAGE_SELF, &self);
    ::getrusage(RUSAGE_CHILDREN, &children);
    return seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) + seconds(children.ru_stime);
}

// CPU seconds of live processes whose command line contains `needle` (the ssh connection masters).
double cpuOfProcessesWith(const std::string& needle) {
    double total = 0;
    const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    DIR* proc = ::opendir("/proc");
    while (dirent* d = proc ? ::readdir(proc) : nullptr) {
        const int pid = std::atoi(d->d_name);
        if (pid <= 0 || pid == ::getpid()) continue;
        std::ifstream in("/proc/" + std::string(d->d_name) + "/cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (cmdline.find(needle) == std::string::npos) continue;
        std::ifstream statFile("/proc/" + std::string(d->d_name) + "/stat");
        std::string stat;
        std::getline(statFile, stat);
        const auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        unsigned long utime = 0, stime = 0;
        // fields 14 and 15 (utime, stime) are the 12th and 13th after the command name
        std::sscanf(stat.c_str() + close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime);
        total += static_cast<double>(utime + stime) / tick;
    }
    if (proc) ::closedir(proc);
    return total;
}

// One run folder as a training writes it.
void writeRun(const fs::path& root, std::atomic<bool>& stop) {
    const auto run = fra::RunDirectory::create(root, {{"preset", "bench"}});
    fra::RunStatus status = run.readStatus();
    status.state = "running";
    status.totalSteps = 100000;
    run.writeStatus(status);
    fra::MetricsWriter metrics(run.metricsFile());
    std::vector<float> maps(8 * 16 * 7 * 7, 0.0625f);
    for (std::int64_t step = 1; !stop; ++step) {
        fra::StepRecord r;
        r.step = step;
        r.loss = 4.0 - 1e-4 * static_cast<double>(step);
        metrics.append(r);
        if (step % 4 == 0) {
            fra::Heartbeat h;
            h.host = "server";
            h.pid = 1;
            h.sequence = step;
            h.step = step;
            h.wallTime = fra::unixNow();
            h.phase = "training";
            fra::writeFileAtomically(fra::Heartbeat::fileOf(root), h.toJson().dump());
        }
        if (step % 20 == 0) {
            const fs::path file = run.heatmapPath(step);
            fra::writeNpy(file, {8, 16, 7, 7}, maps.data());
            run.appendHeatmapIndex(step, file, {8, 16, 7, 7});
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 10;
    const double duration = argc > 2 ? std::atof(argv[2]) : 60;
    const double interval = argc > 3 ? std::atof(argv[3]) : 10;
    TempDir dir;
    SshServer server(dir / "sshd");
    server.useFromThisProcess();

    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    std::vector<fs::path> caches;
    for (int i = 0; i < runs; ++i) {
        const fs::path remote = dir / "server" / ("r" + std::to_string(i));
        writers.emplace_back([remote, &stop] { writeRun(remote, stop); });
        fra::RemoteRunEntry entry;
        entry.host.alias = "fra-test";
        entry.remoteRun = remote.string();
        caches.push_back(dir / "desk" / ("r" + std::to_string(i)));
        fs::create_directories(caches.back());
        entry.write(caches.back());
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    for (const auto& c : caches) fra::mirrorRemoteRun(c);  // the first pass copies everything: not counted

    const std::string master = (dir / "sshd" / "fra-ssh").string();
    const double cpu0 = ownAndChildrenCpu() + cpuOfProcessesWith(master);
    const auto start = Clock::now();
    std::vector<double> passes;
    int unreached = 0;
    while (std::chrono::duration<double>(Clock::now() - start).count() < duration) {
        const auto passStart = Clock::now();
        for (const auto& c : caches) unreached += fra::mirrorRemoteRun(c).reached ? 0 : 1;
        passes.push_back(std::chrono::duration<double>(Clock::now() - passStart).count());
        std::this_thread::sleep_until(passStart + std::chrono::duration<double>(interval));
    }
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = ownAndChildrenCpu() + cpuOfProcessesWith(master) - cpu0;
    stop = true;
    for (auto& w : writers) w.join();
    double meanPass = 0;
    for (const double p : passes) meanPass += p / static_cast<double>(passes.size());
    const auto steps = fra::MetricsReader::readAll(caches.front() / "metrics.jsonl").size();
    const nlohmann::json line = {{"bench", "follow_remote_runs"}, {"runs", runs}, {"interval_s", interval}, {"seconds", wall},
                                 {"passes", passes.size()}, {"mean_pass_s", meanPass}, {"unreached", unreached},
                                 {"desk_cpu_s", cpu}, {"share_of_one_core", cpu / wall}, {"target_share", 0.05},
                                 {"mirrored_steps_run0", steps}};
    std::printf("%s\n", line.dump().c_str());
    return 0;
}
