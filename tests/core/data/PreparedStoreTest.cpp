#include "data/ImageDecoder.h"
#include "data/PreparedStore.h"
#include "data/PreparedStoreWriter.h"
#include "support/StoreOptions.h"
#include "data/TwoViewAugmenter.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <cstring>
#include <fstream>
#include "support/Errors.h"

#include <gtest/gtest.h>

namespace fs = std::filesystem;

TEST(PreparedStore, RoundTripsPixelsSourcesAndSkips) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 5, 50);
    testimages::writeGarbage(dir / "faces" / "zz_broken.jpg");
    const auto report = fra::PreparedStoreWriter(dir / "faces", dir / "faces.frastore", rawStore(32)).run();
    EXPECT_EQ(report.written, 5u);
    EXPECT_EQ(report.skipped, 1u);
    EXPECT_FALSE(fs::exists(dir / "faces.frastore.partial"));
    const fra::PreparedStore store(dir / "faces.frastore");
    ASSERT_EQ(store.size(), 5u);
    EXPECT_EQ(store.imageSize(), 32);
    EXPECT_EQ(store.source(2), "face_002.jpg");
    const cv::Mat expected = fra::TwoViewAugmenter::centerCrop(fra::ImageDecoder().decode(dir / "faces" / "face_002.jpg").rgb, 32);
    const cv::Mat stored(32, 32, CV_8UC3, const_cast<std::uint8_t*>(store.image(2)));
    EXPECT_EQ(cv::norm(expected, stored, cv::NORM_INF), 0.0);
    EXPECT_NO_THROW(store.verifyAll());
}

TEST(PreparedStore, AnInterruptedPrepareResumesToTheSameFile) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 40, 40);
    fra::PreparedStoreWriter(dir / "faces", dir / "whole.frastore", rawStore(24)).run();
    fra::PreparedStoreWriter interrupted(dir / "faces", dir / "resumed.frastore", rawStore(24));
    EXPECT_THROW(interrupted.run([](std::size_t done, std::size_t) {
        if (done >= 1) throw std::runtime_error("killed");  // at the first progress report
    }),
                 std::runtime_error);
    ASSERT_TRUE(fs::exists(dir / "resumed.frastore.partial"));
    const auto report = fra::PreparedStoreWriter(dir / "faces", dir / "resumed.frastore", rawStore(24)).run();
    EXPECT_GE(report.resumedFrom, 1u);
    EXPECT_EQ(fra::readWholeFile(dir / "whole.frastore"), fra::readWholeFile(dir / "resumed.frastore"));
}

TEST(PreparedStore, TruncatedCorruptedAndForeignFilesAreRefused) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 3, 40);
    fra::PreparedStoreWriter(dir / "faces", dir / "s.frastore", rawStore(16)).run();
    const std::string bytes = fra::readWholeFile(dir / "s.frastore");

    std::ofstream(dir / "short.frastore", std::ios::binary) << bytes.substr(0, bytes.size() - 100);
    EXPECT_NE(errorOf([&] { fra::PreparedStore s(dir / "short.frastore"); }).find("short.frastore': truncated or damaged"), std::string::npos);

    std::string flipped = bytes;
    flipped[fra::PreparedStore::kHeaderBytes + (4 + 16 * 16 * 3) + 4 + 100] ^= 0x40;  // a pixel of image 1
    std::ofstream(dir / "flip.frastore", std::ios::binary) << flipped;
    const fra::PreparedStore damaged(dir / "flip.frastore");  // the structure is intact
    EXPECT_NO_THROW(damaged.image(0));
    EXPECT_NE(errorOf([&] { damaged.image(1); }).find("image 1 (face_001.jpg) is corrupted (checksum mismatch)"), std::string::npos);
    EXPECT_THROW(damaged.verifyAll(), fra::FraError);

    std::string header = bytes;
    header[20] ^= 0x01;  // inside the header fields
    std::ofstream(dir / "hdr.frastore", std::ios::binary) << header;
    EXPECT_NE(errorOf([&] { fra::PreparedStore s(dir / "hdr.frastore"); }).find("corrupted header"), std::string::npos);

    std::ofstream(dir / "png.frastore", std::ios::binary) << std::string(5000, 'x');
    EXPECT_NE(errorOf([&] { fra::PreparedStore s(dir / "png.frastore"); }).find("not a prepared store"), std::string::npos);
}

