#pragma once
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

// Runs programs for end-to-end tests of the `fra` command line.
struct ProcessResult {
    int exitCode = -1;  // 128 + signal when killed
    std::string out;
    std::string err;
};

ProcessResult runProcess(const std::vector<std::string>& argv);

// Starts a program in the background with output to files; returns its pid.
pid_t spawnProcess(const std::vector<std::string>& argv, const std::string& logFile);
int waitProcess(pid_t pid);

std::string readFile(const std::string& path);

// Lines of a text, without the trailing empty one.
std::vector<std::string> lines(const std::string& text);

// A TCP port on 127.0.0.1 that was free a moment ago (for a server the test starts).
int freeLoopbackPort();

// Polls `condition` every 50 ms for at most `seconds`; its last answer.
bool waitUntil(const std::function<bool()>& condition, double seconds);
