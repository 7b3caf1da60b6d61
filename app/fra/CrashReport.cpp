#include "CrashReport.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <execinfo.h>
#include <initializer_list>
#include <unistd.h>

namespace {

std::atomic<bool> tearingDown{false};
char alternateStack[64 * 1024];  // a stack overflow still gets its report

void put(const char* text) { [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, text, std::strlen(text)); }

void onFatalSignal(int signal) {
    put("fra: fatal signal ");
    put(signal == SIGSEGV ? "SIGSEGV" : signal == SIGBUS ? "SIGBUS" : signal == SIGILL ? "SIGILL" : signal == SIGFPE ? "SIGFPE" : "SIGABRT");
    put(tearingDown ? " while exiting, after the command had finished (static destructors, exit handlers); stack:\n"
                    : " while running the command; stack:\n");
    void* frames[64];
    const int depth = ::backtrace(frames, 64);
    ::backtrace_symbols_fd(frames, depth, STDERR_FILENO);
    ::signal(signal, SIG_DFL);
    ::raise(signal);
}

}  // namespace

void CrashReport::install() {
    stack_t stack{};
    stack.ss_sp = alternateStack;
    stack.ss_size = sizeof alternateStack;
    ::sigaltstack(&stack, nullptr);
    void* warmUp[1];
    ::backtrace(warmUp, 1);  // loads libgcc's unwinder now, not inside the handler
    struct sigaction action {};
    action.sa_handler = onFatalSignal;
    action.sa_flags = SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (int signal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) ::sigaction(signal, &action, nullptr);
    std::atexit([] { tearingDown = true; });  // runs before the static destructors of everything loaded earlier
}

void CrashReport::enterTeardown() { tearingDown = true; }
