#include "data/ImageDecoder.h"
#include "data/ImageFolder.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/FraError.h"

#include <fstream>
#include <gtest/gtest.h>

TEST(ImageDecoder, DecodesEveryFormatToRgb) {
    TempDir dir;
    const cv::Mat rgb = testimages::syntheticRgb(40, 30, 3);
    for (const std::string ext : {".jpg", ".png", ".bmp", ".webp"}) {
        testimages::writeImage(dir / ("x" + ext), rgb);
        const fra::DecodedImage out = fra::ImageDecoder(8).decode(dir / ("x" + ext));
        ASSERT_TRUE(out.ok()) << ext << ": " << out.problem;
        EXPECT_EQ(out.rgb.cols, 40);
        EXPECT_EQ(out.rgb.rows, 30);
        if (ext == ".png" || ext == ".bmp") {  // lossless: the same RGB pixels come back
            EXPECT_EQ(cv::norm(out.rgb, rgb, cv::NORM_INF), 0.0) << ext;
        }
    }
}

TEST(ImageDecoder, RejectsBrokenAndTinyFilesWithAReason) {
    TempDir dir;
    testimages::writeTruncatedJpeg(dir / "truncated.jpg");
    testimages::writeGarbage(dir / "garbage.png");
    std::ofstream(dir / "empty.jpg");
    testimages::writeImage(dir / "tiny.png", testimages::syntheticRgb(10, 12, 1));
    const fra::ImageDecoder decoder(32);
    EXPECT_NE(decoder.decode(dir / "truncated.jpg").problem.find("truncated JPEG"), std::string::npos);
    EXPECT_EQ(decoder.decode(dir / "garbage.png").problem, "not a decodable image");
    EXPECT_EQ(decoder.decode(dir / "empty.jpg").problem, "empty file");
    EXPECT_EQ(decoder.decode(dir / "tiny.png").problem, "10x12 is smaller than 32 px");
    EXPECT_EQ(decoder.decode(dir / "missing.jpg").problem, "cannot open file");
}

TEST(ImageFolder, FindsImagesRecursivelyInStableOrder) {
    TempDir dir;
    testimages::writeFolder(dir / "b", 2, 16, ".PNG");
    testimages::writeFolder(dir / "a" / "deep", 2, 16, ".jpeg");
    std::ofstream(dir / "notes.txt") << "x";
    const fra::ImageFolder folder(dir.path());
    ASSERT_EQ(folder.size(), 4u);
    EXPECT_EQ(folder.relative(0), "a/deep/face_000.jpeg");
    EXPECT_EQ(folder.relative(3), "b/face_001.PNG");
    EXPECT_THROW(fra::ImageFolder(dir / "nope"), fra::FraError);
    TempDir empty;
    EXPECT_THROW(fra::ImageFolder(empty.path()), fra::FraError);
}
