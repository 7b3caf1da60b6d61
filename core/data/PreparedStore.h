#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fra {

// A prepared dataset: faces decoded and resized once into one memory-mapped file, so the GPU
// input pipeline only copies bytes (../shared/docs/performance.md: JPEG decoding starves the GPU).
//   header (4096 bytes): magic "FRASTOR1", version, image size S, count, offsets, header CRC
//   records: count x [CRC32 of the pixels (4 bytes) | S x S x 3 uint8 RGB, HWC]
//   index: JSON {"sources": [...], "skipped": [{"path", "reason"}...], "image_size": S}
// Written by PreparedStoreWriter (`fra prepare`), resumable; a truncated or corrupted file is
// refused with an error naming the file (and the image, for a checksum mismatch).
// The fixed part of the 4096-byte header, as written on disk (little-endian x86-64 layout).
struct PreparedStoreHeader {
    char magic[8];
    std::uint32_t version;
    std::uint32_t imageSize;
    std::uint64_t count;
    std::uint64_t indexOffset;
    std::uint64_t indexBytes;
    std::uint32_t headerCrc;  // CRC32 of the fields above
};

class PreparedStore {
public:
    static constexpr std::size_t kHeaderBytes = 4096;
    static constexpr char kMagic[9] = "FRASTOR1";
    static constexpr std::uint32_t kVersion = 1;

    explicit PreparedStore(const std::filesystem::path& file);  // maps and checks the structure
    ~PreparedStore();
    PreparedStore(const PreparedStore&) = delete;
    PreparedStore& operator=(const PreparedStore&) = delete;

    std::size_t size() const { return count_; }
    int imageSize() const { return imageSize_; }
    std::size_t bytesPerImage() const { return static_cast<std::size_t>(imageSize_) * imageSize_ * 3; }
    const std::string& source(std::size_t i) const { return sources_[i]; }
    const std::filesystem::path& file() const { return file_; }
    // Pixels of image i (S x S x 3 RGB). `verify` checks its CRC and throws FraError on mismatch.
    const std::uint8_t* image(std::size_t i, bool verify = true) const;
    void verifyAll() const;  // every checksum; throws at the first bad image

    static std::uint32_t crc32(const std::uint8_t* data, std::size_t bytes);

private:
    std::filesystem::path file_;
    int fd_ = -1;
    const std::uint8_t* map_ = nullptr;
    std::size_t mapBytes_ = 0;
    std::size_t count_ = 0;
    int imageSize_ = 0;
    std::vector<std::string> sources_;
};

}  // namespace fra
