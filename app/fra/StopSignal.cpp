#include "StopSignal.h"

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace {
std::atomic<int> signals{0};
std::atomic<bool> paused{false};
std::atomic<bool> slurm{false};

void onPause(int) { paused.store(true); }
void onContinue(int) { paused.store(false); }

void onSignal(int) {
    if (signals.fetch_add(1) >= 1) _exit(130);
    const char text[] = "\nfra: stopping after this step (again to abort)\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, text, sizeof text - 1);
}
void onSlurmSignal(int) {
    if (slurm.exchange(true)) return;
    signals.fetch_add(1);
    const char text[] = "\nfra: Slurm's signal: checkpointing after this step, then requeueing the job\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, text, sizeof text - 1);
}
}  // namespace

void StopSignal::install() {
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    struct sigaction pause {};
    pause.sa_handler = onPause;
    sigemptyset(&pause.sa_mask);
    sigaction(SIGTSTP, &pause, nullptr);
    struct sigaction cont {};
    cont.sa_handler = onContinue;
    sigemptyset(&cont.sa_mask);
    sigaction(SIGCONT, &cont, nullptr);
    struct sigaction usr2 {};
    usr2.sa_handler = onSlurmSignal;
    sigemptyset(&usr2.sa_mask);
    sigaction(SIGUSR2, &usr2, nullptr);
}

bool StopSignal::slurmSignalled() { return slurm.load(); }

bool StopSignal::pauseWanted() { return paused.load(); }

bool StopSignal::requested() { return signals.load() > 0; }
