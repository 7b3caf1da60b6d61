#include "data/PreparedStore.h"

#include "util/FraError.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace fra {

std::uint32_t PreparedStore::crc32(const std::uint8_t* data, std::size_t bytes) {
    return static_cast<std::uint32_t>(::crc32(::crc32(0L, Z_NULL, 0), data, static_cast<uInt>(bytes)));
}

PreparedStore::PreparedStore(const std::filesystem::path& file) : file_(file) {
    auto fail = [&](const std::string& why) { return FraError("prepared store '" + file.string() + "': " + why); };
    fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw fail(std::strerror(errno));
    struct stat st {};
    ::fstat(fd_, &st);
    mapBytes_ = static_cast<std::size_t>(st.st_size);
    if (mapBytes_ < kHeaderBytes) {
        ::close(fd_);
        throw fail("truncated (" + std::to_string(mapBytes_) + " bytes, shorter than its header)");
    }
    void* m = ::mmap(nullptr, mapBytes_, PROT_READ, MAP_SHARED, fd_, 0);
    if (m == MAP_FAILED) {
        ::close(fd_);
        throw fail(std::string("cannot map: ") + std::strerror(errno));
    }
    map_ = static_cast<const std::uint8_t*>(m);
    try {
        PreparedStoreHeader h{};
        std::memcpy(&h, map_, sizeof h);
        if (std::memcmp(h.magic, kMagic, 8) != 0) throw fail("not a prepared store (bad magic)");
        if (h.version != kVersion) throw fail("format version " + std::to_string(h.version) + ", this program reads " + std::to_string(kVersion));
        if (crc32(map_, offsetof(PreparedStoreHeader, headerCrc)) != h.headerCrc) throw fail("corrupted header (checksum mismatch)");
        count_ = h.count;
        imageSize_ = static_cast<int>(h.imageSize);
        const std::size_t expected = kHeaderBytes + count_ * (4 + bytesPerImage()) + h.indexBytes;
        if (h.indexOffset != kHeaderBytes + count_ * (4 + bytesPerImage()) || mapBytes_ != expected)
            throw fail("truncated or damaged (" + std::to_string(mapBytes_) + " bytes, the header describes " + std::to_string(expected) + ")");
        const nlohmann::json index =
            nlohmann::json::parse(std::string(reinterpret_cast<const char*>(map_ + h.indexOffset), h.indexBytes));
        sources_ = index.at("sources").get<std::vector<std::string>>();
        if (sources_.size() != count_) throw fail("index lists " + std::to_string(sources_.size()) + " images, header " + std::to_string(count_));
    } catch (const FraError&) {
        ::munmap(const_cast<std::uint8_t*>(map_), mapBytes_);
        ::close(fd_);
        throw;
    } catch (const std::exception& e) {
        ::munmap(const_cast<std::uint8_t*>(map_), mapBytes_);
        ::close(fd_);
        throw fail(std::string("unreadable index (") + e.what() + ")");
    }
}

PreparedStore::~PreparedStore() {
    if (map_) ::munmap(const_cast<std::uint8_t*>(map_), mapBytes_);
    if (fd_ >= 0) ::close(fd_);
}

const std::uint8_t* PreparedStore::image(std::size_t i, bool verify) const {
    if (i >= count_) throw FraError("prepared store '" + file_.string() + "': image " + std::to_string(i) + " out of range");
    const std::uint8_t* record = map_ + kHeaderBytes + i * (4 + bytesPerImage());
    if (verify) {
        std::uint32_t stored;
        std::memcpy(&stored, record, 4);
        if (crc32(record + 4, bytesPerImage()) != stored)
            throw FraError("prepared store '" + file_.string() + "': image " + std::to_string(i) + " (" + sources_[i] +
                           ") is corrupted (checksum mismatch)");
    }
    return record + 4;
}

void PreparedStore::verifyAll() const {
    for (std::size_t i = 0; i < count_; ++i) image(i, true);
}

}  // namespace fra
