#pragma once
#include <filesystem>

namespace fra {

// An exclusive flock() on <run>/run.lock held while a process trains the run. The kernel drops
// it when the process dies, even by SIGKILL, so "is anybody training this run?" has an exact
// answer and two trainers can never write one run directory.
class RunLock {
public:
    // Throws FraError when another process holds the lock.
    explicit RunLock(const std::filesystem::path& runRoot);
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

    // True when some live process holds the lock of `runRoot` (checked without taking it).
    static bool isHeld(const std::filesystem::path& runRoot);

private:
    int fd_ = -1;
};

}  // namespace fra
