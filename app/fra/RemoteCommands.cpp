// `fra remote`: launch a pre-training on another machine over ssh, mirror it into a local folder
// that every view reads like a local run, stop or pause it, fetch its checkpoints.
#include "Commands.h"
#include "ConfigAssembly.h"
#include "StopSignal.h"
#include "config/ConfigSchema.h"
#include "remote/RemoteRun.h"
#include "run/RunDirectory.h"
#include "run/RunLiveness.h"
#include "util/FraError.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

namespace {

struct RemoteOptions {
    ConfigOptions config;
    std::string host;
    std::string fra = "fra";
    std::string data;
    std::string out;
    std::string cache;
    std::string target;        // follow: HOST:RUN for a run not yet mirrored
    double interval = 10;
    bool once = false;
    std::int64_t step = -1;
    bool json = false;
    std::string folder = ".";
};

fra::SshHost hostOf(const RemoteOptions& o) {
    fra::SshHost h;
    h.alias = o.host;
    h.fraCommand = o.fra;
    return h;
}

// Mirrors until the run ends there (or Ctrl-C here); a link that drops is retried at each interval.
int followLoop(const std::filesystem::path& cache, double interval, bool once) {
    StopSignal::install();
    std::string lastShown, lastError;
    for (;;) {
        const fra::MirrorReport report = fra::mirrorRemoteRun(cache);
        if (!report.reached && report.error != lastError) std::cerr << "fra: warning: " << report.error << " (retrying)" << std::endl;
        lastError = report.reached ? "" : report.error;
        fra::RunStatus status;
        try {
            status = fra::RunDirectory::open(cache).readStatus();
        } catch (const fra::FraError& e) {
            if (once) throw;
        }
        const fra::LivenessVerdict v = fra::judgeLiveness(cache, status, {});
        const std::string shown = v.describe() + " at step " + std::to_string(v.heartbeat ? std::max(status.step, v.heartbeat->step) : status.step) +
                                  "/" + std::to_string(status.totalSteps);
        if (shown != lastShown) std::cout << cache.string() << ": " << shown << std::endl;
        lastShown = shown;
        if (once) return report.reached ? 0 : 1;
        if (report.reached && !status.claimsActive() && status.state != "created") return 0;
        const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(interval);
        while (std::chrono::steady_clock::now() < until) {
            if (StopSignal::requested()) return 0;  // stops following, not the run
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

}  // namespace

void addRemoteCommands(CLI::App& app, CommandAction& action) {
    auto opts = std::make_shared<RemoteOptions>();
    CLI::App* remote = app.add_subcommand("remote", "Train on another machine over ssh and follow the run from here");
    remote->require_subcommand(1);

    CLI::App* launch = remote->add_subcommand("launch", "Start `fra pretrain` on an ssh host, detached from the connection, and mirror it here");
    launch->add_option("host", opts->host, "ssh host alias (from your ssh config)")->required();
    opts->config.addTo(*launch);
    launch->add_option("--data", opts->data, "Faces on the host: a folder or a prepared store")->required();
    launch->add_option("--out", opts->out, "New run folder on the host")->required();
    launch->add_option("--cache", opts->cache, "Local folder that mirrors the run (new or empty)")->required();
    launch->add_option("--fra", opts->fra, "The fra command on the host (a name on its PATH, or a path)");
    launch->callback([opts, &action] {
        action = [opts] {
            fra::FraConfig config = opts->config.build();
            config.data.root = opts->data;  // a path on the host: it is checked there
            fra::LaunchRequest request;
            request.config = fra::ConfigSchema::instance().toJson(config);
            request.remoteData = opts->data;
            request.remoteRun = opts->out;
            const auto entry = fra::launchRemoteRun(hostOf(*opts), request, opts->cache);
            std::cout << "launched " << entry.remoteRun << " on " << entry.host.alias << " (pid " << entry.launchedPid << ", output in "
                      << entry.launchLog << "); mirrored in " << opts->cache << ": `fra remote follow " << opts->cache << "`" << std::endl;
            return 0;
        };
    });

    CLI::App* follow = remote->add_subcommand("follow", "Mirror a remote run into a local folder until it ends there");
    follow->add_option("cache", opts->cache, "Local mirror folder (made by `remote launch`, or new with HOST:RUN)")->required();
    follow->add_option("target", opts->target, "HOST:RUN, to start following a run the mirror does not know yet");
    follow->add_option("--fra", opts->fra, "The fra command on the host");
    follow->add_option("--interval", opts->interval, "Seconds between mirroring passes")->check(CLI::Range(0.2, 86400.0));
    follow->add_flag("--once", opts->once, "One pass, then exit (1 when the host could not be reached)");
    follow->callback([opts, &action] {
        action = [opts] {
            if (!opts->target.empty()) {
                const auto colon = opts->target.find(':');
                if (colon == std::string::npos || colon == 0 || colon + 1 == opts->target.size())
                    throw fra::FraError("'" + opts->target + "' is not HOST:RUN");
                opts->host = opts->target.substr(0, colon);
                fra::followRemoteRun(hostOf(*opts), opts->target.substr(colon + 1), opts->cache);
            }
            return followLoop(opts->cache, opts->interval, opts->once);
        };
    });

    auto addSignal = [&](const char* name, const char* help, const char* signal, const char* done) {
        CLI::App* cmd = remote->add_subcommand(name, help);
        cmd->add_option("cache", opts->cache, "Local mirror folder of the run")->required();
        cmd->callback([opts, &action, signal, done] {
            action = [opts, signal, done] {
                fra::signalRemoteRun(opts->cache, signal);
                std::cout << done << std::endl;
                return 0;
            };
        });
    };
    addSignal("stop", "Stop the remote run at its next step boundary, with a checkpoint", "TERM", "asked the run to stop after its current step");
    addSignal("pause", "Pause the remote run at its next step boundary (the process stays)", "TSTP", "asked the run to pause");
    addSignal("continue", "Continue a paused remote run", "CONT", "asked the run to continue");

    CLI::App* fetch = remote->add_subcommand("fetch", "Copy a checkpoint of the remote run into the mirror (to evaluate it here)");
    fetch->add_option("cache", opts->cache, "Local mirror folder of the run")->required();
    fetch->add_option("--step", opts->step, "The checkpoint's step (default: the newest)")->check(CLI::NonNegativeNumber);
    fetch->callback([opts, &action] {
        action = [opts] {
            std::cout << fra::fetchRemoteCheckpoint(opts->cache, opts->step).string() << std::endl;
            return 0;
        };
    });

    CLI::App* runs = remote->add_subcommand("runs", "List the runs in a folder on an ssh host (`fra runs` there)");
    runs->add_option("host", opts->host, "ssh host alias")->required();
    runs->add_option("folder", opts->folder, "Folder of runs on the host (default: the login folder)");
    runs->add_option("--fra", opts->fra, "The fra command on the host");
    runs->add_flag("--json", opts->json, "One JSON object per run and line");
    runs->callback([opts, &action] {
        action = [opts] {
            const fra::SshHost host = hostOf(*opts);
            host.fraVersion();  // a readable line when there is no fra
            const auto r = host.run(fra::shellQuote(opts->fra) + " runs " + (opts->json ? "--json " : "") + "-- " + fra::shellQuote(fra::fromLoginFolder(opts->folder)));
            std::cout << r.out << std::flush;
            if (r.exitCode != 0) throw fra::FraError("fra runs on '" + opts->host + "': " + r.err.substr(0, r.err.find('\n')));
            return 0;
        };
    });
}
