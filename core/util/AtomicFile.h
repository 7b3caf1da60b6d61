#pragma once
#include <filesystem>
#include <string_view>

namespace fra {

// Files that other processes read while a run goes on (config, run status, checkpoints) are
// replaced atomically: written beside the target, flushed to disk, then renamed over it.
// A reader or a crash therefore sees either the old or the new content, never a torn file.

// A unique temporary name in the same directory as `target` (same filesystem, so rename is atomic).
std::filesystem::path temporarySibling(const std::filesystem::path& target);

// fsync()s `written` (a complete temporary file), renames it to `target` and fsyncs the directory.
void commitFile(const std::filesystem::path& written, const std::filesystem::path& target);

void writeFileAtomically(const std::filesystem::path& target, std::string_view bytes);

std::string readWholeFile(const std::filesystem::path& path);
// The same without throwing: false with `problem` set when the file cannot be read.
bool tryReadWholeFile(const std::filesystem::path& path, std::string& bytes, std::string& problem);

}  // namespace fra
