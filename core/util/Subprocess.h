#pragma once
#include <string>
#include <vector>

namespace fra {

struct SubprocessResult {
    int exitCode = -1;  // 128 + signal when killed; 127 when the program was not found
    std::string out;
    std::string err;
    bool timedOut = false;
};

// Runs a program (looked up on PATH) with `input` on its standard input and both outputs captured,
// in a process group of its own that is killed whole after `timeoutSeconds`. It returns when the
// program exits, not when its outputs close: a helper it leaves behind (ssh's connection master
// holds stderr open) does not keep the caller waiting.
SubprocessResult runSubprocess(const std::vector<std::string>& argv, const std::string& input = {}, double timeoutSeconds = 60);

// A word quoted for a POSIX shell (the remote side of ssh runs its command through one).
std::string shellQuote(const std::string& word);

}  // namespace fra
