#pragma once
// Shared by the fuzz targets (one per input format the workbench reads from disk). Each target
// defines LLVMFuzzerTestOneInput; it is linked with libFuzzer (scripts/fuzz.sh, clang, ASan+UBSan)
// or with StandaloneFuzzMain.cpp (the test suite's smoke run). A target accepts fra::FraError
// (the clear, file-naming error every bad input must give) and lets anything else escape: an
// uncaught exception of another type, a crash or a sanitizer report is a finding.
#include "util/FraError.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace fuzz {

// A folder of this process for the target's files, emptied by each call.
std::filesystem::path freshScratch();

void writeFile(const std::filesystem::path& file, const std::string& bytes);
inline std::string asString(const std::uint8_t* data, std::size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

// The input as a small file tree: lines "@@ relative/path" start a file, the lines up to the
// next "@@ " line are its content. Paths that leave the root ("..", absolute) are skipped; at
// most 32 files. Text before the first "@@ " line goes to `defaultFile` (when given).
void materialiseTree(const std::string& input, const std::filesystem::path& root, const std::string& defaultFile = "");

// Runs `body`; a FraError is the expected answer to bad input.
template <class Body>
int acceptingFraErrors(Body&& body) {
    try {
        body();
    } catch (const fra::FraError&) {
    }
    return 0;
}

}  // namespace fuzz

#define FRA_FUZZ_TARGET extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
