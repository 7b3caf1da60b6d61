#include "StopSignal.h"

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace {
std::atomic<int> signals{0};

void onSignal(int) {
    if (signals.fetch_add(1) >= 1) _exit(130);
    const char text[] = "\nfra: stopping after this step (again to abort)\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, text, sizeof text - 1);
}
}  // namespace

void StopSignal::install() {
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

bool StopSignal::requested() { return signals.load() > 0; }
