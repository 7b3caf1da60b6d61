#include "data/ImageDecoder.h"
#include "data/PreparedStore.h"
#include "data/PreparedStoreWriter.h"
#include "data/TwoViewAugmenter.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <fstream>
#include "support/Errors.h"

#include <gtest/gtest.h>

namespace fs = std::filesystem;

TEST(PreparedStore, RoundTripsPixelsSourcesAndSkips) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 5, 50);
    testimages::writeGarbage(dir / "faces" / "zz_broken.jpg");
    const auto report = fra::PreparedStoreWriter(dir / "faces", dir / "faces.frastore", 32).run();
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
    fra::PreparedStoreWriter(dir / "faces", dir / "whole.frastore", 24).run();
    fra::PreparedStoreWriter interrupted(dir / "faces", dir / "resumed.frastore", 24);
    EXPECT_THROW(interrupted.run([](std::size_t done, std::size_t) {
        if (done >= 1) throw std::runtime_error("killed");  // at the first progress report
    }),
                 std::runtime_error);
    ASSERT_TRUE(fs::exists(dir / "resumed.frastore.partial"));
    const auto report = fra::PreparedStoreWriter(dir / "faces", dir / "resumed.frastore", 24).run();
    EXPECT_GE(report.resumedFrom, 1u);
    EXPECT_EQ(fra::readWholeFile(dir / "whole.frastore"), fra::readWholeFile(dir / "resumed.frastore"));
}

TEST(PreparedStore, TruncatedCorruptedAndForeignFilesAreRefused) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 3, 40);
    fra::PreparedStoreWriter(dir / "faces", dir / "s.frastore", 16).run();
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
