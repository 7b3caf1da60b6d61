#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fra {

// A prepared dataset: faces cropped square and resized once into one memory-mapped file, so the
// training input pipeline does no per-file work (../shared/docs/performance.md: JPEG decoding
// starves the GPU). Two encodings:
//   version 2, JPEG (`fra prepare`'s default): each face re-encoded once at the stored size with a
//     stated quality (or copied when it already is a baseline JPEG of that size); decoded per batch
//     on the device (nvJPEG) or by CPU threads (libjpeg-turbo). About a tenth of the raw size.
//   version 1, raw (`fra prepare --encoding raw`): decoded RGB pixels; the loader only copies them.
// Layout:
//   header (4096 bytes): magic "FRASTOR1", version, image size S, count, offsets, header CRC
//   v1 records: count x [CRC32 of the pixels (4 bytes) | S x S x 3 uint8 RGB, HWC]
//   v2 records: count x [CRC32 of the JPEG (4) | its length (4) | JPEG bytes], then count uint64
//               record offsets
//   index: JSON {"sources": [...], "skipped": [{"path", "reason"}...], "image_size": S, ...}
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

// Version 2 adds where the record offsets are and the JPEG quality (the same fields first).
struct PreparedStoreHeaderV2 {
    char magic[8];
    std::uint32_t version;
    std::uint32_t imageSize;
    std::uint64_t count;
    std::uint64_t indexOffset;
    std::uint64_t indexBytes;
    std::uint64_t offsetsOffset;  // count x uint64: where each record starts
    std::uint32_t quality;        // JPEG quality of the re-encoded faces
    std::uint32_t headerCrc;      // CRC32 of the fields above
};

enum class StoreEncoding { Raw, Jpeg };

class PreparedStore {
public:
    static constexpr std::size_t kHeaderBytes = 4096;
    static constexpr char kMagic[9] = "FRASTOR1";
    static constexpr std::uint32_t kRawVersion = 1;
    static constexpr std::uint32_t kJpegVersion = 2;

    explicit PreparedStore(const std::filesystem::path& file);  // maps and checks the structure
    ~PreparedStore();
    PreparedStore(const PreparedStore&) = delete;
    PreparedStore& operator=(const PreparedStore&) = delete;

    std::size_t size() const { return count_; }
    int imageSize() const { return imageSize_; }
    StoreEncoding encoding() const { return encoding_; }
    int jpegQuality() const { return quality_; }
    std::size_t bytesPerImage() const { return static_cast<std::size_t>(imageSize_) * imageSize_ * 3; }
    const std::string& source(std::size_t i) const { return sources_[i]; }
    const std::filesystem::path& file() const { return file_; }

    // Pixels of image i (S x S x 3 RGB) of a raw store. `verify` checks its CRC and throws FraError
    // on mismatch.
    const std::uint8_t* image(std::size_t i, bool verify = true) const;
    // The stored JPEG of image i of a JPEG store (checked like image()).
    struct Encoded {
        const std::uint8_t* data = nullptr;
        std::size_t bytes = 0;
    };
    Encoded encoded(std::size_t i, bool verify = true) const;
    // Image i as S x S x 3 RGB in `rgb`, whatever the encoding (JPEG decoded on this thread).
    void decodeInto(std::size_t i, std::uint8_t* rgb, bool verify = true) const;
    void verifyAll() const;  // every checksum (and, for JPEG, that every face decodes); throws at the first bad image

    static std::uint32_t crc32(const std::uint8_t* data, std::size_t bytes);

private:
    [[noreturn]] void fail(std::size_t i, const std::string& why) const;

    std::filesystem::path file_;
    int fd_ = -1;
    const std::uint8_t* map_ = nullptr;
    std::size_t mapBytes_ = 0;
    std::size_t count_ = 0;
    int imageSize_ = 0;
    StoreEncoding encoding_ = StoreEncoding::Raw;
    int quality_ = 0;
    const std::uint64_t* offsets_ = nullptr;  // v2: record offsets (in the map)
    std::uint64_t recordsEnd_ = 0;            // v2: where the offset table starts
    std::vector<std::string> sources_;
};

}  // namespace fra
