#include "data/PreparedStore.h"

#include "data/JpegCodec.h"
#include "util/FraError.h"

#include <algorithm>

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
        if (h.version != kRawVersion && h.version != kJpegVersion)
            throw fail("format version " + std::to_string(h.version) + ", this program reads " + std::to_string(kRawVersion) + " (raw) and " +
                       std::to_string(kJpegVersion) + " (JPEG)");
        count_ = h.count;
        imageSize_ = static_cast<int>(h.imageSize);
        std::uint64_t recordsEnd = 0;
        if (h.version == kRawVersion) {
            if (crc32(map_, offsetof(PreparedStoreHeader, headerCrc)) != h.headerCrc) throw fail("corrupted header (checksum mismatch)");
            if (imageSize_ < 1 || imageSize_ > 16384 || count_ > (std::uint64_t{1} << 40)) throw fail("corrupted header (image size or count)");
            recordsEnd = kHeaderBytes + count_ * (4 + bytesPerImage());
        } else {
            PreparedStoreHeaderV2 h2{};
            std::memcpy(&h2, map_, sizeof h2);
            if (crc32(map_, offsetof(PreparedStoreHeaderV2, headerCrc)) != h2.headerCrc) throw fail("corrupted header (checksum mismatch)");
            encoding_ = StoreEncoding::Jpeg;
            quality_ = static_cast<int>(h2.quality);
            if (imageSize_ < 1 || imageSize_ > 16384 || h2.offsetsOffset % 8 != 0 || h2.offsetsOffset < kHeaderBytes ||
                count_ > (std::uint64_t{1} << 40) || h2.offsetsOffset > (std::uint64_t{1} << 60) ||
                h2.offsetsOffset + count_ * 8 != h2.indexOffset)
                throw fail("corrupted header (image size, count or offsets)");
            recordsEnd = h2.offsetsOffset;
            recordsEnd_ = h2.offsetsOffset;
        }
        const std::uint64_t expected = h.indexOffset + h.indexBytes;
        if (h.indexOffset < recordsEnd || h.indexOffset > mapBytes_ || h.indexBytes > mapBytes_ || mapBytes_ != expected)
            throw fail("truncated or damaged (" + std::to_string(mapBytes_) + " bytes, the header describes " + std::to_string(expected) + ")");
        if (h.version == kRawVersion && h.indexOffset != recordsEnd)
            throw fail("truncated or damaged (" + std::to_string(mapBytes_) + " bytes, the header describes " + std::to_string(expected) + ")");
        if (encoding_ == StoreEncoding::Jpeg) {
            offsets_ = reinterpret_cast<const std::uint64_t*>(map_ + recordsEnd_);
            std::uint64_t previous = kHeaderBytes;
            for (std::size_t i = 0; i < count_; ++i) {  // in order and inside the records: encoded() can trust them
                if (offsets_[i] != previous || offsets_[i] + 8 > recordsEnd_)
                    throw fail("damaged record table (record " + std::to_string(i) + ")");
                std::uint32_t length;
                std::memcpy(&length, map_ + offsets_[i] + 4, 4);
                previous = offsets_[i] + 8 + length;
                if (previous > recordsEnd_) throw fail("damaged record table (record " + std::to_string(i) + ")");
            }
        }
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

void PreparedStore::fail(std::size_t i, const std::string& why) const {
    throw FraError("prepared store '" + file_.string() + "': image " + std::to_string(i) + " (" + sources_[i] + ") " + why);
}

const std::uint8_t* PreparedStore::image(std::size_t i, bool verify) const {
    if (i >= count_) throw FraError("prepared store '" + file_.string() + "': image " + std::to_string(i) + " out of range");
    if (encoding_ != StoreEncoding::Raw) fail(i, "is a JPEG: decode it (decodeInto)");
    const std::uint8_t* record = map_ + kHeaderBytes + i * (4 + bytesPerImage());
    if (verify) {
        std::uint32_t stored;
        std::memcpy(&stored, record, 4);
        if (crc32(record + 4, bytesPerImage()) != stored) fail(i, "is corrupted (checksum mismatch)");
    }
    return record + 4;
}

PreparedStore::Encoded PreparedStore::encoded(std::size_t i, bool verify) const {
    if (i >= count_) throw FraError("prepared store '" + file_.string() + "': image " + std::to_string(i) + " out of range");
    if (encoding_ != StoreEncoding::Jpeg) fail(i, "is raw pixels, not a JPEG");
    const std::uint8_t* record = map_ + offsets_[i];
    std::uint32_t stored, length;
    std::memcpy(&stored, record, 4);
    std::memcpy(&length, record + 4, 4);
    if (verify && crc32(record + 8, length) != stored) fail(i, "is corrupted (checksum mismatch)");
    return {record + 8, length};
}

void PreparedStore::decodeInto(std::size_t i, std::uint8_t* rgb, bool verify) const {
    if (encoding_ == StoreEncoding::Raw) {
        const std::uint8_t* pixels = image(i, verify);
        std::copy(pixels, pixels + bytesPerImage(), rgb);
        return;
    }
    const Encoded e = encoded(i, verify);
    std::string problem;
    if (!jpeg::decodeInto(e.data, e.bytes, imageSize_, imageSize_, rgb, problem)) fail(i, "does not decode: " + problem);
}

void PreparedStore::verifyAll() const {
    std::vector<std::uint8_t> pixels(encoding_ == StoreEncoding::Jpeg ? bytesPerImage() : 0);
    for (std::size_t i = 0; i < count_; ++i) {
        if (encoding_ == StoreEncoding::Jpeg) decodeInto(i, pixels.data(), true);
        else image(i, true);
    }
}

}  // namespace fra
