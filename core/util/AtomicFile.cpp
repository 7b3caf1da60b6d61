#include "util/AtomicFile.h"

#include "util/FraError.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fra {
namespace {

std::string errnoText() { return std::strerror(errno); }

void syncPath(const fs::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) throw FraError("cannot open '" + path.string() + "' to sync: " + errnoText());
    // Directories on some filesystems refuse fsync with EINVAL; the rename is still atomic there.
    if (::fsync(fd) != 0 && errno != EINVAL) {
        const std::string why = errnoText();
        ::close(fd);
        throw FraError("cannot sync '" + path.string() + "': " + why);
    }
    ::close(fd);
}

}  // namespace

fs::path temporarySibling(const fs::path& target) {
    static std::atomic<unsigned> counter{0};
    return target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                                   "-" + std::to_string(counter++));
}

void commitFile(const fs::path& written, const fs::path& target) {
    syncPath(written, O_RDONLY);
    if (::rename(written.c_str(), target.c_str()) != 0) {
        const std::string why = errnoText();
        std::error_code ignored;
        fs::remove(written, ignored);
        throw FraError("cannot move '" + written.string() + "' to '" + target.string() + "': " + why);
    }
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    syncPath(dir, O_RDONLY | O_DIRECTORY);
}

void writeFileAtomically(const fs::path& target, std::string_view bytes) {
    const fs::path tmp = temporarySibling(target);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw FraError("cannot write '" + target.string() + "': " + errnoText());
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            std::error_code ignored;
            fs::remove(tmp, ignored);
            throw FraError("cannot write '" + target.string() + "': " + errnoText());
        }
    }
    commitFile(tmp, target);
}

std::string readWholeFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FraError("cannot read '" + path.string() + "': " + errnoText());
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

bool tryReadWholeFile(const fs::path& path, std::string& bytes, std::string& problem) {
    try {
        bytes = readWholeFile(path);
        return true;
    } catch (const std::exception& e) {
        problem = e.what();
        return false;
    }
}

}  // namespace fra
