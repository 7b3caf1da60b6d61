#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace fra {

// notes.json in a run directory: what people write about a run (the GUI's notes and tags).
// Kept apart from run.json, which the training process rewrites.
struct RunNotes {
    std::string notes;
    std::vector<std::string> tags;

    static RunNotes load(const std::filesystem::path& runRoot);  // empty when absent or unreadable
    void save(const std::filesystem::path& runRoot) const;      // atomic
};

}  // namespace fra
