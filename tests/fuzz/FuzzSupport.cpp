#include "FuzzSupport.h"

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fuzz {

fs::path freshScratch() {
    static const fs::path root = fs::temp_directory_path() / ("fra-fuzz-" + std::to_string(::getpid()));
    static const bool cleanup = [] { return std::atexit([] { std::error_code ec; fs::remove_all(root, ec); }) == 0; }();
    (void)cleanup;
    std::error_code ec;
    fs::remove_all(root, ec);
    fs::create_directories(root);
    return root;
}

void writeFile(const fs::path& file, const std::string& bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void materialiseTree(const std::string& input, const fs::path& root, const std::string& defaultFile) {
    std::istringstream in(input);
    std::string line, current = defaultFile, content;
    int files = 0;
    auto flush = [&] {
        if (!current.empty() && files < 32) {
            const fs::path rel = fs::path(current).lexically_normal();
            const bool inside = !rel.empty() && rel.is_relative() && *rel.begin() != ".." && rel.string().size() < 200;
            std::error_code ec;
            if (inside && !fs::is_directory(root / rel, ec)) {
                try {
                    writeFile(root / rel, content);
                    ++files;
                } catch (const fs::filesystem_error&) {  // a file where its folder should be: the tree is just smaller
                }
            }
        }
        content.clear();
    };
    while (std::getline(in, line)) {
        if (line.rfind("@@ ", 0) == 0) {
            flush();
            current = line.substr(3);
        } else {
            content += line;
            if (!in.eof()) content += '\n';  // a last line without newline stays without
        }
    }
    flush();
}

}  // namespace fuzz
