#include "util/Subprocess.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fra {

namespace {

int decodeStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

void closeFd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Reads what is there now; false once the other end is closed.
bool drain(int fd, std::string& into) {
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) return false;
        return errno == EAGAIN || errno == EINTR;
    }
}

}  // namespace

std::string shellQuote(const std::string& word) {
    std::string out = "'";
    for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

SubprocessResult runSubprocess(const std::vector<std::string>& argv, const std::string& input, double timeoutSeconds) {
    // a program that exits before reading all its input must not kill this process with SIGPIPE
    static const bool pipeSignalIgnored = [] { return ::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
    (void)pipeSignalIgnored;
    SubprocessResult result;
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        result.err = "cannot create pipes";
        return result;
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // the child of a threaded process may only call async-signal-safe functions: no allocation there
    const std::string notFound = argv.front() + ": command not found\n";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        ::signal(SIGPIPE, SIG_DFL);
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execvp(args[0], args.data());
        [[maybe_unused]] auto ignored = ::write(2, notFound.data(), notFound.size());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    int inFd = in[1], outFd = out[0], errFd = err[0];
    if (pid < 0) {
        closeFd(inFd), closeFd(outFd), closeFd(errFd);
        result.err = "cannot start " + argv.front();
        return result;
    }
    ::setpgid(pid, pid);  // also from here: no race with the child's own call
    for (int fd : {inFd, outFd, errFd}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::size_t written = 0;
    if (input.empty()) closeFd(inFd);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutSeconds);
    int status = 0;
    bool exited = false;
    while (!exited) {
        pollfd fds[3];
        int n = 0;
        if (outFd >= 0) fds[n++] = {outFd, POLLIN, 0};
        if (errFd >= 0) fds[n++] = {errFd, POLLIN, 0};
        if (inFd >= 0) fds[n++] = {inFd, POLLOUT, 0};
        ::poll(fds, static_cast<nfds_t>(n), 50);
        if (outFd >= 0 && !drain(outFd, result.out)) closeFd(outFd);
        if (errFd >= 0 && !drain(errFd, result.err)) closeFd(errFd);
        if (inFd >= 0) {
            const ssize_t w = ::write(inFd, input.data() + written, input.size() - written);
            if (w > 0) written += static_cast<std::size_t>(w);
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) closeFd(inFd);
        }
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) exited = true;
        else if (std::chrono::steady_clock::now() > deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            result.timedOut = true;
            exited = true;
        }
    }
    // what the program wrote before it exited is in the pipes; a helper that outlives it keeps the
    // pipe open, so read for a moment only
    for (int i = 0; i < 10 && (outFd >= 0 || errFd >= 0); ++i) {
        pollfd fds[2];
        int n = 0;
        if (outFd >= 0) fds[n++] = {outFd, POLLIN, 0};
        if (errFd >= 0) fds[n++] = {errFd, POLLIN, 0};
        if (::poll(fds, static_cast<nfds_t>(n), 10) <= 0) break;
        if (outFd >= 0 && !drain(outFd, result.out)) closeFd(outFd);
        if (errFd >= 0 && !drain(errFd, result.err)) closeFd(errFd);
    }
    closeFd(inFd), closeFd(outFd), closeFd(errFd);
    result.exitCode = decodeStatus(status);
    return result;
}

}  // namespace fra
