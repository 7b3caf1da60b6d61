#include "util/ShutdownGuard.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace fraui {

namespace {

int signalPipe[2] = {-1, -1};
QtMessageHandler previousHandler = nullptr;

// Leaked on purpose: the registry must outlive every static destructor that might run while a
// worker still stops.
struct Registry {
    std::mutex mutex;
    std::vector<std::pair<const void*, std::function<bool()>>> workers;
};
Registry& registry() {
    static auto* r = new Registry;
    return *r;
}

void onSignal(int sig) {
    const unsigned char byte = static_cast<unsigned char>(sig);
    [[maybe_unused]] auto ignored = ::write(signalPipe[1], &byte, 1);
}

bool onGuiThread() {
    const auto* app = QCoreApplication::instance();
    return app && QThread::currentThread() == app->thread();
}

void messageHandler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (previousHandler) previousHandler(type, context, message);
    else std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
    // Qt's xcb plugin (both its own event reader and Xlib's I/O error handler) says this and then
    // calls exit(1): stop the training while everything it uses still exists.
    if (type == QtWarningMsg && message.startsWith("The X11 connection broke") && onGuiThread())
        ShutdownGuard::stopAllWorkers("the display connection broke");
    else if (type == QtFatalMsg && onGuiThread())
        ShutdownGuard::stopAllWorkers("a fatal error");
}

const char* signalName(int sig) {
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

}  // namespace

ShutdownGuard::ShutdownGuard(QObject* parent) : QObject(parent) {}

ShutdownGuard* ShutdownGuard::install() {
    static ShutdownGuard* guard = nullptr;
    if (guard) return guard;
    guard = new ShutdownGuard(QCoreApplication::instance());
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, signalPipe) == 0) {
        guard->notifier_ = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, guard);
        connect(guard->notifier_, &QSocketNotifier::activated, guard, &ShutdownGuard::onSignalReadable);
        struct sigaction action {};
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
    } else {
        std::perror("fra-workbench: no signal pipe (SIGINT/SIGTERM/SIGHUP will end the process without a checkpoint)");
    }
    previousHandler = qInstallMessageHandler(messageHandler);
    std::atexit([] { stopAllWorkers("the process is exiting"); });
    return guard;
}

void ShutdownGuard::onSignalReadable() {
    unsigned char sig = 0;
    if (::read(signalPipe[0], &sig, 1) != 1) return;
    emit terminationRequested(tr("received %1").arg(signalName(sig)));
}

void ShutdownGuard::registerWorker(const void* owner, std::function<bool()> stopAndWait) {
    std::lock_guard<std::mutex> lock(registry().mutex);
    registry().workers.emplace_back(owner, std::move(stopAndWait));
}

void ShutdownGuard::unregisterWorker(const void* owner) {
    std::lock_guard<std::mutex> lock(registry().mutex);
    auto& w = registry().workers;
    for (auto it = w.begin(); it != w.end();) it = it->first == owner ? w.erase(it) : it + 1;
}

void ShutdownGuard::stopAllWorkers(const char* why) {
    std::vector<std::function<bool()>> stops;
    {
        std::lock_guard<std::mutex> lock(registry().mutex);
        for (const auto& [owner, stop] : registry().workers) stops.push_back(stop);
    }
    int stopped = 0;
    for (const auto& stop : stops) stopped += stop() ? 1 : 0;
    if (stopped) std::fprintf(stderr, "fra-workbench: %s: stopped the running work at a step boundary (a training writes a checkpoint)\n", why);
}

}  // namespace fraui