TEST(PreparedStore, JpegStoresHoldFacesReencodedAtTheStoredSizeOrCopied) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 5, 50);
    testimages::writeGarbage(dir / "faces" / "zz_broken.jpg");
    const std::string exact = fra::readWholeFile(dir / "faces" / "face_001.jpg");
    testimages::writeImage(dir / "faces" / "face_exact.jpg", testimages::syntheticRgb(32, 32, 99));  // already 32 x 32: copied
    const auto report = fra::PreparedStoreWriter(dir / "faces", dir / "faces.frastore", jpegStore(32, 90)).run();
    EXPECT_EQ(report.written, 6u);
    EXPECT_EQ(report.skipped, 1u);
    EXPECT_EQ(report.copied, 1u);
    const fra::PreparedStore store(dir / "faces.frastore");
    ASSERT_EQ(store.size(), 6u);
    EXPECT_EQ(store.encoding(), fra::StoreEncoding::Jpeg);
    EXPECT_EQ(store.jpegQuality(), 90);
    EXPECT_EQ(store.source(5), "face_exact.jpg");
    const fra::PreparedStore::Encoded copied = store.encoded(5);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(copied.data), copied.bytes), fra::readWholeFile(dir / "faces" / "face_exact.jpg"));
    // the others decode to what a raw store holds, up to JPEG's loss
    const cv::Mat expected = fra::TwoViewAugmenter::centerCrop(fra::ImageDecoder().decode(dir / "faces" / "face_002.jpg").rgb, 32);
    cv::Mat decoded(32, 32, CV_8UC3);
    store.decodeInto(2, decoded.data);
    EXPECT_LE(cv::norm(expected, decoded, cv::NORM_L1) / expected.total() / 3, 6.0);  // quality 90, chroma 4:2:0 at 32 px
    EXPECT_THROW(store.image(2), fra::FraError);  // pixels only in raw stores
    EXPECT_NO_THROW(store.verifyAll());
    EXPECT_LT(fs::file_size(dir / "faces.frastore"), fra::PreparedStore::kHeaderBytes + 6 * 32 * 32 * 3);
}

TEST(PreparedStore, AnInterruptedJpegPrepareResumesToTheSameFile) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 40, 40);
    fra::PreparedStoreWriter(dir / "faces", dir / "whole.frastore", jpegStore(24)).run();
    fra::PreparedStoreWriter interrupted(dir / "faces", dir / "resumed.frastore", jpegStore(24));
    EXPECT_THROW(interrupted.run([](std::size_t done, std::size_t) {
        if (done >= 1) throw std::runtime_error("killed");
    }),
                 std::runtime_error);
    // a torn record after the last logged one is cut off on resume
    { std::ofstream(dir / "resumed.frastore.partial", std::ios::binary | std::ios::app) << std::string(37, 'x'); }
    const auto report = fra::PreparedStoreWriter(dir / "faces", dir / "resumed.frastore", jpegStore(24)).run();
    EXPECT_GE(report.resumedFrom, 1u);
    EXPECT_EQ(fra::readWholeFile(dir / "whole.frastore"), fra::readWholeFile(dir / "resumed.frastore"));
    // a partial store of other settings is not continued: it is started again
    fra::PreparedStoreWriter other(dir / "faces", dir / "q.frastore", jpegStore(24, 50));
    EXPECT_THROW(other.run([](std::size_t done, std::size_t) {
        if (done >= 1) throw std::runtime_error("killed");
    }),
                 std::runtime_error);
    fra::PreparedStoreWriter(dir / "faces", dir / "q.frastore", jpegStore(24)).run();
    EXPECT_EQ(fra::readWholeFile(dir / "whole.frastore"), fra::readWholeFile(dir / "q.frastore"));
}

TEST(PreparedStore, DamagedJpegStoresAreRefusedNamingTheImage) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 3, 40);
    fra::PreparedStoreWriter(dir / "faces", dir / "s.frastore", jpegStore(16)).run();
    const std::string bytes = fra::readWholeFile(dir / "s.frastore");
    std::ofstream(dir / "short.frastore", std::ios::binary) << bytes.substr(0, bytes.size() - 100);
    EXPECT_NE(errorOf([&] { fra::PreparedStore s(dir / "short.frastore"); }).find("short.frastore': truncated or damaged"), std::string::npos);

    const fra::PreparedStore intact(dir / "s.frastore");
    const std::size_t second = static_cast<std::size_t>(intact.encoded(1).data - intact.encoded(0).data) + fra::PreparedStore::kHeaderBytes + 8;
    std::string flipped = bytes;
    flipped[second + 40] ^= 0x40;  // inside the JPEG of image 1
    std::ofstream(dir / "flip.frastore", std::ios::binary) << flipped;
    const fra::PreparedStore damaged(dir / "flip.frastore");
    EXPECT_NO_THROW(damaged.encoded(0));
    EXPECT_NE(errorOf([&] { damaged.encoded(1); }).find("image 1 (face_001.jpg) is corrupted (checksum mismatch)"), std::string::npos);
    std::vector<std::uint8_t> rgb(16 * 16 * 3);
    EXPECT_THROW(damaged.decodeInto(1, rgb.data()), fra::FraError);
    EXPECT_THROW(damaged.verifyAll(), fra::FraError);

    std::string table = bytes;
    fra::PreparedStoreHeaderV2 header{};
    std::memcpy(&header, bytes.data(), sizeof header);
    table[header.offsetsOffset + 8] ^= 0x01;  // the second record's offset
    std::ofstream(dir / "table.frastore", std::ios::binary) << table;
    EXPECT_NE(errorOf([&] { fra::PreparedStore s(dir / "table.frastore"); }).find("damaged record table (record 1)"), std::string::npos);
}
